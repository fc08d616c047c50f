"""Deadline rules (时限) and extension requests (延期申请).

A rule sets any of three limits for the cases it matches: accept within N hours, first contact
with the resident within N hours, resolve within N working days. Rules match on category,
tier and risk level; for each limit the most specific matching rule that sets it wins (see
``deadlines.service.limits_for``), so an emergency rule can shorten the acceptance limit
without touching the resolution limit of a complex category.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow


class DeadlineRule(Base):
    __tablename__ = "deadline_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None matches any value. A first-level category also matches its second-level children.
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    tier: Mapped[str | None] = mapped_column(String(10))
    risk_level: Mapped[str | None] = mapped_column(String(10))
    accept_hours: Mapped[float | None] = mapped_column(Float)
    contact_hours: Mapped[float | None] = mapped_column(Float)
    resolve_working_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExtensionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    denied = "denied"


class CaseExtension(Base):
    """A request to move a case's resolve deadline; decided one tier above the case."""

    __tablename__ = "case_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ExtensionStatus.pending.value)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    previous_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
