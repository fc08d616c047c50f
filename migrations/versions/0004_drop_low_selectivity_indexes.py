"""drop low-selectivity indexes; township path

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Drop the single-column indexes on cases.status and cases.risk_level: a handful of values each,
they narrow nothing, and SQLite's planner (without statistics) preferred them to the region
range, reading a third of the table for a township's list. Add cases.township_path with an
index (township_path, created_at): "this township's recent cases" in date order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_risk_level"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.add_column(sa.Column("township_path", PATH, nullable=False, server_default=""))
    op.execute("UPDATE cases SET township_path = substr(region_path, 1, 9)")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_township_path_created_at", ["township_path", "created_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_township_path_created_at")
        batch_op.drop_column("township_path")
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_risk_level"), ["risk_level"], unique=False)
