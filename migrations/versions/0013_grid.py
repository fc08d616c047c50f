"""grid register: boundaries of grids and lanes, villager groups, chief assignments (三长制)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27

Grids and lanes stay rows of ``regions``; they gain a free-text ``boundary`` (四至). Villager
groups (村民小组) get their own table. ``chief_assignments`` keeps every term of every 片长,
组长, 巷长/邻长 and 网格员; two partial unique indexes allow one current holder per grid, lane
(片长, 巷长) and group (组长) while keeping the ended terms.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")
CURRENT_PLACE = "ended_on IS NULL AND post IN ('grid_chief', 'lane_chief')"
CURRENT_GROUP = "ended_on IS NULL AND group_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("boundary", sa.Text(), nullable=True))

    op.create_table(
        "villager_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_code", sa.String(length=16), nullable=False),
        sa.Column("grid_code", sa.String(length=16), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("boundary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_code"], ["regions.code"], name=op.f("fk_villager_groups_village_code_regions")
        ),
        sa.ForeignKeyConstraint(
            ["grid_code"], ["regions.code"], name=op.f("fk_villager_groups_grid_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_villager_groups")),
        sa.UniqueConstraint(
            "village_code", "name", name=op.f("uq_villager_groups_village_code_name")
        ),
    )
    with op.batch_alter_table("villager_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_villager_groups_village_code"), ["village_code"], unique=False
        )

    op.create_table(
        "chief_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=12), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("duties", sa.JSON(), nullable=False),
        sa.Column("duties_note", sa.String(length=200), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=100), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_chief_assignments_region_code_regions")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["villager_groups.id"],
            name=op.f("fk_chief_assignments_group_id_villager_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chief_assignments_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_chief_assignments_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chief_assignments")),
    )
    with op.batch_alter_table("chief_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chief_assignments_region_code"), ["region_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_chief_assignments_region_path"), ["region_path"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_chief_assignments_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_chief_assignments_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_chief_assignments_current_place",
            ["post", "region_code"],
            unique=True,
            sqlite_where=sa.text(CURRENT_PLACE),
            postgresql_where=sa.text(CURRENT_PLACE),
        )
        batch_op.create_index(
            "uq_chief_assignments_current_group",
            ["group_id"],
            unique=True,
            sqlite_where=sa.text(CURRENT_GROUP),
            postgresql_where=sa.text(CURRENT_GROUP),
        )


def downgrade() -> None:
    with op.batch_alter_table("chief_assignments", schema=None) as batch_op:
        batch_op.drop_index("uq_chief_assignments_current_group")
        batch_op.drop_index("uq_chief_assignments_current_place")
        batch_op.drop_index(batch_op.f("ix_chief_assignments_user_id"))
        batch_op.drop_index(batch_op.f("ix_chief_assignments_group_id"))
        batch_op.drop_index(batch_op.f("ix_chief_assignments_region_path"))
        batch_op.drop_index(batch_op.f("ix_chief_assignments_region_code"))
    op.drop_table("chief_assignments")
    with op.batch_alter_table("villager_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_villager_groups_village_code"))
    op.drop_table("villager_groups")
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_column("boundary")
