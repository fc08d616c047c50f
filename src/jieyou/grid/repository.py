"""Queries behind the grid register. Every page is a fixed handful of statements whatever the
number of grids and lanes: the places, the current chiefs, the groups, open cases grouped by
place and the last patrols — each one query, put together in Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.models import Case
from jieyou.cases.permissions import scope_clause
from jieyou.cases.states import OPEN_STATUSES
from jieyou.grid.models import ChiefAssignment, Post, VillagerGroup
from jieyou.patrol.repository import last_patrols
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.regions.repository import subtree_clause

OPEN = [s.value for s in OPEN_STATUSES]
VILLAGE_LEN = PATH_LENGTH[Level.village]


@dataclass(frozen=True)
class Holder:
    """An assignment with its account's username (if linked)."""

    a: ChiefAssignment
    username: str | None


@dataclass
class LaneRow:
    region: Region
    chief: Holder | None
    open_cases: int | None
    last_patrol: date | None


@dataclass
class GridRow:
    region: Region
    chief: Holder | None
    workers: list[Holder]
    lanes: list[LaneRow]
    open_cases: int | None

    @property
    def households(self) -> int | None:
        if self.lanes:
            return sum(lane.region.households or 0 for lane in self.lanes)
        return self.region.households


@dataclass
class GroupRow:
    group: VillagerGroup
    chief: Holder | None
    grid_name: str | None


@dataclass
class Register:
    """A village's (or one grid's) register: grids → lanes, groups, and who answers for each."""

    root: Region
    village: Region
    grids: list[GridRow]
    groups: list[GroupRow]
    # Open cases placed at the village itself, not in any grid or lane.
    village_open_cases: int | None
    show_counts: bool

    @property
    def lanes(self) -> list[LaneRow]:
        return [lane for g in self.grids for lane in g.lanes]

    @property
    def households(self) -> int:
        return sum(g.households or 0 for g in self.grids)

    @property
    def lanes_with_chief(self) -> int:
        return sum(1 for lane in self.lanes if lane.chief is not None)

    @property
    def grids_with_chief(self) -> int:
        return sum(1 for g in self.grids if g.chief is not None)

    @property
    def open_cases(self) -> int | None:
        if not self.show_counts:
            return None
        return (self.village_open_cases or 0) + sum(g.open_cases or 0 for g in self.grids)


@dataclass
class LaneDetail:
    lane: Region
    grid: Region
    village: Region
    chief: Holder | None
    history: list[Holder]  # earlier 巷长, most recent first
    grid_chief: Holder | None
    grid_workers: list[Holder]
    open_cases: int | None
    last_patrol: date | None
    cases: list[Case] = field(default_factory=list)


@dataclass
class VillageSummary:
    code: str
    name: str
    township: str
    grids: int = 0
    lanes: int = 0
    households: int = 0
    lanes_with_chief: int = 0
    grids_with_chief: int = 0


# --- building blocks ------------------------------------------------------------------------


def holders(
    session: Session, where: ColumnElement[bool], *, current: bool = True, limit: int | None = None
) -> list[Holder]:
    stmt = (
        select(ChiefAssignment, User.username)
        .outerjoin(User, User.id == ChiefAssignment.user_id)
        .where(where)
    )
    if current:
        stmt = stmt.where(ChiefAssignment.ended_on.is_(None))
    stmt = stmt.order_by(ChiefAssignment.started_on.desc(), ChiefAssignment.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return [Holder(a, username) for a, username in session.execute(stmt).all()]


def open_cases_by_path(session: Session, path: str) -> dict[str, int]:
    stmt = (
        select(Case.region_path, func.count())
        .where(subtree_clause(Case.region_path, path), Case.status.in_(OPEN))
        .group_by(Case.region_path)
    )
    return {p: int(n) for p, n in session.execute(stmt).all()}


def _count_under(counts: dict[str, int], path: str) -> int:
    return sum(n for p, n in counts.items() if p.startswith(path))


def register(session: Session, root: Region, village: Region, *, show_counts: bool) -> Register:
    """``root`` is the village, or one grid of it (what a grid worker sees)."""
    places = session.scalars(
        select(Region)
        .where(
            subtree_clause(Region.path, root.path),
            Region.level.in_([Level.grid.value, Level.lane.value]),
        )
        .order_by(Region.path)
    ).all()
    current = holders(session, subtree_clause(ChiefAssignment.region_path, village.path))
    group_stmt = select(VillagerGroup).where(VillagerGroup.village_code == village.code)
    if root.level == Level.grid.value:
        group_stmt = group_stmt.where(VillagerGroup.grid_code == root.code)
    groups = session.scalars(
        group_stmt.order_by(
            VillagerGroup.number.is_(None), VillagerGroup.number, VillagerGroup.name
        )
    ).all()
    counts = open_cases_by_path(session, root.path) if show_counts else {}
    lane_codes = [r.code for r in places if r.level == Level.lane.value]
    patrols = last_patrols(session, lane_codes) if lane_codes else {}

    single: dict[tuple[str, str], Holder] = {}
    workers: dict[str, list[Holder]] = defaultdict(list)
    by_group: dict[int, Holder] = {}
    for h in current:
        if h.a.post == Post.grid_worker:
            workers[h.a.region_code].append(h)
        elif h.a.group_id is not None:
            by_group[h.a.group_id] = h
        else:
            single[(h.a.post, h.a.region_code)] = h

    grids: list[GridRow] = []
    names: dict[str, str] = {}
    for r in places:
        if r.level == Level.grid.value:
            names[r.code] = r.name
            grids.append(
                GridRow(
                    region=r,
                    chief=single.get((Post.grid_chief, r.code)),
                    workers=sorted(workers.get(r.code, []), key=lambda h: h.a.id),
                    lanes=[],
                    open_cases=_count_under(counts, r.path) if show_counts else None,
                )
            )
        elif grids and r.parent_code == grids[-1].region.code:
            grids[-1].lanes.append(
                LaneRow(
                    region=r,
                    chief=single.get((Post.lane_chief, r.code)),
                    open_cases=_count_under(counts, r.path) if show_counts else None,
                    last_patrol=patrols.get(r.code),
                )
            )
    group_rows = [GroupRow(g, by_group.get(g.id), names.get(g.grid_code or "")) for g in groups]
    village_only = counts.get(village.path, 0) if root.level == Level.village.value else 0
    return Register(
        root=root,
        village=village,
        grids=grids,
        groups=group_rows,
        village_open_cases=village_only if show_counts else None,
        show_counts=show_counts,
    )


def lane_detail(
    session: Session, actor: User | None, lane: Region, *, show_counts: bool, case_limit: int = 20
) -> LaneDetail:
    assert lane.parent_code is not None
    grid = session.get(Region, lane.parent_code)
    assert grid is not None and grid.parent_code is not None
    village = session.get(Region, grid.parent_code)
    assert village is not None
    rows = holders(
        session,
        or_(ChiefAssignment.region_code == lane.code, ChiefAssignment.region_code == grid.code),
        current=False,
    )
    lane_terms = [h for h in rows if h.a.region_code == lane.code]
    chief = next((h for h in lane_terms if h.a.ended_on is None), None)
    history = [h for h in lane_terms if h.a.ended_on is not None]
    on_grid = [h for h in rows if h.a.region_code == grid.code and h.a.ended_on is None]
    grid_chief = next((h for h in on_grid if h.a.post == Post.grid_chief), None)
    workers = sorted((h for h in on_grid if h.a.post == Post.grid_worker), key=lambda h: h.a.id)
    detail = LaneDetail(
        lane=lane,
        grid=grid,
        village=village,
        chief=chief,
        history=history,
        grid_chief=grid_chief,
        grid_workers=workers,
        open_cases=None,
        last_patrol=last_patrols(session, [lane.code]).get(lane.code),
    )
    if show_counts:
        detail.open_cases = _count_under(open_cases_by_path(session, lane.path), lane.path)
        stmt = (
            select(Case)
            .where(subtree_clause(Case.region_path, lane.path), Case.status.in_(OPEN))
            .order_by(Case.created_at.desc())
            .limit(case_limit)
        )
        clause = scope_clause(actor) if actor is not None else None
        if clause is not None:
            stmt = stmt.where(clause)
        detail.cases = list(session.scalars(stmt).all())
    return detail


# --- the list of villages -------------------------------------------------------------------


def villages(
    session: Session,
    scope: ColumnElement[bool] | None,
    *,
    under: str | None,
    q: str | None,
    page: int,
    page_size: int,
) -> tuple[int, list[VillageSummary]]:
    """Villages in scope (optionally under a township or county, or matching a name), with
    how far their register has got: grids, lanes, households, lanes and grids with a chief."""
    stmt = select(Region).where(Region.level == Level.village.value)
    if scope is not None:
        stmt = stmt.where(scope)
    if under:
        stmt = stmt.where(subtree_clause(Region.path, under))
    if q:
        stmt = stmt.where(Region.name.contains(q, autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    found: Sequence[Region] = session.scalars(
        stmt.order_by(Region.path).limit(page_size).offset((page - 1) * page_size)
    ).all()
    if not found:
        return total, []
    codes = [v.code for v in found]
    town_codes = {official_code(v.path[: PATH_LENGTH[Level.township]]) for v in found}
    towns = dict(
        session.execute(select(Region.code, Region.name).where(Region.code.in_(town_codes))).all()
    )
    out = {
        v.code: VillageSummary(
            v.code, v.name, towns.get(official_code(v.path[: PATH_LENGTH[Level.township]]), "")
        )
        for v in found
    }
    prefix = func.substr(Region.path, 1, VILLAGE_LEN)
    figures = session.execute(
        select(prefix, Region.level, func.count(), func.sum(Region.households))
        .where(
            Region.level.in_([Level.grid.value, Level.lane.value]),
            or_(*[subtree_clause(Region.path, c) for c in codes]),
        )
        .group_by(prefix, Region.level)
    ).all()
    for village, level, n, households in figures:
        row = out[village]
        if level == Level.grid.value:
            row.grids = int(n)
        else:
            row.lanes = int(n)
            row.households = int(households or 0)
    a_prefix = func.substr(ChiefAssignment.region_path, 1, VILLAGE_LEN)
    chiefs = session.execute(
        select(
            a_prefix, ChiefAssignment.post, func.count(func.distinct(ChiefAssignment.region_code))
        )
        .where(
            ChiefAssignment.ended_on.is_(None),
            ChiefAssignment.post.in_([Post.lane_chief.value, Post.grid_chief.value]),
            or_(*[subtree_clause(ChiefAssignment.region_path, c) for c in codes]),
        )
        .group_by(a_prefix, ChiefAssignment.post)
    ).all()
    for village, post, n in chiefs:
        if post == Post.lane_chief.value:
            out[village].lanes_with_chief = int(n)
        else:
            out[village].grids_with_chief = int(n)
    return total, [out[c] for c in codes]


def children(session: Session, parent_code: str) -> list[Region]:
    return list(
        session.scalars(
            select(Region).where(Region.parent_code == parent_code).order_by(Region.code)
        ).all()
    )


def group_by_name(session: Session, village_code: str, name: str) -> VillagerGroup | None:
    return session.scalar(
        select(VillagerGroup).where(
            VillagerGroup.village_code == village_code, VillagerGroup.name == name
        )
    )


def groups_of(session: Session, village_code: str) -> list[VillagerGroup]:
    return list(
        session.scalars(
            select(VillagerGroup)
            .where(VillagerGroup.village_code == village_code)
            .order_by(VillagerGroup.number.is_(None), VillagerGroup.number, VillagerGroup.name)
        ).all()
    )


def current_holders(
    session: Session, *, post: Post, region_code: str | None = None, group_id: int | None = None
) -> list[ChiefAssignment]:
    stmt = select(ChiefAssignment).where(
        ChiefAssignment.post == post.value, ChiefAssignment.ended_on.is_(None)
    )
    if group_id is not None:
        stmt = stmt.where(ChiefAssignment.group_id == group_id)
    else:
        stmt = stmt.where(ChiefAssignment.region_code == region_code)
    return list(session.scalars(stmt.order_by(ChiefAssignment.id)).all())
