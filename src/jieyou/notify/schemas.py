"""Shapes for the outbox API (administrators only)."""

from __future__ import annotations

from pydantic import BaseModel

from jieyou.timefmt import LocalDatetime


class OutboxRead(BaseModel):
    id: int
    kind: str
    audience: str
    channel: str
    # A phone number is shown masked (138****1234).
    recipient: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: LocalDatetime
    last_error: str | None
    created_at: LocalDatetime
    sent_at: LocalDatetime | None
    case_number: str | None
