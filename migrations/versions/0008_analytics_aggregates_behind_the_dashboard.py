"""analytics aggregates behind the dashboard

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

What each case counts for (analytics_case_facts) and the counts the dashboard reads, per day,
week and month: × township; received and resolved × township × category; × responsible unit;
and open cases per township × category × risk level. The count tables are WITHOUT ROWID on
SQLite (their rows live in the primary key). The tables start empty: run
``jieyou stats rebuild`` once after upgrading a database that already holds cases
(docs/decisions/0007-dashboard-figures.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")

# Copied from jieyou.analytics.models at the time of writing (migrations never import models).
MEASURES = (
    "received",
    "accepted",
    "responded",
    "responded_on_time",
    "resolved",
    "resolved_on_time",
    "resolved_grassroots",
    "concluded",
    "solved",
    "rated",
    "satisfied",
    "unrated",
    "rejected",
    "merged",
)
HANDLING_COLUMNS = tuple(f"h{i:02d}" for i in range(17))


def _counts(names: tuple[str, ...]) -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        "analytics_case_facts",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("township_path", PATH, nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("created_day", sa.Date(), nullable=False),
        sa.Column("accepted_day", sa.Date(), nullable=True),
        sa.Column("response_day", sa.Date(), nullable=True),
        sa.Column("response_on_time", sa.Boolean(), nullable=False),
        sa.Column("resolved_day", sa.Date(), nullable=True),
        sa.Column("resolved_on_time", sa.Boolean(), nullable=False),
        sa.Column("resolved_grassroots", sa.Boolean(), nullable=False),
        sa.Column("handling_bucket", sa.SmallInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("concluded_day", sa.Date(), nullable=True),
        sa.Column("rating_class", sa.String(length=12), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("is_overdue", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_analytics_case_facts_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_analytics_case_facts")),
    )
    op.create_table(
        "analytics_region_counts",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("township_path", PATH, nullable=False),
        *_counts(MEASURES + HANDLING_COLUMNS),
        sa.PrimaryKeyConstraint(
            "grain", "day", "township_path", name=op.f("pk_analytics_region_counts")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "analytics_category_counts",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("township_path", PATH, nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        *_counts(("received", "resolved")),
        sa.PrimaryKeyConstraint(
            "grain", "day", "township_path", "category", name=op.f("pk_analytics_category_counts")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "analytics_unit_counts",
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_counts(MEASURES),
        sa.PrimaryKeyConstraint("unit_id", "grain", "day", name=op.f("pk_analytics_unit_counts")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "analytics_open_counts",
        sa.Column("township_path", PATH, nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "township_path", "category", "risk_level", name=op.f("pk_analytics_open_counts")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("analytics_open_counts")
    op.drop_table("analytics_unit_counts")
    op.drop_table("analytics_category_counts")
    op.drop_table("analytics_region_counts")
    op.drop_table("analytics_case_facts")
