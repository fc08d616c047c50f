"""case deadlines, extensions, supervision and callback

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

Cases get their deadlines (accept, contact, resolve), the marks the worker leaves so that it
acts once per deadline, the pause, the 督办 level and supervisor, the callback invitation and
``next_check_at`` (indexed: the worker's queue). New tables: deadline_rules (editable limits
per category × tier × risk level) and case_extensions (延期 requests and decisions).

Cases from before deadlines existed keep empty deadlines (nothing is invented for them); the
resolved ones get ``next_check_at`` so the worker still sends their callback invitation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MOMENTS = [
    "accept_by",
    "contact_by",
    "resolve_by",
    "contacted_at",
    "contact_overdue_at",
    "warned_for",
    "overdue_for",
    "overdue_at",
    "paused_at",
    "rating_invited_at",
    "next_check_at",
]


def upgrade() -> None:
    op.create_table(
        "deadline_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=True),
        sa.Column("tier", sa.String(length=10), nullable=True),
        sa.Column("risk_level", sa.String(length=10), nullable=True),
        sa.Column("accept_hours", sa.Float(), nullable=True),
        sa.Column("contact_hours", sa.Float(), nullable=True),
        sa.Column("resolve_working_days", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["categories.code"],
            name=op.f("fk_deadline_rules_category_code_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_rules")),
    )
    op.create_table(
        "case_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("previous_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_extensions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_case_extensions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_case_extensions_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_extensions")),
    )
    op.create_index(
        op.f("ix_case_extensions_case_id"), "case_extensions", ["case_id"], unique=False
    )
    # One batch: SQLite copies the table once (the foreign key needs the copy).
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in MOMENTS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deadline_note", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("pause_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("supervision_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("supervisor_unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_supervisor_unit_id_units"), "units", ["supervisor_unit_id"], ["id"]
        )
        batch_op.create_index("ix_cases_next_check_at", ["next_check_at"], unique=False)
    op.execute("UPDATE cases SET next_check_at = updated_at WHERE status = 'resolved'")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_next_check_at")
        batch_op.drop_constraint(
            batch_op.f("fk_cases_supervisor_unit_id_units"), type_="foreignkey"
        )
        batch_op.drop_column("supervisor_unit_id")
        batch_op.drop_column("supervision_level")
        batch_op.drop_column("pause_reason")
        batch_op.drop_column("deadline_note")
        for name in reversed(MOMENTS):
            batch_op.drop_column(name)
    op.drop_index(op.f("ix_case_extensions_case_id"), table_name="case_extensions")
    op.drop_table("case_extensions")
    op.drop_table("deadline_rules")
