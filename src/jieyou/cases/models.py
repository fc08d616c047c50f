"""Cases, their parties and their append-only, hash-chained events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import PathString


class Channel(StrEnum):
    web = "web"
    phone = "phone"
    walk_in = "walk_in"
    patrol = "patrol"
    api = "api"
    open311 = "open311"
    import_ = "import"


class RiskLevel(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    critical = "critical"


class Rating(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


class PartyRole(StrEnum):
    applicant = "applicant"
    respondent = "respondent"
    third_party = "third_party"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_region_path_created_at", "region_path", "created_at"),
        Index("ix_cases_owner_unit_id_status", "owner_unit_id", "status"),
        Index("ix_cases_assigned_unit_id_status", "assigned_unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public tracking number, e.g. JY20261127000123; set right after the insert from the id.
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    # The resident's secret (6 characters); compared in constant time.
    query_code: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(16), default="grievance")
    channel: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), index=True)

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString)
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    risk_level: Mapped[str] = mapped_column(String(10), default="normal")

    submitter_name: Mapped[str | None] = mapped_column(String(40))
    submitter_phone: Mapped[str] = mapped_column(String(20), index=True)

    # Routing: the tier and unit that answer for the case, and who is handling it now.
    tier: Mapped[str] = mapped_column(String(10))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    assigned_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    outcome: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(20))
    rating_comment: Mapped[str | None] = mapped_column(String(1000))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Head of the event chain: lets `audit verify` notice a deleted last event.
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str] = mapped_column(String(64), default="")

    parties: Mapped[list[CaseParty]] = relationship(
        lazy="raise", order_by="CaseParty.id", cascade="all, delete-orphan"
    )


class CaseParty(Base):
    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str | None] = mapped_column(String(200))


class CaseEvent(Base):
    """One change to a case. Rows are never updated or deleted (a trigger refuses both)."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(12))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_kind: Mapped[str] = mapped_column(String(10))  # staff, resident, system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
