"""人民调解 pages for staff.

| path | what |
|---|---|
| ``GET /desk/mediation`` | mediations in scope: 调解中, 达成协议, 调解不成, 撤回, 待回访 |
| ``GET|POST /desk/mediation/case/{number}`` | the case's mediation, or starting one (again, |
| | after a failed or withdrawn one: 重新调解, listing the earlier attempts) |
| ``GET /desk/mediation/{id}`` | one mediation: parties, sessions, outcome, agreement, follow-ups, |
| | the case's earlier attempts (此前调解) |
| ``POST /desk/mediation/{id}/{step}`` | record a session, the outcome or a follow-up |
| ``GET /desk/mediation/{id}/agreement.docx|pdf`` | the 调解协议书 (handlers only; logged) |
| ``GET|POST /desk/mediators`` | the roster, filters, adding a mediator; ``/{id}/active`` toggles |
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jieyou.cases.permissions import get_case_for
from jieyou.db import utcnow
from jieyou.errors import JieyouError, NotFound
from jieyou.mediation import repository, service, views
from jieyou.mediation.api import _download, agreement_file
from jieyou.mediation.models import Mediation
from jieyou.mediation.permissions import may_keep_roster, may_record, mediator_for
from jieyou.mediation.schemas import (
    FollowUpIn,
    MediationRead,
    MediationStart,
    MediatorCreate,
    MediatorUpdate,
    OutcomeIn,
    PartiesIn,
    SessionIn,
)
from jieyou.mediation.states import (
    GENDER_LABELS,
    GUIDANCE_LABELS,
    HONOURED_LABELS,
    SIDE_LABELS,
    SPECIALITY_LABELS,
    STATUS_LABELS,
    VISIT_LABELS,
    MediationStatus,
)
from jieyou.regions.models import Region
from jieyou.web.boundary import CsrfRejected, LoginRequired, Pages, Staff
from jieyou.web.forms import FormErrors, field, text_values
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 30
TABS = {
    "": "全部",
    "open": "调解中",
    "due": "待回访",
    "agreed": "达成协议",
    "failed": "调解不成",
    "withdrawn": "撤回",
}
LABELS = {
    "STATUS": STATUS_LABELS,
    "GUIDANCE": GUIDANCE_LABELS,
    "HONOURED": HONOURED_LABELS,
    "SIDE": SIDE_LABELS,
    "GENDER": GENDER_LABELS,
    "SPECIALITY": SPECIALITY_LABELS,
    "VISIT": VISIT_LABELS,
}
STEPS: dict[str, type[BaseModel]] = {
    "sessions": SessionIn,
    "outcome": OutcomeIn,
    "follow-ups": FollowUpIn,
    "parties": PartiesIn,
}
PARTY_FIELDS = (
    "side",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "address",
    "representative",
)
MAX_PARTY_ROWS = 8


def _see_other(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url})


def _parse(model: type[BaseModel], data: dict[str, Any], errors: FormErrors) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.from_validation(exc)
        return None


async def _submit(work: Pages, form: FormData, fn: Any, errors: FormErrors) -> tuple[bool, int]:
    """Run ``fn`` in the page's unit of work; business refusals land in ``errors``."""
    if errors:
        return False, 422
    try:
        await work.staff(fn, csrf=field(form, "csrf"))
    except JieyouError as exc:
        if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (403, 409, 422):
            raise
        errors.from_error(exc)
        return False, exc.status
    return True, 200


# --- the list ---------------------------------------------------------------------------------


@router.get("/desk/mediation", response_class=HTMLResponse)
async def index(
    request: Request,
    work: Pages,
    tab: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    tab = tab if tab in TABS else ""

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        status = tab if tab in {st.value for st in MediationStatus} else None
        listing = views.mediation_page(
            s, staff.user, status=status, due=tab == "due", page=page, page_size=PAGE_SIZE
        )
        return {"staff": staff, "listing": listing}

    ctx = await work.staff(run)
    ctx.update(
        tab=tab,
        tabs=TABS,
        page=page,
        pages=max(1, -(-ctx["listing"].total // PAGE_SIZE)),
        page_url=lambda n: "?" + urlencode({k: v for k, v in {"tab": tab, "page": n}.items() if v}),
        L=LABELS,
    )
    return render(request, "mediation/index.html", ctx)


# --- starting from a case -------------------------------------------------------------------


def _start_context(s: Session, staff: Staff, number: str) -> dict[str, Any]:
    case = get_case_for(s, staff.user, number)
    earlier = views.case_mediations(s, case)
    # Already in the session's identity map: no query.
    latest = s.get(Mediation, earlier[-1].id) if earlier else None
    return {
        "staff": staff,
        "case": case,
        # Open or agreed: the case link leads to it; failed or withdrawn: 重新调解.
        "standing": None if service.may_mediate_again(latest) else latest,
        "earlier": earlier,
        "may_start": may_record(s, staff.user, case, None),
        "suggestions": views.suggestions(s, staff.user, number),
        "errors": FormErrors(),
        "values": {},
        "L": LABELS,
    }


@router.get("/desk/mediation/case/{number}", response_class=HTMLResponse)
async def for_case(request: Request, number: str, work: Pages) -> Response:
    ctx = await work.staff(lambda s, staff: _start_context(s, staff, number[:24]))
    if ctx["standing"] is not None:
        return _see_other(f"/desk/mediation/{ctx['standing'].id}")
    return render(request, "mediation/start.html", ctx)


@router.post("/desk/mediation/case/{number}", response_class=HTMLResponse)
async def start(request: Request, number: str, work: Pages) -> Response:
    number = number[:24]
    form = await request.form(max_files=0, max_fields=20)
    errors = FormErrors()
    chosen = [v for v in form.getlist("mediators") if isinstance(v, str) and v.isdigit()]
    data = {
        "mediators": chosen,
        "facts": field(form, "facts"),
        "committee": field(form, "committee"),
    }
    body = _parse(MediationStart, data, errors)
    created: list[int] = []

    def run(s: Session, staff: Staff) -> None:
        created.append(service.start_mediation(s, actor=staff.user, number=number, data=body).id)

    ok, status = await _submit(work, form, run, errors)
    if ok:
        return _see_other(f"/desk/mediation/{created[0]}?done=start")
    work.write = False
    ctx = await work.staff(lambda s, staff: _start_context(s, staff, number))
    ctx.update(errors=errors, values=text_values(form))
    ctx["chosen"] = set(chosen)
    return render(request, "mediation/start.html", ctx, status=status)


# --- one mediation --------------------------------------------------------------------------


def _party_rows(read: MediationRead) -> Any:
    """The parties form's rows: as stored (or as typed, when refused), plus one blank."""

    def rows(typed: dict[str, str]) -> list[dict[str, str]]:
        if typed:
            found = [
                {k: typed.get(f"{k}_{i}", "") for k in PARTY_FIELDS} for i in range(MAX_PARTY_ROWS)
            ]
            kept = [r for r in found if r["name"]]
        else:
            kept = [{k: getattr(p, k) or "" for k in PARTY_FIELDS} for p in read.parties]
        return [*kept, dict.fromkeys(PARTY_FIELDS, "")][:MAX_PARTY_ROWS]

    return rows


def _detail(s: Session, staff: Staff, mediation_id: int) -> dict[str, Any]:
    case, mediation = views.case_for_mediation_id(s, staff.user, mediation_id)
    read = views.mediation_read(s, staff.user, case, mediation, channel="page.mediation")
    history = views.case_mediations(s, case)
    latest = history[-1]
    return {
        "staff": staff,
        "m": read,
        "id": mediation_id,
        "earlier": [h for h in history if h.id < mediation_id],
        "latest": None if latest.id == mediation_id else latest,
        # 重新调解: offered on the case's latest mediation once it failed or was withdrawn.
        "may_start_again": latest.id == mediation_id
        and service.may_mediate_again(mediation)
        and service.is_case_mediable(case)
        and may_record(s, staff.user, case, None),
        "party_rows": _party_rows(read),
        "errors": {},
        "values": {},
        "L": LABELS,
        "today": service.local_today(utcnow()).isoformat(),
    }


@router.get("/desk/mediation/{mediation_id:int}", response_class=HTMLResponse)
async def detail(
    request: Request,
    mediation_id: int,
    work: Pages,
    done: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    ctx = await work.staff(lambda s, staff: _detail(s, staff, mediation_id))
    ctx["done"] = {
        "start": "已启动调解",
        "sessions": "已记录调解",
        "outcome": "已登记调解结果",
        "follow-ups": "已记录回访",
        "parties": "已更新当事人",
    }.get(done, "")
    return render(request, "mediation/detail.html", ctx)


def _step_data(step: str, form: FormData) -> dict[str, Any]:
    if step == "parties":
        # One row per party (side_0, name_0 …); rows left without a name are not parties.
        rows = []
        for i in range(MAX_PARTY_ROWS):
            row = {k: v for k in PARTY_FIELDS if (v := field(form, f"{k}_{i}")) is not None}
            if row.get("name"):
                rows.append(row)
        return {"parties": rows}
    names = {
        "sessions": ("held_at", "place", "participants", "summary", "agreed"),
        "outcome": (
            "result",
            "terms",
            "performance",
            "performance_due",
            "signed_on",
            "copies",
            "follow_up_due",
            "failure_reason",
            "guidance",
            "guidance_note",
            "reason",
        ),
        "follow-ups": ("visited_on", "method", "result", "note", "next_due"),
    }[step]
    return {n: v for n in names if (v := field(form, n)) is not None}


@router.post("/desk/mediation/{mediation_id:int}/{step}", response_class=HTMLResponse)
async def record(request: Request, mediation_id: int, step: str, work: Pages) -> Response:
    if step not in STEPS:
        raise NotFound("没有这一步", code="not_found")
    form = await request.form(max_files=0, max_fields=80)
    errors = FormErrors()
    body = _parse(STEPS[step], _step_data(step, form), errors)

    def run(s: Session, staff: Staff) -> None:
        case, _ = views.case_for_mediation_id(s, staff.user, mediation_id)
        assert case.number is not None
        if step == "sessions":
            service.record_session(
                s, actor=staff.user, number=case.number, data=body, mediation_id=mediation_id
            )
        elif step == "parties":
            service.replace_parties(
                s, actor=staff.user, number=case.number, data=body, mediation_id=mediation_id
            )
        elif step == "outcome":
            service.conclude(
                s, actor=staff.user, number=case.number, data=body, mediation_id=mediation_id
            )
        else:
            service.record_follow_up(
                s, actor=staff.user, number=case.number, data=body, mediation_id=mediation_id
            )

    ok, status = await _submit(work, form, run, errors)
    if ok:
        return _see_other(f"/desk/mediation/{mediation_id}?done={step}")
    work.write = False
    ctx = await work.staff(lambda s, staff: _detail(s, staff, mediation_id))
    ctx.update(errors={step: errors}, values={step: text_values(form)}, done="")
    ctx["alert"] = errors.get("_") if status != 422 else None
    return render(request, "mediation/detail.html", ctx, status=status)


@router.get("/desk/mediation/{mediation_id:int}/agreement.{kind}")
async def agreement(mediation_id: int, kind: str, work: Pages) -> Response:
    if kind not in ("docx", "pdf"):
        raise NotFound("没有这种文件格式", code="not_found")

    def run(s: Session, staff: Staff) -> tuple[bytes, str, str]:
        case, _ = views.case_for_mediation_id(s, staff.user, mediation_id)
        assert case.number is not None
        return agreement_file(
            s, staff.user, case.number, kind, channel=f"page.{kind}", mediation_id=mediation_id
        )

    return _download(*await work.staff(run))


# --- the roster -----------------------------------------------------------------------------


def _roster(s: Session, staff: Staff, speciality: str, region: str, q: str) -> dict[str, Any]:
    served = None
    if region:
        found = s.get(Region, region)
        served = found.path if found else region
    rows = repository.mediators(
        s, staff.user, speciality=speciality or None, region=served, q=q or None
    )
    return {
        "staff": staff,
        "rows": rows,
        "may_keep": may_keep_roster(staff.user),
        "filters": {"speciality": speciality, "region": region, "q": q},
        "errors": FormErrors(),
        "values": {},
        "L": LABELS,
    }


@router.get("/desk/mediators", response_class=HTMLResponse)
async def roster(
    request: Request,
    work: Pages,
    speciality: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=16, pattern=r"^\d*$")] = "",
    q: Annotated[str, Query(max_length=40)] = "",
    done: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    speciality = speciality if speciality in SPECIALITY_LABELS else ""
    ctx = await work.staff(lambda s, staff: _roster(s, staff, speciality, region, q))
    ctx["done"] = {"added": "已添加调解员", "changed": "已更新调解员状态"}.get(done, "")
    return render(request, "mediation/mediators.html", ctx)


@router.post("/desk/mediators", response_class=HTMLResponse)
async def add(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=40)
    errors = FormErrors()
    data: dict[str, Any] = {
        k: v
        for k in (
            "name",
            "gender",
            "phone",
            "organisation",
            "title",
            "region_code",
            "username",
            "note",
        )
        if (v := field(form, k)) is not None
    }
    data["specialities"] = [v for v in form.getlist("specialities") if isinstance(v, str)]
    regions = (field(form, "regions") or "").replace("，", ",").split(",")
    data["regions"] = [r.strip() for r in regions if r.strip()]
    body = _parse(MediatorCreate, data, errors)

    def run(s: Session, staff: Staff) -> None:
        service.create_mediator(s, actor=staff.user, data=body)

    ok, status = await _submit(work, form, run, errors)
    if ok:
        return _see_other("/desk/mediators?done=added")
    work.write = False
    ctx = await work.staff(lambda s, staff: _roster(s, staff, "", "", ""))
    ctx.update(errors=errors, values=text_values(form), chosen=set(data["specialities"]))
    return render(request, "mediation/mediators.html", ctx, status=status)


@router.post("/desk/mediators/{mediator_id:int}/active", response_class=HTMLResponse)
async def toggle(request: Request, mediator_id: int, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=5)

    def run(s: Session, staff: Staff) -> None:
        current = mediator_for(s, staff.user, mediator_id)
        service.update_mediator(
            s,
            actor=staff.user,
            mediator_id=mediator_id,
            data=MediatorUpdate(is_active=not current.is_active),
        )

    await work.staff(run, csrf=field(form, "csrf"))
    return _see_other("/desk/mediators?done=changed")
