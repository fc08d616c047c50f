"""What the grid API returns, built from the repository's rows. Phones are masked here, once,
for whoever :func:`jieyou.grid.permissions.reads_phones` says does not need them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.grid import repository
from jieyou.grid.models import DUTY_LABELS, POST_LABELS, Duty, Post, VillagerGroup
from jieyou.grid.permissions import path_clause, region_for, sees_case_counts
from jieyou.grid.repository import (
    GridRow,
    GroupRow,
    Holder,
    LaneDetail,
    LaneRow,
    Register,
    VillageSummary,
)
from jieyou.privacy import mask_phone
from jieyou.regions.models import Level, Region


class AssignmentRead(BaseModel):
    id: int
    post: Post
    post_label: str = Field(description="片长、组长、巷长（邻长）、网格员")
    place: str = Field(description="网格或巷道代码；组长为村代码")
    group_id: int | None
    person_name: str
    phone: str | None = Field(description="联系电话；无权查看完整号码时为 139****1234")
    username: str | None = Field(description="关联的系统账号")
    duties: list[Duty]
    duty_labels: list[str]
    duties_note: str | None
    started_on: date
    ended_on: date | None
    end_reason: str | None
    is_current: bool

    @classmethod
    def of(cls, h: Holder, *, full_phone: bool) -> AssignmentRead:
        a = h.a
        duties = [Duty(d) for d in a.duties]
        phone = a.phone if full_phone or not a.phone else mask_phone(a.phone)
        return cls(
            id=a.id,
            post=Post(a.post),
            post_label=POST_LABELS[Post(a.post)],
            place=a.region_code,
            group_id=a.group_id,
            person_name=a.person_name,
            phone=phone,
            username=h.username,
            duties=duties,
            duty_labels=[DUTY_LABELS[d] for d in duties],
            duties_note=a.duties_note,
            started_on=a.started_on,
            ended_on=a.ended_on,
            end_reason=a.end_reason,
            is_current=a.ended_on is None,
        )


def _holder(h: Holder | None, full: bool) -> AssignmentRead | None:
    return AssignmentRead.of(h, full_phone=full) if h is not None else None


class PlaceRead(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    households: int | None
    boundary: str | None

    @classmethod
    def of(cls, r: Region) -> PlaceRead:
        return cls(
            code=r.code,
            name=r.name,
            level=r.level,
            parent_code=r.parent_code,
            households=r.households,
            boundary=r.boundary,
        )


class LaneRead(PlaceRead):
    chief: AssignmentRead | None = Field(description="现任巷长（邻长）")
    open_cases: int | None = Field(description="在办诉求数（无权查看时为 null）")
    last_patrol: date | None = Field(description="最近一次巡查日期")

    @classmethod
    def row(cls, lane: LaneRow, *, full: bool) -> LaneRead:
        return cls(
            **PlaceRead.of(lane.region).model_dump(),
            chief=_holder(lane.chief, full),
            open_cases=lane.open_cases,
            last_patrol=lane.last_patrol,
        )


class GridRead(PlaceRead):
    chief: AssignmentRead | None = Field(description="现任片长")
    workers: list[AssignmentRead] = Field(description="现任网格员")
    open_cases: int | None
    lanes: list[LaneRead]

    @classmethod
    def row(cls, g: GridRow, *, full: bool) -> GridRead:
        base = PlaceRead.of(g.region).model_dump()
        base["households"] = g.households
        return cls(
            **base,
            chief=_holder(g.chief, full),
            workers=[AssignmentRead.of(w, full_phone=full) for w in g.workers],
            open_cases=g.open_cases,
            lanes=[LaneRead.row(lane, full=full) for lane in g.lanes],
        )


class GroupRead(BaseModel):
    id: int
    village_code: str
    number: int | None
    name: str
    households: int | None
    grid_code: str | None
    grid_name: str | None
    boundary: str | None
    chief: AssignmentRead | None = Field(description="现任组长")

    @classmethod
    def of(
        cls, g: VillagerGroup, *, chief: AssignmentRead | None = None, grid_name: str | None = None
    ) -> GroupRead:
        return cls(
            id=g.id,
            village_code=g.village_code,
            number=g.number,
            name=g.name,
            households=g.households,
            grid_code=g.grid_code,
            grid_name=grid_name,
            boundary=g.boundary,
            chief=chief,
        )

    @classmethod
    def row(cls, g: GroupRow, *, full: bool) -> GroupRead:
        return cls.of(g.group, chief=_holder(g.chief, full), grid_name=g.grid_name)


class CoverageRead(BaseModel):
    grids: int
    lanes: int
    households: int
    grids_with_chief: int = Field(description="已配备片长的网格数")
    lanes_with_chief: int = Field(description="已配备巷长的巷道数")
    groups: int
    groups_with_chief: int
    open_cases: int | None


class RegisterRead(BaseModel):
    village: PlaceRead
    root: PlaceRead = Field(description="村，或网格员看到的本网格")
    coverage: CoverageRead
    village_open_cases: int | None = Field(description="落在村一级、未到网格的在办诉求")
    grids: list[GridRead]
    groups: list[GroupRead]

    @classmethod
    def of(cls, reg: Register, *, full: bool) -> RegisterRead:
        return cls(
            village=PlaceRead.of(reg.village),
            root=PlaceRead.of(reg.root),
            coverage=CoverageRead(
                grids=len(reg.grids),
                lanes=len(reg.lanes),
                households=reg.households,
                grids_with_chief=reg.grids_with_chief,
                lanes_with_chief=reg.lanes_with_chief,
                groups=len(reg.groups),
                groups_with_chief=sum(1 for g in reg.groups if g.chief is not None),
                open_cases=reg.open_cases,
            ),
            village_open_cases=reg.village_open_cases,
            grids=[GridRead.row(g, full=full) for g in reg.grids],
            groups=[GroupRead.row(g, full=full) for g in reg.groups],
        )


class CaseBrief(BaseModel):
    number: str
    title: str
    status: str


class LaneDetailRead(PlaceRead):
    grid: PlaceRead
    village: PlaceRead
    chief: AssignmentRead | None
    history: list[AssignmentRead] = Field(description="历任巷长，最近的在前")
    grid_chief: AssignmentRead | None
    grid_workers: list[AssignmentRead]
    open_cases: int | None
    last_patrol: date | None
    cases: list[CaseBrief] = Field(description="该巷道的在办诉求（最近 20 件，限本人可见范围）")

    @classmethod
    def detail(cls, d: LaneDetail, *, full: bool) -> LaneDetailRead:
        return cls(
            **PlaceRead.of(d.lane).model_dump(),
            grid=PlaceRead.of(d.grid),
            village=PlaceRead.of(d.village),
            chief=_holder(d.chief, full),
            history=[AssignmentRead.of(h, full_phone=full) for h in d.history],
            grid_chief=_holder(d.grid_chief, full),
            grid_workers=[AssignmentRead.of(h, full_phone=full) for h in d.grid_workers],
            open_cases=d.open_cases,
            last_patrol=d.last_patrol,
            cases=[CaseBrief(number=c.number, title=c.title, status=c.status) for c in d.cases],
        )


class VillageListItem(BaseModel):
    code: str
    name: str
    township: str
    grids: int
    lanes: int
    households: int
    grids_with_chief: int
    lanes_with_chief: int

    @classmethod
    def of(cls, v: VillageSummary) -> VillageListItem:
        return cls(
            code=v.code,
            name=v.name,
            township=v.township,
            grids=v.grids,
            lanes=v.lanes,
            households=v.households,
            grids_with_chief=v.grids_with_chief,
            lanes_with_chief=v.lanes_with_chief,
        )


class VillagePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[VillageListItem]


# --- reading for an actor -------------------------------------------------------------------


def register_for(session: Session, actor: User | None, code: str) -> Register:
    """A village's register, or a grid's (a grid worker's own, or a grid page)."""
    root = region_for(session, actor, code, Level.village, Level.grid)
    village = root
    if root.level == Level.grid.value:
        assert root.parent_code is not None
        parent = session.get(Region, root.parent_code)
        assert parent is not None
        village = parent
    return repository.register(session, root, village, show_counts=sees_case_counts(actor))


def lane_for(session: Session, actor: User | None, code: str) -> LaneDetail:
    lane = region_for(session, actor, code, Level.lane)
    return repository.lane_detail(session, actor, lane, show_counts=sees_case_counts(actor))


def villages_for(
    session: Session,
    actor: User | None,
    *,
    under: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[int, list[VillageSummary]]:
    scope = path_clause(actor, Region.path)  # type: ignore[arg-type]
    return repository.villages(session, scope, under=under, q=q, page=page, page_size=page_size)
