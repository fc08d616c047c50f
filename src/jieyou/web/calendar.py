"""The admin's working-day calendar page (系统管理 → 工作日历) under /desk/admin/calendar.

It lists the years around today with where their holidays come from, warns from November while
next year is missing, and takes a year's notice in the plain-text format of
:mod:`jieyou.routing.calendar_service`. Admins only, through the same gate as the other admin
pages (anyone else sees the page-not-found page)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from jieyou.db import utcnow
from jieyou.routing.calendar import WorkCalendar
from jieyou.routing.calendar_service import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarStatus,
    calendar_overview,
    default_source,
    get_year_calendar,
    import_notice_text,
    notice_text,
)
from jieyou.timefmt import to_local
from jieyou.web.admin import admin_change, admin_context, admin_read, see_other
from jieyou.web.boundary import Pages, Staff
from jieyou.web.forms import FormErrors, field, text_values
from jieyou.web.templating import render

router = APIRouter(prefix="/desk/admin/calendar", include_in_schema=False)
TEMPLATE = "admin/calendar.html"
PageYear = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
MAX_TEXT = 10_000


def _today() -> date:
    return to_local(utcnow()).date()


def _context(s: Session, staff: Staff, year: int | None) -> dict[str, Any]:
    today = _today()
    form_year = year if year is not None else today.year + 1
    shown = get_year_calendar(s, form_year)
    entered = shown.status == CalendarStatus.entered
    return admin_context(staff, "calendar") | {
        "years": calendar_overview(s, today=today),
        "warning": WorkCalendar.load(s).missing_next_year_warning(today),
        "shown": shown if year is not None else None,
        "values": {
            "year": str(form_year),
            "source": shown.source if entered else default_source(form_year),
            "text": notice_text(shown),
        },
        "errors": FormErrors(),
        "done": "",
    }


@router.get("", response_class=HTMLResponse)
async def calendar_home(request: Request, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: _context(s, staff, None))
    return render(request, TEMPLATE, ctx)


@router.get("/{year}", response_class=HTMLResponse)
async def calendar_year(request: Request, year: PageYear, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: _context(s, staff, year))
    ctx["done"] = request.query_params.get("done", "")[:20]
    return render(request, TEMPLATE, ctx)


@router.post("", response_class=HTMLResponse)
async def save_calendar(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    errors = FormErrors()
    raw_year = field(form, "year") or ""
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
    if year is None:
        errors.add("year", "请填写四位年份，如 2027")
    text = form.get("text")
    if not isinstance(text, str) or not text.strip():
        errors.add("text", "请填写节假日安排")
    elif len(text) > MAX_TEXT:
        errors.add("text", f"内容过长（上限 {MAX_TEXT} 字）")

    def run(s: Session, staff: Staff) -> int:
        assert year is not None and isinstance(text, str)
        import_notice_text(s, year=year, source=field(form, "source"), text=text, actor=staff.user)
        return year

    saved = await admin_change(work, form, errors, run)
    if saved is not None:
        return see_other(f"/desk/admin/calendar/{saved}?done=saved")
    work.write = False
    shown_year = year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None
    ctx = await admin_read(work, lambda s, staff: _context(s, staff, shown_year))
    ctx |= {"values": text_values(form), "errors": errors}
    return render(request, TEMPLATE, ctx, status=422)
