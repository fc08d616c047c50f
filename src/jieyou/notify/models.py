"""The outbox: messages written in the same transaction as the change that causes them and
delivered after commit by :mod:`jieyou.notify.delivery`.

One row is one message to one recipient on one channel. ``(dedupe_key, channel, recipient)``
is unique, so queuing the same message twice is a no-op: exactly one row per recipient and
event, however often the rule runs.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow


class OutboxChannel(StrEnum):
    log = "log"  # the "jieyou.notify" log; recipient is "log"
    sms = "sms"  # the SMS gateway; recipient is the phone number
    webhook = "webhook"  # recipient is the webhook's name in settings


class Audience(StrEnum):
    resident = "resident"
    staff = "staff"


class OutboxStatus(StrEnum):
    pending = "pending"  # waiting for next_attempt_at
    sending = "sending"  # claimed by a worker until claimed_until (a lease)
    sent = "sent"
    parked = "parked"  # gave up after max_attempts, or undeliverable; a person decides


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("dedupe_key", "channel", "recipient"),
        # The delivery query: due pending rows, and sending rows whose lease expired.
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is about, e.g. "case:12:event:3:accepted".
    dedupe_key: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(60))
    audience: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Facts for machines (case number, event, region, deadline …). Never a resident's name or
    # full phone number: this is what webhooks receive.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.pending.value)
    # Delivery attempts started (a claim counts one).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
