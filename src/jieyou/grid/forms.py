"""The forms that change the register: grids, lanes, groups, appointing and ending chiefs.

Each form is parsed into the API's own schema and handed to the same service, so a page
refuses exactly what the API refuses; errors are shown beside their fields (422), the form
keeps what was typed, and a refusal (403) or a missing place (404) is the error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jieyou.accounts.models import User
from jieyou.db import utcnow
from jieyou.errors import Invalid, JieyouError
from jieyou.grid import repository, service
from jieyou.grid.display import helpers
from jieyou.grid.models import Post
from jieyou.grid.permissions import (
    assignment_for,
    check_edit,
    editable_region,
    group_for,
    region_for,
)
from jieyou.grid.schemas import (
    AssignmentIn,
    EndIn,
    GridIn,
    GridPatch,
    GroupIn,
    GroupPatch,
    LaneIn,
    LanePatch,
    error_messages,
)
from jieyou.regions.models import Level, Region
from jieyou.regions.repository import subtree_clause
from jieyou.routing.calendar import local_date
from jieyou.web.boundary import CsrfRejected, LoginRequired, Pages, Staff
from jieyou.web.forms import text_values
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)

Save = Callable[[Session, Staff, Any], str]


def _see_other(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url})


def _values(form: FormData, *names: str) -> dict[str, Any]:
    """The named fields that were sent; a blank one is None (absent, or cleared on edit)."""
    out: dict[str, Any] = {}
    for n in names:
        value = form.get(n)
        if isinstance(value, str):
            out[n] = value.strip() or None
    return out


async def _submit(
    work: Pages, form: FormData, make: Callable[[], BaseModel], save: Save
) -> tuple[str | None, dict[str, str]]:
    """(where to go next, errors): the schema first, then the service in one unit of work."""
    try:
        data = make()
    except ValidationError as exc:
        return None, error_messages(exc)
    csrf = form.get("csrf")
    try:
        url = await work.staff(
            lambda s, staff: save(s, staff, data), csrf=csrf if isinstance(csrf, str) else None
        )
    except JieyouError as exc:
        if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (409, 422):
            raise
        return None, {str(exc.extra.get("field") or "_"): exc.message}
    return url, {}


async def _again(
    request: Request,
    work: Pages,
    template: str,
    context: Callable[[Session, Staff], dict[str, Any]],
    form: FormData,
    errors: dict[str, str],
) -> HTMLResponse:
    work.write = False
    ctx = await work.staff(context)
    picked = [d for d in form.getlist("duties") if isinstance(d, str)]
    ctx.update(values=text_values(form), errors=errors, picked=picked)
    return render(request, template, ctx, status=422)


def _base(staff: Staff, **extra: Any) -> dict[str, Any]:
    return helpers(staff) | {"values": {}, "errors": {}} | extra


def _village_of(s: Session, region: Region) -> Region:
    village = s.get(Region, region.path[:12])
    assert village is not None
    return village


# --- grids and lanes ------------------------------------------------------------------------


def _place_form(kind: str, *, parent: Region, place: object = None, **extra: Any) -> Any:
    return {"kind": kind, "parent": parent, "place": place, **extra}


@router.get("/desk/grid/villages/{code}/grids/new", response_class=HTMLResponse)
async def new_grid(request: Request, code: str, work: Pages) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        village = editable_region(s, staff.user, code, Level.village)
        return _base(staff, **_place_form("grid", parent=village))

    return render(request, "grid/place_form.html", await work.staff(run))


@router.post("/desk/grid/villages/{code}/grids/new", response_class=HTMLResponse)
async def create_grid(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)

    def save(s: Session, staff: Staff, data: GridIn) -> str:
        grid = service.create_grid(s, actor=staff.user, village_code=code, data=data)
        return f"/desk/grid/villages/{code}?done=grid#g-{grid.code}"

    fields = _values(form, "name", "households", "boundary")
    url, errors = await _submit(work, form, lambda: GridIn(**fields), save)
    if url:
        return _see_other(url)

    def ctx(s: Session, staff: Staff) -> dict[str, Any]:
        village = editable_region(s, staff.user, code, Level.village)
        return _base(staff, **_place_form("grid", parent=village))

    return await _again(request, work, "grid/place_form.html", ctx, form, errors)


def _grid_edit(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    grid = editable_region(s, staff.user, code, Level.grid)
    has_lanes = bool(repository.children(s, grid.code))
    return _base(
        staff,
        **_place_form("grid", parent=_village_of(s, grid), place=grid, has_lanes=has_lanes),
    )


@router.get("/desk/grid/grids/{code}/edit", response_class=HTMLResponse)
async def edit_grid(request: Request, code: str, work: Pages) -> HTMLResponse:
    return render(
        request, "grid/place_form.html", await work.staff(lambda s, st: _grid_edit(s, st, code))
    )


@router.post("/desk/grid/grids/{code}/edit", response_class=HTMLResponse)
async def update_grid(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    # A grid with lanes has no households field: leaving it out keeps the lanes' sum.
    fields = _values(form, "name", "households", "boundary")
    fields.setdefault("boundary", None)

    def save(s: Session, staff: Staff, data: GridPatch) -> str:
        grid = service.update_grid(s, actor=staff.user, code=code, data=data)
        return f"/desk/grid/villages/{grid.parent_code}?done=grid#g-{grid.code}"

    url, errors = await _submit(work, form, lambda: GridPatch(**fields), save)
    if url:
        return _see_other(url)
    return await _again(
        request, work, "grid/place_form.html", lambda s, st: _grid_edit(s, st, code), form, errors
    )


def _lane_new(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    grid = editable_region(s, staff.user, code, Level.grid)
    return _base(staff, **_place_form("lane", parent=grid))


@router.get("/desk/grid/grids/{code}/lanes/new", response_class=HTMLResponse)
async def new_lane(request: Request, code: str, work: Pages) -> HTMLResponse:
    return render(
        request, "grid/place_form.html", await work.staff(lambda s, st: _lane_new(s, st, code))
    )


@router.post("/desk/grid/grids/{code}/lanes/new", response_class=HTMLResponse)
async def create_lane(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)

    def save(s: Session, staff: Staff, data: LaneIn) -> str:
        lane = service.create_lane(s, actor=staff.user, grid_code=code, data=data)
        return f"/desk/grid/villages/{code[:12]}?done=lane#l-{lane.code}"

    fields = _values(form, "name", "households", "boundary")
    url, errors = await _submit(work, form, lambda: LaneIn(**fields), save)
    if url:
        return _see_other(url)
    return await _again(
        request, work, "grid/place_form.html", lambda s, st: _lane_new(s, st, code), form, errors
    )


def _lane_edit(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    lane = editable_region(s, staff.user, code, Level.lane)
    grid = s.get(Region, lane.parent_code or "")
    assert grid is not None
    return _base(staff, **_place_form("lane", parent=grid, place=lane))


@router.get("/desk/grid/lanes/{code}/edit", response_class=HTMLResponse)
async def edit_lane(request: Request, code: str, work: Pages) -> HTMLResponse:
    return render(
        request, "grid/place_form.html", await work.staff(lambda s, st: _lane_edit(s, st, code))
    )


@router.post("/desk/grid/lanes/{code}/edit", response_class=HTMLResponse)
async def update_lane(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    fields = _values(form, "name", "households", "boundary")
    fields.setdefault("boundary", None)

    def save(s: Session, staff: Staff, data: LanePatch) -> str:
        lane = service.update_lane(s, actor=staff.user, code=code, data=data)
        return f"/desk/grid/lanes/{lane.code}?done=lane"

    url, errors = await _submit(work, form, lambda: LanePatch(**fields), save)
    if url:
        return _see_other(url)
    return await _again(
        request, work, "grid/place_form.html", lambda s, st: _lane_edit(s, st, code), form, errors
    )


# --- villager groups ------------------------------------------------------------------------


def _group_form(s: Session, staff: Staff, village_code: str, group_id: int = 0) -> dict[str, Any]:
    group = group_for(s, staff.user, group_id) if group_id else None
    village = editable_region(s, staff.user, group.village_code if group else village_code)
    grids = [r for r in repository.children(s, village.code) if r.level == Level.grid.value]
    return _base(staff, **_place_form("group", parent=village, place=group, grids=grids))


@router.get("/desk/grid/villages/{code}/groups/new", response_class=HTMLResponse)
async def new_group(request: Request, code: str, work: Pages) -> HTMLResponse:
    return render(
        request, "grid/place_form.html", await work.staff(lambda s, st: _group_form(s, st, code))
    )


@router.post("/desk/grid/villages/{code}/groups/new", response_class=HTMLResponse)
async def create_group(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    fields = _values(form, "name", "number", "households", "grid_code", "boundary")

    def save(s: Session, staff: Staff, data: GroupIn) -> str:
        service.create_group(s, actor=staff.user, village_code=code, data=data)
        return f"/desk/grid/villages/{code}?done=group#groups"

    url, errors = await _submit(work, form, lambda: GroupIn(**fields), save)
    if url:
        return _see_other(url)
    return await _again(
        request, work, "grid/place_form.html", lambda s, st: _group_form(s, st, code), form, errors
    )


@router.get("/desk/grid/groups/{group_id:int}/edit", response_class=HTMLResponse)
async def edit_group(request: Request, group_id: int, work: Pages) -> HTMLResponse:
    ctx = await work.staff(lambda s, st: _group_form(s, st, "", group_id))
    return render(request, "grid/place_form.html", ctx)


@router.post("/desk/grid/groups/{group_id:int}/edit", response_class=HTMLResponse)
async def update_group(request: Request, group_id: int, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    fields = _values(form, "name", "number", "households", "grid_code", "boundary")
    for name in ("number", "households", "grid_code", "boundary"):
        fields.setdefault(name, None)

    def save(s: Session, staff: Staff, data: GroupPatch) -> str:
        group = service.update_group(s, actor=staff.user, group_id=group_id, data=data)
        return f"/desk/grid/villages/{group.village_code}?done=group#groups"

    url, errors = await _submit(work, form, lambda: GroupPatch(**fields), save)
    if url:
        return _see_other(url)
    return await _again(
        request,
        work,
        "grid/place_form.html",
        lambda s, st: _group_form(s, st, "", group_id),
        form,
        errors,
    )


# --- chiefs ---------------------------------------------------------------------------------


def _assign_context(s: Session, staff: Staff, post: str, place: str, group: int) -> dict[str, Any]:
    try:
        chosen = Post(post)
    except ValueError:
        raise Invalid("岗位不正确", code="bad_post", field="post") from None
    group_row = group_for(s, staff.user, group) if chosen == Post.group_chief else None
    if group_row is not None:
        region = editable_region(s, staff.user, group_row.village_code, Level.village)
        current = repository.current_holders(s, post=chosen, group_id=group_row.id)
        back = f"/desk/grid/villages/{region.code}#groups"
        where = group_row.name
    else:
        level = Level.lane if chosen == Post.lane_chief else Level.grid
        region = editable_region(s, staff.user, place, level)
        current = repository.current_holders(s, post=chosen, region_code=region.code)
        back = (
            f"/desk/grid/lanes/{region.code}"
            if level == Level.lane
            else f"/desk/grid/villages/{region.code[:12]}#g-{region.code}"
        )
        where = region.name
    village = _village_of(s, region)
    users = s.scalars(
        select(User.username)
        .where(User.is_active.is_(True), subtree_clause(User.region_path, village.path))
        .order_by(User.username)
        .limit(200)
    ).all()
    return _base(
        staff,
        post=chosen,
        place=region.code if group_row is None else "",
        group=group_row,
        where=where,
        village=village,
        current=current,
        back=back,
        usernames=users,
        default_start=local_date(utcnow()).isoformat(),
    )


@router.get("/desk/grid/assign", response_class=HTMLResponse)
async def assign_form(
    request: Request,
    work: Pages,
    post: Annotated[str, Query(max_length=12)],
    place: Annotated[str, Query(max_length=16, pattern=r"^\d*$")] = "",
    group: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
) -> HTMLResponse:
    ctx = await work.staff(lambda s, st: _assign_context(s, st, post, place, group))
    return render(request, "grid/assign.html", ctx)


@router.post("/desk/grid/assign", response_class=HTMLResponse)
async def assign(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=20)
    fields = _values(
        form, "post", "place", "group_id", "person_name", "phone", "username", "duties_note"
    )
    fields["started_on"] = form.get("started_on") or None
    fields["duties"] = [d for d in form.getlist("duties") if isinstance(d, str)]

    def save(s: Session, staff: Staff, data: AssignmentIn) -> str:
        a = service.assign(s, actor=staff.user, data=data)
        if a.post == Post.lane_chief:
            return f"/desk/grid/lanes/{a.region_code}?done=assign"
        return f"/desk/grid/villages/{a.region_code[:12]}?done=assign"

    url, errors = await _submit(work, form, lambda: AssignmentIn(**fields), save)
    if url:
        return _see_other(url)
    post = str(form.get("post") or "")
    place = str(form.get("place") or "")
    group = str(form.get("group_id") or "0")
    return await _again(
        request,
        work,
        "grid/assign.html",
        lambda s, st: _assign_context(s, st, post, place, int(group) if group.isdigit() else 0),
        form,
        errors,
    )


@router.post("/desk/grid/assignments/{assignment_id:int}/end", response_class=HTMLResponse)
async def end(request: Request, assignment_id: int, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    fields = _values(form, "ended_on", "reason")
    back = str(form.get("back") or "")
    if not back.startswith("/desk/grid/"):
        back = "/desk/grid"

    def save(s: Session, staff: Staff, data: EndIn) -> str:
        a = assignment_for(s, staff.user, assignment_id)
        check_edit(staff.user, region_for(s, staff.user, a.region_code))
        service.end_assignment(s, actor=staff.user, assignment_id=assignment_id, data=data)
        sep = "&" if "?" in back else "?"
        return f"{back}{sep}done=end"

    url, errors = await _submit(work, form, lambda: EndIn(**fields), save)
    if url:
        return _see_other(url)
    message = "；".join(errors.values())
    raise Invalid(f"未能登记卸任：{message}", code="end_refused")
