"""Reference data for routing (units, categories) and the routing rule itself."""

from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jieyou.errors import Invalid
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.routing.departments import DEPARTMENTS
from jieyou.routing.models import (
    TIER_LABELS,
    TIER_ORDER,
    Category,
    Tier,
    Unit,
    UnitKind,
    tier_of_level,
)

CENTRE_SUFFIX = {
    Level.city: "矛盾纠纷调处化解中心",
    Level.county: "矛盾纠纷调处化解中心",
    Level.township: "综治中心",
    Level.village: "村(居)民委员会",
}


def centre_code(region_code: str) -> str:
    return f"C{region_code}"


def department_code(region_code: str, department: str) -> str:
    return f"D{region_code}-{department}"


def load_units(session: Session) -> int:
    """One centre per city/county/township, one committee per village, and the departments
    of the city and each county. Idempotent."""
    existing = set(session.scalars(select(Unit.code)))
    regions = session.scalars(
        select(Region)
        .where(Region.level.in_([Level.city, Level.county, Level.township, Level.village]))
        .order_by(Region.code)
    ).all()
    rows: list[dict[str, object]] = []

    def add(code: str, name: str, kind: UnitKind, region: Region, dept: str | None) -> None:
        if code not in existing:
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "kind": kind.value,
                    "region_code": region.code,
                    "region_path": region.path,
                    "department": dept,
                    "is_active": True,
                }
            )

    for region in regions:
        level = Level(region.level)
        if level == Level.village:
            name = region.name + (
                "委员会" if region.name.endswith(("村", "社区")) else "村(居)委会"
            )
            add(centre_code(region.code), name, UnitKind.committee, region, None)
            continue
        add(
            centre_code(region.code),
            region.name + CENTRE_SUFFIX[level],
            UnitKind.centre,
            region,
            None,
        )
        if level in (Level.city, Level.county):
            for key, dept_name in DEPARTMENTS.items():
                add(
                    department_code(region.code, key),
                    region.name + dept_name,
                    UnitKind.department,
                    region,
                    key,
                )
    if rows:
        session.execute(insert(Unit), rows)
    return len(rows)


def load_categories(session: Session) -> int:
    existing = set(session.scalars(select(Category.code)))
    rows = []
    path = resources.files("jieyou.data").joinpath("categories.csv")
    with path.open(encoding="utf-8") as fh:
        for order, row in enumerate(csv.DictReader(fh)):
            if row["code"] in existing:
                continue
            rows.append(
                {
                    "code": row["code"],
                    "name": row["name"],
                    "parent_code": row["parent_code"] or None,
                    "level": 1 if not row["parent_code"] else 2,
                    "department": row["department"] or None,
                    "default_tier": Tier(row["default_tier"]).value,
                    "sort_order": order,
                    "is_active": True,
                }
            )
    if rows:
        session.execute(insert(Category), rows)
    return len(rows)


def require_category(session: Session, code: str) -> Category:
    category = session.get(Category, code)
    if category is None or not category.is_active:
        raise Invalid(f"诉求类别 {code} 不存在", code="unknown_category", field="category_code")
    return category


def owner_for(session: Session, region: Region, category: Category | None) -> tuple[Tier, Unit]:
    """The lowest tier that covers the location and the category, and its centre.

    A case starts at the category's default tier (township when unknown), but never below the
    level the resident gave: a case located only to a county starts at the county.
    """
    wanted = Tier(category.default_tier) if category else Tier.township
    located = tier_of_level(region.level)
    tier = max(wanted, located, key=TIER_ORDER.index)
    return tier, centre_for(session, region, tier)


def centre_for(session: Session, region: Region, tier: Tier) -> Unit:
    """The centre (or village committee) at ``tier`` above ``region``.

    Official codes are their path padded with zeros, so the ancestor's code is arithmetic.
    """
    ancestor_code = region.path[: PATH_LENGTH[Level(tier.value)]].ljust(12, "0")
    unit = session.scalar(select(Unit).where(Unit.code == centre_code(ancestor_code)))
    if unit is None or not unit.is_active:
        raise Invalid(f"{region.name} 没有{TIER_LABELS[tier]}受理单位", code="no_unit")
    return unit


def higher_tier(tier: Tier) -> Tier | None:
    index = TIER_ORDER.index(tier)
    return TIER_ORDER[index + 1] if index + 1 < len(TIER_ORDER) else None


def require_unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not unit.is_active:
        raise Invalid(f"单位 {code} 不存在或已停用", code="unknown_unit", field="unit_code")
    return unit
