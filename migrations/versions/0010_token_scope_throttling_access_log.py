"""token scope, throttling hits, access log

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27

API tokens get a scope (full, read, submit). ``throttle_hits`` counts failed sign-ins, wrong
query codes and submissions across processes. ``access_logs`` records every full view of a
case's personal data. ``cases.personal_data_purged_at`` marks cases whose personal data the
retention purge removed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("personal_data_purged_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=10), nullable=False, server_default="full")
        )
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_hits")),
    )
    op.create_index(
        "ix_throttle_hits_bucket_key_at", "throttle_hits", ["bucket", "key", "at"], unique=False
    )
    op.create_index(op.f("ix_throttle_hits_at"), "throttle_hits", ["at"], unique=False)
    op.create_table(
        "access_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.String(length=120), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_access_logs_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_access_logs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_logs")),
    )
    op.create_index("ix_access_logs_case_id_at", "access_logs", ["case_id", "at"], unique=False)
    op.create_index(op.f("ix_access_logs_user_id"), "access_logs", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_access_logs_user_id"), table_name="access_logs")
    op.drop_index("ix_access_logs_case_id_at", table_name="access_logs")
    op.drop_table("access_logs")
    op.drop_index(op.f("ix_throttle_hits_at"), table_name="throttle_hits")
    op.drop_index("ix_throttle_hits_bucket_key_at", table_name="throttle_hits")
    op.drop_table("throttle_hits")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("scope")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("personal_data_purged_at")
