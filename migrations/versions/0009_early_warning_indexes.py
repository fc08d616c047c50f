"""early warning: index alerts by rule and key

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

The early-warning scan (alerts/jobs.py) looks up the live alert of each rule and key it finds,
every minute; without this index each lookup reads the whole alerts table.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_rule_key", ["rule", "key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_rule_key")
