"""人民调解: the roster of mediators and the mediation of a case.

A mediation belongs to exactly one case and is seen through the case's scope. A case may be
mediated again once every earlier mediation of it failed or was withdrawn (see
:func:`jieyou.mediation.service.start_mediation`), so ``case_id`` is indexed, not unique; the
case's *latest* mediation (highest id) is the one the case's routes act on. it keeps its own
parties (the 协议书 needs 性别、民族、出生日期 that a case has no column for), its sessions, its
outcome with the agreement's content, and the follow-ups on whether the agreement was honoured
(履行回访). Its ``status`` moves only through :mod:`jieyou.mediation.states`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import PathString


class Mediator(Base):
    """One 人民调解员 on the roster of a 人民调解委员会."""

    __tablename__ = "mediators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(20))
    # e.g. 华塘镇人民调解委员会, 吴山村人民调解委员会, 北湖区交通事故人民调解委员会
    organisation: Mapped[str] = mapped_column(String(80))
    # 专职 / 兼职 / 调委会主任 …
    title: Mapped[str | None] = mapped_column(String(40))
    # Where the committee sits: who may keep this entry of the roster.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(PathString, index=True)
    # The staff account, when the mediator signs in (Role.mediator).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MediatorSpeciality(Base):
    __tablename__ = "mediator_specialities"
    __table_args__ = (UniqueConstraint("mediator_id", "speciality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediators.id"), index=True)
    speciality: Mapped[str] = mapped_column(String(20), index=True)


class MediatorRegion(Base):
    """A region the mediator serves; a case anywhere under it is theirs to take."""

    __tablename__ = "mediator_regions"
    __table_args__ = (UniqueConstraint("mediator_id", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediators.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    # Suggestions look up the served paths that are prefixes of a case's path.
    region_path: Mapped[str] = mapped_column(PathString, index=True)


class Mediation(Base):
    __tablename__ = "mediations"
    __table_args__ = (
        # 调解成功率 for a region and period: one range scan on the path, then the date.
        Index("ix_mediations_region_path_concluded_at", "region_path", "concluded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. TJ2026000012; set right after the insert from the id.
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    # Not unique: a failed or withdrawn mediation may be followed by another (重新调解).
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    # The case's region, copied so lists and figures need no join to cases.
    region_path: Mapped[str] = mapped_column(PathString)
    # The committee that mediates and seals the agreement.
    committee: Mapped[str] = mapped_column(String(80))
    # 纠纷主要事实及争议事项
    facts: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The agreement (agreed): 协议内容, 履行方式, 履行期限, 协议份数.
    terms: Mapped[str | None] = mapped_column(Text)
    performance: Mapped[str | None] = mapped_column(Text)
    performance_due: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    copies: Mapped[int | None] = mapped_column(Integer)
    # No agreement (failed): why, and where the parties were pointed (Guidance).
    failure_reason: Mapped[str | None] = mapped_column(Text)
    guidance: Mapped[str | None] = mapped_column(String(20))
    guidance_note: Mapped[str | None] = mapped_column(Text)
    # Withdrawn by the parties (撤回调解申请).
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    # 履行回访: when it is due, and the latest finding (Honoured) once visited.
    follow_up_due: Mapped[date | None] = mapped_column(Date, index=True)
    honoured: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MediationMediator(Base):
    __tablename__ = "mediation_mediators"
    __table_args__ = (UniqueConstraint("mediation_id", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediators.id"), index=True)
    # 主持调解 (the first named) or 参与调解.
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)


class MediationParty(Base):
    """A party as the agreement names them. Personal data: masked unless the reader handles
    the case (see :mod:`jieyou.mediation.permissions`)."""

    __tablename__ = "mediation_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id"), index=True)
    side: Mapped[str] = mapped_column(String(12))  # applicant / respondent
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[str | None] = mapped_column(String(8))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    # 委托代理人 / 法定代表人, if any.
    representative: Mapped[str | None] = mapped_column(String(60))


class MediationSession(Base):
    """One sitting (调解记录): when, where, who, what happened and what was agreed."""

    __tablename__ = "mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(120))
    participants: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text)
    agreed: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MediationFollowUp(Base):
    """履行回访: whether the agreement was honoured, found on a visit or a call."""

    __tablename__ = "mediation_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(12))  # visit / phone
    result: Mapped[str] = mapped_column(String(10))  # Honoured
    note: Mapped[str | None] = mapped_column(Text)
    # Not honoured in full: the next visit (None once the matter is settled).
    next_due: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
