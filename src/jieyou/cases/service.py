"""Case rules: the actions of the state machine and the resident's rating.

Every change goes through :func:`jieyou.cases.events.record_event` in the caller's transaction.
Services flush; the boundary commits. Intake lives in :mod:`jieyou.cases.intake`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ROLE_LABELS, Role, User
from jieyou.cases import repository
from jieyou.cases.chain import ChainBreak, verify_case
from jieyou.cases.events import illegal, record_event
from jieyou.cases.models import Case, CaseLink, LinkStatus, Rating
from jieyou.cases.permissions import can_act, check_action, get_case_for
from jieyou.cases.schemas import ActionIn
from jieyou.cases.states import OPEN_STATUSES, Action, Status, allowed_actions, next_status
from jieyou.db import utcnow
from jieyou.deadlines import actions as deadline_actions
from jieyou.errors import IllegalTransition, Invalid, NotFound, NotPermitted
from jieyou.regions.service import require_region
from jieyou.routing.models import Tier, Unit, UnitKind
from jieyou.routing.service import (
    centre_for,
    department_for,
    higher_tier,
    owner_for,
    require_category,
    require_unit,
)

# --- staff actions ------------------------------------------------------------------------


def _require(value: str | None, what: str, field: str) -> str:
    if not value:
        raise Invalid(f"请填写{what}", code="missing_field", field=field)
    return value


def accept_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    owner = session.get(Unit, case.owner_unit_id)
    assert owner is not None
    record_event(
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
    record_event(session, case, Action.reject, actor=actor, now=now, note=reason, is_public=True)
    case.closed_at = case.updated_at


def assign_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    if body.unit_code and body.user:
        raise Invalid("请指定承办单位 unit_code 或承办人 user（二选一）", code="assignee_required")
    if not body.unit_code and not body.user:
        # Nothing chosen: the category's department, if the case has one.
        suggested = session.get(Unit, case.suggested_unit_id) if case.suggested_unit_id else None
        if suggested is None:
            raise Invalid("请指定承办单位 unit_code 或承办人 user", code="assignee_required")
        body = body.model_copy(update={"unit_code": suggested.code})
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
    record_event(
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
    record_event(session, case, Action.start, actor=actor, now=now, note=body.note, is_public=True)


def resolve_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    outcome = _require(body.outcome, "办理结果 (outcome)", "outcome")
    reply = body.reply or outcome
    record_event(
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
    record_event(
        session, case, Action.confirm, actor=actor, now=now, note=body.note, is_public=True
    )
    case.closed_at = case.updated_at


def reopen_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    reason = _require(body.reason or body.note, "重新办理的理由", "reason")
    record_event(session, case, Action.reopen, actor=actor, now=now, note=reason, is_public=True)
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
    record_event(
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
    record_event(session, case, Action.return_, actor=actor, now=now, note=reason)
    case.assigned_unit_id = None
    case.assigned_user_id = None


def comment_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    _require(body.note, "备注内容 (note)", "note")
    record_event(session, case, Action.comment, actor=actor, now=now, note=body.note)


def categorize_case(
    session: Session, case: Case, actor: User, body: ActionIn, now: datetime
) -> None:
    """Confirm or correct the category (triage). A case nobody has accepted yet is re-routed
    to the tier its category calls for. The choice becomes training data."""
    code = _require(body.category_code, "诉求类别 (category_code)", "category_code")
    category = require_category(session, code)
    data: dict[str, object] = {
        "from": case.category_code,
        "to": category.code,
        "category_name": category.name,
        "predicted": case.predicted_category,
        "confidence": case.prediction_confidence,
    }
    owner: Unit | None = None
    tier = Tier(case.tier)
    if case.status == Status.submitted:
        region = require_region(session, case.region_code)
        tier, owner = owner_for(session, region, category)
        if owner.id != case.owner_unit_id:
            data.update(unit=owner.code, unit_name=owner.name, tier=tier.value)
        else:
            owner = None
    record_event(session, case, Action.categorize, actor=actor, now=now, note=body.note, data=data)
    case.category_code = category.code
    case.category_confirmed = True
    case.needs_triage = False
    department = department_for(session, case.region_path, category)
    case.suggested_unit_id = department.id if department else None
    if owner is not None:
        case.owner_unit_id = owner.id
        case.tier = tier.value


def merge_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    """Close ``case`` into the case that carries on (an event on both)."""
    into = _require(body.into, "保留办理的诉求编号 (into)", "into")
    if into == case.number:
        raise Invalid("不能与自身合并", code="merge_into_self", field="into")
    primary = get_case_for(session, actor, into, for_update=True)
    if primary.status not in OPEN_STATUSES and primary.status != Status.resolved:
        raise Invalid(f"诉求 {into} 已结束，不能合并到它", code="merge_target_closed", field="into")
    assert case.number is not None and primary.number is not None
    record_event(
        session,
        case,
        Action.merge,
        actor=actor,
        now=now,
        note=body.note,
        data={"into": primary.number},
        is_public=True,
    )
    case.closed_at = now
    record_event(
        session,
        primary,
        Action.link,
        actor=actor,
        now=now,
        note=body.note,
        data={"merged": case.number},
    )
    link = session.scalar(
        select(CaseLink).where(
            or_(
                and_(CaseLink.case_id == case.id, CaseLink.other_id == primary.id),
                and_(CaseLink.case_id == primary.id, CaseLink.other_id == case.id),
            )
        )
    )
    if link is None:
        link = CaseLink(case_id=case.id, other_id=primary.id, score=1.0, created_at=now)
        session.add(link)
    link.status = LinkStatus.merged.value
    link.decided_at = now
    link.decided_by_id = actor.id


def dismiss_duplicate(session: Session, *, actor: User, number: str, other: str) -> CaseLink:
    """Staff judge a suggested pair not to be the same matter."""
    case = get_case_for(session, actor, number)
    other_case = get_case_for(session, actor, other)
    if not can_act(session, actor, case, Action.merge):
        raise NotPermitted("您无权处理该重复件", code="action_not_permitted")
    link = session.scalar(
        select(CaseLink).where(
            or_(
                and_(CaseLink.case_id == case.id, CaseLink.other_id == other_case.id),
                and_(CaseLink.case_id == other_case.id, CaseLink.other_id == case.id),
            ),
            CaseLink.status == LinkStatus.suggested.value,
        )
    )
    if link is None:
        raise NotFound(f"{number} 与 {other} 之间没有待处理的重复提示", code="link_not_found")
    link.status = LinkStatus.dismissed.value
    link.decided_at = utcnow()
    link.decided_by_id = actor.id
    session.flush()
    return link


ACTION_HANDLERS: dict[Action, Callable[[Session, Case, User, ActionIn, datetime], None]] = {
    Action.contact: deadline_actions.contact_case,
    Action.request_extension: deadline_actions.request_extension,
    Action.approve_extension: deadline_actions.grant_extension,
    Action.deny_extension: deadline_actions.deny_extension,
    Action.pause: deadline_actions.pause_case,
    Action.resume: deadline_actions.resume_case,
    Action.categorize: categorize_case,
    Action.merge: merge_case,
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
    kind: str = "grievance",
) -> Case:
    """Load in scope (404), check the state table (409), then the permission table (403).

    ``kind`` is the kind of case the caller handles: other kinds (a rectification item) have
    their own rules around the same actions (evidence before 销号, the list's deadline), so
    only their own module may move them; here they take comments alone."""
    case = get_case_for(session, actor, number, for_update=True)
    if case.kind != kind and action != Action.comment:
        raise IllegalTransition(
            f"{case.number} 是整改台账中的问题，请在整改台账中办理",
            code="handled_elsewhere",
            allowed=[Action.comment.value],
        )
    if next_status(case.status, action) is None:
        raise illegal(case, action)
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
        record_event(
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
        record_event(
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
