"""Reference data for routing (units, categories) and the routing rule itself."""

from __future__ import annotations

import csv
import re
from importlib import resources

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from jieyou.errors import Conflict, Invalid, NotFound
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.regions.repository import subtree_clause
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


def centre_at(session: Session, region_path: str, tier: Tier) -> Unit | None:
    """The active centre (or village committee) at ``tier`` above the place at ``region_path``;
    None if the place does not reach that tier or the unit is missing or disabled."""
    length = PATH_LENGTH[Level(tier.value)]
    if len(region_path) < length:
        return None
    code = centre_code(official_code(region_path[:length]))
    return session.scalar(select(Unit).where(Unit.code == code, Unit.is_active.is_(True)))


def centre_for(session: Session, region: Region, tier: Tier) -> Unit:
    """The centre at ``tier`` above ``region``; refusing when there is none."""
    unit = centre_at(session, region.path, tier)
    if unit is None:
        raise Invalid(f"{region.name} 没有{TIER_LABELS[tier]}受理单位", code="no_unit")
    return unit


def department_for(session: Session, region_path: str, category: Category | None) -> Unit | None:
    """The category's default department covering the place (county, or city for city tier)."""
    if category is None or category.department is None:
        return None
    level = Level.city if category.default_tier == Tier.city else Level.county
    code = department_code(official_code(region_path[: PATH_LENGTH[level]]), category.department)
    return session.scalar(select(Unit).where(Unit.code == code, Unit.is_active.is_(True)))


def higher_tier(tier: Tier) -> Tier | None:
    index = TIER_ORDER.index(tier)
    return TIER_ORDER[index + 1] if index + 1 < len(TIER_ORDER) else None


def require_unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not unit.is_active:
        raise Invalid(f"单位 {code} 不存在或已停用", code="unknown_unit", field="unit_code")
    return unit


# --- administration of units and categories ------------------------------------------------

UNIT_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
UNIT_KIND_LABELS = {
    UnitKind.centre: "综治/矛调中心",
    UnitKind.committee: "村(居)委会",
    UnitKind.department: "职能部门",
}
# The region levels a unit of each kind may belong to.
UNIT_KIND_LEVELS: dict[UnitKind, set[str]] = {
    UnitKind.centre: {Level.city, Level.county, Level.township},
    UnitKind.committee: {Level.village},
    UnitKind.department: {Level.city, Level.county},
}


def _name(value: str | None, limit: int) -> str:
    name = (value or "").strip()
    if not name:
        raise Invalid("请填写名称", code="name_required", field="name")
    if len(name) > limit:
        raise Invalid(f"名称不能超过 {limit} 个字", code="name_too_long", field="name")
    return name


def _department(value: str | None, *, required: bool) -> str | None:
    if not value:
        if required:
            raise Invalid("职能部门须选择部门", code="department_required", field="department")
        return None
    if value not in DEPARTMENTS:
        raise Invalid(f"部门 {value} 不存在", code="unknown_department", field="department")
    return value


def get_unit(session: Session, code: str) -> Unit:
    """A unit whether active or not (administration); cases use :func:`require_unit`."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(f"单位 {code} 不存在", code="unknown_unit")
    return unit


def list_units(
    session: Session,
    *,
    kind: str | None = None,
    region_code: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Unit], int]:
    """One page of units (any state) and the total; ``region_code`` takes its whole subtree."""
    conditions: list[ColumnElement[bool]] = []
    if kind:
        if kind not in UnitKind.__members__:
            raise Invalid("单位类型不正确", code="bad_unit_kind", field="kind")
        conditions.append(Unit.kind == kind)
    if region_code:
        region = session.get(Region, region_code)
        if region is None:
            raise Invalid(
                f"行政区划代码 {region_code} 不存在", code="unknown_region", field="region"
            )
        conditions.append(subtree_clause(Unit.region_path, region.path))
    total = session.scalar(select(func.count()).select_from(Unit).where(*conditions)) or 0
    stmt = (
        select(Unit)
        .where(*conditions)
        .order_by(Unit.region_path, Unit.kind, Unit.code)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return list(session.scalars(stmt).all()), total


def create_unit(
    session: Session,
    *,
    code: str,
    name: str,
    kind: str,
    region_code: str,
    department: str | None = None,
) -> Unit:
    if not UNIT_CODE_RE.match(code):
        raise Invalid(
            "单位代码须为 2–40 位字母、数字、_ 或 -，以字母或数字开头",
            code="bad_unit_code",
            field="code",
        )
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise Conflict(f"单位代码 {code} 已存在", code="unit_code_taken", field="code")
    clean_name = _name(name, 80)
    if kind not in UnitKind.__members__:
        raise Invalid("请选择单位类型", code="bad_unit_kind", field="kind")
    unit_kind = UnitKind(kind)
    region = session.get(Region, region_code)
    if region is None:
        raise Invalid(f"行政区划代码 {region_code} 不存在", code="unknown_region", field="region")
    if region.level not in UNIT_KIND_LEVELS[unit_kind]:
        raise Invalid(
            f"{UNIT_KIND_LABELS[unit_kind]}不能设在{region.name}这一级",
            code="unit_region_level",
            field="region",
        )
    dept = _department(department, required=unit_kind == UnitKind.department)
    if unit_kind != UnitKind.department and dept is not None:
        raise Invalid("只有职能部门才选择部门", code="department_not_allowed", field="department")
    unit = Unit(
        code=code,
        name=clean_name,
        kind=unit_kind.value,
        region_code=region.code,
        region_path=region.path,
        department=dept,
        is_active=True,
    )
    session.add(unit)
    session.flush()
    return unit


def update_unit(session: Session, *, code: str, name: str) -> Unit:
    unit = get_unit(session, code)
    unit.name = _name(name, 80)
    session.flush()
    return unit


def set_unit_active(session: Session, *, code: str, active: bool) -> Unit:
    """A disabled unit keeps its history but can no longer be assigned (:func:`require_unit`)."""
    unit = get_unit(session, code)
    unit.is_active = active
    session.flush()
    return unit


CATEGORY_CODE_RE = re.compile(r"^\d{2}(\d{2})?$")


def get_category(session: Session, code: str) -> Category:
    """A category whether active or not (administration); intake uses
    :func:`require_category`."""
    category = session.get(Category, code)
    if category is None:
        raise NotFound(f"诉求类别 {code} 不存在", code="unknown_category")
    return category


def list_categories(session: Session) -> list[Category]:
    """All categories, each first level followed by its children, in catalogue order."""
    rows = list(session.scalars(select(Category).order_by(Category.sort_order, Category.code)))
    children: dict[str, list[Category]] = {}
    for row in rows:
        if row.parent_code:
            children.setdefault(row.parent_code, []).append(row)
    out: list[Category] = []
    for row in rows:
        if row.parent_code is None:
            out.append(row)
            out.extend(children.get(row.code, []))
    return out


def _tier(value: str | None) -> Tier:
    if value is None or value not in Tier.__members__:
        raise Invalid("请选择默认办理层级", code="bad_tier", field="default_tier")
    return Tier(value)


def create_category(
    session: Session,
    *,
    code: str,
    name: str,
    department: str | None = None,
    default_tier: str,
) -> Category:
    """Codes are two digits for a first-level category, four for a second level under the
    first-level category named by its first two."""
    if not CATEGORY_CODE_RE.match(code):
        raise Invalid(
            "类别代码须为 2 位数字（一级）或 4 位数字（二级）",
            code="bad_category_code",
            field="code",
        )
    if session.get(Category, code) is not None:
        raise Conflict(f"类别代码 {code} 已存在", code="category_code_taken", field="code")
    parent: Category | None = None
    if len(code) == 4:
        parent = session.get(Category, code[:2])
        if parent is None or parent.level != 1:
            raise Invalid(
                f"二级类别代码须以已有的一级类别代码开头，{code[:2]} 不是一级类别",
                code="unknown_parent_category",
                field="code",
            )
        if not parent.is_active:
            raise Invalid(
                f"一级类别 {parent.name} 已停用", code="parent_category_inactive", field="code"
            )
    clean_name = _name(name, 40)
    dept = _department(department, required=False)
    tier = _tier(default_tier)
    # After its parent's last child (or at the end for a first level), so lists stay grouped.
    last = session.scalar(select(func.max(Category.sort_order))) or 0
    category = Category(
        code=code,
        name=clean_name,
        parent_code=parent.code if parent else None,
        level=2 if parent else 1,
        department=dept,
        default_tier=tier.value,
        sort_order=last + 1,
        is_active=True,
    )
    session.add(category)
    session.flush()
    return category


def update_category(
    session: Session, *, code: str, name: str, department: str | None, default_tier: str
) -> Category:
    category = get_category(session, code)
    category.name = _name(name, 40)
    category.department = _department(department, required=False)
    category.default_tier = _tier(default_tier).value
    session.flush()
    return category


def set_category_active(session: Session, *, code: str, active: bool) -> Category:
    """Disabling a first-level category disables its children too; a child cannot be enabled
    under a disabled parent. A disabled category is refused at intake (:func:`require_category`)."""
    category = get_category(session, code)
    if active and category.parent_code:
        parent = get_category(session, category.parent_code)
        if not parent.is_active:
            raise Invalid(
                f"一级类别 {parent.name} 已停用，请先启用它", code="parent_category_inactive"
            )
    category.is_active = active
    if not active and category.level == 1:
        for child in session.scalars(select(Category).where(Category.parent_code == code)):
            child.is_active = False
    session.flush()
    return category
