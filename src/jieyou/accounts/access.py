"""The access log: who saw which case's personal data in full, when and through what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import AccessLog, User
from jieyou.cases.models import Case
from jieyou.db import record_later, utcnow

FULL_FIELDS = "name,phone,id_number,address"


def log_full_view(
    session: Session,
    actor: User,
    case: Case,
    *,
    channel: str,
    fields: str = FULL_FIELDS,
    ip: str | None = None,
    now: datetime | None = None,
) -> None:
    record_later(
        session,
        AccessLog(
            user_id=actor.id,
            username=actor.username,
            case_id=case.id,
            channel=channel[:20],
            fields=fields[:120],
            ip=ip,
            at=now or utcnow(),
        ),
    )


def access_log(
    session: Session, *, case_id: int | None = None, username: str | None = None, limit: int = 200
) -> list[AccessLog]:
    stmt = select(AccessLog).order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit)
    if case_id is not None:
        stmt = stmt.where(AccessLog.case_id == case_id)
    if username:
        stmt = stmt.where(AccessLog.username == username)
    return list(session.scalars(stmt))
