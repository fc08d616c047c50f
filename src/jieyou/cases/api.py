"""JSON routes for cases: intake, staff reads and actions, the resident's tracking."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status

from jieyou.cases import views
from jieyou.cases.schemas import (
    ActionIn,
    CaseCreate,
    CaseCreated,
    CasePage,
    CaseRead,
    EventRead,
    RatingIn,
    TrackRead,
)
from jieyou.cases.service import act_on_case, parse_action, rate_case, submit_case
from jieyou.deps import CurrentUser, DbSession, OptionalUser

router = APIRouter(prefix="/api/v1", tags=["cases"])

Number = Annotated[str, Path(max_length=24, description="诉求编号，如 JY20261127000123")]


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseCreated)
def create_case(body: CaseCreate, session: DbSession, actor: OptionalUser) -> CaseCreated:
    """Submit a grievance. Public; staff with a token may also set the channel."""
    case = submit_case(session, data=body, actor=actor)
    return views.created(case)


@router.get("/cases", response_model=CasePage)
def list_cases(
    session: DbSession,
    actor: CurrentUser,
    status_: Annotated[str | None, Query(alias="status", max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
    category: Annotated[str | None, Query(max_length=8)] = None,
    unit: Annotated[str | None, Query(max_length=40)] = None,
    created_from: date | None = None,
    created_to: date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CasePage:
    """Cases in the caller's scope, newest first. ``status`` may be a comma list."""
    return views.case_page(
        session, actor, statuses=status_, region=region, category=category, unit=unit,
        created_from=created_from, created_to=created_to, q=q, page=page, page_size=page_size,
    )


@router.get("/cases/{number}", response_model=CaseRead)
def get_case(number: Number, session: DbSession, actor: CurrentUser) -> CaseRead:
    return views.case_detail(session, actor, number)


@router.get("/cases/{number}/events", response_model=list[EventRead])
def get_case_events(number: Number, session: DbSession, actor: CurrentUser) -> list[EventRead]:
    """The whole history, oldest first, with each event's hash and its predecessor's."""
    return views.case_events(session, actor, number)


@router.post("/cases/{number}/actions/{action}", response_model=CaseRead)
def post_action(
    number: Number,
    action: Annotated[str, Path(max_length=20)],
    session: DbSession,
    actor: CurrentUser,
    body: Annotated[ActionIn | None, Body()] = None,
) -> CaseRead:
    """Take one action of the state machine. 409 with ``allowed`` if the state forbids it."""
    case = act_on_case(
        session, actor=actor, number=number, action=parse_action(action), body=body or ActionIn()
    )
    return views.case_view(session, actor, case)


@router.get("/track/{number}", response_model=TrackRead)
def track(
    number: Number, session: DbSession, code: Annotated[str, Query(max_length=12)]
) -> TrackRead:
    """Public: progress for the resident who holds the query code. No personal data."""
    return views.track(session, number=number, code=code)


@router.post("/track/{number}/rating", response_model=TrackRead)
def rate(number: Number, body: RatingIn, session: DbSession) -> TrackRead:
    """Public: rate a resolved case. ``unsatisfied`` reopens it."""
    rate_case(session, number=number, code=body.code, rating=body.rating, comment=body.comment)
    return views.track(session, number=number, code=body.code)
