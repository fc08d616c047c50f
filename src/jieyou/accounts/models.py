"""Staff users and their API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import PathString
from jieyou.routing.models import Unit


class Role(StrEnum):
    admin = "admin"
    city = "city"
    county = "county"
    township = "township"
    village = "village"
    lane_chief = "lane_chief"
    grid_worker = "grid_worker"
    department = "department"
    mediator = "mediator"


ROLE_LABELS: dict[Role, str] = {
    Role.admin: "系统管理员",
    Role.city: "市矛调中心",
    Role.county: "县级矛调中心",
    Role.township: "乡镇综治中心",
    Role.village: "村社区",
    Role.lane_chief: "巷长",
    Role.grid_worker: "网格员",
    Role.department: "职能部门",
    Role.mediator: "人民调解员",
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(12))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    # Denormalised from the region so scope checks need no join.
    region_path: Mapped[str] = mapped_column(PathString)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="raise")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the token may do (TokenScope): act as its user, only read, or only submit cases.
    scope: Mapped[str] = mapped_column(String(10), default="full", server_default="full")


class TokenScope(StrEnum):
    full = "full"  # everything its user may do
    read = "read"  # GET only: dashboards, reporting tools
    submit = "submit"  # only submitting cases: a partner app or hotline (Open311 api_key)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a
    session can be listed, expired and revoked on the server."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class Hit(Base):
    """One counted request for throttling, shared by every app process through the database:
    a failed sign-in (per account and per address), a wrong query code, a submission. Rows
    older than the longest window are swept by the worker."""

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_bucket_key_at", "bucket", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(20))
    # An account name, an address, a phone number's digest, a case number …
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AccessLog(Base):
    """Every time someone sees a case's personal data in full: who, when, which case, how."""

    __tablename__ = "access_logs"
    __table_args__ = (Index("ix_access_logs_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # e.g. "api.case", "page.case", "export", "photo"
    channel: Mapped[str] = mapped_column(String(20))
    fields: Mapped[str] = mapped_column(String(120), default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
