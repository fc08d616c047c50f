"""JSON routes of the grid register (网格台账) and the three chiefs (三长制).

Reads are scoped to the caller's subtree (out of scope is 404, like a missing code); changes
need a village-level account or above (403 otherwise). Bad input is 422 naming the field, and
nothing is changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile, status
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.deps import UnitOfWork
from jieyou.errors import NotFound
from jieyou.grid import excel, importer, service
from jieyou.grid.permissions import reads_phones, region_for, sees
from jieyou.grid.repository import Holder
from jieyou.grid.schemas import (
    AssignmentIn,
    EndIn,
    GridIn,
    GridPatch,
    GroupIn,
    GroupPatch,
    LaneIn,
    LanePatch,
)
from jieyou.grid.views import (
    AssignmentRead,
    GroupRead,
    LaneDetailRead,
    PlaceRead,
    RegisterRead,
    VillageListItem,
    VillagePage,
    lane_for,
    register_for,
    villages_for,
)
from jieyou.regions.models import Level, Region

router = APIRouter(prefix="/api/v1/grid", tags=["grid"])

VillageCode = Annotated[str, Path(pattern=r"^\d{12}$", description="村（社区）12 位代码")]
GridCode = Annotated[str, Path(pattern=r"^\d{14}$", description="网格 14 位代码")]
LaneCode = Annotated[str, Path(pattern=r"^\d{16}$", description="巷道 16 位代码")]
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
MAX_UPLOAD = 5_000_000


def _assignment(s: Session, actor: User, a: service.ChiefAssignment) -> AssignmentRead:
    user = s.get(User, a.user_id) if a.user_id else None
    holder = Holder(a, user.username if user else None)
    return AssignmentRead.of(holder, full_phone=reads_phones(actor))


# --- reading --------------------------------------------------------------------------------


@router.get("/villages", response_model=VillagePage)
async def list_villages(
    work: UnitOfWork,
    under: Annotated[
        str | None, Query(pattern=r"^\d{4,12}$", description="只列此区划（县、乡镇）下的村")
    ] = None,
    q: Annotated[str | None, Query(max_length=20, description="村名包含")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> VillagePage:
    """Villages in the caller's scope with how far their register has got: grids, lanes,
    households, grids with a 片长 and lanes with a 巷长."""

    def run(s: Session, actor: User) -> VillagePage:
        prefix = under.rstrip("0") if under else None
        total, items = villages_for(s, actor, under=prefix, q=q, page=page, page_size=page_size)
        return VillagePage(
            total=total,
            page=page,
            page_size=page_size,
            items=[VillageListItem.of(v) for v in items],
        )

    return await work.staff(run)


@router.get("/villages/{code}", response_model=RegisterRead)
async def get_village(code: VillageCode, work: UnitOfWork) -> RegisterRead:
    """The village's register: grids with their 片长 and 网格员, each grid's lanes with
    households, 巷长, open cases and last patrol; villager groups with their 组长."""
    return await work.staff(
        lambda s, actor: RegisterRead.of(register_for(s, actor, code), full=reads_phones(actor))
    )


@router.get("/grids/{code}", response_model=RegisterRead)
async def get_grid(code: GridCode, work: UnitOfWork) -> RegisterRead:
    """One grid's register (what a grid worker sees of the village)."""
    return await work.staff(
        lambda s, actor: RegisterRead.of(register_for(s, actor, code), full=reads_phones(actor))
    )


@router.get("/lanes/{code}", response_model=LaneDetailRead)
async def get_lane(code: LaneCode, work: UnitOfWork) -> LaneDetailRead:
    """One lane: households, boundary, the 巷长 and earlier ones, the grid's 片长 and 网格员,
    open cases and the last patrol."""
    return await work.staff(
        lambda s, actor: LaneDetailRead.detail(lane_for(s, actor, code), full=reads_phones(actor))
    )


@router.get("/assignments", response_model=list[AssignmentRead])
async def list_assignments(
    work: UnitOfWork,
    place: Annotated[
        str | None,
        Query(pattern=r"^\d{4,16}$", description="区划、村、网格或巷道代码；默认本人所在区划"),
    ] = None,
    include_ended: Annotated[bool, Query(description="包括已卸任的")] = False,
    limit: Annotated[int, Query(ge=1, le=5000, description="最多返回的条数")] = 1000,
) -> list[AssignmentRead]:
    """The chiefs and grid workers at a place and below it, newest term first."""

    def run(s: Session, actor: User) -> list[AssignmentRead]:
        path = actor.region_path
        if place is not None:
            region = s.get(Region, place)
            if region is None or not sees(actor, region.path):
                raise NotFound(f"区划 {place} 不存在", code="region_not_found")
            path = region.path
        full = reads_phones(actor)
        rows = service.assignments_under(s, path, include_ended=include_ended, limit=limit)
        return [AssignmentRead.of(h, full_phone=full) for h in rows]

    return await work.staff(run)


# --- changing -------------------------------------------------------------------------------


@router.post("/villages/{code}/grids", status_code=status.HTTP_201_CREATED)
async def create_grid(code: VillageCode, body: GridIn, work: UnitOfWork) -> PlaceRead:
    """A new grid (片/网格) in the village; its code is the next free two digits."""
    return await work.staff(
        lambda s, actor: PlaceRead.of(
            service.create_grid(s, actor=actor, village_code=code, data=body)
        )
    )


@router.patch("/grids/{code}")
async def update_grid(code: GridCode, body: GridPatch, work: UnitOfWork) -> PlaceRead:
    """Rename a grid, or change its boundary; its households only while it has no lanes
    (afterwards they are the sum of its lanes)."""
    return await work.staff(
        lambda s, actor: PlaceRead.of(service.update_grid(s, actor=actor, code=code, data=body))
    )


@router.post("/grids/{code}/lanes", status_code=status.HTTP_201_CREATED)
async def create_lane(code: GridCode, body: LaneIn, work: UnitOfWork) -> PlaceRead:
    """A new lane (巷道/邻) in the grid with the households its chief answers for."""
    return await work.staff(
        lambda s, actor: PlaceRead.of(
            service.create_lane(s, actor=actor, grid_code=code, data=body)
        )
    )


@router.patch("/lanes/{code}")
async def update_lane(code: LaneCode, body: LanePatch, work: UnitOfWork) -> PlaceRead:
    return await work.staff(
        lambda s, actor: PlaceRead.of(service.update_lane(s, actor=actor, code=code, data=body))
    )


@router.get("/villages/{code}/groups", response_model=list[GroupRead])
async def list_groups(code: VillageCode, work: UnitOfWork) -> list[GroupRead]:
    def run(s: Session, actor: User) -> list[GroupRead]:
        reg = register_for(s, actor, region_for(s, actor, code, Level.village).code)
        return RegisterRead.of(reg, full=reads_phones(actor)).groups

    return await work.staff(run)


@router.post("/villages/{code}/groups", status_code=status.HTTP_201_CREATED)
async def create_group(code: VillageCode, body: GroupIn, work: UnitOfWork) -> GroupRead:
    """A villager group (村民小组) of the village."""
    return await work.staff(
        lambda s, actor: GroupRead.of(
            service.create_group(s, actor=actor, village_code=code, data=body)
        )
    )


@router.patch("/groups/{group_id}")
async def update_group(group_id: RowId, body: GroupPatch, work: UnitOfWork) -> GroupRead:
    return await work.staff(
        lambda s, actor: GroupRead.of(
            service.update_group(s, actor=actor, group_id=group_id, data=body)
        )
    )


@router.post("/assignments", status_code=status.HTTP_201_CREATED)
async def assign(body: AssignmentIn, work: UnitOfWork) -> AssignmentRead:
    """Appoint a 片长 (grid), 组长 (group), 巷长/邻长 (lane) or 网格员 (grid). For the first
    three, the current holder's term ends the day the new one starts and stays in the
    history. Appointing the current holder again is 409."""
    return await work.staff(
        lambda s, actor: _assignment(s, actor, service.assign(s, actor=actor, data=body))
    )


@router.post("/assignments/{assignment_id}/end")
async def end_assignment(assignment_id: RowId, body: EndIn, work: UnitOfWork) -> AssignmentRead:
    """End a term (卸任) without a successor; the post is vacant until someone is appointed."""
    return await work.staff(
        lambda s, actor: _assignment(
            s,
            actor,
            service.end_assignment(s, actor=actor, assignment_id=assignment_id, data=body),
        )
    )


@router.post("/import", response_model=importer.ImportRead)
async def import_register(
    work: UnitOfWork,
    file: Annotated[
        UploadFile, File(description="网格台账 .xlsx（工作表：网格、巷道、村民小组、三长）")
    ],
    village: Annotated[
        str | None, Form(pattern=r"^\d{12}$", description="行内未填村代码时所用的村")
    ] = None,
) -> importer.ImportRead:
    """Import grids, lanes, villager groups and chiefs from the template's workbook. Each row
    is imported or refused whole; refused rows are listed by sheet, row and column. Importing
    the same file again changes nothing."""
    data = await file.read(MAX_UPLOAD + 1)

    def run(s: Session, actor: User) -> importer.ImportRead:
        with excel.saved_upload(data, file.filename, limit=MAX_UPLOAD) as path:
            result = importer.import_workbook(s, actor=actor, path=path, village=village)
        return importer.ImportRead.of(result)

    return await work.staff(run)
