"""Which case events send which messages to whom.

:func:`on_case_event` runs inside :func:`jieyou.cases.events.record_event`, in the caller's
transaction, after every event. Residents hear at acceptance, assignment, resolution and the
callback invitation (only when the case has a phone number); the responsible unit hears at
assignment, a deadline warning, overdue and 督办, in its in-app inbox and on the outbox's
channels. One message per event and kind, however often this runs (see ``dedupe_key``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.alerts.models import Notification
from jieyou.alerts.service import notify_unit
from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.states import Action
from jieyou.config import NotifySettings, get_settings
from jieyou.notify import service
from jieyou.notify.models import Audience
from jieyou.notify.templates import (
    NO_DEADLINE,
    REPLY_CHARS,
    TITLE_CHARS,
    MessageKind,
    render,
    shorten,
)
from jieyou.privacy import mask_phone
from jieyou.routing.models import Unit
from jieyou.timefmt import local_text

RESIDENT_MESSAGES: dict[str, MessageKind] = {
    Action.accept: MessageKind.accepted,
    Action.assign: MessageKind.assigned,
    Action.resolve: MessageKind.resolved,
    Action.invite_rating: MessageKind.rating_invited,
}
STAFF_MESSAGES: dict[str, MessageKind] = {
    Action.assign: MessageKind.task_assigned,
    Action.warn: MessageKind.deadline_warning,
    Action.overdue: MessageKind.overdue,
    Action.supervise: MessageKind.supervised,
}


def dedupe_key(case: Case, event: CaseEvent, kind: MessageKind) -> str:
    return f"case:{case.id}:event:{event.seq}:{kind.value}"


def on_case_event(session: Session, case: Case, event: CaseEvent) -> None:
    """Queue the messages ``event`` calls for, in the caller's transaction."""
    resident_kind = RESIDENT_MESSAGES.get(event.action)
    staff_kind = STAFF_MESSAGES.get(event.action)
    if resident_kind is None and staff_kind is None:
        return
    settings = get_settings().notify
    if resident_kind is not None and case.submitter_phone:
        _to_resident(session, case, event, resident_kind, settings)
    if staff_kind is not None:
        _to_staff(session, case, event, staff_kind, settings)


def _to_resident(
    session: Session,
    case: Case,
    event: CaseEvent,
    kind: MessageKind,
    settings: NotifySettings,
) -> None:
    assert case.number is not None
    unit = event.data.get("unit_name") or ""
    values = _values(case, event, settings, unit=str(unit))
    subject, body = render(kind, values, settings.templates)
    payload = _payload(case, event, unit=str(unit)) | {"phone": mask_phone(case.submitter_phone)}
    service.enqueue(
        session,
        dedupe_key=dedupe_key(case, event, kind),
        kind=kind,
        audience=Audience.resident,
        subject=subject,
        body=body,
        payload=payload,
        case_id=case.id,
        phone=case.submitter_phone,
        now=event.at,
        settings=settings,
    )


def _to_staff(
    session: Session,
    case: Case,
    event: CaseEvent,
    kind: MessageKind,
    settings: NotifySettings,
) -> None:
    unit, user = _responsible(session, case, event)
    if unit is None and user is None:
        return
    if kind == MessageKind.supervised:
        named = str(event.data.get("supervisor_name") or "上级")
    else:
        named = unit.name if unit is not None else (user.display_name if user else "")
    values = _values(case, event, settings, unit=named)
    subject, body = render(kind, values, settings.templates)
    key = dedupe_key(case, event, kind)
    first_time = not service.is_queued(session, key)
    service.enqueue(
        session,
        dedupe_key=key,
        kind=kind,
        audience=Audience.staff,
        subject=subject,
        body=body,
        payload=_payload(case, event, unit=named),
        case_id=case.id,
        now=event.at,
        settings=settings,
    )
    # The inbox has no unique key of its own: the outbox row says whether this event was
    # handled before. (With every outbox channel switched off, a re-run writes it again.)
    if not first_time:
        return
    if unit is not None:
        notify_unit(
            session,
            unit_id=unit.id,
            kind=kind.value,
            subject=subject,
            body=body,
            case_id=case.id,
            now=event.at,
        )
    elif user is not None:
        session.add(
            Notification(
                user_id=user.id,
                kind=kind.value,
                subject=subject[:200],
                body=body,
                case_id=case.id,
                created_at=event.at,
            )
        )


def _responsible(session: Session, case: Case, event: CaseEvent) -> tuple[Unit | None, User | None]:
    """Who answers for the case after ``event``: the event's own ``unit_id``; for an
    assignment, the assignee it names (the case's columns move only after the event);
    otherwise the assigned unit, else the owner."""
    data = event.data
    if data.get("unit_id"):
        return session.get(Unit, int(data["unit_id"])), None
    if event.action == Action.assign:
        if data.get("unit"):
            return session.scalar(select(Unit).where(Unit.code == data["unit"])), None
        if data.get("user"):
            return None, session.scalar(select(User).where(User.username == data["user"]))
    return session.get(Unit, case.assigned_unit_id or case.owner_unit_id), None


def _deadline(case: Case, event: CaseEvent) -> datetime | None:
    """The deadline the event is about: its ``due`` or ``deadline`` (ISO; ``deadline`` may
    also name which deadline, e.g. "resolve"), else the case's resolve deadline."""
    for name in ("due", "deadline"):
        value = event.data.get(name)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is not None:
                return moment
    return case.resolve_by


def _values(case: Case, event: CaseEvent, settings: NotifySettings, *, unit: str) -> dict[str, str]:
    assert case.number is not None
    deadline = _deadline(case, event)
    reply = event.data.get("reply") or case.reply or "详见查询页面"
    query = urlencode({"number": case.number})
    return {
        "number": case.number,
        "title": shorten(case.title, TITLE_CHARS),
        "deadline": local_text(deadline) if deadline else NO_DEADLINE,
        "unit": unit,
        "url": f"{settings.public_base_url.rstrip('/')}/track?{query}",
        "reply": shorten(str(reply), REPLY_CHARS),
    }


def _payload(case: Case, event: CaseEvent, *, unit: str) -> dict[str, Any]:
    """Facts for machines. No names and no full phone numbers: webhooks receive this."""
    deadline = _deadline(case, event)
    return {
        "case_number": case.number,
        "event": event.action,
        "event_seq": event.seq,
        "status": event.to_status,
        "region_code": case.region_code,
        "tier": case.tier,
        "unit": unit or None,
        "deadline": deadline.isoformat() if deadline else None,
        "at": event.at.isoformat(),
    }
