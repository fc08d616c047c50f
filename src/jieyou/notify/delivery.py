"""Delivering the outbox after commit: claim, send, record.

:func:`deliver_due` works in three steps, none of which holds a transaction open across the
network:

1. **Claim** due rows in one short transaction — pending rows whose ``next_attempt_at`` has
   come, and ``sending`` rows whose lease (``claimed_until``) expired because the worker that
   claimed them died. Each becomes ``sending`` with a new lease, and its ``attempts`` goes up
   by one. PostgreSQL uses ``FOR UPDATE SKIP LOCKED`` so several workers share the queue;
   SQLite serialises writers anyway (a write unit of work begins IMMEDIATE).
2. **Send** each message with a short timeout. Only the network call is guarded: one bad
   endpoint fails its own message and the batch carries on.
3. **Record** each result in its own small transaction: ``sent``; or a failure, retried after
   ``backoff_seconds × 2^(attempts−1)`` (at most ``backoff_max_seconds``), and ``parked`` for
   a person after ``max_attempts`` (logged at warning).

A crash between the commit of a change and the delivery loses nothing: the row is there and
the next run sends it. A crash after sending but before recording sends that message once
more after the lease: delivery is at least once, with ``X-Jieyou-Delivery`` (the outbox id)
for receivers to deduplicate on (see :mod:`jieyou.notify.backends`).

A batch stops starting requests once half its lease is used and hands the rest back, so a
slow endpoint cannot keep messages claimed past their lease (which would send them twice).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Select, Update, and_, or_, select, update

from jieyou.config import NotifySettings, get_settings
from jieyou.db import Database, utcnow
from jieyou.notify.backends import DeliveryFailed, Outgoing, Undeliverable, send
from jieyou.notify.models import OutboxChannel, OutboxMessage, OutboxStatus
from jieyou.privacy import mask_phone

log = logging.getLogger("jieyou.notify")
ERROR_CHARS = 500


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    # Failed this time, to be tried again later.
    retrying: int = 0
    parked: int = 0
    # Claimed but handed back unsent (the batch ran out of lease).
    released: int = 0
    # "id: error" for each failure, for the operator's screen.
    errors: list[str] = field(default_factory=list)


def backoff(settings: NotifySettings, attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    seconds = settings.backoff_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.backoff_max_seconds))


def deliver_due(
    database: Database,
    *,
    now: datetime | None = None,
    limit: int = 100,
    settings: NotifySettings | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryReport:
    """Send up to ``limit`` due messages and record each result. ``now`` is the moment the
    run acts as of (default: the current time); ``clock`` measures the lease used."""
    settings = settings or get_settings().notify
    report = DeliveryReport()
    if not settings.enabled:
        return report
    started = clock()
    batch = claim_due(database, now=now or utcnow(), limit=limit, settings=settings, report=report)
    if not batch:
        return report
    timeout = httpx.Timeout(settings.timeout_seconds)
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for index, message in enumerate(batch):
            if clock() - started > settings.lease_seconds / 2:
                release(database, batch[index:])
                report.released += len(batch) - index
                break
            try:
                send(client, message, settings)
            except Undeliverable as exc:
                _record_failure(database, message, str(exc), now, settings, report, park=True)
            except (httpx.HTTPError, DeliveryFailed) as exc:
                error = str(exc) or type(exc).__name__
                if isinstance(exc, httpx.HTTPError):
                    error = f"{type(exc).__name__}: {error}"
                _record_failure(database, message, error, now, settings, report, park=False)
            else:
                _record_sent(database, message, now or utcnow())
                report.sent += 1
    return report


def claim_due(
    database: Database,
    *,
    now: datetime,
    limit: int,
    settings: NotifySettings,
    report: DeliveryReport | None = None,
) -> list[Outgoing]:
    """Step 1 on its own: mark due rows ``sending`` with a lease and return them. A worker
    that stops after this (a crash) leaves them to be claimed again once the lease expires."""
    report = report if report is not None else DeliveryReport()
    lease = now + timedelta(seconds=settings.lease_seconds)
    claimed: list[Outgoing] = []
    with database.unit_of_work() as session:
        rows = session.scalars(_locked(_due(now, limit), database.dialect)).all()
        for row in rows:
            if row.status == OutboxStatus.sending and row.attempts >= settings.max_attempts:
                # Its workers kept dying mid-send: stop feeding it to the next one.
                _park(row, "投递中断次数已达上限（worker 未能记录结果）")
                report.parked += 1
                continue
            row.status = OutboxStatus.sending.value
            row.attempts += 1
            row.claimed_until = lease
            claimed.append(
                Outgoing(
                    id=row.id,
                    channel=row.channel,
                    recipient=row.recipient,
                    audience=row.audience,
                    kind=row.kind,
                    subject=row.subject,
                    body=row.body,
                    payload=dict(row.payload),
                    created_at=row.created_at,
                    attempts=row.attempts,
                )
            )
    report.claimed += len(claimed)
    return claimed


def _due(now: datetime, limit: int) -> Select[OutboxMessage]:
    return (
        select(OutboxMessage)
        .where(
            or_(
                and_(
                    OutboxMessage.status == OutboxStatus.pending.value,
                    OutboxMessage.next_attempt_at <= now,
                ),
                and_(
                    OutboxMessage.status == OutboxStatus.sending.value,
                    OutboxMessage.claimed_until <= now,
                ),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )


def _locked(stmt: Select[OutboxMessage], dialect: str) -> Select[OutboxMessage]:
    """PostgreSQL: lock the claimed rows and skip those another worker is claiming. SQLite
    has one writer at a time, so the claim transaction itself is the lock."""
    if dialect == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt


def release(database: Database, messages: Sequence[Outgoing]) -> None:
    """Hand claimed, unsent messages back to the queue as they were before the claim."""
    with database.unit_of_work() as session:
        for message in messages:
            session.execute(
                _ours(message)
                .values(
                    status=OutboxStatus.pending.value,
                    attempts=message.attempts - 1,
                    claimed_until=None,
                )
                .execution_options(synchronize_session=False)
            )


def _ours(message: Outgoing) -> Update:
    """An UPDATE of ``message`` only while it is still this worker's claim (a lease lost to
    another worker bumped ``attempts``)."""
    return update(OutboxMessage).where(
        OutboxMessage.id == message.id,
        OutboxMessage.status == OutboxStatus.sending.value,
        OutboxMessage.attempts == message.attempts,
    )


def _record_sent(database: Database, message: Outgoing, at: datetime) -> None:
    # Delivered is delivered, even if the lease was lost meanwhile: no claim condition.
    with database.unit_of_work() as session:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.status != OutboxStatus.sent.value,
            )
            .values(status=OutboxStatus.sent.value, sent_at=at, claimed_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )


def _record_failure(
    database: Database,
    message: Outgoing,
    error: str,
    now: datetime | None,
    settings: NotifySettings,
    report: DeliveryReport,
    *,
    park: bool,
) -> None:
    at = now or utcnow()
    park = park or message.attempts >= settings.max_attempts
    status = OutboxStatus.parked if park else OutboxStatus.pending
    with database.unit_of_work() as session:
        applied = session.execute(
            _ours(message)
            .values(
                status=status.value,
                next_attempt_at=at + backoff(settings, message.attempts),
                claimed_until=None,
                last_error=error[:ERROR_CHARS],
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).first()
    report.errors.append(f"{message.id}: {error}")
    if applied is None:
        # The lease ran out and another worker has the message now; its result counts.
        log.info("outbox message %d: claim lost before recording a failure", message.id)
        report.retrying += 1
        return
    if park:
        report.parked += 1
        log.warning(
            "outbox message %d (%s to %s) parked after %d attempt(s): %s",
            message.id,
            message.channel,
            _shown(message.channel, message.recipient),
            message.attempts,
            error,
        )
    else:
        report.retrying += 1


def _park(row: OutboxMessage, error: str) -> None:
    row.status = OutboxStatus.parked.value
    row.claimed_until = None
    row.last_error = error
    log.warning(
        "outbox message %d (%s to %s) parked after %d attempt(s): %s",
        row.id,
        row.channel,
        _shown(row.channel, row.recipient),
        row.attempts,
        error,
    )


def _shown(channel: str, recipient: str) -> str:
    return mask_phone(recipient) if channel == OutboxChannel.sms else recipient
