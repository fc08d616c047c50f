"""case events by actor: what one person did in a period

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27

The patrol figures count, per lane chief or cadre, the disputes they handled and escalated in a
period: case events by ``(actor_id, at)``. Without this index that reads every event of the
city.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_events_actor_id_at", "case_events", ["actor_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_case_events_actor_id_at", table_name="case_events")
