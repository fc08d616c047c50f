"""The read side: case rows turned into the shapes the API returns, always through the
permissions chokepoint, and the resident's public timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.access import log_full_view
from jieyou.accounts.models import User
from jieyou.cases import repository
from jieyou.cases.models import Case, CaseEvent, CaseLink, CaseParty
from jieyou.cases.permissions import can_act, get_case_for, reads_personal_data, scoped
from jieyou.cases.schemas import (
    CaseCreated,
    CaseListItem,
    CasePage,
    CaseRead,
    DeadlinesRead,
    DuplicateRead,
    EventRead,
    PartyRead,
    PredictionRead,
    TimelineEntry,
    TrackRead,
    TriageItem,
    TriagePage,
    UnitRef,
)
from jieyou.cases.service import case_for_resident
from jieyou.cases.states import (
    ACTION_LABELS,
    OPEN_STATUSES,
    STATUS_LABELS,
    Action,
    Status,
    allowed_actions,
)
from jieyou.classify.keywords import best_match
from jieyou.db import utcnow
from jieyou.deadlines.actions import pending_extension
from jieyou.deadlines.service import DeadlineState, deadline_state
from jieyou.errors import Invalid
from jieyou.privacy import mask, mask_address, mask_name, mask_text
from jieyou.regions.models import Region
from jieyou.routing.models import Category, Unit
from jieyou.timefmt import local_zone


def _unit_ref(session: Session, unit_id: int | None) -> UnitRef | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    return UnitRef(code=unit.code, name=unit.name) if unit else None


def _category_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.code, Category.name)).all())


def prediction_read(case: Case, names: dict[str, str]) -> PredictionRead | None:
    if case.model_version is None:
        return None
    return PredictionRead(
        category_code=case.predicted_category,
        category_name=names.get(case.predicted_category or ""),
        confidence=case.prediction_confidence,
        top=[(str(code), names.get(str(code)), float(p)) for code, p in case.prediction_top or []],
        model_version=case.model_version,
    )


def duplicates_of(session: Session, actor: User, case: Case) -> list[DuplicateRead]:
    """Linked likely duplicates in either direction that the actor may see."""
    links = session.scalars(
        select(CaseLink).where(or_(CaseLink.case_id == case.id, CaseLink.other_id == case.id))
    ).all()
    if not links:
        return []
    other_ids = {lk.other_id if lk.case_id == case.id else lk.case_id: lk for lk in links}
    others = session.scalars(scoped(select(Case).where(Case.id.in_(list(other_ids))), actor)).all()
    return sorted(
        (
            DuplicateRead(
                number=o.number or "",
                title=o.title,
                status=o.status,
                score=other_ids[o.id].score,
                link_status=other_ids[o.id].status,
            )
            for o in others
        ),
        key=lambda d: -d.score,
    )


def case_read(
    session: Session,
    case: Case,
    actor: User,
    parties: Sequence[CaseParty],
    *,
    channel: str = "api",
) -> CaseRead:
    """The case as ``actor`` may see it: personal data whole (and logged) for those who handle
    it, masked for everyone else."""
    region = session.get(Region, case.region_code)
    names = _category_names(session)
    owner = _unit_ref(session, case.owner_unit_id)
    assert owner is not None and case.number is not None
    assignee = session.get(User, case.assigned_user_id) if case.assigned_user_id else None
    actions = [a.value for a in allowed_actions(case.status) if can_act(session, actor, case, a)]
    state = deadline_state(case, utcnow())
    whole = reads_personal_data(actor, case)
    if whole:
        log_full_view(session, actor, case, channel=channel)
    return CaseRead(
        number=case.number,
        status=case.status,
        status_label=STATUS_LABELS[Status(case.status)],
        channel=case.channel,
        kind=case.kind,
        title=case.title if whole else mask_text(case.title),
        description=case.description if whole else mask_text(case.description),
        region_code=case.region_code,
        region_name=region.name if region else "",
        address=case.address if whole else mask_address(case.address),
        lat=case.lat,
        lng=case.lng,
        category_code=case.category_code,
        category_name=names.get(case.category_code or ""),
        category_confirmed=case.category_confirmed,
        needs_triage=case.needs_triage,
        prediction=prediction_read(case, names),
        risk_level=case.risk_level,
        risk_reasons=case.risk_reasons or [],
        tier=case.tier,
        owner_unit=owner,
        suggested_unit=_unit_ref(session, case.suggested_unit_id),
        assigned_unit=_unit_ref(session, case.assigned_unit_id),
        assigned_user=assignee.username if assignee else None,
        submitter={
            "name": case.submitter_name if whole else mask_name(case.submitter_name),
            "phone": case.submitter_phone if whole else mask(case.submitter_phone),
        },
        parties=[
            PartyRead(
                role=p.role,
                name=p.name if whole else (mask_name(p.name) or ""),
                phone=p.phone if whole or not p.phone else mask(p.phone),
                id_number=p.id_number if whole or not p.id_number else mask(p.id_number),
                address=p.address if whole else mask_address(p.address),
            )
            for p in parties
        ],
        personal_data="full" if whole else "masked",
        outcome=case.outcome,
        reply=case.reply,
        rating=case.rating,
        rating_comment=case.rating_comment,
        created_at=case.created_at,
        updated_at=case.updated_at,
        accepted_at=case.accepted_at,
        resolved_at=case.resolved_at,
        closed_at=case.closed_at,
        duplicates=duplicates_of(session, actor, case),
        deadlines=deadlines_read(session, case, state),
        is_overdue=state.is_overdue,
        available_actions=actions,
    )


def deadlines_read(session: Session, case: Case, state: DeadlineState) -> DeadlinesRead:
    pending = pending_extension(session, case)
    return DeadlinesRead(
        accept_by=state.accept_by,
        contact_by=state.contact_by,
        resolve_by=state.resolve_by,
        current=state.current,
        contacted_at=case.contacted_at,
        note=state.note,
        is_paused=state.is_paused,
        pause_reason=case.pause_reason,
        supervision_level=state.supervision_level,
        supervisor_unit=_unit_ref(session, case.supervisor_unit_id),
        pending_extension=(
            {"days": pending.days, "reason": pending.reason, "requested_at": pending.requested_at}
            if pending
            else None
        ),
    )


def list_item(case: Case, unit_codes: dict[int, str], now: datetime | None = None) -> CaseListItem:
    assert case.number is not None
    state = deadline_state(case, now or utcnow())
    return CaseListItem(
        number=case.number,
        status=case.status,
        status_label=STATUS_LABELS[Status(case.status)],
        title=case.title,
        region_code=case.region_code,
        category_code=case.category_code,
        risk_level=case.risk_level,
        tier=case.tier,
        owner_unit_code=unit_codes[case.owner_unit_id],
        assigned_unit_code=unit_codes.get(case.assigned_unit_id) if case.assigned_unit_id else None,
        created_at=case.created_at,
        updated_at=case.updated_at,
        deadline=state.current,
        is_overdue=state.is_overdue,
    )


def event_read(ev: CaseEvent) -> EventRead:
    return EventRead(
        seq=ev.seq,
        action=ev.action,
        action_label=ACTION_LABELS[Action(ev.action)],
        from_status=ev.from_status,
        to_status=ev.to_status,
        actor_kind=ev.actor_kind,
        actor=ev.actor_name,
        at=ev.at,
        note=ev.note,
        data=ev.data,
        is_public=ev.is_public,
        prev_hash=ev.prev_hash,
        hash=ev.hash,
    )


def public_text(ev: CaseEvent) -> str:
    """What the resident reads for one event. Never names staff or other people."""
    unit = ev.data.get("unit_name") or ""
    match Action(ev.action):
        case Action.submit:
            return f"您的诉求已提交，由{unit}受理"
        case Action.import_:
            return "您的诉求已从原系统转入本平台，办理记录以原系统为准"
        case Action.accept:
            return f"{unit}已受理您的诉求"
        case Action.reject:
            return f"不予受理：{ev.note or ''}"
        case Action.assign:
            return f"已交由{unit}办理"
        case Action.start:
            return "承办单位已开始办理"
        case Action.resolve:
            return f"已办结。答复：{ev.data.get('reply', '')}"
        case Action.confirm:
            if ev.actor_kind == "resident":
                label = "满意" if ev.data.get("rating") == "satisfied" else "基本满意"
                return f"您评价为“{label}”，诉求已归档"
            return "诉求已归档"
        case Action.reopen:
            if ev.actor_kind == "resident":
                return "您评价为“不满意”，诉求已重新办理"
            return "诉求已重新办理"
        case Action.escalate:
            return f"已上报至{unit}"
        case Action.merge:
            return f"您反映的问题与诉求 {ev.data.get('into', '')} 为同一事项，已合并办理"
        case _:
            return ACTION_LABELS[Action(ev.action)]


def track_read(session: Session, case: Case, events: Sequence[CaseEvent]) -> TrackRead:
    category = session.get(Category, case.category_code) if case.category_code else None
    handling = _unit_ref(session, case.assigned_unit_id or case.owner_unit_id)
    assert case.number is not None and handling is not None
    return TrackRead(
        number=case.number,
        status=case.status,
        status_label=STATUS_LABELS[Status(case.status)],
        title=case.title,
        category_name=category.name if category else None,
        handling_unit=handling.name,
        created_at=case.created_at,
        reply=case.reply if case.status in (Status.resolved, Status.closed) else None,
        can_rate=case.status == Status.resolved,
        rating=case.rating,
        merged_into=next(
            (str(ev.data["into"]) for ev in events if ev.action == Action.merge), None
        ),
        timeline=[
            TimelineEntry(at=ev.at, action=ev.action, text=public_text(ev))
            for ev in events
            if ev.is_public
        ],
    )


def created(case: Case) -> CaseCreated:
    assert case.number is not None
    return CaseCreated(
        number=case.number,
        query_code=case.query_code,
        status=case.status,
        status_label=STATUS_LABELS[Status(case.status)],
    )


def case_detail(session: Session, actor: User, number: str) -> CaseRead:
    return case_view(session, actor, get_case_for(session, actor, number))


def case_view(session: Session, actor: User, case: Case, *, channel: str = "api") -> CaseRead:
    """A case the actor was already allowed to load (e.g. just acted on: a department that
    returned a case still gets the result of its action, though it no longer sees the case)."""
    parties = session.scalars(
        select(CaseParty).where(CaseParty.case_id == case.id).order_by(CaseParty.id)
    ).all()
    return case_read(session, case, actor, parties, channel=channel)


def case_events(session: Session, actor: User, number: str) -> list[EventRead]:
    case = get_case_for(session, actor, number)
    return [event_read(ev) for ev in repository.events_of(session, case.id)]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def case_page(
    session: Session,
    actor: User,
    *,
    statuses: str | None,
    region: str | None,
    category: str | None,
    unit: str | None,
    created_from: date | None,
    created_to: date | None,
    q: str | None,
    page: int,
    page_size: int,
    overdue: bool = False,
) -> CasePage:
    status_list = [s.strip() for s in statuses.split(",") if s.strip()] if statuses else []
    unknown = [s for s in status_list if s not in Status.__members__]
    if unknown:
        raise Invalid(f"未知的状态：{'、'.join(unknown)}", code="unknown_status", field="status")
    region_path = None
    if region:
        row = session.get(Region, region)
        if row is None:
            raise Invalid(f"行政区划代码 {region} 不存在", code="unknown_region", field="region")
        region_path = row.path
    unit_id = None
    if unit:
        unit_row = session.scalar(select(Unit).where(Unit.code == unit))
        if unit_row is None:
            raise Invalid(f"单位 {unit} 不存在", code="unknown_unit", field="unit")
        unit_id = unit_row.id
    flt = repository.CaseFilter(
        statuses=status_list,
        region_path=region_path,
        category_code=category,
        unit_id=unit_id,
        created_from=_local_midnight(created_from) if created_from else None,
        # created_to is inclusive: the whole of that local day.
        created_to=_local_midnight(created_to + timedelta(days=1)) if created_to else None,
        q=q.strip() if q and q.strip() else None,
        overdue_at=utcnow() if overdue else None,
    )
    total, rows = repository.list_cases(session, actor, flt, page=page, page_size=page_size)
    unit_ids = {c.owner_unit_id for c in rows} | {
        c.assigned_unit_id for c in rows if c.assigned_unit_id
    }
    codes: dict[int, str] = {}
    if unit_ids:
        rows_ = session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(unit_ids)))
        codes = {unit_id: code for unit_id, code in rows_}
    return CasePage(
        total=total, page=page, page_size=page_size, items=[list_item(c, codes) for c in rows]
    )


def track(session: Session, *, number: str, code: str) -> TrackRead:
    case = case_for_resident(session, number=number, code=code)
    return track_read(session, case, repository.events_of(session, case.id))


def _keyword_suggestion(
    case: Case, names: dict[str, str]
) -> tuple[str, str | None, list[str]] | None:
    match = best_match(f"{case.title} {case.description}")
    return (match.code, names.get(match.code), list(match.hits)) if match else None


def triage_page(session: Session, actor: User, *, page: int, page_size: int) -> TriagePage:
    """Open cases waiting for a person to confirm their category, oldest first."""
    stmt = scoped(
        select(Case).where(
            Case.needs_triage.is_(True),
            Case.status.in_([s.value for s in (*OPEN_STATUSES, Status.resolved)]),
        ),
        actor,
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Case.created_at, Case.id).limit(page_size).offset((page - 1) * page_size)
    ).all()
    names = _category_names(session)
    region_names = dict(
        session.execute(
            select(Region.code, Region.name).where(Region.code.in_({c.region_code for c in rows}))
        ).all()
    )
    return TriagePage(
        total=int(total),
        page=page,
        page_size=page_size,
        items=[
            TriageItem(
                number=c.number or "",
                status=c.status,
                title=c.title,
                description=c.description,
                region_code=c.region_code,
                region_name=region_names.get(c.region_code, ""),
                category_code=c.category_code,
                prediction=prediction_read(c, names),
                keyword_suggestion=_keyword_suggestion(c, names),
                risk_level=c.risk_level,
                created_at=c.created_at,
            )
            for c in rows
        ],
    )


def case_duplicates(session: Session, actor: User, number: str) -> list[DuplicateRead]:
    return duplicates_of(session, actor, get_case_for(session, actor, number))
