"""JSON routes for the dashboard's figures (``/api/v1/stats/...``) and the period report.

Every route takes ``region`` (a city, county or township code in the caller's scope; default:
the caller's own), ``from`` and ``to`` (local dates, both included; default: this month)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.analytics import report, service
from jieyou.analytics.schemas import MapRead, RankingRead, SummaryRead, TrendRead
from jieyou.deps import UnitOfWork
from jieyou.validation import IsoDate

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

RegionCode = Annotated[
    str | None, Query(max_length=16, description="市、县或乡镇代码（默认本人辖区）")
]
From = Annotated[IsoDate | None, Query(alias="from", description="开始日期（含），默认本月1日")]
To = Annotated[IsoDate | None, Query(alias="to", description="结束日期（含），默认今天")]


@router.get("/summary", response_model=SummaryRead)
async def summary(
    work: UnitOfWork, region: RegionCode = None, start: From = None, end: To = None
) -> SummaryRead:
    """KPIs of the period (counts, the rates with numerator and denominator, median handling
    time), cases open now, the category breakdown and the top hotspots (township × category)."""

    def run(s: Session, actor: User) -> SummaryRead:
        area = service.region_for(s, actor, region)
        return service.summary(s, area, service.period_of(start, end))

    return await work.staff(run)


@router.get("/map", response_model=MapRead)
async def map_(
    work: UnitOfWork, region: RegionCode = None, start: From = None, end: To = None
) -> MapRead:
    """The region and its counties (city) or townships (county): received, resolved, open,
    high-risk and overdue open cases, resolution rate."""

    def run(s: Session, actor: User) -> MapRead:
        area = service.region_for(s, actor, region)
        return service.map_of(s, area, service.period_of(start, end))

    return await work.staff(run)


@router.get("/trend", response_model=TrendRead)
async def trend(
    work: UnitOfWork,
    region: RegionCode = None,
    start: From = None,
    end: To = None,
    grain: Annotated[str, Query(pattern="^(day|week|month)$")] = "day",
) -> TrendRead:
    """Received, accepted, resolved and solved per day, week (from Monday) or month."""

    def run(s: Session, actor: User) -> TrendRead:
        area = service.region_for(s, actor, region)
        return service.trend(s, area, service.period_of(start, end), grain)

    return await work.staff(run)


@router.get("/ranking", response_model=RankingRead)
async def ranking(
    work: UnitOfWork,
    region: RegionCode = None,
    start: From = None,
    end: To = None,
    by: Annotated[str | None, Query(pattern="^(region|unit)$")] = None,
    sort: Annotated[str, Query(pattern="^(response|resolution|satisfaction)$")] = "resolution",
    min_cases: Annotated[int, Query(ge=1, le=100_000)] = service.DEFAULT_MIN_CASES,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> RankingRead:
    """Areas one level down (``by=region``, default for city and county) or responsible units
    (``by=unit``) by 响应率, 解决率 or 满意率; fewer than ``min_cases`` in the denominator: no
    rank."""

    def run(s: Session, actor: User) -> RankingRead:
        area = service.region_for(s, actor, region)
        return service.ranking(
            s,
            area,
            service.period_of(start, end),
            by=by,
            sort=sort,
            min_cases=min_cases,
            limit=limit,
        )

    return await work.staff(run)


@router.get("/report", response_class=Response)
async def period_report(
    work: UnitOfWork, region: RegionCode = None, start: From = None, end: To = None
) -> Response:
    """The period report as an Excel workbook: KPIs, ranking, case list (personal data
    masked)."""

    def run(s: Session, actor: User) -> tuple[str, bytes]:
        area = service.region_for(s, actor, region)
        return report.build_report(s, area, service.period_of(start, end))

    filename, content = await work.staff(run)
    return report.xlsx_response(filename, content)
