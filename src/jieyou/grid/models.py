"""The grid register (网格台账) and the three chiefs (片组邻“三长制”).

Grids (片/网格) and lanes (巷道/邻) are rows of ``regions`` — cases, users and patrols point at
them by code — so this package adds only what the tree has no place for: villager groups
(村民小组), which cut across grids, and the people who answer for each place.

An assignment (任职) is history, never overwritten: appointing a new 巷长 ends the previous
one's term on the day the new one starts. "Current" means ``ended_on IS NULL``; a partial
unique index keeps one current 片长 per grid, one 巷长 per lane and one 组长 per group, so two
people saving at once cannot both become the lane's chief.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import Level, PathString


class Post(StrEnum):
    grid_chief = "grid_chief"  # 片长: a village cadre who answers for a grid (村干部分包片)
    group_chief = "group_chief"  # 组长 of a villager group
    lane_chief = "lane_chief"  # 巷长/邻长: answers for the households of a lane (巷长包户)
    grid_worker = "grid_worker"  # 网格员: patrols a grid; a grid may have several


POST_LABELS: dict[Post, str] = {
    Post.grid_chief: "片长",
    Post.group_chief: "组长",
    Post.lane_chief: "巷长（邻长）",
    Post.grid_worker: "网格员",
}
# Where each post sits: the region level it is assigned to (a 组长 to a group of a village).
POST_LEVEL: dict[Post, Level] = {
    Post.grid_chief: Level.grid,
    Post.group_chief: Level.village,
    Post.lane_chief: Level.lane,
    Post.grid_worker: Level.grid,
}
# Posts held by one person at a time per place.
SINGLE_POSTS = frozenset({Post.grid_chief, Post.group_chief, Post.lane_chief})


class Duty(StrEnum):
    """What a chief answers for, as the Chenzhou article lists them."""

    hygiene = "hygiene"
    publicity = "publicity"
    mediation = "mediation"
    village_rules = "village_rules"
    priorities = "priorities"


DUTY_LABELS: dict[Duty, str] = {
    Duty.hygiene: "环境卫生",
    Duty.publicity: "政策宣传",
    Duty.mediation: "矛盾调解",
    Duty.village_rules: "村规民约",
    Duty.priorities: "中心工作",
}

_CURRENT_PLACE = "ended_on IS NULL AND post IN ('grid_chief', 'lane_chief')"
_CURRENT_GROUP = "ended_on IS NULL AND group_id IS NOT NULL"


class VillagerGroup(Base):
    """A 村民小组 (组): the village's own division of households, with its 组长."""

    __tablename__ = "villager_groups"
    __table_args__ = (UniqueConstraint("village_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    # The grid (片) the group lies in, when it lies in one; groups may straddle grids.
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    number: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    households: Mapped[int | None] = mapped_column(Integer)
    boundary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChiefAssignment(Base):
    """One person's term in one post at one place."""

    __tablename__ = "chief_assignments"
    __table_args__ = (
        Index(
            "uq_chief_assignments_current_place",
            "post",
            "region_code",
            unique=True,
            sqlite_where=text(_CURRENT_PLACE),
            postgresql_where=text(_CURRENT_PLACE),
        ),
        Index(
            "uq_chief_assignments_current_group",
            "group_id",
            unique=True,
            sqlite_where=text(_CURRENT_GROUP),
            postgresql_where=text(_CURRENT_GROUP),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post: Mapped[str] = mapped_column(String(12))
    # The grid or lane; for a 组长, the group's village.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    # Denormalised from the region so the scope check is one range scan with no join.
    region_path: Mapped[str] = mapped_column(PathString, index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("villager_groups.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(20))
    # The person's staff account, when they have one (a 巷长 who logs patrols).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Duty codes (:class:`Duty`), in the order of DUTY_LABELS.
    duties: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the duties mean here, e.g. the village's current 中心工作.
    duties_note: Mapped[str | None] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
