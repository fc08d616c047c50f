"""The verbs of 人民调解. Each checks in the fixed order — 404 (scope), 409 (state), 403
(permission), 422 (its own input) — changes rows and flushes; the boundary commits.

Starting and concluding a mediation, and each 履行回访, also leave a note on the case's own
history (a ``comment`` event), so the case page tells the whole story."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.cases.events import record_event
from jieyou.cases.models import Case, CaseParty
from jieyou.cases.permissions import get_case_for
from jieyou.cases.states import OPEN_STATUSES, Action, allowed_actions
from jieyou.db import utcnow
from jieyou.errors import Conflict, Invalid, NotFound
from jieyou.mediation import repository
from jieyou.mediation.models import (
    Mediation,
    MediationFollowUp,
    MediationMediator,
    MediationParty,
    MediationSession,
    Mediator,
    MediatorRegion,
    MediatorSpeciality,
)
from jieyou.mediation.permissions import (
    check_record,
    check_roster_keeper,
    mediation_of,
    mediator_for,
)
from jieyou.mediation.schemas import (
    FollowUpIn,
    MediationStart,
    MediatorCreate,
    MediatorUpdate,
    OutcomeIn,
    PartiesIn,
    PartyIn,
    SessionIn,
)
from jieyou.mediation.states import (
    GUIDANCE_LABELS,
    HONOURED_LABELS,
    MEDIATE_AGAIN_AFTER,
    Honoured,
    MediationAction,
    MediationStatus,
    transition,
)
from jieyou.regions.models import Region
from jieyou.timefmt import local_zone

A = MediationAction
# After the performance deadline, the committee calls back (履行回访) within a week.
FOLLOW_UP_AFTER = timedelta(days=7)
# Partly or not honoured: look again in a month unless told otherwise.
REVISIT_AFTER = timedelta(days=30)
DEFAULT_COPIES = 3


def local_today(now: datetime) -> date:
    return now.astimezone(local_zone()).date()


# --- the roster ---------------------------------------------------------------------------


def _region(session: Session, code: str, field: str) -> Region:
    region = session.get(Region, code)
    if region is None:
        raise Invalid(f"区划 {code} 不存在", code="unknown_region", field=field)
    return region


def _account(session: Session, username: str | None, mediator_id: int | None) -> int | None:
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None or Role(user.role) != Role.mediator:
        raise Invalid(f"{username} 不是人民调解员账号", code="bad_account", field="username")
    taken = session.scalar(select(Mediator.id).where(Mediator.user_id == user.id))
    if taken is not None and taken != mediator_id:
        raise Invalid(f"账号 {username} 已关联其他调解员", code="bad_account", field="username")
    return user.id


def _set_regions(session: Session, mediator: Mediator, codes: list[str]) -> None:
    regions = [_region(session, code, "regions") for code in dict.fromkeys(codes)]
    session.execute(delete(MediatorRegion).where(MediatorRegion.mediator_id == mediator.id))
    session.add_all(
        MediatorRegion(mediator_id=mediator.id, region_code=r.code, region_path=r.path)
        for r in regions
    )


def _set_specialities(session: Session, mediator: Mediator, specialities: list[str]) -> None:
    session.execute(delete(MediatorSpeciality).where(MediatorSpeciality.mediator_id == mediator.id))
    session.add_all(
        MediatorSpeciality(mediator_id=mediator.id, speciality=str(s))
        for s in dict.fromkeys(specialities)
    )


def create_mediator(
    session: Session, *, actor: User | None, data: MediatorCreate, now: datetime | None = None
) -> Mediator:
    """Add a mediator to the roster. ``actor`` None: the command line (trusted operator)."""
    region = _region(session, data.region_code, "region_code")
    if actor is not None:
        check_roster_keeper(actor, region.path)
    now = now or utcnow()
    mediator = Mediator(
        name=data.name,
        gender=data.gender,
        phone=data.phone,
        organisation=data.organisation,
        title=data.title,
        region_code=region.code,
        region_path=region.path,
        user_id=_account(session, data.username, None),
        is_active=data.is_active,
        note=data.note,
        created_at=now,
        updated_at=now,
    )
    session.add(mediator)
    session.flush()
    _set_regions(session, mediator, data.regions or [region.code])
    _set_specialities(session, mediator, list(data.specialities))
    session.flush()
    return mediator


def update_mediator(
    session: Session, *, actor: User, mediator_id: int, data: MediatorUpdate
) -> Mediator:
    mediator = mediator_for(session, actor, mediator_id)
    check_roster_keeper(actor, mediator.region_path)
    given = data.model_fields_set
    for name in ("name", "gender", "phone", "organisation", "title", "note"):
        if name in given and (
            getattr(data, name) is not None or name not in ("name", "organisation")
        ):
            setattr(mediator, name, getattr(data, name))
    if "is_active" in given and data.is_active is not None:
        mediator.is_active = data.is_active
    if "username" in given:
        mediator.user_id = _account(session, data.username, mediator.id)
    if data.regions is not None:
        _set_regions(session, mediator, data.regions)
    if data.specialities is not None:
        _set_specialities(session, mediator, list(data.specialities))
    mediator.updated_at = utcnow()
    session.flush()
    return mediator


# --- a mediation --------------------------------------------------------------------------


def _note(
    session: Session, case: Case, actor: User, note: str, now: datetime, **data: object
) -> None:
    if Action.comment in allowed_actions(case.status):
        record_event(session, case, Action.comment, actor=actor, now=now, note=note, data=data)


def _party(mediation_id: int, p: PartyIn) -> MediationParty:
    return MediationParty(
        mediation_id=mediation_id,
        side=p.side,
        name=p.name,
        gender=p.gender,
        ethnicity=p.ethnicity,
        birth_date=p.birth_date,
        id_number=p.id_number,
        phone=p.phone,
        address=p.address,
        representative=p.representative,
    )


def _parties_from_case(session: Session, case: Case) -> list[PartyIn]:
    """The case's submitter and parties as the agreement's first draft."""
    found: list[PartyIn] = []
    rows = session.scalars(
        select(CaseParty).where(CaseParty.case_id == case.id).order_by(CaseParty.id)
    ).all()
    if case.submitter_name and not any(r.role == "applicant" for r in rows):
        found.append(
            PartyIn.model_construct(
                side="applicant", name=case.submitter_name, phone=case.submitter_phone
            )
        )
    for r in rows:
        if r.role in ("applicant", "respondent"):
            # Already validated at intake; constructed as stored.
            found.append(
                PartyIn.model_construct(
                    side=r.role,  # type: ignore[arg-type]
                    name=r.name,
                    phone=r.phone,
                    id_number=r.id_number,
                    address=r.address,
                )
            )
    return found


def _check_sides(parties: list[PartyIn]) -> None:
    sides = {p.side for p in parties}
    if sides != {"applicant", "respondent"}:
        raise Invalid(
            "调解须至少有一名申请人和一名被申请人，请填写当事人",
            code="parties_required",
            field="parties",
        )


def _mediators(session: Session, actor: User, ids: list[int]) -> list[Mediator]:
    found = []
    for mid in dict.fromkeys(ids):
        try:
            m = mediator_for(session, actor, mid)
        except NotFound:
            raise Invalid(
                f"调解员 {mid} 不存在", code="unknown_mediator", field="mediators"
            ) from None
        if not m.is_active:
            raise Invalid(f"调解员{m.name}已停用", code="inactive_mediator", field="mediators")
        found.append(m)
    return found


def is_case_mediable(case: Case) -> bool:
    """The case is being handled: accepted and not yet closed."""
    return case.status in OPEN_STATUSES and case.status != "submitted"


def may_mediate_again(latest: Mediation | None) -> bool:
    """No mediation yet, or the last one ended without an agreement."""
    return latest is None or MediationStatus(latest.status) in MEDIATE_AGAIN_AFTER


def _check_no_standing(number: str, earlier: list[Mediation]) -> None:
    """409 while a mediation of the case is open, or once one reached an agreement."""
    for m in reversed(earlier):
        if MediationStatus(m.status) in MEDIATE_AGAIN_AFTER:
            continue
        if m.status == MediationStatus.agreed:
            message = (
                f"诉求 {number} 已经调解 {m.number} 达成协议，不能再次调解；"
                "协议的落实请通过履行回访或申请司法确认"
            )
        else:
            message = f"诉求 {number} 的调解 {m.number} 尚在进行中，不能重新启动调解"
        raise Conflict(message, code="mediation_exists", mediation=m.number, status=m.status)


def start_mediation(
    session: Session, *, actor: User, number: str, data: MediationStart, now: datetime | None = None
) -> Mediation:
    """Start mediating the case: the first time, or again (重新调解) once every earlier
    mediation of it failed or was withdrawn. 409 ``mediation_exists`` while one is open or
    once one reached an agreement.

    Race-safe on both engines: the case row is locked before the earlier mediations are read
    (PostgreSQL: ``SELECT … FOR UPDATE``, so a second start waits for the first to commit and
    then, under READ COMMITTED, sees its mediation; SQLite: writers are serialised by the
    unit of work's ``BEGIN IMMEDIATE``). Concluding also locks the case row first."""
    now = now or utcnow()
    case = get_case_for(session, actor, number, for_update=True)
    earlier = repository.case_mediations(session, case.id)
    _check_no_standing(number, earlier)
    if not is_case_mediable(case):
        raise Conflict(
            f"诉求 {number} 当前不在办理中，不能启动调解（须已受理且未办结）",
            code="case_not_open",
        )
    check_record(session, actor, case, None)
    chosen = _mediators(session, actor, data.mediators)
    parties = data.parties if data.parties is not None else _parties_from_case(session, case)
    _check_sides(parties)
    mediation = Mediation(
        case_id=case.id,
        status=MediationStatus.open.value,
        region_path=case.region_path,
        committee=data.committee or chosen[0].organisation,
        facts=data.facts,
        started_at=now,
        started_by_id=actor.id,
        updated_at=now,
    )
    session.add(mediation)
    session.flush()
    mediation.number = f"TJ{local_today(now).year}{mediation.id:06d}"
    session.add_all(
        MediationMediator(mediation_id=mediation.id, mediator_id=m.id, is_lead=i == 0)
        for i, m in enumerate(chosen)
    )
    session.add_all(_party(mediation.id, p) for p in parties)
    names = "、".join(m.name for m in chosen)
    again = f"重新启动人民调解（第 {len(earlier) + 1} 次）" if earlier else "启动人民调解"
    _note(
        session,
        case,
        actor,
        f"{again}（{mediation.number}），{mediation.committee}，调解员：{names}",
        now,
        mediation=mediation.number,
    )
    session.flush()
    return mediation


def _open_for(
    session: Session,
    actor: User,
    number: str,
    action: MediationAction,
    mediation_id: int | None = None,
) -> tuple[Case, Mediation]:
    """404 (case, then mediation), 409 (the state table), 403 (who records).

    The case's latest mediation, or ``mediation_id`` of the case's (a page acts on the
    mediation it shows: an earlier one is failed or withdrawn, and the state table refuses)."""
    case = get_case_for(session, actor, number, for_update=True)
    mediation = mediation_of(session, case, for_update=True, mediation_id=mediation_id)
    transition(mediation.status, action)
    check_record(session, actor, case, mediation)
    return case, mediation


def record_session(
    session: Session,
    *,
    actor: User,
    number: str,
    data: SessionIn,
    now: datetime | None = None,
    mediation_id: int | None = None,
) -> MediationSession:
    now = now or utcnow()
    _, mediation = _open_for(session, actor, number, A.session, mediation_id)
    if data.held_at > now + timedelta(hours=1):
        raise Invalid("调解时间不能晚于现在（请在调解后记录）", code="in_future", field="held_at")
    row = MediationSession(
        mediation_id=mediation.id,
        held_at=data.held_at,
        place=data.place,
        participants=data.participants,
        summary=data.summary,
        agreed=data.agreed or None,
        recorded_by_id=actor.id,
        created_at=now,
    )
    session.add(row)
    mediation.updated_at = now
    session.flush()
    return row


def replace_parties(
    session: Session,
    *,
    actor: User,
    number: str,
    data: PartiesIn,
    now: datetime | None = None,
    mediation_id: int | None = None,
) -> Mediation:
    _, mediation = _open_for(session, actor, number, A.parties, mediation_id)
    _check_sides(data.parties)
    session.execute(delete(MediationParty).where(MediationParty.mediation_id == mediation.id))
    session.add_all(_party(mediation.id, p) for p in data.parties)
    mediation.updated_at = now or utcnow()
    session.flush()
    return mediation


def _required(value: str | None, field: str, what: str) -> str:
    if not value or not value.strip():
        raise Invalid(f"请填写{what}", code="missing_field", field=field)
    return value.strip()


def conclude(
    session: Session,
    *,
    actor: User,
    number: str,
    data: OutcomeIn,
    now: datetime | None = None,
    mediation_id: int | None = None,
) -> Mediation:
    """Agreed (with the agreement's content), failed (with guidance) or withdrawn."""
    now = now or utcnow()
    action = {"agreed": A.agree, "failed": A.fail, "withdrawn": A.withdraw}[data.result]
    case, mediation = _open_for(session, actor, number, action, mediation_id)
    today = local_today(now)
    if action != A.withdraw and not repository.sessions(session, mediation.id):
        raise Conflict(
            "尚无调解记录：请先记录至少一次调解，再登记调解结果",
            code="session_required",
            allowed=["session", "withdraw"],
        )
    if action == A.agree:
        mediation.terms = _required(data.terms, "terms", "协议内容")
        mediation.performance = _required(data.performance, "performance", "履行方式")
        if data.performance_due is None:
            raise Invalid("请填写履行期限", code="missing_field", field="performance_due")
        signed = data.signed_on or today
        if signed > today:
            raise Invalid("签订日期不能晚于今天", code="bad_date", field="signed_on")
        if data.performance_due < signed:
            raise Invalid("履行期限不能早于签订日期", code="bad_date", field="performance_due")
        due = data.follow_up_due or data.performance_due + FOLLOW_UP_AFTER
        if due < data.performance_due:
            raise Invalid("回访日期应在履行期限之后", code="bad_date", field="follow_up_due")
        mediation.performance_due = data.performance_due
        mediation.signed_on = signed
        mediation.copies = data.copies or DEFAULT_COPIES
        mediation.follow_up_due = due
        note = f"人民调解达成协议（{mediation.number}），履行期限 {data.performance_due}"
    elif action == A.fail:
        mediation.failure_reason = _required(
            data.failure_reason, "failure_reason", "调解不成的原因"
        )
        if data.guidance is None:
            raise Invalid("请选择告知当事人的其他解决途径", code="missing_field", field="guidance")
        mediation.guidance = data.guidance.value
        mediation.guidance_note = data.guidance_note or None
        note = (
            f"人民调解未达成协议（{mediation.number}），已告知当事人可"
            f"{GUIDANCE_LABELS[data.guidance]}"
        )
    else:
        mediation.withdraw_reason = _required(data.reason, "reason", "撤回原因")
        note = f"当事人撤回调解（{mediation.number}）：{mediation.withdraw_reason}"
    mediation.status = transition(mediation.status, action).value
    mediation.concluded_at = now
    mediation.concluded_by_id = actor.id
    mediation.updated_at = now
    _note(session, case, actor, note, now, mediation=mediation.number, result=data.result)
    session.flush()
    return mediation


def record_follow_up(
    session: Session,
    *,
    actor: User,
    number: str,
    data: FollowUpIn,
    now: datetime | None = None,
    mediation_id: int | None = None,
) -> MediationFollowUp:
    now = now or utcnow()
    case, mediation = _open_for(session, actor, number, A.follow_up, mediation_id)
    today = local_today(now)
    if data.visited_on > today:
        raise Invalid("回访日期不能晚于今天", code="bad_date", field="visited_on")
    if mediation.signed_on and data.visited_on < mediation.signed_on:
        raise Invalid("回访日期不能早于协议签订日期", code="bad_date", field="visited_on")
    next_due: date | None = None
    if data.result != Honoured.fully:
        next_due = data.next_due or data.visited_on + REVISIT_AFTER
        if next_due <= data.visited_on:
            raise Invalid("下次回访日期应晚于本次回访", code="bad_date", field="next_due")
    row = MediationFollowUp(
        mediation_id=mediation.id,
        visited_on=data.visited_on,
        method=data.method.value,
        result=data.result.value,
        note=data.note or None,
        next_due=next_due,
        recorded_by_id=actor.id,
        created_at=now,
    )
    session.add(row)
    mediation.honoured = data.result.value
    mediation.follow_up_due = next_due
    mediation.updated_at = now
    _note(
        session,
        case,
        actor,
        f"调解协议履行回访（{mediation.number}）：{HONOURED_LABELS[data.result]}",
        now,
        mediation=mediation.number,
        honoured=data.result.value,
    )
    session.flush()
    return row
