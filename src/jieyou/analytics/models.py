"""The aggregates behind the dashboard (一图可视).

* ``analytics_case_facts`` — one row per case: what the case contributes to the counts below,
  as last folded in. Folding a change is "subtract the stored facts, add the new ones", so the
  counts never depend on the order in which a service sets the case's fields.
* ``analytics_region_counts`` — every count per day × township; also per week (``grain`` 'w',
  ``day`` = the Monday) and per month ('m', ``day`` = the 1st), so a period is read as a few
  whole months or weeks plus a few days, and a year costs about what a month does.
* ``analytics_category_counts`` — received and resolved per day (week, month) × township ×
  first-level category: the category breakdown and the hotspots. Kept apart so the other
  counts need not be split thirteen ways.
* ``analytics_unit_counts`` — the counts per responsible unit (``cases.owner_unit_id``) and
  day, week and month: the ranking. Keyed by unit first, so a scope reads only its own units.
* ``analytics_open_counts`` — cases open now, per township × category × risk level: the map.

The definitions (which case counts where) live in :mod:`jieyou.analytics.aggregates`; the
decision record is docs/decisions/0007-dashboard-figures.md.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base
from jieyou.regions.models import PathString

# Handling time (submission → resolution) is kept as a histogram with these lower bounds, in
# hours; the last bucket is open-ended. The median is interpolated inside its bucket.
HANDLING_BOUNDS_HOURS: tuple[int, ...] = (
    0, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 480, 720, 1440,
)  # fmt: skip
HANDLING_COLUMNS: tuple[str, ...] = tuple(f"h{i:02d}" for i in range(len(HANDLING_BOUNDS_HOURS)))

# The counts, in one order everywhere (tables, upserts, sums). See facts.contributions.
MEASURES: tuple[str, ...] = (
    "received",  # submitted in the period (every submission, duplicates included)
    "accepted",  # accepted in the period
    "responded",  # 响应率 denominator: due to be answered, counted once when the answer is known
    "responded_on_time",  # 响应率 numerator
    "resolved",  # 办结 in the period (a reopened case is taken back out)
    "resolved_on_time",  # 按期办结率 numerator (denominator: resolved)
    "resolved_grassroots",  # 矛盾不上交 numerator: resolved at village or township level
    "concluded",  # 解决率 denominator: reached a final state (closed after resolution, rejected)
    "solved",  # 解决率 numerator: closed after resolution, resident not left unsatisfied
    "rated",  # 满意率 denominator: closed with a resident's rating
    "satisfied",  # 满意率 numerator: satisfied or basically satisfied
    "unrated",  # closed after resolution without a rating (未评价), counted apart
    "rejected",  # 不予受理
    "merged",  # duplicates closed into another case (一事多诉)
)
REGION_MEASURES: tuple[str, ...] = MEASURES + HANDLING_COLUMNS
CATEGORY_MEASURES: tuple[str, ...] = ("received", "resolved")
OPEN_MEASURES: tuple[str, ...] = ("open", "overdue")


# SQLite: the rows live in their primary key's b-tree, so a range of days is read in place
# instead of one table lookup per index entry (2-3 times faster here). PostgreSQL ignores it.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class Grain:
    day = "d"
    week = "w"
    month = "m"


class CaseFacts(Base):
    """What one case contributes to the counts, as last folded in."""

    __tablename__ = "analytics_case_facts"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id"), primary_key=True, autoincrement=False
    )
    township_path: Mapped[str] = mapped_column(PathString)
    category: Mapped[str] = mapped_column(String(2))  # first level; "" when not known yet
    owner_unit_id: Mapped[int] = mapped_column(Integer)
    risk_level: Mapped[str] = mapped_column(String(10))
    created_day: Mapped[date] = mapped_column(Date)
    accepted_day: Mapped[date | None] = mapped_column(Date)
    response_day: Mapped[date | None] = mapped_column(Date)
    response_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_day: Mapped[date | None] = mapped_column(Date)
    resolved_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_grassroots: Mapped[bool] = mapped_column(Boolean, default=False)
    handling_bucket: Mapped[int | None] = mapped_column(SmallInteger)
    # solved, unsolved, rejected or merged; on concluded_day
    outcome: Mapped[str | None] = mapped_column(String(10))
    concluded_day: Mapped[date | None] = mapped_column(Date)
    # satisfied, unsatisfied or unrated, for cases closed after resolution
    rating_class: Mapped[str | None] = mapped_column(String(12))
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    is_overdue: Mapped[bool] = mapped_column(Boolean, default=False)


class RegionCount(Base):
    __tablename__ = "analytics_region_counts"
    __table_args__ = WITHOUT_ROWID

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    township_path: Mapped[str] = mapped_column(PathString, primary_key=True)


class CategoryCount(Base):
    __tablename__ = "analytics_category_counts"
    __table_args__ = WITHOUT_ROWID

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    township_path: Mapped[str] = mapped_column(PathString, primary_key=True)
    category: Mapped[str] = mapped_column(String(2), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)


class UnitCount(Base):
    __tablename__ = "analytics_unit_counts"
    __table_args__ = WITHOUT_ROWID

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class OpenCount(Base):
    __tablename__ = "analytics_open_counts"
    __table_args__ = WITHOUT_ROWID

    township_path: Mapped[str] = mapped_column(PathString, primary_key=True)
    category: Mapped[str] = mapped_column(String(2), primary_key=True)
    risk_level: Mapped[str] = mapped_column(String(10), primary_key=True)
    open: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)


# The count columns, one per measure, all NOT NULL: added to the mapped classes here rather than
# spelled out three dozen times. Read them through ``Table.c[name]``.
for _name in REGION_MEASURES:
    setattr(RegionCount, _name, mapped_column(_name, Integer, nullable=False, default=0))
for _name in MEASURES:
    setattr(UnitCount, _name, mapped_column(_name, Integer, nullable=False, default=0))
