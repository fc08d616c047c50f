"""mediation (人民调解): the roster of mediators, and the mediation of a case

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27

Mediators with their specialities and the regions they serve; the mediations of a case (one
after another: again only after a failed or withdrawn one, so ``case_id`` is indexed, not
unique) with their mediators, parties (as the 调解协议书 names them), sessions and 履行回访
follow-ups. Nothing changes in ``cases``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")
UTC = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}")
    )


def _index(table: str, *columns: str, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f(f"ix_{table}_{'_'.join(columns)}"), list(columns), unique=unique
        )


def upgrade() -> None:
    op.create_table(
        "mediators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("organisation", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=40), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("mediators", "region_code", "regions.code"),
        _fk("mediators", "user_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediators")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mediators_user_id")),
    )
    _index("mediators", "region_path")

    op.create_table(
        "mediator_specialities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("speciality", sa.String(length=20), nullable=False),
        _fk("mediator_specialities", "mediator_id", "mediators.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_specialities")),
        sa.UniqueConstraint(
            "mediator_id",
            "speciality",
            name=op.f("uq_mediator_specialities_mediator_id_speciality"),
        ),
    )
    _index("mediator_specialities", "mediator_id")
    _index("mediator_specialities", "speciality")

    op.create_table(
        "mediator_regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        _fk("mediator_regions", "mediator_id", "mediators.id"),
        _fk("mediator_regions", "region_code", "regions.code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_regions")),
        sa.UniqueConstraint(
            "mediator_id", "region_code", name=op.f("uq_mediator_regions_mediator_id_region_code")
        ),
    )
    _index("mediator_regions", "mediator_id")
    _index("mediator_regions", "region_path")

    op.create_table(
        "mediations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("committee", sa.String(length=80), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("concluded_at", UTC, nullable=True),
        sa.Column("concluded_by_id", sa.Integer(), nullable=True),
        sa.Column("terms", sa.Text(), nullable=True),
        sa.Column("performance", sa.Text(), nullable=True),
        sa.Column("performance_due", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("copies", sa.Integer(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("guidance", sa.String(length=20), nullable=True),
        sa.Column("guidance_note", sa.Text(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("honoured", sa.String(length=10), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("mediations", "case_id", "cases.id"),
        _fk("mediations", "started_by_id", "users.id"),
        _fk("mediations", "concluded_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediations")),
        sa.UniqueConstraint("number", name=op.f("uq_mediations_number")),
    )
    # Not unique: a case may be mediated again after a failed or withdrawn mediation.
    _index("mediations", "case_id")
    _index("mediations", "region_path", "concluded_at")
    _index("mediations", "follow_up_due")

    op.create_table(
        "mediation_mediators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        _fk("mediation_mediators", "mediation_id", "mediations.id"),
        _fk("mediation_mediators", "mediator_id", "mediators.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_mediators")),
        sa.UniqueConstraint(
            "mediation_id",
            "mediator_id",
            name=op.f("uq_mediation_mediators_mediation_id_mediator_id"),
        ),
    )
    _index("mediation_mediators", "mediation_id")
    _index("mediation_mediators", "mediator_id")

    op.create_table(
        "mediation_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=True),
        sa.Column("ethnicity", sa.String(length=20), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("representative", sa.String(length=60), nullable=True),
        _fk("mediation_parties", "mediation_id", "mediations.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_parties")),
    )
    _index("mediation_parties", "mediation_id")

    op.create_table(
        "mediation_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("held_at", UTC, nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("participants", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("agreed", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk("mediation_sessions", "mediation_id", "mediations.id"),
        _fk("mediation_sessions", "recorded_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_sessions")),
    )
    _index("mediation_sessions", "mediation_id")

    op.create_table(
        "mediation_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk("mediation_follow_ups", "mediation_id", "mediations.id"),
        _fk("mediation_follow_ups", "recorded_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_follow_ups")),
    )
    _index("mediation_follow_ups", "mediation_id")


def downgrade() -> None:
    for table in (
        "mediation_follow_ups",
        "mediation_sessions",
        "mediation_parties",
        "mediation_mediators",
        "mediations",
        "mediator_regions",
        "mediator_specialities",
        "mediators",
    ):
        op.drop_table(table)
