"""排查 pages: the phone page a lane chief or grid worker works from, screening campaigns and the
figures. Forms build the API's schemas, so both surfaces refuse the same input; a refused form
comes back filled in with the message beside the field (422), nothing stored.

| path | what |
|---|---|
| ``GET /desk/patrol`` | record a patrol (and open / settle a case), my cases, my records |
| ``POST /desk/patrol`` | a patrol |
| ``POST /desk/patrol/activities`` | a duty (宣传政策 …) |
| ``POST /desk/patrol/settle`` | 小事不出巷: settle a case assigned to me |
| ``GET|POST /desk/patrol/campaigns`` | campaigns; launching one (township, county) |
| ``GET /desk/patrol/campaigns/{id}`` | completion by village, the grids, my grid's report |
| ``POST /desk/patrol/campaigns/{id}/report`` | a grid's report |
| ``GET /desk/patrol/campaigns/{id}.xlsx`` | the campaign as a workbook (by village, grids) |
| ``GET /desk/patrol/figures`` | figures per person and per village over a period |
| ``GET /desk/patrol/figures.xlsx`` | the same figures as a workbook (按村, 按人员) |
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jieyou.cases import desk
from jieyou.db import utcnow
from jieyou.errors import Invalid, JieyouError
from jieyou.patrol import export, permissions, repository, service, views
from jieyou.patrol.figures import figures, role_label
from jieyou.patrol.models import ACTIVITY_LABELS, FINDING_LABELS, SETTLE_METHOD_LABELS
from jieyou.patrol.schemas import (
    ActivityCreate,
    CampaignCreate,
    GridReportIn,
    PatrolCreate,
    SettlementCreate,
)
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.regions.repository import children
from jieyou.validation import describe_validation_errors
from jieyou.web.boundary import CsrfRejected, LoginRequired, Pages, Staff
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)

RECENT = 10
GRID = PATH_LENGTH[Level.grid]
LABELS = {
    "FINDING_LABELS": {k.value: v for k, v in FINDING_LABELS.items()},
    "ACTIVITY_LABELS": {k.value: v for k, v in ACTIVITY_LABELS.items()},
    "SETTLE_METHOD_LABELS": {k.value: v for k, v in SETTLE_METHOD_LABELS.items()},
    "GRID_STATES": views.GRID_STATES,
}


class Errors(dict[str, str]):
    """form field → message; ``_`` for the whole form. Nested API names (``case.description``)
    are shown beside the form field of their last part."""

    def add(self, name: str, message: str) -> None:
        name = name.rsplit(".", 1)[-1] if name else "_"
        self[name] = f"{self[name]}；{message}" if name in self else message

    def validation(self, exc: ValidationError) -> None:
        _, _, _, fields = describe_validation_errors(exc.errors())  # type: ignore[arg-type]
        for item in fields:
            self.add(item["field"], item["message"])

    def error(self, exc: JieyouError) -> None:
        self.add(str(exc.extra.get("field") or "_"), exc.message)


def _see_other(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url})


def _values(form: FormData) -> dict[str, str]:
    return {k: v.strip() for k, v in form.multi_items() if isinstance(v, str)}


def _opt(values: dict[str, str], name: str) -> str | None:
    return values.get(name) or None


def _parse(model: type[M], data: dict[str, Any], errors: Errors) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.validation(exc)
        return None


async def _submit(
    request: Request,
    work: Pages,
    csrf: str | None,
    action: Callable[[Session, Staff], str],
    errors: Errors,
    refill: Callable[[Session, Staff], tuple[str, dict[str, Any]]],
) -> Response:
    """Run ``action`` (returns where to go next) unless the form was already refused; on a
    refusal render the page again, filled in, with the errors and the right status."""
    status = 422
    if not errors:
        try:
            return _see_other(await work.staff(action, csrf=csrf))
        except JieyouError as exc:
            if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (
                403,
                404,
                409,
                422,
            ):
                raise
            errors.error(exc)
            status = exc.status
    work.write = False
    template, ctx = await work.staff(refill)
    return render(request, template, ctx, status=status)


# --- the chief's page -----------------------------------------------------------------------


def _desk(s: Session, staff: Staff, **forms: Any) -> dict[str, Any]:
    user = staff.user
    today = service.local_today(utcnow())
    lanes = permissions.lanes_of(s, user)
    grid_codes = sorted({lane.parent_code for lane in lanes if lane.parent_code})
    grids = (
        list(s.scalars(select(Region).where(Region.code.in_(grid_codes)).order_by(Region.code)))
        if grid_codes
        else []
    )
    recording = permissions.may_record(user)
    return {
        "staff": staff,
        "today": today,
        "recording": recording,
        "lanes": lanes,
        "places": [*grids, *lanes],
        "categories": desk.categories(s) if recording else [],
        "patrols": repository.patrols(s, user, mine=recording, limit=RECENT),
        "activities": repository.activities(s, user, mine=recording, limit=RECENT),
        "to_handle": repository.cases_to_handle(s, user) if recording else [],
        "pending": repository.pending_reports(s, user) if recording else [],
        "values": forms.get("values", {}),
        "errors": forms.get("errors", Errors()),
        "a_values": forms.get("a_values", {}),
        "a_errors": forms.get("a_errors", Errors()),
        "s_values": forms.get("s_values", {}),
        "s_errors": forms.get("s_errors", Errors()),
        **LABELS,
    }


@router.get("/desk/patrol", response_class=HTMLResponse)
async def desk_page(request: Request, work: Pages) -> HTMLResponse:
    return render(request, "patrol/desk.html", await work.staff(_desk))


def _patrol_data(v: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lane_code": v.get("lane_code", ""),
        "patrolled_on": _opt(v, "patrolled_on"),
        "households_visited": v.get("households_visited") or None,
        "finding": v.get("finding", ""),
        "note": v.get("note", ""),
    }
    handling = v.get("handling", "record")
    if v.get("finding") not in (None, "", "nothing") and handling in ("case", "settle"):
        case: dict[str, Any] = {
            "resident_name": _opt(v, "resident_name"),
            "resident_phone": v.get("resident_phone", ""),
            "respondent_name": _opt(v, "respondent_name"),
            "category_code": _opt(v, "category_code"),
        }
        if handling == "settle":
            case["settle"] = {"method": v.get("method", ""), "outcome": v.get("outcome", "")}
        data["case"] = case
    return data


@router.post("/desk/patrol", response_class=HTMLResponse)
async def record(request: Request, work: Pages) -> Response:
    values = _values(await request.form())
    errors = Errors()
    body = _parse(PatrolCreate, _patrol_data(values), errors)

    def run(s: Session, staff: Staff) -> str:
        assert body is not None
        result = service.record_patrol(s, actor=staff.user, data=body)
        done = {"saved": "patrol", "case": result.case.number if result.case else ""}
        if result.settled:
            done["saved"] = "settled"
        elif result.handed_up:
            done["saved"] = "handed_up"
        return "/desk/patrol?" + urlencode({k: v for k, v in done.items() if v})

    def refill(s: Session, staff: Staff) -> tuple[str, dict[str, Any]]:
        return "patrol/desk.html", _desk(s, staff, values=values, errors=errors)

    return await _submit(request, work, values.get("csrf"), run, errors, refill)


@router.post("/desk/patrol/activities", response_class=HTMLResponse)
async def record_activity(request: Request, work: Pages) -> Response:
    values = _values(await request.form())
    errors = Errors()
    data = {
        "kind": values.get("kind", ""),
        "held_on": _opt(values, "held_on"),
        "region_code": values.get("region_code", ""),
        "topic": values.get("topic", ""),
        "attendance": values.get("attendance") or None,
        "note": values.get("note", ""),
    }
    body = _parse(ActivityCreate, data, errors)

    def run(s: Session, staff: Staff) -> str:
        assert body is not None
        service.record_activity(s, actor=staff.user, data=body)
        return "/desk/patrol?saved=activity#activities"

    def refill(s: Session, staff: Staff) -> tuple[str, dict[str, Any]]:
        return "patrol/desk.html", _desk(s, staff, a_values=values, a_errors=errors)

    return await _submit(request, work, values.get("csrf"), run, errors, refill)


@router.post("/desk/patrol/settle", response_class=HTMLResponse)
async def settle(request: Request, work: Pages) -> Response:
    values = _values(await request.form())
    errors = Errors()
    data = {
        "case_number": values.get("case_number", ""),
        "method": values.get("method", ""),
        "outcome": values.get("outcome", ""),
    }
    body = _parse(SettlementCreate, data, errors)

    def run(s: Session, staff: Staff) -> str:
        assert body is not None
        service.settle_on_spot(s, actor=staff.user, data=body)
        return "/desk/patrol?" + urlencode({"saved": "settled", "case": body.case_number})

    def refill(s: Session, staff: Staff) -> tuple[str, dict[str, Any]]:
        return "patrol/desk.html", _desk(s, staff, s_values=values, s_errors=errors)

    return await _submit(request, work, values.get("csrf"), run, errors, refill)


# --- campaigns ------------------------------------------------------------------------------


def _campaigns(s: Session, staff: Staff, **forms: Any) -> dict[str, Any]:
    today = service.local_today(utcnow())
    return {
        "staff": staff,
        "today": today,
        "campaigns": views.campaign_list(s, staff.user, today),
        "can_launch": staff.user.role in {r.value for r in permissions.LAUNCHING_ROLES},
        "values": forms.get("values", {}),
        "errors": forms.get("errors", Errors()),
    }


@router.get("/desk/patrol/campaigns", response_class=HTMLResponse)
async def campaigns(request: Request, work: Pages) -> HTMLResponse:
    return render(request, "patrol/campaigns.html", await work.staff(_campaigns))


@router.post("/desk/patrol/campaigns", response_class=HTMLResponse)
async def launch(request: Request, work: Pages) -> Response:
    values = _values(await request.form())
    errors = Errors()
    data = {
        "title": values.get("title", ""),
        "description": values.get("description", ""),
        "starts_on": _opt(values, "starts_on"),
        "due_on": values.get("due_on", ""),
    }
    body = _parse(CampaignCreate, data, errors)

    def run(s: Session, staff: Staff) -> str:
        assert body is not None
        campaign = service.launch_campaign(s, actor=staff.user, data=body)
        return f"/desk/patrol/campaigns/{campaign.id}?launched=1"

    def refill(s: Session, staff: Staff) -> tuple[str, dict[str, Any]]:
        return "patrol/campaigns.html", _campaigns(s, staff, values=values, errors=errors)

    return await _submit(request, work, values.get("csrf"), run, errors, refill)


def _campaign(s: Session, staff: Staff, campaign_id: int, **forms: Any) -> dict[str, Any]:
    today = service.local_today(utcnow())
    campaign = permissions.campaign_for(s, staff.user, campaign_id)
    detail = views.campaign_detail(s, staff.user, campaign, today)
    own: list[Any] = []
    daily: dict[str, repository.Completion] = {}
    if permissions.may_record(staff.user):
        path = staff.user.region_path
        own = [
            g for g in detail.grids if g.grid_code.startswith(path) or path.startswith(g.grid_code)
        ]
        # What the grid's own patrols during the campaign add up to, beside the report form.
        daily = repository.completion_by(s, campaign, GRID) if own else {}
    return {
        "staff": staff,
        "today": today,
        "c": detail,
        "own_grids": own,
        "daily": daily,
        "values": forms.get("values", {}),
        "errors": forms.get("errors", Errors()),
        **LABELS,
    }


@router.get("/desk/patrol/campaigns/{campaign_id:int}", response_class=HTMLResponse)
async def campaign(request: Request, campaign_id: int, work: Pages) -> HTMLResponse:
    ctx = await work.staff(lambda s, staff: _campaign(s, staff, campaign_id))
    return render(request, "patrol/campaign.html", ctx)


@router.get("/desk/patrol/campaigns/{campaign_id:int}.xlsx")
async def campaign_xlsx(campaign_id: int, work: Pages) -> Response:
    def run(s: Session, staff: Staff) -> tuple[str, bytes]:
        campaign = permissions.campaign_for(s, staff.user, campaign_id)
        today = service.local_today(utcnow())
        detail = views.campaign_detail(
            s, staff.user, campaign, today, grid_limit=export.MAX_GRID_ROWS + 1
        )
        return export.campaign_filename(detail), export.campaign_workbook(detail)

    return _attachment(*(await work.staff(run)))


@router.post("/desk/patrol/campaigns/{campaign_id:int}/report", response_class=HTMLResponse)
async def report(request: Request, campaign_id: int, work: Pages) -> Response:
    values = _values(await request.form())
    errors = Errors()
    data = {
        "grid_code": values.get("grid_code", ""),
        "households_covered": values.get("households_covered") or None,
        "disputes_found": values.get("disputes_found") or None,
        "hazards_found": values.get("hazards_found") or 0,
        "note": values.get("note", ""),
    }
    body = _parse(GridReportIn, data, errors)

    def run(s: Session, staff: Staff) -> str:
        assert body is not None
        service.report_grid(s, actor=staff.user, campaign_id=campaign_id, data=body)
        return f"/desk/patrol/campaigns/{campaign_id}?reported={body.grid_code}"

    def refill(s: Session, staff: Staff) -> tuple[str, dict[str, Any]]:
        ctx = _campaign(s, staff, campaign_id, values=values, errors=errors)
        return "patrol/campaign.html", ctx

    return await _submit(request, work, values.get("csrf"), run, errors, refill)


# --- figures --------------------------------------------------------------------------------


def _periods(today: date) -> list[tuple[str, date, date]]:
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return [
        ("近30天", today - timedelta(days=29), today),
        ("本月", month, today),
        ("上月", last_month_end.replace(day=1), last_month_end),
        ("本年", today.replace(month=1, day=1), today),
    ]


@router.get("/desk/patrol/figures", response_class=HTMLResponse)
async def figures_page(
    request: Request,
    work: Pages,
    region: Annotated[str, Query(max_length=16, pattern=r"^\d*$")] = "",
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> HTMLResponse:
    errors = Errors()

    def day(raw: str, name: str) -> date | None:
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            errors.add(name, "日期格式应为 2026-11-27")
            return None

    start_in, end_in = day(date_from, "from"), day(date_to, "to")

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        place = permissions.figures_region(s, staff.user, region or None)
        try:
            start, end = service.period(start_in, end_in)
        except JieyouError as exc:
            errors.error(exc)
            start, end = service.period(None, None)
        f = figures(s, region_path=place.path, region_name=place.name, date_from=start, date_to=end)
        subareas = [
            r
            for r in children(s, place.code)
            if r.level in (Level.township.value, Level.village.value, Level.county.value)
        ]
        today = service.local_today(utcnow())
        return {
            "staff": staff,
            "f": views.figures_read(f, place.code),
            "place": place,
            "subareas": subareas,
            "periods": _periods(today),
            "errors": errors,
            "role_label": role_label,
        }

    ctx = await work.staff(run)
    return render(request, "patrol/figures.html", ctx, status=422 if errors else 200)


DATE_FIELDS = {"from": "开始日期", "to": "结束日期"}


def _date_param(raw: str, name: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Invalid(
            f"{DATE_FIELDS[name]}（{name}）格式应为 2026-11-27", code="bad_date", field=name
        ) from None


@router.get("/desk/patrol/figures.xlsx")
async def figures_xlsx(
    work: Pages,
    region: Annotated[str, Query(max_length=16, pattern=r"^\d*$")] = "",
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    """The figures page as a workbook: same scope, same parameters, same numbers; a bad date
    is refused (422) rather than replaced by the default period, so a file is never wrong."""
    start_in, end_in = _date_param(date_from, "from"), _date_param(date_to, "to")

    def run(s: Session, staff: Staff) -> tuple[str, bytes]:
        place = permissions.figures_region(s, staff.user, region or None)
        start, end = service.period(start_in, end_in)
        f = figures(s, region_path=place.path, region_name=place.name, date_from=start, date_to=end)
        read = views.figures_read(f, place.code)
        return export.figures_filename(read), export.figures_workbook(read)

    return _attachment(*(await work.staff(run)))


def _attachment(name: str, data: bytes) -> Response:
    return Response(
        data,
        media_type=export.XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )
