"""网格台账 pages for staff: reading the register, importing and exporting it. The forms that
change it are in :mod:`jieyou.grid.forms`, included here.

| path | what |
|---|---|
| ``GET /desk/grid`` | villages in scope; village, grid and lane staff go to their own |
| ``GET /desk/grid/villages/{code}`` | grids → lanes (households, 巷长, open cases, last patrol) |
| ``GET /desk/grid/villages/{code}/roster`` | 三长名册: every current chief, to print |
| ``GET /desk/grid/grids/{code}`` | one grid, the same table |
| ``GET /desk/grid/lanes/{code}`` | one lane: its chiefs now and before, open cases |
| ``GET|POST /desk/grid/villages/{code}/import`` | upload the workbook; the report by row |
| ``GET /desk/grid/villages/{code}.xlsx`` | the register in the template's layout |
| ``GET /desk/grid/template.xlsx`` | the blank template |
"""

from __future__ import annotations

import io
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role
from jieyou.errors import JieyouError
from jieyou.grid import excel, importer
from jieyou.grid.display import helpers
from jieyou.grid.export import register_rows
from jieyou.grid.forms import router as forms_router
from jieyou.grid.permissions import check_edit, may_edit, reads_phones, region_for
from jieyou.grid.views import lane_for, register_for, villages_for
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.regions.repository import subtree_clause
from jieyou.web.boundary import CsrfRejected, LoginRequired, Pages, Staff
from jieyou.web.forms import uploads
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(forms_router)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
MAX_UPLOAD = 5_000_000
# Narrowing a long register to the lanes that need attention.
LANE_FILTERS = {"vacant": "未配巷长", "stale": "30 天未巡查", "open": "有在办诉求"}
DONE = {
    "grid": "网格已保存",
    "lane": "巷道已保存",
    "group": "村民小组已保存",
    "assign": "任职已登记",
    "end": "已登记卸任",
}


def _attachment(name: str, data: bytes) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


def _crumbs(s: Session, region: Region, staff: Staff) -> list[Region]:
    """Township and village above a place, as far as the viewer's own region."""
    codes = [
        official_code(region.path[: PATH_LENGTH[lv]])
        for lv in (Level.township, Level.village)
        if len(region.path) > PATH_LENGTH[lv]
    ]
    if region.parent_code and len(region.path) == PATH_LENGTH[Level.lane]:
        codes.append(region.parent_code)
    found = [s.get(Region, c) for c in codes]
    return [r for r in found if r is not None and r.path.startswith(staff.user.region_path)]


# --- the register ---------------------------------------------------------------------------


@router.get("/desk/grid", response_class=HTMLResponse)
async def index(
    request: Request,
    work: Pages,
    under: Annotated[str, Query(max_length=12, pattern=r"^\d*$")] = "",
    q: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    def run(s: Session, staff: Staff) -> dict[str, Any] | str:
        user = staff.user
        depth = len(user.region_path)
        if Role(user.role) not in (Role.admin, Role.city) and depth >= PATH_LENGTH[Level.village]:
            kind = {12: "villages", 14: "grids", 16: "lanes"}.get(depth)
            if kind:
                return f"/desk/grid/{kind}/{user.region_code}"
        prefix = under.rstrip("0") or None
        total, items = villages_for(s, user, under=prefix, q=q or None, page=page)
        scope = user.region_path if Role(user.role) not in (Role.admin, Role.city) else "4310"
        towns = s.scalars(
            select(Region)
            .where(Region.level == Level.township.value, subtree_clause(Region.path, scope))
            .order_by(Region.path)
            .limit(400)
        ).all()
        return helpers(staff) | {
            "villages": items,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "under": under,
            "q": q,
            "towns": towns,
        }

    ctx = await work.staff(run)
    if isinstance(ctx, str):
        return Response(status_code=303, headers={"Location": ctx})

    def page_url(n: int) -> str:
        return "?" + urlencode({k: v for k, v in {"under": under, "q": q, "page": n}.items() if v})

    ctx["page_url"] = page_url
    return render(request, "grid/index.html", ctx)


@router.get("/desk/grid/template.xlsx")
async def template(work: Pages) -> Response:
    await work.staff(lambda s, staff: None)
    out = io.BytesIO()
    excel.write_template(out)
    return _attachment("网格台账导入模板.xlsx", out.getvalue())


@router.get("/desk/grid/villages/{code}.xlsx")
async def export(code: str, work: Pages) -> Response:
    def run(s: Session, staff: Staff) -> tuple[str, bytes]:
        reg = register_for(s, staff.user, region_for(s, staff.user, code, Level.village).code)
        out = io.BytesIO()
        excel.write_register(register_rows(reg, full_phones=reads_phones(staff.user)), out)
        return reg.village.name, out.getvalue()

    name, data = await work.staff(run)
    return _attachment(f"{name}网格台账.xlsx", data)


def _register_context(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    reg = register_for(s, staff.user, code)
    return helpers(staff) | {
        "reg": reg,
        "crumbs": _crumbs(s, reg.root, staff),
        "can_edit": may_edit(staff.user, reg.root.path),
    }


@router.get("/desk/grid/villages/{code}", response_class=HTMLResponse)
async def village_page(
    request: Request,
    code: str,
    work: Pages,
    done: Annotated[str, Query(max_length=10)] = "",
    only: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    ctx = await work.staff(lambda s, staff: _register_context(s, staff, code))
    ctx["done"] = DONE.get(done, "")
    ctx["only"] = only if only in LANE_FILTERS else ""
    ctx["lane_filters"] = LANE_FILTERS
    return render(request, "grid/register.html", ctx)


@router.get("/desk/grid/villages/{code}/roster", response_class=HTMLResponse)
async def roster_page(request: Request, code: str, work: Pages) -> HTMLResponse:
    """三长名册: every current chief of the village in one printable list (公示)."""

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        region_for(s, staff.user, code, Level.village)
        return _register_context(s, staff, code)

    return render(request, "grid/roster.html", await work.staff(run))


@router.get("/desk/grid/grids/{code}", response_class=HTMLResponse)
async def grid_page(
    request: Request, code: str, work: Pages, done: Annotated[str, Query(max_length=10)] = ""
) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        region_for(s, staff.user, code, Level.grid)
        return _register_context(s, staff, code)

    ctx = await work.staff(run)
    ctx["done"] = DONE.get(done, "")
    return render(request, "grid/register.html", ctx)


@router.get("/desk/grid/lanes/{code}", response_class=HTMLResponse)
async def lane_page(
    request: Request, code: str, work: Pages, done: Annotated[str, Query(max_length=10)] = ""
) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        d = lane_for(s, staff.user, code)
        return helpers(staff) | {
            "d": d,
            "crumbs": _crumbs(s, d.lane, staff),
            "can_edit": may_edit(staff.user, d.lane.path),
        }

    ctx = await work.staff(run)
    ctx["done"] = DONE.get(done, "")
    return render(request, "grid/lane.html", ctx)


# --- spreadsheets ---------------------------------------------------------------------------


def _import_context(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    village = region_for(s, staff.user, code, Level.village)
    return helpers(staff) | {
        "village": village,
        "crumbs": _crumbs(s, village, staff),
        "result": None,
        "error": None,
        "can_edit": may_edit(staff.user, village.path),
    }


@router.get("/desk/grid/villages/{code}/import", response_class=HTMLResponse)
async def import_form(request: Request, code: str, work: Pages) -> HTMLResponse:
    ctx = await work.staff(lambda s, staff: _import_context(s, staff, code))
    return render(request, "grid/import.html", ctx)


@router.post("/desk/grid/villages/{code}/import", response_class=HTMLResponse)
async def import_upload(request: Request, code: str, work: Pages) -> HTMLResponse:
    form = await request.form(max_files=1, max_fields=5)
    files = uploads(form, "file")
    data = await files[0].read(MAX_UPLOAD + 1) if files else b""
    filename = files[0].filename if files else None
    await form.close()
    csrf = form.get("csrf")

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        ctx = _import_context(s, staff, code)
        check_edit(staff.user, ctx["village"])
        with excel.saved_upload(data, filename, limit=MAX_UPLOAD) as path:
            ctx["result"] = importer.import_workbook(
                s, actor=staff.user, path=path, village=ctx["village"].code
            )
        return ctx

    try:
        ctx = await work.staff(run, csrf=csrf if isinstance(csrf, str) else None)
    except JieyouError as exc:
        if isinstance(exc, CsrfRejected | LoginRequired) or exc.status != 422:
            raise
        work.write = False
        ctx = await work.staff(lambda s, staff: _import_context(s, staff, code))
        ctx["error"] = exc.message
        return render(request, "grid/import.html", ctx, status=422)
    return render(request, "grid/import.html", ctx)
