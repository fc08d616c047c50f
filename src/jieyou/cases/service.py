"""Case rules: intake, the actions of the state machine, the resident's rating.

Every change goes through :func:`_record`, which checks the transition table, appends the
hash-chained event and moves the case head — all in the caller's transaction. Services flush;
the boundary commits.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ROLE_LABELS, Role, User
from jieyou.cases import repository
from jieyou.cases.chain import GENESIS, ChainBreak, event_digest, verify_case
from jieyou.cases.models import Case, CaseEvent, CaseParty, Channel, Rating
from jieyou.cases.permissions import check_action, get_case_for
from jieyou.cases.schemas import ActionIn, CaseCreate
from jieyou.cases.states import Action, Status, allowed_actions, next_status
from jieyou.db import utcnow
from jieyou.errors import IllegalTransition, Invalid, NotFound, NotPermitted
from jieyou.regions.service import require_region
from jieyou.routing.models import Tier, Unit, UnitKind
from jieyou.routing.service import (
    centre_for,
    higher_tier,
    owner_for,
    require_category,
    require_unit,
)
from jieyou.timefmt import to_local

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
STAFF_CHANNELS = frozenset(Channel) - {Channel.web}


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))


def format_number(case_id: int, created_at: datetime) -> str:
    return f"JY{to_local(created_at):%Y%m%d}{case_id:06d}"


# --- the event writer ---------------------------------------------------------------------


def _record(
    session: Session,
    case: Case,
    action: Action,
    *,
    actor: User | None,
    actor_kind: str = "staff",
    note: str | None = None,
    data: dict[str, Any] | None = None,
    is_public: bool = False,
    now: datetime | None = None,
) -> CaseEvent:
    """Apply ``action`` to ``case`` and append its event. The only writer of case_events."""
    from_status: str | None
    if action == Action.submit:
        from_status, to_status = None, Status.submitted
    else:
        from_status = case.status
        target = next_status(case.status, action)
        if target is None:
            raise IllegalTransition(
                f"诉求当前状态为“{case.status}”，不能执行“{action.value}”",
                allowed=[a.value for a in allowed_actions(case.status)],
            )
        to_status = target
    now = now or utcnow()
    seq = case.event_count + 1
    prev_hash = case.last_event_hash or GENESIS
    actor_name = actor.username if actor else ("resident" if actor_kind == "resident" else "system")
    data = data or {}
    assert case.number is not None
    digest = event_digest(
        case_number=case.number,
        seq=seq,
        action=action.value,
        from_status=from_status,
        to_status=to_status.value,
        actor_kind=actor_kind,
        actor_name=actor_name,
        at=now,
        note=note,
        data=data,
        is_public=is_public,
        prev_hash=prev_hash,
    )
    event = CaseEvent(
        case_id=case.id,
        seq=seq,
        action=action.value,
        from_status=from_status,
        to_status=to_status.value,
        actor_kind=actor_kind,
        actor_id=actor.id if actor else None,
        actor_name=actor_name,
        at=now,
        note=note,
        data=data,
        is_public=is_public,
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(event)
    case.status = to_status.value
    case.event_count = seq
    case.last_event_hash = digest
    case.updated_at = now
    session.flush()
    return event


# --- intake -------------------------------------------------------------------------------


def submit_case(
    session: Session, *, data: CaseCreate, actor: User | None, now: datetime | None = None
) -> Case:
    """Validate, route to the lowest competent tier, store, and write the first event."""
    now = now or utcnow()
    if data.channel is not None and actor is None and data.channel != Channel.web:
        raise NotPermitted("只有工作人员可以指定受理渠道", code="channel_needs_staff")
    channel = data.channel or (Channel.api if actor else Channel.web)
    region = require_region(session, data.region_code)
    category = require_category(session, data.category_code) if data.category_code else None
    tier, owner = owner_for(session, region, category)
    title = data.title or _title_from(data.description)
    # The id is taken up front so the number is known at insert time: case, parties and the
    # first event then go to the database in one flush.
    case_id = repository.next_case_id(session)
    case = Case(
        id=case_id,
        number=format_number(case_id, now),
        query_code=new_query_code(),
        kind="grievance",
        channel=channel.value,
        status=Status.submitted.value,
        title=title,
        description=data.description,
        region_code=region.code,
        region_path=region.path,
        address=data.address,
        lat=data.lat,
        lng=data.lng,
        category_code=category.code if category else None,
        risk_level="normal",
        submitter_name=data.submitter.name,
        submitter_phone=data.submitter.phone,
        tier=tier.value,
        owner_unit_id=owner.id,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
        event_count=0,
        last_event_hash="",
        parties=[
            CaseParty(
                role=p.role.value,
                name=p.name,
                phone=p.phone,
                id_number=p.id_number,
                address=p.address,
            )
            for p in data.parties
        ],
    )
    session.add(case)
    _record(
        session,
        case,
        Action.submit,
        actor=actor,
        actor_kind="staff" if actor else "resident",
        data={"channel": channel.value, "unit": owner.code, "unit_name": owner.name},
        is_public=True,
        now=now,
    )
    return case


def _title_from(description: str) -> str:
    first = description.strip().splitlines()[0]
    return first[:30] + ("…" if len(first) > 30 else "")


# --- staff actions ------------------------------------------------------------------------


def _require(value: str | None, what: str, field: str) -> str:
    if not value:
        raise Invalid(f"请填写{what}", code="missing_field", field=field)
    return value


def accept_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    owner = session.get(Unit, case.owner_unit_id)
    assert owner is not None
    _record(
        session,
        case,
        Action.accept,
        actor=actor,
        now=now,
        note=body.note,
        data={"unit": owner.code, "unit_name": owner.name},
        is_public=True,
    )
    case.accepted_at = case.updated_at


def reject_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    reason = _require(body.reason or body.note, "不予受理的理由", "reason")
    _record(session, case, Action.reject, actor=actor, now=now, note=reason, is_public=True)
    case.closed_at = case.updated_at


def assign_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    if bool(body.unit_code) == bool(body.user):
        raise Invalid("请指定承办单位 unit_code 或承办人 user（二选一）", code="assignee_required")
    owner = session.get(Unit, case.owner_unit_id)
    assert owner is not None
    user: User | None = None
    if body.user:
        user = session.scalar(select(User).where(User.username == body.user))
        if user is None or not user.is_active:
            raise Invalid(f"承办人 {body.user} 不存在或已停用", code="unknown_user", field="user")
        if not user.region_path.startswith(owner.region_path):
            raise Invalid(f"承办人 {body.user} 不在本单位辖区内", code="assignee_out_of_scope")
        unit = session.get(Unit, user.unit_id) if user.unit_id else None
    else:
        unit = require_unit(session, body.unit_code or "")
        within_owner = unit.region_path.startswith(owner.region_path)
        covering_department = unit.kind == UnitKind.department and case.region_path.startswith(
            unit.region_path
        )
        if not (within_owner or covering_department):
            raise Invalid(
                f"单位 {unit.name} 不能承办本辖区以外的诉求", code="assignee_out_of_scope"
            )
    if user is not None:
        label = unit.name if unit else ROLE_LABELS[Role(user.role)]
    else:
        assert unit is not None
        label = unit.name
    data = {"unit": unit.code if unit else None, "unit_name": label}
    if user is not None:
        data["user"] = user.username
    _record(
        session,
        case,
        Action.assign,
        actor=actor,
        now=now,
        note=body.note,
        data=data,
        is_public=True,
    )
    case.assigned_unit_id = unit.id if unit else None
    case.assigned_user_id = user.id if user else None


def start_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    _record(session, case, Action.start, actor=actor, now=now, note=body.note, is_public=True)


def resolve_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    outcome = _require(body.outcome, "办理结果 (outcome)", "outcome")
    reply = body.reply or outcome
    _record(
        session,
        case,
        Action.resolve,
        actor=actor,
        now=now,
        note=body.note,
        data={"outcome": outcome, "reply": reply},
        is_public=True,
    )
    case.outcome = outcome
    case.reply = reply
    case.resolved_at = case.updated_at


def confirm_case(
    session: Session, case: Case, actor: User | None, body: ActionIn, now: datetime
) -> None:
    _record(session, case, Action.confirm, actor=actor, now=now, note=body.note, is_public=True)
    case.closed_at = case.updated_at


def reopen_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    reason = _require(body.reason or body.note, "重新办理的理由", "reason")
    _record(session, case, Action.reopen, actor=actor, now=now, note=reason, is_public=True)
    case.resolved_at = None


def escalate_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    reason = _require(body.reason or body.note, "上报的理由", "reason")
    up = higher_tier(Tier(case.tier))
    if up is None:
        raise IllegalTransition(
            "已在市级处理，无法再上报",
            allowed=[a.value for a in allowed_actions(case.status) if a != Action.escalate],
        )
    region = require_region(session, case.region_code)
    new_owner = centre_for(session, region, up)
    _record(
        session,
        case,
        Action.escalate,
        actor=actor,
        now=now,
        note=reason,
        is_public=True,
        data={
            "from_tier": case.tier,
            "tier": up.value,
            "unit": new_owner.code,
            "unit_name": new_owner.name,
        },
    )
    case.tier = up.value
    case.owner_unit_id = new_owner.id
    case.assigned_unit_id = None
    case.assigned_user_id = None


def return_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    reason = _require(body.reason or body.note, "退回的理由", "reason")
    _record(session, case, Action.return_, actor=actor, now=now, note=reason)
    case.assigned_unit_id = None
    case.assigned_user_id = None


def comment_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    _require(body.note, "备注内容 (note)", "note")
    _record(session, case, Action.comment, actor=actor, now=now, note=body.note)


ACTION_HANDLERS: dict[Action, Callable[[Session, Case, User, ActionIn, datetime], None]] = {
    Action.accept: accept_case,
    Action.reject: reject_case,
    Action.assign: assign_case,
    Action.start: start_case,
    Action.resolve: resolve_case,
    Action.confirm: confirm_case,
    Action.reopen: reopen_case,
    Action.escalate: escalate_case,
    Action.return_: return_case,
    Action.comment: comment_case,
}


def parse_action(name: str) -> Action:
    try:
        action = Action(name)
    except ValueError:
        action = None
    if action is None or action not in ACTION_HANDLERS:
        raise NotFound(
            f"没有名为“{name}”的操作",
            code="unknown_action",
            actions=[a.value for a in ACTION_HANDLERS],
        )
    return action


def act_on_case(
    session: Session,
    *,
    actor: User,
    number: str,
    action: Action,
    body: ActionIn,
    now: datetime | None = None,
) -> Case:
    """Load in scope (404), check the state table (409), then the permission table (403)."""
    case = get_case_for(session, actor, number, for_update=True)
    if next_status(case.status, action) is None:
        raise IllegalTransition(
            f"诉求当前状态为“{case.status}”，不能执行“{action.value}”",
            allowed=[a.value for a in allowed_actions(case.status)],
        )
    check_action(session, actor, case, action)
    ACTION_HANDLERS[action](session, case, actor, body, now or utcnow())
    return case


# --- the resident -------------------------------------------------------------------------


def case_for_resident(session: Session, *, number: str, code: str) -> Case:
    """The case if ``code`` is its query code; otherwise the same 404 as a missing case."""
    case = repository.get_by_number(session, number)
    expected = case.query_code if case else "XXXXXX"
    matches = hmac.compare_digest(expected.encode(), code.strip().upper().encode())
    if case is None or not matches:
        raise NotFound("未找到该诉求，请核对编号和查询码", code="case_not_found")
    return case


def rate_case(
    session: Session,
    *,
    number: str,
    code: str,
    rating: Rating,
    comment: str | None,
    now: datetime | None = None,
) -> Case:
    case = case_for_resident(session, number=number, code=code)
    now = now or utcnow()
    if case.status != Status.resolved:
        raise IllegalTransition("诉求办结后才能评价", allowed=[])
    body = ActionIn(note=comment)
    if rating == Rating.unsatisfied:
        _record(
            session,
            case,
            Action.reopen,
            actor=None,
            actor_kind="resident",
            note=comment or "群众对办理结果不满意",
            data={"rating": rating.value},
            is_public=True,
            now=now,
        )
        case.resolved_at = None
    else:
        _record(
            session,
            case,
            Action.confirm,
            actor=None,
            actor_kind="resident",
            note=body.note,
            data={"rating": rating.value},
            is_public=True,
            now=now,
        )
        case.closed_at = case.updated_at
    case.rating = rating.value
    case.rating_comment = comment
    return case


# --- audit --------------------------------------------------------------------------------


def verify_all_chains(session: Session) -> tuple[int, list[ChainBreak]]:
    """Recompute every case's chain; returns (cases checked, breaks found)."""
    checked = 0
    breaks: list[ChainBreak] = []
    for case, events in repository.iter_cases_with_events(session):
        checked += 1
        breaks.extend(
            verify_case(
                case_number=case.number or f"#{case.id}",
                status=case.status,
                event_count=case.event_count,
                last_event_hash=case.last_event_hash,
                events=events,
            )
        )
    for ev in repository.orphan_events(session):
        breaks.append(ChainBreak(f"#{ev.case_id}", ev.id, ev.seq, "event of a deleted case"))
    return checked, breaks
