"""rectification ledger: problem lists (批次) whose problems are cases of kind rectification

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27

A batch is a list handed down by an inspection (e.g. 省田长办's farmland 非农化/非粮化
problems), issued by a city or county centre that verifies each rectification (销号). Each
item links one case (kind ``rectification``) to its batch with what the list says and a case
has no column for: the list's reference, source, problem type, area in 亩, the original
deadline and row number. No change to ``cases``: ``kind`` is there since 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rectification_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("issuer_unit_id", sa.Integer(), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_unit_id"],
            ["units.id"],
            name=op.f("fk_rectification_batches_issuer_unit_id_units"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_rectification_batches_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_batches")),
    )
    with op.batch_alter_table("rectification_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rectification_batches_issuer_unit_id"), ["issuer_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rectification_batches_region_path"), ["region_path"], unique=False
        )

    op.create_table(
        "rectification_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("external_ref", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("problem_type", sa.String(length=40), nullable=False),
        sa.Column("area_mu", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rectification_batches.id"],
            name=op.f("fk_rectification_items_batch_id_rectification_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_rectification_items_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_items")),
        sa.UniqueConstraint("case_id", name=op.f("uq_rectification_items_case_id")),
        sa.UniqueConstraint(
            "batch_id",
            "external_ref",
            name=op.f("uq_rectification_items_batch_id_external_ref"),
        ),
    )
    with op.batch_alter_table("rectification_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rectification_items_batch_id"), ["batch_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rectification_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_items_batch_id"))
    op.drop_table("rectification_items")
    with op.batch_alter_table("rectification_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_batches_region_path"))
        batch_op.drop_index(batch_op.f("ix_rectification_batches_issuer_unit_id"))
    op.drop_table("rectification_batches")
