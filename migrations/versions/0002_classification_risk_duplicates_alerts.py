"""classification, risk, duplicates, alerts, notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Predicted category, confidence, top 3 and model version on cases; the triage flag; risk
reasons; duplicate links; alerts with their cases; the notification inbox. Old risk level
'low' becomes 'normal' (the scale is now normal, elevated, high, critical).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

PATH = sa.String(length=16).with_variant(sa.String(length=16, collation="C"), "postgresql")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_path", PATH, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["users.id"], name=op.f("fk_alerts_acknowledged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_alerts_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_alerts_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alerts_status_region_path", ["status", "region_path"], unique=False
        )

    op.create_table(
        "alert_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_cases_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_alert_cases_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_cases")),
        sa.UniqueConstraint("alert_id", "case_id", name=op.f("uq_alert_cases_alert_id_case_id")),
    )
    with op.batch_alter_table("alert_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_cases_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_cases_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_case_links_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["other_id"], ["cases.id"], name=op.f("fk_case_links_other_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
        sa.UniqueConstraint("case_id", "other_id", name=op.f("uq_case_links_case_id_other_id")),
    )
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_links_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_links_other_id"), ["other_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_notifications_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notifications_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_notifications_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_unit_id_read_at", ["unit_id", "read_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("category_confirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("needs_triage", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("predicted_category", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("prediction_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("prediction_top", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("model_version", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("risk_reasons", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("suggested_unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_suggested_unit_id_units"), "units", ["suggested_unit_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_cases_needs_triage"), ["needs_triage"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_risk_level"), ["risk_level"], unique=False)
    op.execute("UPDATE cases SET risk_level = 'normal' WHERE risk_level = 'low'")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_risk_level"))
        batch_op.drop_index(batch_op.f("ix_cases_needs_triage"))
        batch_op.drop_constraint(batch_op.f("fk_cases_suggested_unit_id_units"), type_="foreignkey")
        batch_op.drop_column("suggested_unit_id")
        batch_op.drop_column("risk_reasons")
        batch_op.drop_column("model_version")
        batch_op.drop_column("prediction_top")
        batch_op.drop_column("prediction_confidence")
        batch_op.drop_column("predicted_category")
        batch_op.drop_column("needs_triage")
        batch_op.drop_column("category_confirmed")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))
        batch_op.drop_index("ix_notifications_unit_id_read_at")

    op.drop_table("notifications")
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_links_other_id"))
        batch_op.drop_index(batch_op.f("ix_case_links_case_id"))

    op.drop_table("case_links")
    with op.batch_alter_table("alert_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_cases_case_id"))
        batch_op.drop_index(batch_op.f("ix_alert_cases_alert_id"))

    op.drop_table("alert_cases")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_status_region_path")

    op.drop_table("alerts")
