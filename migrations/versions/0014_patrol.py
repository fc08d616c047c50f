"""patrol: patrols (排查), on-the-spot settlements, duty activities, screening campaigns

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27

A patrol is a lane chief's or grid worker's visit to a lane (households visited, what was
found, the case opened from it). An on-the-spot settlement (小事不出巷) records how a chief
resolved a case at lane level; cases stay unchanged. Activities are the chief's other duties
(宣传政策 …). A campaign (专项排查) snapshots its grids at launch; each grid's report is
written onto its row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")
UTC = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}")
    )


def upgrade() -> None:
    op.create_table(
        "patrols",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lane_code", sa.String(length=16), nullable=False),
        sa.Column("lane_path", PATH, nullable=False),
        sa.Column("patrolled_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("households_visited", sa.Integer(), nullable=False),
        sa.Column("finding", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _fk("patrols", "lane_code", "regions.code"),
        _fk("patrols", "recorded_by_id", "users.id"),
        _fk("patrols", "case_id", "cases.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrols")),
        sa.UniqueConstraint("case_id", name=op.f("uq_patrols_case_id")),
    )
    op.create_index("ix_patrols_lane_code_patrolled_on", "patrols", ["lane_code", "patrolled_on"])
    op.create_index("ix_patrols_lane_path_patrolled_on", "patrols", ["lane_path", "patrolled_on"])
    op.create_index(
        "ix_patrols_recorded_by_id_patrolled_on", "patrols", ["recorded_by_id", "patrolled_on"]
    )

    op.create_table(
        "on_spot_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("patrol_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("settled_by_id", sa.Integer(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=1000), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _fk("on_spot_settlements", "case_id", "cases.id"),
        _fk("on_spot_settlements", "patrol_id", "patrols.id"),
        _fk("on_spot_settlements", "region_code", "regions.code"),
        _fk("on_spot_settlements", "settled_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_on_spot_settlements")),
        sa.UniqueConstraint("case_id", name=op.f("uq_on_spot_settlements_case_id")),
    )
    op.create_index(
        "ix_on_spot_settlements_region_path_settled_on",
        "on_spot_settlements",
        ["region_path", "settled_on"],
    )
    op.create_index(
        "ix_on_spot_settlements_settled_by_id_settled_on",
        "on_spot_settlements",
        ["settled_by_id", "settled_on"],
    )

    op.create_table(
        "patrol_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _fk("patrol_activities", "region_code", "regions.code"),
        _fk("patrol_activities", "recorded_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_activities")),
    )
    op.create_index(
        "ix_patrol_activities_region_path_held_on",
        "patrol_activities",
        ["region_path", "held_on"],
    )
    op.create_index(
        "ix_patrol_activities_recorded_by_id_held_on",
        "patrol_activities",
        ["recorded_by_id", "held_on"],
    )

    op.create_table(
        "patrol_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("launched_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _fk("patrol_campaigns", "region_code", "regions.code"),
        _fk("patrol_campaigns", "launched_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_campaigns")),
    )
    op.create_index(op.f("ix_patrol_campaigns_region_path"), "patrol_campaigns", ["region_path"])

    op.create_table(
        "patrol_campaign_grids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("grid_code", sa.String(length=16), nullable=False),
        sa.Column("grid_path", PATH, nullable=False),
        sa.Column("reported_at", UTC, nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("households_covered", sa.Integer(), nullable=True),
        sa.Column("disputes_found", sa.Integer(), nullable=True),
        sa.Column("hazards_found", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        _fk("patrol_campaign_grids", "campaign_id", "patrol_campaigns.id"),
        _fk("patrol_campaign_grids", "grid_code", "regions.code"),
        _fk("patrol_campaign_grids", "reported_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_campaign_grids")),
        sa.UniqueConstraint(
            "campaign_id",
            "grid_code",
            name=op.f("uq_patrol_campaign_grids_campaign_id_grid_code"),
        ),
    )
    op.create_index("ix_patrol_campaign_grids_grid_path", "patrol_campaign_grids", ["grid_path"])


def downgrade() -> None:
    op.drop_index("ix_patrol_campaign_grids_grid_path", table_name="patrol_campaign_grids")
    op.drop_table("patrol_campaign_grids")
    op.drop_index(op.f("ix_patrol_campaigns_region_path"), table_name="patrol_campaigns")
    op.drop_table("patrol_campaigns")
    for name in (
        "ix_patrol_activities_recorded_by_id_held_on",
        "ix_patrol_activities_region_path_held_on",
    ):
        op.drop_index(name, table_name="patrol_activities")
    op.drop_table("patrol_activities")
    for name in (
        "ix_on_spot_settlements_settled_by_id_settled_on",
        "ix_on_spot_settlements_region_path_settled_on",
    ):
        op.drop_index(name, table_name="on_spot_settlements")
    op.drop_table("on_spot_settlements")
    for name in (
        "ix_patrols_recorded_by_id_patrolled_on",
        "ix_patrols_lane_path_patrolled_on",
        "ix_patrols_lane_code_patrolled_on",
    ):
        op.drop_index(name, table_name="patrols")
    op.drop_table("patrols")
