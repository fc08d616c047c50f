"""Who reads and who keeps the grid register. The only way grid code loads a place for a user.

* **Read** — the actor's subtree: a township reads its villages, a village cadre its own
  village, a grid worker its grid, a lane chief its lane. Out of scope answers 404, exactly
  like a code that does not exist.
* **Edit** (create grids, lanes, groups; appoint and end chiefs) — admin, and the city,
  county, township and village centres within their subtree. Chiefs and grid workers read.
* **Phones** of chiefs in full — those who call them in their daily work: the township and
  village, the chiefs and grid workers themselves, admin. The city, county, departments and
  mediators see 139****1234.
* **Case counts** per lane — not for departments, whose case scope is only what was
  dispatched to them; a count of a village's open cases is not theirs to read.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.cases.permissions import SEES_EVERYTHING
from jieyou.errors import NotFound, NotPermitted
from jieyou.grid.models import ChiefAssignment, VillagerGroup
from jieyou.regions.models import Level, Region
from jieyou.regions.repository import subtree_clause

EDITING_ROLES = frozenset({Role.admin, Role.city, Role.county, Role.township, Role.village})
PHONE_ROLES = frozenset(
    {Role.admin, Role.township, Role.village, Role.lane_chief, Role.grid_worker}
)
REGISTER_LEVELS = frozenset({Level.village, Level.grid, Level.lane})
LEVEL_NOUNS = {Level.village: "村（社区）", Level.grid: "网格", Level.lane: "巷道"}


def sees(actor: User | None, path: str) -> bool:
    """Whether ``path`` is in the actor's subtree (``None`` is the operator at the console)."""
    if actor is None or Role(actor.role) in SEES_EVERYTHING:
        return True
    return path.startswith(actor.region_path)


def path_clause(actor: User | None, column: ColumnElement[str]) -> ColumnElement[bool] | None:
    if actor is None or Role(actor.role) in SEES_EVERYTHING:
        return None
    return subtree_clause(column, actor.region_path)  # type: ignore[arg-type]


def may_edit(actor: User | None, path: str) -> bool:
    return actor is None or (Role(actor.role) in EDITING_ROLES and sees(actor, path))


def reads_phones(actor: User | None) -> bool:
    return actor is None or Role(actor.role) in PHONE_ROLES


def sees_case_counts(actor: User | None) -> bool:
    return actor is None or Role(actor.role) != Role.department


def region_for(session: Session, actor: User | None, code: str, *levels: Level) -> Region:
    """A village, grid or lane the actor may read; anything else is 404."""
    levels = levels or tuple(REGISTER_LEVELS)
    region = session.get(Region, code) if code.isdigit() and len(code) <= 16 else None
    if region is None or Level(region.level) not in levels or not sees(actor, region.path):
        noun = "、".join(LEVEL_NOUNS[lv] for lv in levels)
        raise NotFound(f"{noun} {code} 不存在", code="region_not_found")
    return region


def check_edit(actor: User | None, region: Region) -> None:
    """After :func:`region_for`: may the actor change the register there?"""
    if not may_edit(actor, region.path):
        raise NotPermitted(
            "只有村（社区）及以上的工作人员可以维护网格台账", code="grid_edit_not_permitted"
        )


def editable_region(session: Session, actor: User | None, code: str, *levels: Level) -> Region:
    region = region_for(session, actor, code, *levels)
    check_edit(actor, region)
    return region


def group_for(session: Session, actor: User | None, group_id: int) -> VillagerGroup:
    group = session.get(VillagerGroup, group_id)
    if group is None or not sees(actor, group.village_code):
        raise NotFound(f"村民小组 {group_id} 不存在", code="group_not_found")
    return group


def assignment_for(session: Session, actor: User | None, assignment_id: int) -> ChiefAssignment:
    stmt = select(ChiefAssignment).where(ChiefAssignment.id == assignment_id)
    clause = path_clause(actor, ChiefAssignment.region_path)  # type: ignore[arg-type]
    if clause is not None:
        stmt = stmt.where(clause)
    found = session.scalar(stmt)
    if found is None:
        raise NotFound(f"任职记录 {assignment_id} 不存在", code="assignment_not_found")
    return found
