"""The hierarchy: city → county → township → village → grid → lane, one tree."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base


class Level(StrEnum):
    city = "city"
    county = "county"
    township = "township"
    village = "village"
    grid = "grid"
    lane = "lane"


# Significant digits of a code at each level. The significant prefix is the region's ``path``:
# every descendant's path starts with it, so a subtree is one indexed range scan.
PATH_LENGTH: dict[Level, int] = {
    Level.city: 4,
    Level.county: 6,
    Level.township: 9,
    Level.village: 12,
    Level.grid: 14,
    Level.lane: 16,
}
LEVEL_ORDER = list(Level)


def official_code(path: str) -> str:
    """The 12-digit code of an official region (city … village) from its path: codes are their
    significant digits padded with zeros, so an ancestor's code is arithmetic on a path."""
    return path.ljust(12, "0")


# Byte-wise ordering on PostgreSQL so the range scan means "starts with" whatever the locale.
PathString = String(16).with_variant(String(16, collation="C"), "postgresql")


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    path: Mapped[str] = mapped_column(PathString, unique=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    # Lanes: households the lane chief answers for. Other levels may leave it empty.
    households: Mapped[int | None] = mapped_column(Integer)
    # Grids and lanes: the 四至 as the village describes it ("东至…西至…"), for the register.
    boundary: Mapped[str | None] = mapped_column(Text)

    @property
    def depth(self) -> int:
        return LEVEL_ORDER.index(Level(self.level))
