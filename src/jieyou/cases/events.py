"""The one writer of case events.

:func:`record_event` checks the transition table, appends the hash-chained event and moves the
case head (status, event count, last hash) in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.analytics import aggregates
from jieyou.cases.chain import GENESIS, event_digest
from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.states import Action, Status, allowed_actions, next_status
from jieyou.db import utcnow
from jieyou.deadlines import service as deadlines
from jieyou.errors import IllegalTransition
from jieyou.notify import rules as notify_rules


def illegal(case: Case, action: Action) -> IllegalTransition:
    return IllegalTransition(
        f"诉求当前状态为“{case.status}”，不能执行“{action.value}”",
        allowed=[a.value for a in allowed_actions(case.status)],
    )


def record_event(
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
            raise illegal(case, action)
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
    # Same transaction as the change: the dashboard's figures and the outbox never disagree
    # with the events.
    deadlines.on_case_event(session, case, event)
    aggregates.on_case_event(session, case, event)
    notify_rules.on_case_event(session, case, event)
    return event
