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
    normal = "normal"
    elevated = "elevated"
    high = "high"
    critical = "critical"


class Rating(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


# Stored in Case.rating when the callback period ends without a rating: closed as 未评价,
# counted apart from 满意. Not a choice the resident can make, so not in Rating.
UNRATED = "unrated"


class PartyRole(StrEnum):
    applicant = "applicant"
    respondent = "respondent"
    third_party = "third_party"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_region_path_created_at", "region_path", "created_at"),
        Index("ix_cases_township_path_created_at", "township_path", "created_at"),
        Index("ix_cases_owner_unit_id_status", "owner_unit_id", "status"),
        Index("ix_cases_assigned_unit_id_status", "assigned_unit_id", "status"),
        # The worker's queue: cases whose deadlines or callback need a look at or before then.
        Index("ix_cases_next_check_at", "next_check_at"),
        Index("ix_cases_external_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public tracking number, e.g. JY20261127000123; set right after the insert from the id.
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    # The resident's secret (6 characters); compared in constant time.
    query_code: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(16), default="grievance")
    # The case's id in the system it was imported from (`jieyou import cases`): importing the
    # same file twice adds nothing.
    external_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(12))
    # No index on status or risk level alone: too few values to narrow anything, and without
    # statistics SQLite's planner would pick them over the region range and read half the table.
    status: Mapped[str] = mapped_column(String(12))

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString)
    # The township part of the path (the county's, for a county-level place): "recent cases of
    # this township" is then one index scan in date order (duplicates, early warning).
    township_path: Mapped[str] = mapped_column(PathString)
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    # True once a person chose the category (staff at intake or in triage): training data.
    category_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Waiting for a person to confirm the category (the classifier was not sure enough).
    needs_triage: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    predicted_category: Mapped[str | None] = mapped_column(String(8))
    prediction_confidence: Mapped[float | None] = mapped_column(Float)
    # [[category code, probability], ...] best first, at most 3.
    prediction_top: Mapped[list[Any] | None] = mapped_column(JSON)
    model_version: Mapped[str | None] = mapped_column(String(40))
    risk_level: Mapped[str] = mapped_column(String(10), default="normal")
    # Sentences a person can read: why the risk level is what it is.
    risk_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)

    submitter_name: Mapped[str | None] = mapped_column(String(40))
    submitter_phone: Mapped[str] = mapped_column(String(20), index=True)

    # Routing: the tier and unit that answer for the case, and who is handling it now.
    tier: Mapped[str] = mapped_column(String(10))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    assigned_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The category's department covering the place: what `assign` proposes by default.
    suggested_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
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

    # Deadlines (see jieyou.deadlines): set at intake from the rules, moved by extensions,
    # pauses and 督办. ``*_for`` remember which deadline a warning or overdue mark was about,
    # so the worker acts once per deadline however often it runs.
    accept_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the dates may be off, e.g. next year's holidays not entered yet (weekends only).
    deadline_note: Mapped[str | None] = mapped_column(String(200))
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # First time an acceptance or resolve deadline passed; never cleared (on-time rate).
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Waiting on a party (e.g. a court date): the clock stops.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    # 督办: how many tiers above the case's own supervise it now, and which centre.
    supervision_level: Mapped[int] = mapped_column(Integer, default=0)
    supervisor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    rating_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the worker must next look at this case; None when nothing is pending.
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by `jieyou privacy purge`: names, phones, ID numbers, addresses and photos removed.
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        # What a person did in a period (patrol figures: disputes handled, escalated).
        Index("ix_case_events_actor_id_at", "actor_id", "at"),
    )

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


class LinkStatus(StrEnum):
    suggested = "suggested"
    merged = "merged"
    dismissed = "dismissed"


class CaseLink(Base):
    """A likely duplicate (一事多诉): ``case_id`` is the newer case, ``other_id`` the older."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default=LinkStatus.suggested.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CaseAttachment(Base):
    """A photo (or other file) of a case. The bytes live in the upload store, outside the
    static root, under a random name; they are served only to staff in scope and to the
    resident holding the query code."""

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="photo")
    # Random, unguessable, and the name of the file in the store.
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
