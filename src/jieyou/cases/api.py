"""JSON routes for cases: intake, staff reads and actions, the resident's tracking.

Each route parses its input and hands one call to the unit of work (see ``jieyou.deps``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases import views
from jieyou.cases.intake import analyse, submit_case
from jieyou.cases.schemas import (
    ActionIn,
    CaseCreate,
    CaseCreated,
    CasePage,
    CaseRead,
    DuplicateRead,
    EventRead,
    RatingIn,
    TrackRead,
    TriagePage,
)
from jieyou.cases.service import act_on_case, dismiss_duplicate, parse_action, rate_case
from jieyou.db import utcnow
from jieyou.deps import UnitOfWork
from jieyou.errors import Invalid
from jieyou.validation import IsoDate

router = APIRouter(prefix="/api/v1", tags=["cases"])

Number = Annotated[str, Path(max_length=24, description="诉求编号，如 JY20261127000123")]


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseCreated)
async def create_case(body: CaseCreate, work: UnitOfWork) -> CaseCreated:
    """Submit a grievance. Public; staff with a token may also set the channel."""
    now = utcnow()
    analysis = await work.read_first(lambda s: analyse(s, body, now=now))
    return await work.public(
        lambda s, actor: views.created(
            submit_case(s, data=body, actor=actor, now=now, analysis=analysis, ip=work.client)
        )
    )


@router.get("/cases", response_model=CasePage)
async def list_cases(
    work: UnitOfWork,
    status_: Annotated[str | None, Query(alias="status", max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
    category: Annotated[str | None, Query(max_length=8)] = None,
    unit: Annotated[str | None, Query(max_length=40)] = None,
    created_from: IsoDate | None = None,
    created_to: IsoDate | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    overdue: bool = False,
) -> CasePage:
    """Cases in the caller's scope, newest first. ``status`` may be a comma list;
    ``overdue=true`` keeps the open cases past their deadline (超期)."""
    return await work.staff(
        lambda s, actor: views.case_page(
            s,
            actor,
            statuses=status_,
            region=region,
            category=category,
            unit=unit,
            created_from=created_from,
            created_to=created_to,
            q=q,
            page=page,
            page_size=page_size,
            overdue=overdue,
        )
    )


@router.get("/cases/{number}", response_model=CaseRead)
async def get_case(number: Number, work: UnitOfWork) -> CaseRead:
    return await work.staff(lambda s, actor: views.case_detail(s, actor, number))


@router.get("/cases/{number}/events", response_model=list[EventRead])
async def get_case_events(number: Number, work: UnitOfWork) -> list[EventRead]:
    """The whole history, oldest first, with each event's hash and its predecessor's."""
    return await work.staff(lambda s, actor: views.case_events(s, actor, number))


@router.post("/cases/{number}/actions/{action}", response_model=CaseRead)
async def post_action(
    number: Number,
    action: Annotated[str, Path(max_length=20)],
    work: UnitOfWork,
    body: Annotated[ActionIn | None, Body()] = None,
) -> CaseRead:
    """Take one action of the state machine. 409 with ``allowed`` if the state forbids it."""
    verb = parse_action(action)

    def run(s: Session, actor: User) -> CaseRead:
        case = act_on_case(s, actor=actor, number=number, action=verb, body=body or ActionIn())
        return views.case_view(s, actor, case)

    return await work.staff(run)


@router.get("/track/{number}", response_model=TrackRead)
async def track(
    number: Number, work: UnitOfWork, code: Annotated[str, Query(max_length=12)]
) -> TrackRead:
    """Public: progress for the resident who holds the query code. No personal data."""
    return await work.resident(number, lambda s: views.track(s, number=number, code=code))


@router.post("/track/{number}/rating", response_model=TrackRead)
async def rate(
    number: Number,
    body: RatingIn,
    work: UnitOfWork,
    code: Annotated[str | None, Query(max_length=12)] = None,
) -> TrackRead:
    """Public: rate a resolved case. ``unsatisfied`` reopens it. The query code goes in the
    body or in ``?code=``."""
    query_code = body.code or code
    if not query_code:
        raise Invalid("请提供查询码 code", code="missing_field", field="code")

    def run(s: Session) -> TrackRead:
        rate_case(s, number=number, code=query_code, rating=body.rating, comment=body.comment)
        return views.track(s, number=number, code=query_code)

    return await work.resident(number, run)


@router.get("/triage", response_model=TriagePage)
async def triage(
    work: UnitOfWork,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TriagePage:
    """Cases in scope waiting for a person to confirm or correct their category, oldest first.
    Confirm with ``POST /cases/{number}/actions/categorize`` and ``category_code``."""
    return await work.staff(
        lambda s, actor: views.triage_page(s, actor, page=page, page_size=page_size)
    )


@router.get("/cases/{number}/duplicates", response_model=list[DuplicateRead])
async def get_duplicates(number: Number, work: UnitOfWork) -> list[DuplicateRead]:
    """Likely duplicates (一事多诉) linked to this case. Merge with ``actions/merge``."""
    return await work.staff(lambda s, actor: views.case_duplicates(s, actor, number))


@router.post("/cases/{number}/duplicates/{other}/dismiss", response_model=list[DuplicateRead])
async def dismiss(number: Number, other: Number, work: UnitOfWork) -> list[DuplicateRead]:
    """Not the same matter: the suggestion is dismissed (kept, marked dismissed)."""

    def run(s: Session, actor: User) -> list[DuplicateRead]:
        dismiss_duplicate(s, actor=actor, number=number, other=other)
        return views.case_duplicates(s, actor, number)

    return await work.staff(run)
