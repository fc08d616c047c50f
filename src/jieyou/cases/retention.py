"""Retention: removing residents' personal data from cases closed long enough ago.

What goes: the submitter's name, phone and address; the parties' names, phones, ID numbers
and addresses; phone and ID numbers typed into the title and description; the photos; the
outbox messages about the case (they hold phone numbers). What stays: the case itself (region,
category, dates, status, outcome, rating), so every statistic is unchanged, and the event
chain, which holds no personal fields (events are append-only and never edited, so `jieyou
audit verify` still passes).

The files of the photos are deleted by the caller *after* the commit (side effects follow
the transaction): :func:`purge_personal_data` returns their storage keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseAttachment, CaseParty
from jieyou.cases.states import Status
from jieyou.db import utcnow
from jieyou.errors import Invalid
from jieyou.notify.models import OutboxMessage
from jieyou.privacy import mask_text

PURGED = "已清除"
# Below this many days a closed case may still be reopened, appealed or audited.
MIN_RETENTION_DAYS = 180
FINAL_STATUSES = (Status.closed.value, Status.rejected.value)


@dataclass
class PurgeReport:
    cases: int = 0
    parties: int = 0
    photos: int = 0
    messages: int = 0
    storage_keys: list[str] = field(default_factory=list)


def purge_personal_data(
    session: Session, *, older_than_days: int, now: datetime | None = None, batch: int = 1000
) -> PurgeReport:
    """Remove the personal data of cases closed (or refused) more than ``older_than_days``
    days ago and not purged yet."""
    if older_than_days < MIN_RETENTION_DAYS:
        raise Invalid(
            f"保留期不能少于 {MIN_RETENTION_DAYS} 天（已办结诉求仍可能复查、申诉）",
            code="retention_too_short",
            field="older_than_days",
        )
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    report = PurgeReport()
    while True:
        cases = list(
            session.scalars(
                select(Case)
                .where(
                    Case.status.in_(FINAL_STATUSES),
                    Case.closed_at < cutoff,
                    Case.personal_data_purged_at.is_(None),
                )
                .order_by(Case.id)
                .limit(batch)
            )
        )
        if not cases:
            return report
        ids = [c.id for c in cases]
        for case in cases:
            case.submitter_name = None
            case.submitter_phone = PURGED
            case.address = None
            case.lat = case.lng = None
            case.title = mask_text(case.title)
            case.description = mask_text(case.description)
            case.rating_comment = mask_text(case.rating_comment) or None
            case.personal_data_purged_at = now
        result = session.execute(
            update(CaseParty)
            .where(CaseParty.case_id.in_(ids))
            .values(name=PURGED, phone=None, id_number=None, address=None)
        )
        report.parties += int(getattr(result, "rowcount", 0) or 0)
        keys = list(
            session.scalars(
                select(CaseAttachment.storage_key).where(CaseAttachment.case_id.in_(ids))
            )
        )
        session.execute(delete(CaseAttachment).where(CaseAttachment.case_id.in_(ids)))
        result = session.execute(delete(OutboxMessage).where(OutboxMessage.case_id.in_(ids)))
        report.messages += int(getattr(result, "rowcount", 0) or 0)
        report.storage_keys.extend(keys)
        report.photos += len(keys)
        report.cases += len(cases)
        session.flush()
