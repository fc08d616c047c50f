"""Early-warning alerts (预警) and the notifications they send.

An alert names its rule, its region and its cases, and carries reasons a person can read.
Notifications are written in the same transaction as what caused them (an inbox that is never
lost); delivery by other channels happens after commit.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import PathString


class AlertRule(StrEnum):
    risk = "risk"  # high-risk language in one case
    repeat = "repeat"  # the same phone, party or address again and again
    cluster = "cluster"  # several similar cases in one village
    spike = "spike"  # a region × category count far above its baseline


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    closed = "closed"


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_status_region_path", "status", "region_path"),
        # The early-warning scan looks up the live alert of a rule and key every minute.
        Index("ix_alerts_rule_key", "rule", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(10))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString)
    title: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Rule-specific facts (the phone pattern, the category, the baseline …) for deduplication.
    key: Mapped[str] = mapped_column(String(120), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(14), default=AlertStatus.open.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class AlertCase(Base):
    __tablename__ = "alert_cases"
    __table_args__ = (UniqueConstraint("alert_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)


class Notification(Base):
    """One message to a unit's inbox (and, later, to SMS or other channels)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unit_id_read_at", "unit_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
