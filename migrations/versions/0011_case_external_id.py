"""case external id: the key that makes importing a file twice add nothing

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

``jieyou import cases`` stores each row's ``external_id`` (the case's number in the system it
came from) and skips rows whose id is already there. Nullable: cases that arrive any other way
have none. A unique index rather than a constraint, so SQLite adds it without copying the
cases table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_cases_external_id", ["external_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_external_id")
        batch_op.drop_column("external_id")
