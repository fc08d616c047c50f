"""Queuing messages in the caller's transaction, and the operator's verbs on the outbox.

:func:`enqueue` only writes rows; nothing leaves the process until the transaction has
committed and :func:`jieyou.notify.delivery.deliver_due` picks the rows up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.orm import Session

from jieyou.cases.models import Case
from jieyou.config import NotifySettings, get_settings
from jieyou.db import utcnow
from jieyou.errors import IllegalTransition, Invalid, NotFound
from jieyou.notify.models import Audience, OutboxChannel, OutboxMessage, OutboxStatus
from jieyou.notify.templates import MessageKind

UNIQUE_KEY = ("dedupe_key", "channel", "recipient")


def targets(
    settings: NotifySettings, *, kind: str, phone: str | None
) -> list[tuple[OutboxChannel, str]]:
    """(channel, recipient) for each configured way ``kind`` goes out."""
    found: list[tuple[OutboxChannel, str]] = []
    if settings.log:
        found.append((OutboxChannel.log, "log"))
    if phone and settings.sms_url:
        found.append((OutboxChannel.sms, phone))
    for hook in settings.webhooks:
        if not hook.kinds or kind in hook.kinds:
            found.append((OutboxChannel.webhook, hook.name))
    return found


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    kind: MessageKind | str,
    audience: Audience | str,
    subject: str,
    body: str,
    payload: dict[str, Any],
    case_id: int | None,
    phone: str | None = None,
    now: datetime | None = None,
    settings: NotifySettings | None = None,
) -> int:
    """Queue one message on every configured channel, in the caller's transaction: the log
    (when on), SMS (when ``phone`` is given and a gateway is set), and each webhook whose
    kinds include ``kind``. A row that exists already (same key, channel and recipient) is
    left alone, so calling this twice for one event is a no-op.

    ``payload`` goes to webhooks as is: never put a name or a full phone number in it.
    Returns how many rows were new.
    """
    settings = settings or get_settings().notify
    if not settings.enabled:
        return 0
    now = now or utcnow()
    rows = [
        {
            "dedupe_key": dedupe_key,
            "channel": channel.value,
            "recipient": recipient,
            "audience": str(audience),
            "kind": str(kind),
            "subject": subject[:200],
            "body": body,
            "payload": payload,
            "status": OutboxStatus.pending.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "case_id": case_id,
        }
        for channel, recipient in targets(settings, kind=str(kind), phone=phone)
    ]
    if not rows:
        return 0
    return _insert_ignoring_duplicates(session, rows)


def _insert_ignoring_duplicates(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT (dedupe_key, channel, recipient) DO NOTHING. Both engines spell
    it the same way, but each needs its own dialect's ``insert``."""
    insert: Any
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # RETURNING names only the rows inserted (the driver's rowcount is -1 on psycopg).
    stmt: Insert = (
        insert(OutboxMessage.__table__)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=list(UNIQUE_KEY))
        .returning(OutboxMessage.__table__.c.id)
    )
    return len(session.execute(stmt).all())


def is_queued(session: Session, dedupe_key: str) -> bool:
    """Whether anything was queued under ``dedupe_key`` (on any channel)."""
    stmt = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key).limit(1)
    return session.scalar(stmt) is not None


# --- the operator's verbs (API and CLI) -------------------------------------------------


def list_messages(
    session: Session,
    *,
    status: str | None = None,
    message_id: int | None = None,
    limit: int = 100,
) -> list[tuple[OutboxMessage, str | None]]:
    """Messages newest first (all, one status, or one message), each with its case number."""
    stmt = (
        select(OutboxMessage, Case.number)
        .outerjoin(Case, Case.id == OutboxMessage.case_id)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    if status is not None:
        try:
            OutboxStatus(status)
        except ValueError:
            known = "、".join(OutboxStatus)
            raise Invalid(f"状态应为 {known} 之一", field="status") from None
        stmt = stmt.where(OutboxMessage.status == status)
    if message_id is not None:
        stmt = stmt.where(OutboxMessage.id == message_id)
    return [(message, number) for message, number in session.execute(stmt)]


def retry_message(
    session: Session, *, message_id: int, now: datetime | None = None
) -> OutboxMessage:
    """Send a parked (or waiting) message again on the next run, with a fresh set of
    attempts."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"消息 {message_id} 不存在", code="message_not_found")
    if message.status not in (OutboxStatus.parked, OutboxStatus.pending):
        label = {"sent": "已发送", "sending": "正在发送"}.get(message.status, message.status)
        raise IllegalTransition(f"消息{label}，不能重发", allowed=[])
    message.status = OutboxStatus.pending.value
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
    message.claimed_until = None
    session.flush()
    return message
