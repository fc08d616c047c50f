"""Where a case goes: categories, handling units and tiers."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base
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
