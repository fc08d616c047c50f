"""JSON routes of 人民调解: the roster, a case's mediation, and the agreement documents.

Routes under ``/cases/{number}/mediation`` act on the case's latest mediation (a case may be
mediated again after a failed or withdrawn one; ``/cases/{number}/mediations`` lists them all)
and check the case scope in a dependency before the
body is validated, so a case out of scope answers 404 exactly like a missing one whatever the
body (the order is 404, 409, 403, 422 as everywhere)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jieyou.accounts.access import log_full_view
from jieyou.accounts.models import User
from jieyou.cases.permissions import get_case_for
from jieyou.deps import UnitOfWork, Work
from jieyou.errors import Invalid, NotPermitted
from jieyou.mediation import documents, repository, service, views
from jieyou.mediation.models import Mediator
from jieyou.mediation.permissions import handles, mediation_of, mediator_for
from jieyou.mediation.schemas import (
    CaseMediationItem,
    FollowUpIn,
    FollowUpRead,
    MediationPage,
    MediationRead,
    MediationStart,
    MediatorCreate,
    MediatorRead,
    MediatorUpdate,
    OutcomeIn,
    PartiesIn,
    SessionIn,
    SessionRead,
    SuggestionRead,
)
from jieyou.mediation.states import MediationStatus, Speciality
from jieyou.regions.models import Region

router = APIRouter(prefix="/api/v1", tags=["mediation"])

Number = Annotated[str, Path(max_length=24, description="诉求编号，如 JY20261127000123")]
MediatorId = Annotated[int, Path(ge=1, le=2_147_483_647, description="调解员编号")]


async def case_in_scope(number: Number, work: UnitOfWork) -> None:
    """404 for a case missing or out of scope, before the body is read."""
    probe = Work(work.database, write=False, token=work.token, client=work.client)
    await probe.staff(lambda s, actor: get_case_for(s, actor, number) and None)


InScope = Depends(case_in_scope)


# --- the roster -----------------------------------------------------------------------------


def _mediator(s: Session, mediator_id: int) -> MediatorRead:
    row = s.get(Mediator, mediator_id)
    assert row is not None
    return views.mediator_read(repository.rows_of(s, [row])[0])


@router.get("/mediators", response_model=list[MediatorRead])
async def list_mediators(
    work: UnitOfWork,
    speciality: Speciality | None = None,
    region: Annotated[
        str | None, Query(pattern=r"^\d{12}(\d{2}){0,2}$", description="服务该区划（区划代码）")
    ] = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=40)] = None,
) -> list[MediatorRead]:
    """人民调解员名册: the caller's region and the committees above it; ``region`` keeps those
    serving that place, ``speciality`` those with that speciality."""

    def run(s: Session, actor: User) -> list[MediatorRead]:
        served = None
        if region:
            found = s.get(Region, region)
            if found is None:
                raise Invalid(f"区划 {region} 不存在", code="unknown_region", field="region")
            served = found.path
        rows = repository.mediators(
            s, actor, speciality=speciality, region=served, active=active, q=q
        )
        return [views.mediator_read(r) for r in rows]

    return await work.staff(run)


@router.post("/mediators", status_code=status.HTTP_201_CREATED, response_model=MediatorRead)
async def create_mediator(body: MediatorCreate, work: UnitOfWork) -> MediatorRead:
    """Add a mediator (admin, city, county, township, village staff; within their region)."""

    def run(s: Session, actor: User) -> MediatorRead:
        return _mediator(s, service.create_mediator(s, actor=actor, data=body).id)

    return await work.staff(run)


@router.get("/mediators/{mediator_id}", response_model=MediatorRead)
async def get_mediator(mediator_id: MediatorId, work: UnitOfWork) -> MediatorRead:
    return await work.staff(lambda s, actor: _mediator(s, mediator_for(s, actor, mediator_id).id))


@router.patch("/mediators/{mediator_id}", response_model=MediatorRead)
async def update_mediator(
    mediator_id: MediatorId, body: MediatorUpdate, work: UnitOfWork
) -> MediatorRead:
    """Change a roster entry; ``is_active: false`` takes the mediator off new mediations."""

    def run(s: Session, actor: User) -> MediatorRead:
        service.update_mediator(s, actor=actor, mediator_id=mediator_id, data=body)
        return _mediator(s, mediator_id)

    return await work.staff(run)


# --- mediations -----------------------------------------------------------------------------


@router.get("/mediations", response_model=MediationPage)
async def list_mediations(
    work: UnitOfWork,
    status_: Annotated[MediationStatus | None, Query(alias="status")] = None,
    due: Annotated[bool, Query(description="只看到期待回访的")] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> MediationPage:
    """Mediations of the cases in the caller's scope, newest first, with counts by state and
    the number of follow-ups due (到期待回访)."""
    return await work.staff(
        lambda s, actor: views.mediation_page(
            s,
            actor,
            status=status_.value if status_ else None,
            due=due,
            page=page,
            page_size=page_size,
        )
    )


@router.get("/cases/{number}/mediation/suggestions", response_model=list[SuggestionRead])
async def suggest(number: Number, work: UnitOfWork) -> list[SuggestionRead]:
    """Mediators for this case: serving its place, by the speciality its category calls for,
    the nearest committee and the lightest load first."""
    return await work.staff(lambda s, actor: views.suggestions(s, actor, number))


@router.post(
    "/cases/{number}/mediation",
    status_code=status.HTTP_201_CREATED,
    response_model=MediationRead,
    dependencies=[InScope],
)
async def start(number: Number, body: MediationStart, work: UnitOfWork) -> MediationRead:
    """Start mediating the case (受理调解). Parties default to the case's."""

    def run(s: Session, actor: User) -> MediationRead:
        service.start_mediation(s, actor=actor, number=number, data=body)
        return views.mediation_detail(s, actor, number)

    return await work.staff(run)


@router.get("/cases/{number}/mediation", response_model=MediationRead)
async def get_mediation(number: Number, work: UnitOfWork) -> MediationRead:
    """The case's latest mediation with parties (masked unless you handle the case),
    sessions, outcome, agreement and follow-ups. Earlier attempts: ``/mediations``."""
    return await work.staff(lambda s, actor: views.mediation_detail(s, actor, number))


@router.get("/cases/{number}/mediations", response_model=list[CaseMediationItem])
async def list_case_mediations(number: Number, work: UnitOfWork) -> list[CaseMediationItem]:
    """Every mediation of the case, oldest first: number, state, dates and outcome (no
    personal data). A case is mediated again only after a failed or withdrawn one; the
    routes under ``/mediation`` act on the last."""
    return await work.staff(lambda s, actor: views.case_mediations_for(s, actor, number))


@router.put(
    "/cases/{number}/mediation/parties", response_model=MediationRead, dependencies=[InScope]
)
async def put_parties(number: Number, body: PartiesIn, work: UnitOfWork) -> MediationRead:
    """Replace the parties while the mediation is open."""

    def run(s: Session, actor: User) -> MediationRead:
        service.replace_parties(s, actor=actor, number=number, data=body)
        return views.mediation_detail(s, actor, number)

    return await work.staff(run)


@router.post(
    "/cases/{number}/mediation/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionRead,
    dependencies=[InScope],
)
async def add_session(number: Number, body: SessionIn, work: UnitOfWork) -> SessionRead:
    """Record one sitting: time, place, participants, what happened and was agreed."""

    def run(s: Session, actor: User) -> SessionRead:
        row = service.record_session(s, actor=actor, number=number, data=body)
        read = views.mediation_detail(s, actor, number)
        return next(x for x in read.sessions if x.id == row.id)

    return await work.staff(run)


@router.post(
    "/cases/{number}/mediation/outcome", response_model=MediationRead, dependencies=[InScope]
)
async def outcome(number: Number, body: OutcomeIn, work: UnitOfWork) -> MediationRead:
    """Conclude: ``agreed`` (the agreement), ``failed`` (with guidance to litigation,
    arbitration …) or ``withdrawn``. 409 with ``allowed`` once concluded."""

    def run(s: Session, actor: User) -> MediationRead:
        service.conclude(s, actor=actor, number=number, data=body)
        return views.mediation_detail(s, actor, number)

    return await work.staff(run)


@router.post(
    "/cases/{number}/mediation/follow-ups",
    status_code=status.HTTP_201_CREATED,
    response_model=FollowUpRead,
    dependencies=[InScope],
)
async def follow_up(number: Number, body: FollowUpIn, work: UnitOfWork) -> FollowUpRead:
    """履行回访: honoured fully, partly or not. Not fully: the next visit is due (default in 30
    days)."""

    def run(s: Session, actor: User) -> FollowUpRead:
        row = service.record_follow_up(s, actor=actor, number=number, data=body)
        read = views.mediation_detail(s, actor, number)
        return next(x for x in read.follow_ups if x.id == row.id)

    return await work.staff(run)


def agreement_file(
    s: Session,
    actor: User,
    number: str,
    kind: str,
    *,
    channel: str,
    mediation_id: int | None = None,
) -> tuple[bytes, str, str]:
    """The agreement for those who read the parties in full; the view is logged. The case's
    latest mediation, or ``mediation_id`` of the case's."""
    case = get_case_for(s, actor, number)
    mediation = mediation_of(s, case, mediation_id=mediation_id)
    agreement = documents.agreement_of(s, mediation, number)
    if not handles(s, actor, case, mediation):
        raise NotPermitted(
            "调解协议书含当事人个人信息，只有承办单位、人员和本案调解员可以下载",
            code="personal_data_not_permitted",
        )
    log_full_view(s, actor, case, channel=channel, fields="agreement")
    return documents.render(agreement, kind)


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


def _doc_route(kind: Literal["docx", "pdf"], media_type: str) -> None:
    @router.get(
        f"/cases/{{number}}/mediation/agreement.{kind}",
        response_class=Response,
        responses={200: {"content": {media_type: {}}, "description": "调解协议书"}},
        name=f"agreement_{kind}",
    )
    async def download(number: Number, work: UnitOfWork) -> Response:
        return _download(
            *await work.staff(
                lambda s, actor: agreement_file(s, actor, number, kind, channel=f"mediation.{kind}")
            )
        )

    download.__doc__ = f"调解协议书 ({kind.upper()})：当事人、协议内容、签名栏。下载记入访问日志。"


_doc_route("docx", documents.DOCX_TYPE)
_doc_route("pdf", documents.PDF_TYPE)
