"""Where a case goes: categories, handling units and tiers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import Level, PathString


class Tier(StrEnum):
    """Handling tiers, lowest first (小事不出村、大事不出镇、矛盾不上交)."""

    village = "village"
    township = "township"
    county = "county"
    city = "city"


TIER_ORDER = list(Tier)
TIER_LABELS = {
    Tier.village: "村级",
    Tier.township: "乡镇级",
    Tier.county: "县级",
    Tier.city: "市级",
}


def tier_of_level(level: str) -> Tier:
    """The tier whose centre answers for a region at ``level`` (grids and lanes → village)."""
    if level in (Level.grid, Level.lane):
        return Tier.village
    return Tier(level)


class UnitKind(StrEnum):
    centre = "centre"  # 综治中心 / 矛调中心 of a township, county or the city
    committee = "committee"  # 村(居)委会
    department = "department"  # 职能部门


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    region_path: Mapped[str] = mapped_column(PathString, index=True)
    # For departments: which department this is (e.g. "rsj" 人社局); see routing/departments.py.
    department: Mapped[str | None] = mapped_column(String(12))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(12))
    default_tier: Mapped[str] = mapped_column(String(10))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CalendarYear(Base):
    """A year's holiday arrangement entered by an admin from the State Council's notice
    (国务院办公厅关于某年部分节假日安排的通知). It overrides the built-in calendar for that year."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarDay(Base):
    """An exception to Monday–Friday in an entered year: a holiday (休) or a make-up working
    day (调休上班). Every other day of that year follows the weekday rule."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year"), index=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(20))
