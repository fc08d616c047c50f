"""一图可视: the dashboard page, its data for the page's refresh, and the Excel report.

``/dashboard`` renders the figures of the chosen region and period (KPI tiles on the server, so
they show without JavaScript) and embeds the same data for the charts; ``dashboard.js`` then
polls ``/dashboard/data`` every 60 seconds. Both use the staff session cookie; token clients
use ``/api/v1/stats/...`` (the same service functions).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from jieyou.analytics import report, service
from jieyou.errors import Invalid
from jieyou.regions.models import Level
from jieyou.web.boundary import Pages, Staff
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)

Region = Annotated[str | None, Query(max_length=16)]
By = Annotated[str | None, Query(pattern="^(region|unit)$")]
Sort = Annotated[str, Query(pattern="^(response|resolution|satisfaction)$")]
MinCases = Annotated[int, Query(ge=1, le=100_000)]
REFRESH_SECONDS = 60


def _date(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("日期格式应为 2026-11-27", code="bad_date", field=name) from None


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    work: Pages,
    region: Region = None,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        data = service.dashboard_data(
            s, staff.user, region=region, start=_date(start, "from"), end=_date(end, "to")
        )
        home = service.region_for(s, staff.user, None)
        return {
            "staff": staff,
            "data": data,
            "home": service.area_ref(home),
            "has_map": home.level in (Level.city, Level.county),
            "refresh_seconds": REFRESH_SECONDS,
        }

    ctx = await work.staff(run)
    ctx["data_json"] = ctx["data"].as_json()
    return render(request, "dashboard.html", ctx)


@router.get("/dashboard/data")
async def dashboard_data(
    work: Pages,
    region: Region = None,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    by: By = None,
    sort: Sort = "resolution",
    min_cases: MinCases = service.DEFAULT_MIN_CASES,
) -> JSONResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        return service.dashboard_data(
            s,
            staff.user,
            region=region,
            start=_date(start, "from"),
            end=_date(end, "to"),
            by=by,
            sort=sort,
            min_cases=min_cases,
        ).as_json()

    return JSONResponse(await work.staff(run), headers={"Cache-Control": "no-store"})


@router.get("/dashboard/report.xlsx")
async def dashboard_report(
    work: Pages,
    region: Region = None,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> Response:
    def run(s: Session, staff: Staff) -> tuple[str, bytes]:
        area = service.region_for(s, staff.user, region)
        period = service.period_of(_date(start, "from"), _date(end, "to"))
        return report.build_report(s, area, period)

    filename, content = await work.staff(run)
    return report.xlsx_response(filename, content)
