"""JSON routes: patrols (排查), on-the-spot settlements, duty activities, screening campaigns
and the figures per chief and per village.

| path | what |
|---|---|
| ``POST /api/v1/patrols`` | record a patrol; with ``case``, open a case from it (and settle it) |
| ``GET /api/v1/patrols`` | patrols in scope, newest first (``mine``, ``region``, dates) |
| ``GET /api/v1/patrols/{id}`` | one patrol |
| ``POST /api/v1/patrols/{id}/case`` | open a case from an earlier patrol |
| ``POST|GET /api/v1/on-spot`` | 小事不出巷: settle a case assigned to me at lane level; the list |
| ``POST|GET /api/v1/activities`` | 履职记录: publicity sessions and other duties |
| ``POST|GET /api/v1/campaigns`` | 专项排查: launch (township, county); the list |
| ``GET /api/v1/campaigns/{id}`` | completion by village (and township), the grids |
| ``POST /api/v1/campaigns/{id}/reports`` | a grid's report |
| ``GET /api/v1/patrol-figures`` | figures per person and per village over a period |
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.db import utcnow
from jieyou.deps import UnitOfWork
from jieyou.errors import NotFound
from jieyou.patrol import permissions, repository, service, views
from jieyou.patrol.figures import figures
from jieyou.patrol.models import ActivityKind
from jieyou.patrol.schemas import (
    ActivityCreate,
    ActivityRead,
    CampaignCreate,
    CampaignDetail,
    CampaignGridRead,
    CampaignRead,
    FiguresRead,
    GridReportIn,
    PatrolCaseIn,
    PatrolCreate,
    PatrolRead,
    SettlementCreate,
    SettlementRead,
)
from jieyou.regions.models import Region
from jieyou.validation import IsoDate

router = APIRouter(prefix="/api/v1", tags=["patrol"])

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
From = Annotated[IsoDate | None, Query(alias="from", description="开始日期 2026-11-01")]
To = Annotated[IsoDate | None, Query(alias="to", description="结束日期（含）")]
RegionQ = Annotated[str | None, Query(pattern=r"^\d{4,16}$", description="区划代码")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class PatrolCreated(BaseModel):
    patrol: PatrolRead
    case_number: str | None = None
    case_status: str | None = None
    settled_on_spot: bool = False
    # A high-risk case is left with the centre (alerted) rather than kept at the lane.
    handed_up: bool = False


def _path(s: Session, code: str | None) -> str | None:
    """A region filter as a path prefix; an unknown code matches nothing."""
    if not code:
        return None
    region = s.get(Region, code)
    return region.path if region else code + ":"


def _patrol(s: Session, actor: User, patrol_id: int) -> PatrolRead:
    rows = repository.patrols(s, actor, patrol_id=patrol_id, limit=1)
    if not rows:
        raise NotFound(f"排查记录 {patrol_id} 不存在", code="patrol_not_found")
    return views.patrol_read(rows[0])


def _created(s: Session, actor: User, result: service.PatrolResult) -> PatrolCreated:
    return PatrolCreated(
        patrol=_patrol(s, actor, result.patrol.id),
        case_number=result.case.number if result.case else None,
        case_status=result.case.status if result.case else None,
        settled_on_spot=result.settled,
        handed_up=result.handed_up,
    )


@router.post("/patrols", status_code=status.HTTP_201_CREATED, response_model=PatrolCreated)
async def create_patrol(body: PatrolCreate, work: UnitOfWork) -> PatrolCreated:
    """Record a patrol of one of my lanes. With ``case``, what was found becomes a case
    (channel ``patrol``) accepted and assigned to me; with ``case.settle`` it is also
    resolved on the spot."""

    def run(s: Session, actor: User) -> PatrolCreated:
        return _created(s, actor, service.record_patrol(s, actor=actor, data=body))

    return await work.staff(run)


@router.get("/patrols", response_model=list[PatrolRead])
async def list_patrols(
    work: UnitOfWork,
    date_from: From = None,
    date_to: To = None,
    region: RegionQ = None,
    mine: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[PatrolRead]:
    def run(s: Session, actor: User) -> list[PatrolRead]:
        rows = repository.patrols(
            s,
            actor,
            mine=mine,
            region=_path(s, region),
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
        return [views.patrol_read(r) for r in rows]

    return await work.staff(run)


@router.get("/patrols/{patrol_id}", response_model=PatrolRead)
async def get_patrol(patrol_id: Id, work: UnitOfWork) -> PatrolRead:
    return await work.staff(lambda s, actor: _patrol(s, actor, patrol_id))


@router.post(
    "/patrols/{patrol_id}/case", status_code=status.HTTP_201_CREATED, response_model=PatrolCreated
)
async def open_case(patrol_id: Id, body: PatrolCaseIn, work: UnitOfWork) -> PatrolCreated:
    """Register what an earlier patrol of mine found as a case, handled by me."""

    def run(s: Session, actor: User) -> PatrolCreated:
        row = repository.patrols(s, actor, patrol_id=patrol_id, limit=1)
        if not row:
            raise NotFound(f"排查记录 {patrol_id} 不存在", code="patrol_not_found")
        result = service.open_case_from_patrol(s, actor=actor, patrol=row[0].patrol, data=body)
        return _created(s, actor, result)

    return await work.staff(run)


@router.post("/on-spot", status_code=status.HTTP_201_CREATED, response_model=SettlementRead)
async def settle(body: SettlementCreate, work: UnitOfWork) -> SettlementRead:
    """小事不出巷: resolve a case assigned to me at lane level, recording how."""

    def run(s: Session, actor: User) -> SettlementRead:
        row = service.settle_on_spot(s, actor=actor, data=body)
        return views.settlement_read(repository.settlements(s, actor, case_id=row.case_id)[0])

    return await work.staff(run)


@router.get("/on-spot", response_model=list[SettlementRead])
async def list_settlements(
    work: UnitOfWork, mine: bool = False, limit: Limit = 50
) -> list[SettlementRead]:
    def run(s: Session, actor: User) -> list[SettlementRead]:
        rows = repository.settlements(s, actor, mine=mine, limit=limit)
        return [views.settlement_read(r) for r in rows]

    return await work.staff(run)


@router.post("/activities", status_code=status.HTTP_201_CREATED, response_model=ActivityRead)
async def create_activity(body: ActivityCreate, work: UnitOfWork) -> ActivityRead:
    """履职记录 at one of my lanes or grids; a publicity session needs its topic and
    attendance."""

    def run(s: Session, actor: User) -> ActivityRead:
        activity = service.record_activity(s, actor=actor, data=body)
        place = s.get(Region, activity.region_code)
        name = place.name if place else ""
        return views.activity_read(repository.ActivityRow(activity, name, actor.display_name))

    return await work.staff(run)


@router.get("/activities", response_model=list[ActivityRead])
async def list_activities(
    work: UnitOfWork,
    date_from: From = None,
    date_to: To = None,
    region: RegionQ = None,
    kind: ActivityKind | None = None,
    mine: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[ActivityRead]:
    def run(s: Session, actor: User) -> list[ActivityRead]:
        rows = repository.activities(
            s,
            actor,
            mine=mine,
            kind=kind.value if kind else None,
            region=_path(s, region),
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
        return [views.activity_read(r) for r in rows]

    return await work.staff(run)


def _today() -> date:
    return service.local_today(utcnow())


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, response_model=CampaignDetail)
async def launch(body: CampaignCreate, work: UnitOfWork) -> CampaignDetail:
    """Launch a screening campaign (专项排查) for every grid of my township or county."""

    def run(s: Session, actor: User) -> CampaignDetail:
        campaign = service.launch_campaign(s, actor=actor, data=body)
        return views.campaign_detail(s, actor, campaign, _today())

    return await work.staff(run)


@router.get("/campaigns", response_model=list[CampaignRead])
async def list_campaigns(work: UnitOfWork) -> list[CampaignRead]:
    return await work.staff(lambda s, actor: views.campaign_list(s, actor, _today()))


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetail)
async def get_campaign(campaign_id: Id, work: UnitOfWork) -> CampaignDetail:
    """Completion by village (grids reported / total, late), by township for a county's
    campaign, and the grids the reader can see, unreported first."""

    def run(s: Session, actor: User) -> CampaignDetail:
        campaign = permissions.campaign_for(s, actor, campaign_id)
        return views.campaign_detail(s, actor, campaign, _today())

    return await work.staff(run)


@router.post("/campaigns/{campaign_id}/reports", response_model=CampaignGridRead)
async def report(campaign_id: Id, body: GridReportIn, work: UnitOfWork) -> CampaignGridRead:
    """My grid's report; sending it again corrects it."""

    def run(s: Session, actor: User) -> CampaignGridRead:
        row = service.report_grid(s, actor=actor, campaign_id=campaign_id, data=body)
        campaign = permissions.campaign_for(s, actor, campaign_id)
        detail = views.campaign_detail(s, actor, campaign, _today())
        return next(g for g in detail.grids if g.grid_code == row.grid_code)

    return await work.staff(run)


@router.get("/patrol-figures", response_model=FiguresRead)
async def get_figures(
    work: UnitOfWork, region: RegionQ = None, date_from: From = None, date_to: To = None
) -> FiguresRead:
    """Per person and per village: patrols, households visited, disputes found and handled,
    settled on the spot, escalated, publicity sessions and attendance (definitions in
    ``jieyou.patrol.figures``). Default: my region, the last 30 days."""

    def run(s: Session, actor: User) -> FiguresRead:
        place = permissions.figures_region(s, actor, region)
        start, end = service.period(date_from, date_to)
        f = figures(s, region_path=place.path, region_name=place.name, date_from=start, date_to=end)
        return views.figures_read(f, place.code)

    return await work.staff(run)
