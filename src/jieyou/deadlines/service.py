"""Deadlines: which limits apply to a case, moving them (extension, pause, 督办), and what a
case's deadlines look like now.

Deadlines are set when the case is submitted and reset when its category is corrected or the
resident reopens it; every change goes through :func:`on_case_event`, which
:func:`jieyou.cases.events.record_event` calls after each event. The periodic worker
(:mod:`jieyou.deadlines.jobs`) acts on them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib.resources import files

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.states import OPEN_STATUSES, Action, Status
from jieyou.deadlines.models import DeadlineRule
from jieyou.deadlines.schemas import DeadlineRuleIn
from jieyou.errors import Invalid
from jieyou.routing.calendar import WorkCalendar
from jieyou.routing.models import Category
from jieyou.timefmt import local_zone

# Working-day deadlines end at the close of the day; reminders and callbacks go out at the
# start of office hours, not at midnight.
OFFICE_OPENS = time(9, 0)


@dataclass(frozen=True)
class Limits:
    accept_hours: float
    contact_hours: float
    resolve_working_days: int


# What applies when no rule sets a limit (12345 practice: contact within 24 hours, ordinary
# cases resolved within 7 working days). The shipped rules say the same; this is the floor.
FALLBACK = Limits(accept_hours=24, contact_hours=24, resolve_working_days=7)


def _specificity(rule: DeadlineRule, category_code: str | None) -> int:
    """Risk level outranks category, which outranks tier; an exact category outranks its
    first-level parent."""
    score = 0
    if rule.risk_level is not None:
        score += 8
    if rule.category_code is not None:
        score += 4 if rule.category_code == category_code else 2
    if rule.tier is not None:
        score += 1
    return score


def matching_rules(
    rules: list[DeadlineRule], *, category_code: str | None, tier: str, risk_level: str
) -> list[DeadlineRule]:
    parent = category_code[:2] if category_code else None
    found = [
        r
        for r in rules
        if (r.category_code is None or r.category_code in (category_code, parent))
        and (r.tier is None or r.tier == tier)
        and (r.risk_level is None or r.risk_level == risk_level)
    ]
    return sorted(found, key=lambda r: _specificity(r, category_code), reverse=True)


def limits_for(
    session: Session, *, category_code: str | None, tier: str, risk_level: str
) -> Limits:
    """Each limit from the most specific matching rule that sets it."""
    rules = list(session.scalars(select(DeadlineRule)))
    found = matching_rules(rules, category_code=category_code, tier=tier, risk_level=risk_level)

    def pick(field: str, default: float) -> float:
        for rule in found:
            value = getattr(rule, field)
            if value is not None:
                return float(value)
        return default

    return Limits(
        accept_hours=pick("accept_hours", FALLBACK.accept_hours),
        contact_hours=pick("contact_hours", FALLBACK.contact_hours),
        resolve_working_days=int(pick("resolve_working_days", FALLBACK.resolve_working_days)),
    )


def _set_resolve_by(case: Case, calendar: WorkCalendar, start: datetime, days: int) -> None:
    case.resolve_by = calendar.add_working_days(start, days)
    case.deadline_note = calendar.note_for(start, case.resolve_by)


def set_deadlines(session: Session, case: Case, *, start: datetime) -> None:
    """All three deadlines from the rules, counted from ``start``."""
    limits = limits_for(
        session, category_code=case.category_code, tier=case.tier, risk_level=case.risk_level
    )
    case.accept_by = start + timedelta(hours=limits.accept_hours)
    case.contact_by = start + timedelta(hours=limits.contact_hours)
    _set_resolve_by(case, WorkCalendar.load(session), start, limits.resolve_working_days)


def on_case_event(session: Session, case: Case, event: CaseEvent) -> None:
    """Keep deadlines and the worker's queue in step with every event."""
    action = Action(event.action)
    if action == Action.submit:
        set_deadlines(session, case, start=event.at)
    elif action == Action.categorize and case.supervision_level == 0 and not case.overdue_at:
        # A corrected category may carry another limit; counted from the start as before.
        limits = limits_for(
            session, category_code=case.category_code, tier=case.tier, risk_level=case.risk_level
        )
        _set_resolve_by(
            case, WorkCalendar.load(session), case.created_at, limits.resolve_working_days
        )
    elif action == Action.reopen and case.kind != "rectification":  # 驳回 keeps the list's date
        # The resident was not satisfied: a fresh period to handle it again.
        limits = limits_for(
            session, category_code=case.category_code, tier=case.tier, risk_level=case.risk_level
        )
        _set_resolve_by(case, WorkCalendar.load(session), event.at, limits.resolve_working_days)
        case.rating_invited_at = None
    elif action == Action.contact and case.contacted_at is None:
        case.contacted_at = event.at
    # Let the worker look at the case at its next run; it works out the precise next moment.
    status = Status(case.status)
    if status in OPEN_STATUSES or status == Status.resolved:
        if action not in WORKER_ACTIONS:
            case.next_check_at = event.at
    else:
        case.next_check_at = None


WORKER_ACTIONS = frozenset(
    {Action.warn, Action.overdue, Action.supervise, Action.invite_rating, Action.expire_rating}
)


# --- what the case shows -------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineState:
    accept_by: datetime | None
    contact_by: datetime | None
    resolve_by: datetime | None
    note: str | None
    # The deadline that matters now: accept_by before acceptance, resolve_by after.
    current: datetime | None
    is_overdue: bool
    is_paused: bool
    supervision_level: int


def current_deadline(case: Case) -> datetime | None:
    status = Status(case.status)
    if status == Status.submitted:
        return case.accept_by
    if status in OPEN_STATUSES:
        return case.resolve_by
    return None


def deadline_state(case: Case, now: datetime) -> DeadlineState:
    """A case is overdue while it is open and a deadline has passed (or passed earlier and
    the case is now under 督办); a paused case is not overdue while paused."""
    current = current_deadline(case)
    is_open = Status(case.status) in OPEN_STATUSES
    paused = case.paused_at is not None
    late = current is not None and now > current
    return DeadlineState(
        accept_by=case.accept_by,
        contact_by=case.contact_by,
        resolve_by=case.resolve_by,
        note=case.deadline_note,
        current=current,
        is_overdue=is_open and not paused and (late or case.overdue_at is not None),
        is_paused=paused,
        supervision_level=case.supervision_level,
    )


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """SQL for :func:`deadline_state`'s ``is_overdue``: open, not paused, and past its current
    deadline or overdue before (under 督办). Keep the two in step."""
    open_ = [s.value for s in OPEN_STATUSES]
    late = or_(
        and_(Case.status == Status.submitted.value, Case.accept_by < now),
        and_(Case.status != Status.submitted.value, Case.resolve_by < now),
    )
    return and_(
        Case.status.in_(open_),
        Case.paused_at.is_(None),
        or_(Case.overdue_at.is_not(None), late),
    )


# --- time arithmetic shared with the worker -------------------------------------------------


def office_hours_on(day: date) -> datetime:
    """09:00 local on ``day``, as an aware datetime."""
    return datetime.combine(day, OFFICE_OPENS, tzinfo=local_zone())


def local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def next_working_day(calendar: WorkCalendar, day: date) -> date:
    following = day + timedelta(days=1)
    while not calendar.is_workday(following):
        following += timedelta(days=1)
    return following


def working_day_before(calendar: WorkCalendar, day: date, count: int) -> date:
    """The working day ``count`` working days before ``day`` (``day`` itself for 0)."""
    current = day
    while count > 0:
        current -= timedelta(days=1)
        if calendar.is_workday(current):
            count -= 1
    return current


def category_name(session: Session, code: str | None) -> str | None:
    category = session.get(Category, code) if code else None
    return category.name if category else None


# --- rules as data ---------------------------------------------------------------------------

RULES_FILE = files("jieyou.data") / "deadline_rules.csv"


def _number(value: str) -> float | None:
    return float(value) if value.strip() else None


def load_rules(session: Session) -> int:
    """The shipped rules, when the table is empty (an admin's edits are never overwritten)."""
    if session.scalar(select(DeadlineRule.id).limit(1)) is not None:
        return 0
    with RULES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        days = _number(row["resolve_working_days"])
        session.add(
            DeadlineRule(
                category_code=row["category_code"] or None,
                tier=row["tier"] or None,
                risk_level=row["risk_level"] or None,
                accept_hours=_number(row["accept_hours"]),
                contact_hours=_number(row["contact_hours"]),
                resolve_working_days=int(days) if days is not None else None,
                note=row["note"] or None,
            )
        )
    session.flush()
    return len(rows)


def list_rules(session: Session) -> list[DeadlineRule]:
    return list(
        session.scalars(
            select(DeadlineRule).order_by(
                DeadlineRule.risk_level.is_not(None),
                DeadlineRule.category_code,
                DeadlineRule.tier,
                DeadlineRule.id,
            )
        )
    )


def replace_rules(session: Session, rules: list[DeadlineRuleIn]) -> list[DeadlineRule]:
    """Put ``rules`` in place of all rules, or refuse the whole set (nothing changes).

    There must be one catch-all rule (no category, tier or risk) setting all three limits, so
    that every case gets deadlines; no two rules may match the same thing; each rule must set a
    limit; categories must exist. New deadlines apply to cases submitted from now on."""
    seen: dict[tuple[str | None, str | None, str | None], int] = {}
    catch_all = None
    for index, rule in enumerate(rules):
        where = f"第{index + 1}条规则"
        key = (rule.category_code, rule.tier, rule.risk_level)
        if key in seen:
            raise Invalid(
                f"{where}与第{seen[key] + 1}条的适用范围相同", code="duplicate_rule", index=index
            )
        seen[key] = index
        limits = (rule.accept_hours, rule.contact_hours, rule.resolve_working_days)
        if all(v is None for v in limits):
            raise Invalid(f"{where}没有设置任何时限", code="empty_rule", index=index)
        if rule.category_code and session.get(Category, rule.category_code) is None:
            raise Invalid(
                f"{where}的类别 {rule.category_code} 不存在",
                code="unknown_category",
                field="category_code",
                index=index,
            )
        if key == (None, None, None):
            catch_all = rule
    if catch_all is None or any(v is None for v in _limits_of(catch_all)):
        raise Invalid(
            "须有一条不限类别、层级和风险的通用规则，并设置受理、联系、办结三项时限",
            code="catch_all_required",
        )
    session.execute(delete(DeadlineRule))
    stored = [
        DeadlineRule(
            category_code=r.category_code,
            tier=r.tier,
            risk_level=r.risk_level,
            accept_hours=r.accept_hours,
            contact_hours=r.contact_hours,
            resolve_working_days=r.resolve_working_days,
            note=r.note,
        )
        for r in rules
    ]
    session.add_all(stored)
    session.flush()
    return stored


def _limits_of(rule: DeadlineRuleIn) -> tuple[float | None, float | None, int | None]:
    return (rule.accept_hours, rule.contact_hours, rule.resolve_working_days)
