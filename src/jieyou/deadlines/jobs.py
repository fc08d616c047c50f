"""The worker's deadline job: warnings, overdue marks, 督办 escalation and the callback.

Each case carries ``next_check_at``, the moment something may next be due on it. A run takes
the cases whose moment has come, in batches, each batch in its own transaction; on PostgreSQL
the rows are claimed with ``FOR UPDATE SKIP LOCKED`` so that several workers never act on the
same case. Reviewing a case acts at most once per deadline (``warned_for``, ``overdue_for``,
``rating_invited_at`` remember what was done) and moves ``next_check_at`` past ``now``: running
again at the same moment finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.cases.events import record_event
from jieyou.cases.models import UNRATED, Case
from jieyou.cases.states import OPEN_STATUSES, Action, Status
from jieyou.config import get_settings
from jieyou.db import Database
from jieyou.deadlines.service import (
    current_deadline,
    limits_for,
    local_date,
    next_working_day,
    office_hours_on,
    working_day_before,
)
from jieyou.routing.calendar import WorkCalendar
from jieyou.routing.models import TIER_LABELS, TIER_ORDER, Tier
from jieyou.routing.service import centre_at
from jieyou.timefmt import local_text

# A deadline is met up to and including its moment; the case is looked at again just after.
JUST_AFTER = timedelta(seconds=1)


@dataclass
class DeadlineReport:
    reviewed: int = 0
    warned: int = 0
    overdue: int = 0
    supervised: int = 0
    invited: int = 0
    closed_unrated: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _claim(session: Session, now: datetime, limit: int) -> list[Case]:
    stmt = (
        select(Case)
        .where(Case.next_check_at <= now)
        .order_by(Case.next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))


def run_deadlines(
    database: Database, *, now: datetime, batch_size: int | None = None
) -> DeadlineReport:
    """Review every case whose moment has come, one batch per transaction."""
    batch_size = batch_size or get_settings().worker.batch_size
    report = DeadlineReport()
    while True:
        with database.unit_of_work() as session:
            cases = _claim(session, now, batch_size)
            if not cases:
                break
            calendar = WorkCalendar.load(session)
            for case in cases:
                review_case(session, case, now=now, calendar=calendar, report=report)
        if len(cases) < batch_size:
            break
    return report


def review_case(
    session: Session,
    case: Case,
    *,
    now: datetime,
    calendar: WorkCalendar,
    report: DeadlineReport,
) -> None:
    """Do what is due on ``case`` at ``now`` and schedule its next look."""
    report.reviewed += 1
    status = Status(case.status)
    if status == Status.resolved:
        case.next_check_at = _review_callback(session, case, now, calendar, report)
    elif status in OPEN_STATUSES and case.paused_at is None:
        case.next_check_at = _review_open(session, case, now, calendar, report)
    else:
        case.next_check_at = None
    assert case.next_check_at is None or case.next_check_at > now


def _system(session: Session, case: Case, action: Action, now: datetime, **kw: object) -> None:
    record_event(session, case, action, actor=None, actor_kind="system", now=now, **kw)  # type: ignore[arg-type]


def _review_open(
    session: Session, case: Case, now: datetime, calendar: WorkCalendar, report: DeadlineReport
) -> datetime | None:
    moments: list[datetime] = []
    # First contact with the resident: marked once, never escalated on its own.
    if (
        case.contacted_at is None
        and case.contact_by is not None
        and case.contact_overdue_at is None
    ):
        if now > case.contact_by:
            _system(
                session,
                case,
                Action.overdue,
                now,
                note=f"未在规定时限（{local_text(case.contact_by)}）内联系群众",
                data={"deadline": "contact", "due": case.contact_by.isoformat()},
            )
            case.contact_overdue_at = now
            report.overdue += 1
        else:
            moments.append(case.contact_by + JUST_AFTER)

    due = current_deadline(case)
    if due is None:
        return min(moments, default=None)
    kind = "accept" if case.status == Status.submitted else "resolve"

    if kind == "resolve" and case.warned_for != due and now <= due:
        warn_days = get_settings().deadlines.warn_working_days
        warn_at = office_hours_on(working_day_before(calendar, local_date(due), warn_days))
        if now >= warn_at:
            _system(
                session,
                case,
                Action.warn,
                now,
                note=f"办理期限 {local_text(due)} 将至",
                data={"deadline": kind, "due": due.isoformat()},
            )
            case.warned_for = due
            report.warned += 1
        else:
            moments.append(warn_at)

    if case.overdue_for != due:
        if now > due:
            what = "受理" if kind == "accept" else "办理"
            _system(
                session,
                case,
                Action.overdue,
                now,
                note=f"超过{what}期限 {local_text(due)}",
                data={"deadline": kind, "due": due.isoformat()},
            )
            case.overdue_for = due
            case.overdue_at = case.overdue_at or now
            report.overdue += 1
            if _supervise(session, case, kind, due, now, calendar):
                report.supervised += 1
                new_due = current_deadline(case)
                assert new_due is not None and new_due > now
                moments.append(new_due)
        else:
            moments.append(due + JUST_AFTER)
    return min(moments, default=None)


def _supervise(
    session: Session, case: Case, kind: str, due: datetime, now: datetime, calendar: WorkCalendar
) -> bool:
    """督办: the centre one tier above whoever answers for the case now supervises it, with a
    new deadline. At the top (the city) there is nobody above: the overdue mark stands."""
    index = TIER_ORDER.index(Tier(case.tier)) + case.supervision_level + 1
    supervisor = None
    while index < len(TIER_ORDER) and supervisor is None:
        supervisor = centre_at(session, case.region_path, TIER_ORDER[index])
        index += 1
    if supervisor is None:
        return False
    tier = TIER_ORDER[index - 1]
    if kind == "accept":
        limits = limits_for(
            session, category_code=case.category_code, tier=case.tier, risk_level=case.risk_level
        )
        case.accept_by = now + timedelta(hours=limits.accept_hours)
        new_due = case.accept_by
    else:
        days = get_settings().deadlines.supervision_working_days
        case.resolve_by = calendar.add_working_days(now, days)
        case.deadline_note = calendar.note_for(now, case.resolve_by)
        new_due = case.resolve_by
    what = "受理" if kind == "accept" else "办结"
    reason = f"超过{what}期限 {local_text(due)} 仍未{what}"
    _system(
        session,
        case,
        Action.supervise,
        now,
        note=f"{supervisor.name}督办：{reason}，须于 {local_text(new_due)} 前{what}",
        data={
            "supervisor_unit_id": supervisor.id,
            "supervisor_unit": supervisor.code,
            "supervisor_name": supervisor.name,
            "tier": tier.value,
            "tier_label": TIER_LABELS[tier],
            "reason": reason,
            "previous_deadline": due.isoformat(),
            "deadline": new_due.isoformat(),
        },
    )
    case.supervision_level = TIER_ORDER.index(tier) - TIER_ORDER.index(Tier(case.tier))
    case.supervisor_unit_id = supervisor.id
    return True


def _review_callback(
    session: Session, case: Case, now: datetime, calendar: WorkCalendar, report: DeadlineReport
) -> datetime | None:
    """回访: the working day after resolution the resident is asked to rate; no rating within
    the period closes the case as 未评价."""
    # 回访 asks the resident; a rectification item waits for the issuing tier's 销号 instead.
    if case.resolved_at is None or case.kind == "rectification":
        return None
    if case.rating_invited_at is None:
        invite_at = office_hours_on(next_working_day(calendar, local_date(case.resolved_at)))
        if now < invite_at:
            return invite_at
        _system(
            session,
            case,
            Action.invite_rating,
            now,
            note="请对办理结果进行评价",
            is_public=True,
        )
        case.rating_invited_at = now
        report.invited += 1
    expires_at = case.rating_invited_at + timedelta(days=get_settings().deadlines.rating_days)
    if now < expires_at:
        return expires_at
    _system(
        session,
        case,
        Action.expire_rating,
        now,
        note="回访期内群众未评价，按未评价归档",
        data={"rating": UNRATED},
        is_public=True,
    )
    case.rating = UNRATED
    case.closed_at = now
    report.closed_unrated += 1
    return None


# What a tick runs besides deadlines: (name, job) pairs registered by other packages.
Job = Callable[[Database, datetime], dict[str, int]]
