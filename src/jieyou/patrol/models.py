"""Patrols (排查), on-the-spot settlements (小事不出巷), duty activities (履职记录) and
screening campaigns (专项排查).

A patrol is a lane chief's or grid worker's walk through a lane. A dispute found on it may
become a case (channel ``patrol``, accepted and assigned to the chief at once); when the chief
settles it there and then, an :class:`OnSpotSettlement` records how, so the case tables stay
as they are and "settled on the spot" is a row, not a guess from the case's events.

A campaign snapshots its grids when launched (one :class:`CampaignGrid` per grid), so the
"reported / total" of an old campaign does not move when grids are redrawn later; the grid's
report is written onto that row."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import PathString


class Finding(StrEnum):
    nothing = "nothing"
    dispute = "dispute"
    hazard = "hazard"
    policy = "policy"


FINDING_LABELS: dict[Finding, str] = {
    Finding.nothing: "无异常",
    Finding.dispute: "矛盾纠纷",
    Finding.hazard: "安全隐患",
    Finding.policy: "政策咨询",
}


class SettleMethod(StrEnum):
    mediation = "mediation"
    persuasion = "persuasion"
    negotiation = "negotiation"
    explanation = "explanation"
    other = "other"


SETTLE_METHOD_LABELS: dict[SettleMethod, str] = {
    SettleMethod.mediation: "调解",
    SettleMethod.persuasion: "说服教育",
    SettleMethod.negotiation: "协商",
    SettleMethod.explanation: "政策解释",
    SettleMethod.other: "其他",
}


class ActivityKind(StrEnum):
    publicity = "publicity"
    hygiene = "hygiene"
    village_rules = "village_rules"
    mediation = "mediation"
    other = "other"


ACTIVITY_LABELS: dict[ActivityKind, str] = {
    ActivityKind.publicity: "宣传政策",
    ActivityKind.hygiene: "环境卫生",
    ActivityKind.village_rules: "村规民约",
    ActivityKind.mediation: "调解矛盾",
    ActivityKind.other: "其他",
}


class Patrol(Base):
    __tablename__ = "patrols"
    __table_args__ = (
        # "Latest patrol per lane" and a lane's history read this index in date order.
        Index("ix_patrols_lane_code_patrolled_on", "lane_code", "patrolled_on"),
        # Figures and lists by subtree and period.
        Index("ix_patrols_lane_path_patrolled_on", "lane_path", "patrolled_on"),
        Index("ix_patrols_recorded_by_id_patrolled_on", "recorded_by_id", "patrolled_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lane_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    # Denormalised from the lane so scope and "by village" need no join.
    lane_path: Mapped[str] = mapped_column(PathString)
    patrolled_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    households_visited: Mapped[int] = mapped_column(Integer)
    finding: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")
    # The case opened from what was found, if any.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OnSpotSettlement(Base):
    """小事不出巷: a case the chief resolved at lane level, and how."""

    __tablename__ = "on_spot_settlements"
    __table_args__ = (
        Index("ix_on_spot_settlements_region_path_settled_on", "region_path", "settled_on"),
        Index("ix_on_spot_settlements_settled_by_id_settled_on", "settled_by_id", "settled_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    patrol_id: Mapped[int | None] = mapped_column(ForeignKey("patrols.id"))
    # Where it was settled: the case's lane, or the chief's lane or grid when the case was
    # placed higher up (a village-level case handed down to the chief).
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString)
    settled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    settled_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Activity(Base):
    """履职记录: a policy session, a clean-up, a village-rules meeting … at a lane or grid."""

    __tablename__ = "patrol_activities"
    __table_args__ = (
        Index("ix_patrol_activities_region_path_held_on", "region_path", "held_on"),
        Index("ix_patrol_activities_recorded_by_id_held_on", "recorded_by_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(14))
    held_on: Mapped[date] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    topic: Mapped[str] = mapped_column(String(100), default="")
    # People who attended (a publicity session); None where it means nothing.
    attendance: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Campaign(Base):
    """专项排查, e.g. 春节前矛盾纠纷专项排查, launched by a township or county for its grids."""

    __tablename__ = "patrol_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000), default="")
    # The launching region (township or county); the campaign is visible to its subtree.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString, index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    launched_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignGrid(Base):
    """One grid of a campaign, and its report once made."""

    __tablename__ = "patrol_campaign_grids"
    __table_args__ = (
        UniqueConstraint("campaign_id", "grid_code"),
        Index("ix_patrol_campaign_grids_grid_path", "grid_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("patrol_campaigns.id"))
    grid_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    grid_path: Mapped[str] = mapped_column(PathString)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Reported after the due date (local day): fixed when reported, so lists need no date
    # arithmetic in SQL.
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    households_covered: Mapped[int | None] = mapped_column(Integer)
    disputes_found: Mapped[int | None] = mapped_column(Integer)
    hazards_found: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(1000), default="")
