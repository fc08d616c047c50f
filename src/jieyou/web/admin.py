"""Administration pages for the role ``admin``: users, units and categories under /desk/admin.

Every other role gets the same 404 page as a missing address, so the pages do not reveal
themselves. Each page calls the account or routing service; the rules live there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jieyou.accounts import service as accounts
from jieyou.accounts.models import Role
from jieyou.errors import JieyouError, NotFound
from jieyou.routing import service as routing
from jieyou.routing.departments import DEPARTMENTS
from jieyou.routing.models import Tier
from jieyou.web.boundary import CsrfRejected, LoginRequired, Pages, PageWork, Staff
from jieyou.web.forms import FormErrors, field, text_values
from jieyou.web.templating import render

router = APIRouter(prefix="/desk/admin", include_in_schema=False)
PAGE_SIZE = 50
T = TypeVar("T")

# Service field names → the form field the message is shown beside on these pages.
FIELDS = {"region_code": "region", "unit_code": "unit"}


def _admin(fn: Callable[[Session, Staff], T]) -> Callable[[Session, Staff], T]:
    """Run ``fn`` for admins only; anyone else sees the page-not-found page."""

    def run(s: Session, staff: Staff) -> T:
        if staff.user.role != Role.admin:
            raise NotFound("请求的地址不存在")
        return fn(s, staff)

    return run


async def admin_read(work: PageWork, fn: Callable[[Session, Staff], T]) -> T:
    return await work.staff(_admin(fn))


async def admin_change(
    work: PageWork, form: FormData, errors: FormErrors, fn: Callable[[Session, Staff], T]
) -> T | None:
    """Run a change; a refusal the person can correct (409, 422) lands in ``errors`` beside
    its field and None is returned, anything else propagates to the error page."""
    if errors:
        return None
    csrf = form.get("csrf")
    try:
        return await work.staff(_admin(fn), csrf=csrf if isinstance(csrf, str) else None)
    except JieyouError as exc:
        if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (409, 422):
            raise
        name = exc.extra.get("field")
        errors.add(FIELDS.get(str(name), str(name)) if name else "_", exc.message)
        return None


async def _refused(
    request: Request,
    work: PageWork,
    template: str,
    context: Callable[[Session, Staff], dict[str, Any]],
    **extra: Any,
) -> Response:
    """Show a refused form again (422) with the errors beside their fields, read-only."""
    work.write = False
    ctx = await admin_read(work, context)
    return render(request, template, ctx | {"done": "", **extra}, status=422)


async def _set_active(
    request: Request,
    work: PageWork,
    state: str,
    *,
    apply: Callable[[Session, bool], object],
    page: str,
    template: str,
    context: Callable[[Session, Staff], dict[str, Any]],
) -> Response:
    """Disable or enable a unit or category (``state`` is the last path segment)."""
    if state not in ("disable", "enable"):
        raise NotFound("请求的地址不存在")
    form = await request.form(max_files=0, max_fields=5)
    errors = FormErrors()

    def run(s: Session, staff: Staff) -> bool:
        apply(s, state == "enable")
        return True

    if await admin_change(work, form, errors, run):
        return see_other(f"{page}?done={state}d")
    return await _refused(request, work, template, context, state_errors=errors)


def see_other(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url})


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 100_000))
    except ValueError:
        return 1


def admin_context(staff: Staff, section: str) -> dict[str, Any]:
    return {
        "staff": staff,
        "section": section,
        "ROLES": [r.value for r in Role],
        "UNIT_KINDS": {k.value: label for k, label in routing.UNIT_KIND_LABELS.items()},
        "DEPARTMENTS": DEPARTMENTS,
        "TIERS": [t.value for t in Tier],
    }


def _pager(base: str, filters: dict[str, str], total: int, page: int) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    kept = {k: v for k, v in filters.items() if k != "page" and v}
    return {
        "total": total,
        "page": page,
        "pages": pages,
        "page_url": lambda n: base + "?" + urlencode(kept | {"page": n}),
    }


# --- users ---------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def admin_home(work: Pages) -> Response:
    await admin_read(work, lambda s, staff: None)
    return see_other("/desk/admin/users")


@router.get("/users", response_class=HTMLResponse)
async def users(request: Request, work: Pages) -> HTMLResponse:
    q = {k: v[:100] for k, v in request.query_params.items()}
    page = _page_number(q.get("page"))
    errors = FormErrors()

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        items: list[accounts.UserListItem] = []
        total = 0
        try:
            items, total = accounts.list_users(
                s,
                role=q.get("role") or None,
                q=q.get("q") or None,
                page=page,
                page_size=PAGE_SIZE,
            )
        except JieyouError as exc:
            if exc.status != 422:
                raise
            errors.from_error(exc)
        return (
            admin_context(staff, "users")
            | {"items": items, "filters": q, "errors": errors}
            | (_pager("/desk/admin/users", q, total, page))
        )

    ctx = await admin_read(work, run)
    return render(request, "admin/users.html", ctx, status=422 if errors else 200)


def _user_values(form: FormData) -> dict[str, Any]:
    return {
        "username": (field(form, "username") or "").lower(),
        "display_name": field(form, "display_name"),
        "role": field(form, "role") or "",
        "region_code": field(form, "region") or "",
        "unit_code": field(form, "unit"),
    }


def _check_user_form(values: dict[str, Any], errors: FormErrors) -> None:
    if not values["role"]:
        errors.add("role", "请选择角色")
    if not values["region_code"]:
        errors.add("region", "请填写所属区划代码")


@router.get("/users/new", response_class=HTMLResponse)
async def new_user(request: Request, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: admin_context(staff, "users"))
    ctx |= {"user": None, "values": {}, "errors": FormErrors()}
    return render(request, "admin/user_form.html", ctx)


@router.post("/users", response_class=HTMLResponse)
async def create_user(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=20)
    values = _user_values(form)
    password = form.get("password")
    errors = FormErrors()
    if not values["username"]:
        errors.add("username", "请填写用户名")
    _check_user_form(values, errors)
    if not isinstance(password, str) or not password:
        errors.add("password", "请填写初始密码")

    def run(s: Session, staff: Staff) -> str:
        assert isinstance(password, str)
        return accounts.create_user(s, password=password, **values).username

    username = await admin_change(work, form, errors, run)
    if username is not None:
        return see_other(f"/desk/admin/users/{username}?done=created")
    work.write = False
    ctx = await admin_read(work, lambda s, staff: admin_context(staff, "users"))
    ctx |= {"user": None, "values": text_values(form), "errors": errors}
    return render(request, "admin/user_form.html", ctx, status=422)


def _user_context(s: Session, staff: Staff, username: str) -> dict[str, Any]:
    user = accounts.get_user(s, username)
    return admin_context(staff, "users") | {
        "user": user,
        "is_self": user.id == staff.user.id,
        "values": {
            "display_name": user.display_name,
            "role": user.role,
            "region": user.region_code,
            "unit": accounts.unit_code_of(s, user) or "",
        },
        "errors": FormErrors(),
        "password_errors": FormErrors(),
        "state_errors": FormErrors(),
    }


@router.get("/users/{username}", response_class=HTMLResponse)
async def edit_user(request: Request, username: str, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: _user_context(s, staff, username))
    ctx["done"] = request.query_params.get("done", "")[:20]
    return render(request, "admin/user_form.html", ctx)


async def _user_refused(
    request: Request, work: PageWork, username: str, form: FormData, key: str, errors: FormErrors
) -> HTMLResponse:
    work.write = False
    ctx = await admin_read(work, lambda s, staff: _user_context(s, staff, username))
    ctx[key] = errors
    if key == "errors":
        ctx["values"] = text_values(form)
    ctx["done"] = ""
    return render(request, "admin/user_form.html", ctx, status=422)


@router.post("/users/{username}", response_class=HTMLResponse)
async def update_user(request: Request, username: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=20)
    values = _user_values(form)
    values.pop("username")
    errors = FormErrors()
    _check_user_form(values, errors)

    def run(s: Session, staff: Staff) -> bool:
        accounts.update_user(s, username=username, **values)
        return True

    if await admin_change(work, form, errors, run):
        return see_other(f"/desk/admin/users/{username}?done=saved")
    return await _user_refused(request, work, username, form, "errors", errors)


@router.post("/users/{username}/password", response_class=HTMLResponse)
async def reset_password(request: Request, username: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    password = form.get("password")
    errors = FormErrors()
    if not isinstance(password, str) or not password:
        errors.add("password", "请填写新密码")

    def run(s: Session, staff: Staff) -> bool:
        assert isinstance(password, str)
        accounts.reset_password(s, username=username, password=password)
        return True

    if await admin_change(work, form, errors, run):
        return see_other(f"/desk/admin/users/{username}?done=password")
    return await _user_refused(request, work, username, form, "password_errors", errors)


@router.post("/users/{username}/{state}", response_class=HTMLResponse)
async def set_user_state(request: Request, username: str, state: str, work: Pages) -> Response:
    if state not in ("disable", "enable"):
        raise NotFound("请求的地址不存在")
    form = await request.form(max_files=0, max_fields=5)
    errors = FormErrors()

    def run(s: Session, staff: Staff) -> bool:
        if state == "disable":
            accounts.disable_user(s, username=username, actor=staff.user)
        else:
            accounts.enable_user(s, username=username)
        return True

    if await admin_change(work, form, errors, run):
        return see_other(f"/desk/admin/users/{username}?done={state}d")
    return await _user_refused(request, work, username, form, "state_errors", errors)


# --- units ---------------------------------------------------------------------------------


@router.get("/units", response_class=HTMLResponse)
async def units(request: Request, work: Pages) -> HTMLResponse:
    q = {k: v[:100] for k, v in request.query_params.items()}
    page = _page_number(q.get("page"))
    errors = FormErrors()

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        items: list[Any] = []
        total = 0
        try:
            items, total = routing.list_units(
                s,
                kind=q.get("kind") or None,
                region_code=q.get("region") or None,
                page=page,
                page_size=PAGE_SIZE,
            )
        except JieyouError as exc:
            if exc.status != 422:
                raise
            errors.from_error(exc)
        return (
            admin_context(staff, "units")
            | {"items": items, "filters": q, "errors": errors}
            | (_pager("/desk/admin/units", q, total, page))
        )

    ctx = await admin_read(work, run)
    return render(request, "admin/units.html", ctx, status=422 if errors else 200)


@router.get("/units/new", response_class=HTMLResponse)
async def new_unit(request: Request, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: admin_context(staff, "units"))
    ctx |= {"unit": None, "values": {}, "errors": FormErrors()}
    return render(request, "admin/unit_form.html", ctx)


@router.post("/units", response_class=HTMLResponse)
async def create_unit(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=20)
    code = field(form, "code") or ""
    errors = FormErrors()
    if not code:
        errors.add("code", "请填写单位代码")
    if not field(form, "kind"):
        errors.add("kind", "请选择单位类型")
    if not field(form, "region"):
        errors.add("region", "请填写所属区划代码")

    def run(s: Session, staff: Staff) -> str:
        unit = routing.create_unit(
            s,
            code=code,
            name=field(form, "name") or "",
            kind=field(form, "kind") or "",
            region_code=field(form, "region") or "",
            department=field(form, "department"),
        )
        return unit.code

    created = await admin_change(work, form, errors, run)
    if created is not None:
        return see_other(f"/desk/admin/units/{created}?done=created")
    work.write = False
    ctx = await admin_read(work, lambda s, staff: admin_context(staff, "units"))
    ctx |= {"unit": None, "values": text_values(form), "errors": errors}
    return render(request, "admin/unit_form.html", ctx, status=422)


def _unit_context(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    unit = routing.get_unit(s, code)
    return admin_context(staff, "units") | {
        "unit": unit,
        "values": {"name": unit.name},
        "errors": FormErrors(),
        "state_errors": FormErrors(),
    }


@router.get("/units/{code}", response_class=HTMLResponse)
async def edit_unit(request: Request, code: str, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: _unit_context(s, staff, code))
    ctx["done"] = request.query_params.get("done", "")[:20]
    return render(request, "admin/unit_form.html", ctx)


@router.post("/units/{code}", response_class=HTMLResponse)
async def update_unit(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    errors = FormErrors()

    def run(s: Session, staff: Staff) -> bool:
        routing.update_unit(s, code=code, name=field(form, "name") or "")
        return True

    if await admin_change(work, form, errors, run):
        return see_other(f"/desk/admin/units/{code}?done=saved")
    return await _refused(
        request,
        work,
        "admin/unit_form.html",
        lambda s, staff: _unit_context(s, staff, code),
        values=text_values(form),
        errors=errors,
    )


@router.post("/units/{code}/{state}", response_class=HTMLResponse)
async def set_unit_state(request: Request, code: str, state: str, work: Pages) -> Response:
    return await _set_active(
        request,
        work,
        state,
        apply=lambda s, active: routing.set_unit_active(s, code=code, active=active),
        page=f"/desk/admin/units/{code}",
        template="admin/unit_form.html",
        context=lambda s, staff: _unit_context(s, staff, code),
    )


# --- categories ----------------------------------------------------------------------------


@router.get("/categories", response_class=HTMLResponse)
async def categories(request: Request, work: Pages) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        return admin_context(staff, "categories") | {"items": routing.list_categories(s)}

    ctx = await admin_read(work, run)
    ctx["done"] = request.query_params.get("done", "")[:20]
    return render(request, "admin/categories.html", ctx)


def _category_fields(form: FormData) -> dict[str, Any]:
    return {
        "name": field(form, "name") or "",
        "department": field(form, "department"),
        "default_tier": field(form, "default_tier") or "",
    }


@router.get("/categories/new", response_class=HTMLResponse)
async def new_category(request: Request, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: admin_context(staff, "categories"))
    ctx |= {"category": None, "values": {"default_tier": "township"}, "errors": FormErrors()}
    return render(request, "admin/category_form.html", ctx)


@router.post("/categories", response_class=HTMLResponse)
async def create_category(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=20)
    code = field(form, "code") or ""
    errors = FormErrors()
    if not code:
        errors.add("code", "请填写类别代码")

    def run(s: Session, staff: Staff) -> str:
        return routing.create_category(s, code=code, **_category_fields(form)).code

    created = await admin_change(work, form, errors, run)
    if created is not None:
        return see_other(f"/desk/admin/categories/{created}?done=created")
    work.write = False
    ctx = await admin_read(work, lambda s, staff: admin_context(staff, "categories"))
    ctx |= {"category": None, "values": text_values(form), "errors": errors}
    return render(request, "admin/category_form.html", ctx, status=422)


def _category_context(s: Session, staff: Staff, code: str) -> dict[str, Any]:
    category = routing.get_category(s, code)
    return admin_context(staff, "categories") | {
        "category": category,
        "values": {
            "name": category.name,
            "department": category.department or "",
            "default_tier": category.default_tier,
        },
        "errors": FormErrors(),
        "state_errors": FormErrors(),
    }


@router.get("/categories/{code}", response_class=HTMLResponse)
async def edit_category(request: Request, code: str, work: Pages) -> HTMLResponse:
    ctx = await admin_read(work, lambda s, staff: _category_context(s, staff, code))
    ctx["done"] = request.query_params.get("done", "")[:20]
    return render(request, "admin/category_form.html", ctx)


@router.post("/categories/{code}", response_class=HTMLResponse)
async def update_category(request: Request, code: str, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    errors = FormErrors()

    def run(s: Session, staff: Staff) -> bool:
        routing.update_category(s, code=code, **_category_fields(form))
        return True

    if await admin_change(work, form, errors, run):
        return see_other(f"/desk/admin/categories/{code}?done=saved")
    return await _refused(
        request,
        work,
        "admin/category_form.html",
        lambda s, staff: _category_context(s, staff, code),
        values=text_values(form),
        errors=errors,
    )


@router.post("/categories/{code}/{state}", response_class=HTMLResponse)
async def set_category_state(request: Request, code: str, state: str, work: Pages) -> Response:
    return await _set_active(
        request,
        work,
        state,
        apply=lambda s, active: routing.set_category_active(s, code=code, active=active),
        page=f"/desk/admin/categories/{code}",
        template="admin/category_form.html",
        context=lambda s, staff: _category_context(s, staff, code),
    )
