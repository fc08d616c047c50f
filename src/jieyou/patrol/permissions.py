"""Who may record what where, and the only way to load a campaign for a user.

* **Recording** (patrols, activities, on-the-spot settlements, a grid's campaign report) is
  lane-level work: lane chiefs and grid workers for the lanes of their lane or grid, village
  cadres for every lane of their village. A lane outside those answers exactly like a missing
  lane (404), so a chief learns nothing about other villages.
* **Campaigns** are launched by a township or county centre (city and admin too) for the grids
  of its region. A campaign is visible to the launching region's subtree — the township, its
  villages and grid workers — and to the tiers above it; another township sees nothing (404).
* **Reading figures and lists** follows the user's region subtree, like cases.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.errors import NotFound, NotPermitted
from jieyou.patrol.models import Campaign
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.regions.repository import subtree_clause

RECORDING_ROLES = frozenset({Role.lane_chief, Role.grid_worker, Role.village})
LAUNCHING_ROLES = frozenset({Role.township, Role.county, Role.city, Role.admin})
SEES_EVERYTHING = frozenset({Role.admin, Role.city})
GRID = PATH_LENGTH[Level.grid]
LANE = PATH_LENGTH[Level.lane]


def may_record(actor: User) -> bool:
    return Role(actor.role) in RECORDING_ROLES


def require_recorder(actor: User) -> None:
    if not may_record(actor):
        raise NotPermitted(
            "只有巷长、网格员和村（社区）干部可以登记排查和履职记录", code="not_a_recorder"
        )


def lanes_of(session: Session, actor: User) -> list[Region]:
    """The lanes ``actor`` answers for, in code order (empty for non-recording roles)."""
    if not may_record(actor):
        return []
    stmt = select(Region).where(
        Region.level == Level.lane.value, subtree_clause(Region.path, actor.region_path)
    )
    return list(session.scalars(stmt.order_by(Region.path)))


def place_for(
    session: Session, actor: User, code: str, *, levels: tuple[Level, ...], field: str
) -> Region:
    """A lane (or grid, where ``levels`` allows) the actor records for: the actor's own region
    or below it. Missing and not theirs are the same 404."""
    require_recorder(actor)
    region = session.get(Region, code)
    if (
        region is None
        or Level(region.level) not in levels
        or not region.path.startswith(actor.region_path)
    ):
        what = "巷道" if levels == (Level.lane,) else "巷道或网格"
        raise NotFound(f"{what} {code} 不存在或不在您的范围内", code="place_not_found", field=field)
    return region


def grid_for_report(session: Session, actor: User, code: str) -> Region:
    """A grid whose campaign report ``actor`` may make: a grid in their subtree, or the grid
    of the lane a lane chief is placed at."""
    require_recorder(actor)
    region = session.get(Region, code)
    ok = region is not None and region.level == Level.grid.value
    if ok and region is not None:
        ok = region.path.startswith(actor.region_path) or actor.region_path.startswith(region.path)
    if not ok or region is None:
        raise NotFound(
            f"网格 {code} 不存在或不在您的范围内", code="grid_not_found", field="grid_code"
        )
    return region


def users_clause(actor: User) -> ColumnElement[bool] | None:
    """SQL on ``users``: the people whose figures ``actor`` may read (None: everyone)."""
    if Role(actor.role) in SEES_EVERYTHING:
        return None
    return subtree_clause(User.region_path, actor.region_path)


def campaign_clause(actor: User) -> ColumnElement[bool] | None:
    """SQL for "campaigns this user may see": launched in their subtree, or launched above
    them for a region that contains them (a grid worker sees the township's campaign)."""
    if Role(actor.role) in SEES_EVERYTHING:
        return None
    path = actor.region_path
    # The ancestors of the actor's region are its path's prefixes at each level.
    ancestors = [path[:n] for n in sorted(set(PATH_LENGTH.values())) if n <= len(path)]
    return or_(subtree_clause(Campaign.region_path, path), Campaign.region_path.in_(ancestors))


def campaign_for(session: Session, actor: User, campaign_id: int) -> Campaign:
    """The only way to load a campaign for a user. Missing and out of scope both answer 404."""
    stmt = select(Campaign).where(Campaign.id == campaign_id)
    clause = campaign_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    campaign = session.scalar(stmt)
    if campaign is None:
        raise NotFound(f"专项排查 {campaign_id} 不存在", code="campaign_not_found")
    return campaign


def require_launcher(actor: User) -> None:
    if Role(actor.role) not in LAUNCHING_ROLES:
        raise NotPermitted("只有乡镇（街道）及以上综治中心可以部署专项排查", code="not_a_launcher")


READING_ROLES = frozenset(
    {Role.admin, Role.city, Role.county, Role.township, Role.village} | RECORDING_ROLES
)


def figures_region(session: Session, actor: User | None, code: str | None) -> Region:
    """The region whose figures are read: the actor's own by default, or one inside it.
    ``actor`` None is the operator's command line, which reads anywhere."""
    if actor is not None and Role(actor.role) not in READING_ROLES:
        raise NotPermitted("您的角色不能查看履职统计", code="figures_not_permitted")
    region = session.get(Region, code or (actor.region_code if actor else ""))
    inside = region is not None and (
        actor is None
        or Role(actor.role) in SEES_EVERYTHING
        or region.path.startswith(actor.region_path)
    )
    if not inside or region is None:
        raise NotFound(f"区划 {code} 不存在或不在您的范围内", code="region_not_found")
    return region
