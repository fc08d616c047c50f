"""Staff actions on deadlines: first contact, extension (延期) and pausing the clock.

They are case actions like any other (``POST /api/v1/cases/{number}/actions/{action}``); the
permission table in :mod:`jieyou.cases.permissions` says who may take them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.events import record_event
from jieyou.cases.models import Case
from jieyou.cases.schemas import ActionIn
from jieyou.cases.states import Action
from jieyou.deadlines.models import CaseExtension, ExtensionStatus
from jieyou.deadlines.service import local_date
from jieyou.errors import IllegalTransition, Invalid
from jieyou.routing.calendar import WorkCalendar
from jieyou.timefmt import local_text


def _reason(body: ActionIn, what: str) -> str:
    text = body.reason or body.note
    if not text:
        raise Invalid(f"请填写{what}", code="missing_field", field="reason")
    return text


def pending_extension(session: Session, case: Case) -> CaseExtension | None:
    return session.scalar(
        select(CaseExtension).where(
            CaseExtension.case_id == case.id,
            CaseExtension.status == ExtensionStatus.pending.value,
        )
    )


def contact_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    record_event(
        session,
        case,
        Action.contact,
        actor=actor,
        now=now,
        note=body.note or "已与群众取得联系",
        is_public=True,
    )


def request_extension(
    session: Session, case: Case, actor: User, body: ActionIn, now: datetime
) -> None:
    reason = _reason(body, "延期理由")
    if body.days is None:
        raise Invalid("请填写延期的工作日数 (days)", code="missing_field", field="days")
    if case.paused_at is not None:
        raise IllegalTransition("计时已暂停，恢复计时后才能申请延期", allowed=["resume"])
    if pending_extension(session, case) is not None:
        raise IllegalTransition("已有待审批的延期申请", allowed=["grant_extend", "deny_extend"])
    extension = CaseExtension(
        case_id=case.id,
        days=body.days,
        reason=reason,
        requested_by_id=actor.id,
        requested_at=now,
        previous_deadline=case.resolve_by,
    )
    session.add(extension)
    session.flush()
    record_event(
        session,
        case,
        Action.request_extension,
        actor=actor,
        now=now,
        note=reason,
        data={"extension_id": extension.id, "days": body.days},
    )


def _decide(session: Session, case: Case) -> CaseExtension:
    extension = pending_extension(session, case)
    if extension is None:
        raise IllegalTransition("没有待审批的延期申请", allowed=[])
    return extension


def grant_extension(
    session: Session, case: Case, actor: User, body: ActionIn, now: datetime
) -> None:
    extension = _decide(session, case)
    assert case.resolve_by is not None
    calendar = WorkCalendar.load(session)
    previous = case.resolve_by
    case.resolve_by = calendar.add_working_days(previous, extension.days)
    case.deadline_note = calendar.note_for(previous, case.resolve_by)
    extension.status = ExtensionStatus.approved.value
    extension.decided_by_id = actor.id
    extension.decided_at = now
    extension.decision_note = body.note
    extension.previous_deadline = previous
    extension.new_deadline = case.resolve_by
    record_event(
        session,
        case,
        Action.approve_extension,
        actor=actor,
        now=now,
        note=f"同意延期{extension.days}个工作日，办理期限延至 {local_text(case.resolve_by)}",
        data={
            "extension_id": extension.id,
            "days": extension.days,
            "reason": extension.reason,
            "previous_deadline": previous.isoformat(),
            "deadline": case.resolve_by.isoformat(),
        },
        is_public=True,
    )


def deny_extension(
    session: Session, case: Case, actor: User, body: ActionIn, now: datetime
) -> None:
    extension = _decide(session, case)
    reason = _reason(body, "不批准的理由")
    extension.status = ExtensionStatus.denied.value
    extension.decided_by_id = actor.id
    extension.decided_at = now
    extension.decision_note = reason
    record_event(
        session,
        case,
        Action.deny_extension,
        actor=actor,
        now=now,
        note=reason,
        data={"extension_id": extension.id, "days": extension.days},
    )


def pause_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    reason = _reason(body, "暂停计时的理由（如等待开庭、鉴定）")
    if case.paused_at is not None:
        raise IllegalTransition("计时已暂停", allowed=["resume"])
    record_event(session, case, Action.pause, actor=actor, now=now, note=reason, is_public=True)
    case.paused_at = now
    case.pause_reason = reason[:200]


def resume_case(session: Session, case: Case, actor: User, body: ActionIn, now: datetime) -> None:
    """The working days the clock stood still are added to the resolve deadline."""
    if case.paused_at is None:
        raise IllegalTransition("计时未暂停", allowed=["pause"])
    calendar = WorkCalendar.load(session)
    stopped = calendar.working_days_between(local_date(case.paused_at), local_date(now))
    previous = case.resolve_by
    data: dict[str, object] = {"paused_working_days": stopped}
    if previous is not None and stopped > 0:
        case.resolve_by = calendar.add_working_days(previous, stopped)
        case.deadline_note = calendar.note_for(previous, case.resolve_by)
        data |= {"previous_deadline": previous.isoformat(), "deadline": case.resolve_by.isoformat()}
    case.paused_at = None
    case.pause_reason = None
    note = body.note or f"恢复计时，暂停{stopped}个工作日"
    record_event(
        session, case, Action.resume, actor=actor, now=now, note=note, data=data, is_public=True
    )
