"""Staff sign-in and the workbench: /login, /logout, /desk, /desk/triage, /desk/cases/{n}."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role
from jieyou.accounts.sessions import end_session, sign_in
from jieyou.cases import attachments, desk, views
from jieyou.cases.permissions import get_case_for
from jieyou.cases.schemas import ActionIn
from jieyou.cases.service import act_on_case, parse_action
from jieyou.cases.states import Action
from jieyou.config import Settings
from jieyou.db import utcnow
from jieyou.errors import Invalid, JieyouError, NotFound, TooManyRequests, Unauthenticated
from jieyou.regions import repository as regions
from jieyou.regions.models import Region
from jieyou.routing.calendar import WorkCalendar, local_date
from jieyou.web.boundary import (
    CsrfRejected,
    LoginRequired,
    Pages,
    Staff,
    anon_csrf,
    clear_session_cookie,
    remember_anon_csrf,
    set_session_cookie,
)
from jieyou.web.forms import FormErrors, field, text_values
from jieyou.web.public import photo_response
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _safe_next(value: str | None) -> str:
    """Only paths of this site (no //host, no scheme) are followed after sign-in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/desk"


def _see_other(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url})


# --- sign in and out -----------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, next_: Annotated[str, Query(alias="next", max_length=300)] = ""
) -> HTMLResponse:
    token = anon_csrf(request)
    ctx = {"csrf": token, "next": next_, "values": {}, "errors": FormErrors()}
    response = render(request, "login.html", ctx)
    remember_anon_csrf(request, response, token)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    username = field(form, "username") or ""
    password = form.get("password")
    next_ = _safe_next(field(form, "next"))
    errors = FormErrors()
    if not username:
        errors.add("username", "请填写用户名")
    if not isinstance(password, str) or not password:
        errors.add("password", "请填写密码")
    if not errors:
        assert isinstance(password, str)
        hours = _settings(request).web.session_hours
        ip = request.client.host if request.client else None
        agent = request.headers.get("user-agent")

        def run(s: Session) -> str | Unauthenticated:
            return sign_in(
                s, username=username, password=password, ip=ip, hours=hours, user_agent=agent
            )

        status = 401
        try:
            outcome = await work.public(run, csrf=_text(form.get("csrf")))
        except TooManyRequests as exc:
            errors.add("_", exc.message)
            status = 429
        else:
            if isinstance(outcome, Unauthenticated):
                errors.add("_", outcome.message)
            else:
                response = _see_other(next_)
                set_session_cookie(request, response, outcome)
                return response
    ctx = {
        "csrf": _text(form.get("csrf")) or anon_csrf(request),
        "next": next_,
        "values": {"username": username},
        "errors": errors,
    }
    return render(request, "login.html", ctx, status=status if "_" in errors else 422)


@router.post("/logout")
async def logout(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    token = work.token or ""
    await work.staff(lambda s, _: end_session(s, token), csrf=_text(form.get("csrf")))
    response = _see_other("/login")
    clear_session_cookie(response)
    return response


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --- the workbench -------------------------------------------------------------------------


def _date(raw: str | None, name: str, errors: FormErrors) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.add(name, "日期格式应为 2026-11-27")
        return None


@router.get("/desk", response_class=HTMLResponse)
async def workbench(request: Request, work: Pages) -> HTMLResponse:
    q = {k: v[:100] for k, v in request.query_params.items()}
    errors = FormErrors()
    created_from = _date(q.get("from"), "from", errors)
    created_to = _date(q.get("to"), "to", errors)
    try:
        page = max(1, min(int(q.get("page") or 1), 100_000))
    except ValueError:
        page = 1

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        actor = staff.user
        listing = None
        try:
            listing = views.case_page(
                s,
                actor,
                statuses=q.get("status") or None,
                region=q.get("region") or None,
                category=q.get("category") or None,
                unit=None,
                created_from=created_from,
                created_to=created_to,
                q=q.get("q") or None,
                page=page,
                page_size=PAGE_SIZE,
                overdue=q.get("overdue") == "1",
            )
        except Invalid as exc:
            errors.from_error(exc)
        codes = {i.region_code for i in listing.items} if listing else set()
        names = dict(
            s.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
        )
        return {
            "staff": staff,
            "listing": listing,
            "region_names": names,
            "counts": desk.status_counts(s, actor),
            "overdue": desk.overdue_count(s, actor, utcnow()),
            "calendar_warning": (
                WorkCalendar.load(s).missing_next_year_warning(local_date(utcnow()))
                if actor.role in (Role.admin, Role.city)
                else None
            ),
            "urgent": desk.high_risk_open(s, actor),
            "categories": desk.categories(s),
            "areas": regions.children(s, actor.region_code),
            "filters": q,
            "errors": errors,
        }

    ctx = await work.staff(run)
    listing = ctx["listing"]
    if listing is not None:
        pages = max(1, -(-listing.total // PAGE_SIZE))
        base = {k: v for k, v in q.items() if k != "page" and v}
        ctx["pages"] = pages
        ctx["page_url"] = lambda n: "/desk?" + urlencode(base | {"page": n})
    return render(request, "desk.html", ctx, status=422 if errors else 200)


@router.get("/desk/triage", response_class=HTMLResponse)
async def triage(
    request: Request, work: Pages, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        return {
            "staff": staff,
            "listing": views.triage_page(s, staff.user, page=page, page_size=PAGE_SIZE),
            "categories": desk.categories(s),
            "page": page,
        }

    return render(request, "triage.html", await work.staff(run))


# --- one case ------------------------------------------------------------------------------


def _case_context(s: Session, staff: Staff, number: str) -> dict[str, Any]:
    case = get_case_for(s, staff.user, number)
    if case.kind != "grievance":  # a rectification item is worked in the ledger, by its rules
        return {"redirect": f"/desk/ledger/items/{case.number}"}
    read = views.case_view(s, staff.user, case, channel="page")
    return {
        "staff": staff,
        "case": read,
        "events": views.case_events(s, staff.user, number),
        "photos": attachments.attachments_of(s, case.id),
        "full_personal": read.personal_data == "full",
        "assign": desk.assign_options(s, case) if "assign" in read.available_actions else None,
        "categories": desk.categories(s) if "categorize" in read.available_actions else [],
        "errors": {},
        "values": {},
    }


@router.get("/desk/cases/{number}", response_class=HTMLResponse)
async def case_page(
    request: Request,
    number: str,
    work: Pages,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    ctx = await work.staff(lambda s, staff: _case_context(s, staff, number))
    if "redirect" in ctx:
        return _see_other(ctx["redirect"])
    ctx["done"] = done
    return render(request, "case.html", ctx)


def _action_body(action: Action, form: Any) -> ActionIn:
    assignee = field(form, "assignee") or ""
    kind, _, value = assignee.partition(":")
    return ActionIn(
        note=field(form, "note"),
        reason=field(form, "reason"),
        outcome=field(form, "outcome"),
        reply=field(form, "reply"),
        unit_code=value if kind == "unit" and value else None,
        user=value if kind == "user" and value else None,
        category_code=field(form, "category_code"),
        into=field(form, "into"),
        days=field(form, "days"),
    )


# Fields an action cannot go without, checked here only to put the message beside the field
# before anything is sent; the service enforces the same rules.
REQUIRED = {
    Action.reject: ("reason", "请填写不予受理的理由"),
    Action.escalate: ("reason", "请填写上报的理由"),
    Action.return_: ("reason", "请填写退回的理由"),
    Action.reopen: ("reason", "请填写重新办理的理由"),
    Action.resolve: ("outcome", "请填写办理结果"),
    Action.comment: ("note", "请填写备注内容"),
    Action.merge: ("into", "请填写保留办理的诉求编号"),
    Action.categorize: ("category_code", "请选择类别"),
    Action.request_extension: ("reason", "请填写延期理由"),
    Action.deny_extension: ("reason", "请填写不批准的理由"),
    Action.pause: ("reason", "请填写暂停计时的理由"),
}


@router.post("/desk/cases/{number}/actions/{action}", response_class=HTMLResponse)
async def take_action(request: Request, number: str, action: str, work: Pages) -> Response:
    verb = parse_action(action)
    form = await request.form(max_files=0, max_fields=20)
    errors = FormErrors()
    body: ActionIn | None = None
    if verb in REQUIRED and not field(form, REQUIRED[verb][0]):
        errors.add(*REQUIRED[verb])
    try:
        body = _action_body(verb, form)
    except ValidationError as exc:
        errors.from_validation(exc)
    next_ = field(form, "next")
    csrf = _text(form.get("csrf"))

    def run(s: Session, staff: Staff) -> bool:
        assert body is not None
        case = act_on_case(s, actor=staff.user, number=number, action=verb, body=body)
        try:  # a department that returned a case no longer sees it
            get_case_for(s, staff.user, case.number or number)
        except NotFound:
            return False
        return True

    if not errors:
        try:
            visible = await work.staff(run, csrf=csrf)
        except JieyouError as exc:
            if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (403, 409, 422):
                raise
            errors.from_error(exc)
        else:
            if next_ and next_.startswith("/desk"):
                return _see_other(_safe_next(next_))
            if not visible:
                return _see_other("/desk?" + urlencode({"done": verb.value, "case": number}))
            return _see_other(f"/desk/cases/{number}?done={verb.value}")
    work.write = False
    ctx = await work.staff(lambda s, staff: _case_context(s, staff, number))
    if "redirect" in ctx:
        return _see_other(ctx["redirect"])
    ctx["errors"] = {verb.value: errors}
    ctx["values"] = {verb.value: text_values(form)}
    ctx["done"] = ""
    return render(request, "case.html", ctx, status=422)


@router.get("/desk/cases/{number}/photos/{key}")
async def staff_photo(request: Request, number: str, key: str, work: Pages) -> FileResponse:
    upload_dir = Path(_settings(request).storage.upload_dir)
    row = await work.staff(
        lambda s, staff: attachments.attachment_for_staff(s, staff.user, number, key)
    )
    return photo_response(upload_dir, row)
