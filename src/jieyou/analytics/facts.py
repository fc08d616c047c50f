"""What each case counts for on the dashboard: the definitions, in one place.

:func:`facts_of` turns a case (or a row of its fields) into :class:`Facts`: the local day it
was received, accepted, answered, resolved and concluded, and how (on time, at the
grassroots, solved, rated, open, overdue). :func:`contributions` lists the counts those facts
add one to. Nothing here touches the database. The decision record, with every numerator and
denominator: docs/decisions/0007-dashboard-figures.md.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import NamedTuple

from jieyou.analytics.models import HANDLING_BOUNDS_HOURS, HANDLING_COLUMNS
from jieyou.cases.models import UNRATED, Case, Rating
from jieyou.cases.states import OPEN_STATUSES, Status
from jieyou.routing.models import TIER_ORDER, Tier
from jieyou.timefmt import local_zone

TIER_RANK = {tier.value: i for i, tier in enumerate(TIER_ORDER)}
TOWNSHIP_RANK = TIER_RANK[Tier.township]
SATISFIED = frozenset({Rating.satisfied.value, Rating.basically_satisfied.value})


class CaseValues(NamedTuple):
    """The fields of a case the facts are made of, read in bulk for a rebuild (a Row's
    attributes are several times slower)."""

    id: int
    status: str
    township_path: str
    category_code: str | None
    owner_unit_id: int
    risk_level: str
    tier: str
    supervision_level: int
    rating: str | None
    created_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    overdue_at: datetime | None
    accept_by: datetime | None
    resolve_by: datetime | None


CASE_COLUMNS = tuple(getattr(Case, name) for name in CaseValues._fields)


class Facts(NamedTuple):
    """What one case counts for. Mirrors a row of ``analytics_case_facts``."""

    township_path: str
    category: str
    owner_unit_id: int
    risk_level: str
    created_day: date
    accepted_day: date | None = None
    response_day: date | None = None
    response_on_time: bool = False
    resolved_day: date | None = None
    resolved_on_time: bool = False
    resolved_grassroots: bool = False
    handling_bucket: int | None = None
    outcome: str | None = None  # solved, unsolved, rejected, merged
    concluded_day: date | None = None
    rating_class: str | None = None  # satisfied, unsatisfied, unrated
    is_open: bool = False
    is_overdue: bool = False


FACT_FIELDS: tuple[str, ...] = Facts._fields


def handling_bucket(hours: float) -> int:
    """Index of the histogram bucket for a handling time in hours."""
    return bisect_right(HANDLING_BOUNDS_HOURS, hours) - 1 if hours >= 0 else 0


def facts_of(c: Case | CaseValues) -> Facts:
    """The definitions of every figure on the dashboard, for one case."""
    status = c.status  # compared with Status members (StrEnum): no lookups, this runs 10M times
    zone = local_zone()
    created_day = c.created_at.astimezone(zone).date()

    # 响应: accepted, or answered without acceptance (rejected with a reason, or closed into
    # another case as a duplicate). Counted once, on the day the answer was known to be on
    # time, or on the day the acceptance deadline was marked overdue (a late answer later does
    # not count again). A deadline moved by 督办 does not make a late answer punctual.
    answered_at = c.accepted_at or c.closed_at
    response_day: date | None = None
    response_on_time = False
    if c.accept_by is not None:
        marked_late = c.overdue_at is not None and (
            answered_at is None or c.overdue_at <= answered_at
        )
        if marked_late:
            assert c.overdue_at is not None
            response_day = c.overdue_at.astimezone(zone).date()
        elif answered_at is not None:
            response_day = answered_at.astimezone(zone).date()
            response_on_time = answered_at <= c.accept_by

    # 办结: the case is resolved (or closed after resolution); a reopened case has no
    # resolved_at until it is resolved again.
    resolved_day: date | None = None
    on_time = grassroots = False
    bucket: int | None = None
    if c.resolved_at is not None and (status == Status.resolved or status == Status.closed):
        resolved_day = c.resolved_at.astimezone(zone).date()
        late = (
            c.overdue_at is not None
            or (c.resolve_by is not None and c.resolved_at > c.resolve_by)
            or (
                c.accept_by is not None
                and c.accepted_at is not None
                and c.accepted_at > c.accept_by
            )
        )
        on_time = not late
        # 矛盾不上交: handled at village or township level, and not supervised from above
        # the township (a village case under the township's 督办 still counts).
        grassroots = TIER_RANK[c.tier] + (c.supervision_level or 0) <= TOWNSHIP_RANK
        bucket = handling_bucket((c.resolved_at - c.created_at).total_seconds() / 3600)

    # The final state: closed after resolution (solved unless the resident's last word was
    # 不满意), rejected (never solved), or merged into another case (counted apart).
    outcome: str | None = None
    concluded_day: date | None = None
    rating_class: str | None = None
    if status == Status.closed or status == Status.rejected:
        concluded_day = c.closed_at.astimezone(zone).date() if c.closed_at else created_day
        if status == Status.rejected:
            outcome = "rejected"
        elif c.resolved_at is None:
            outcome = "merged"
        else:
            unsatisfied = c.rating == Rating.unsatisfied
            outcome = "unsolved" if unsatisfied else "solved"
            if c.rating in SATISFIED:
                rating_class = "satisfied"
            elif unsatisfied:
                rating_class = "unsatisfied"
            else:  # UNRATED (the callback period ran out) or closed by staff without a rating
                rating_class = UNRATED

    is_open = status in OPEN_STATUSES
    return Facts(
        township_path=c.township_path,
        category=(c.category_code or "")[:2],
        owner_unit_id=c.owner_unit_id,
        risk_level=c.risk_level,
        created_day=created_day,
        accepted_day=c.accepted_at.astimezone(zone).date() if c.accepted_at else None,
        response_day=response_day,
        response_on_time=response_on_time,
        resolved_day=resolved_day,
        resolved_on_time=on_time,
        resolved_grassroots=grassroots,
        handling_bucket=bucket,
        outcome=outcome,
        concluded_day=concluded_day,
        rating_class=rating_class,
        is_open=is_open,
        is_overdue=is_open and c.overdue_at is not None,
    )


def contributions(f: Facts) -> Iterator[tuple[date, str]]:
    """(day, measure) for each count the case adds one to. :func:`_rebuild_counts` says the
    same in SQL; the oracle test holds them to each other."""
    yield f.created_day, "received"
    if f.accepted_day is not None:
        yield f.accepted_day, "accepted"
    if f.response_day is not None:
        yield f.response_day, "responded"
        if f.response_on_time:
            yield f.response_day, "responded_on_time"
    if f.resolved_day is not None:
        yield f.resolved_day, "resolved"
        if f.resolved_on_time:
            yield f.resolved_day, "resolved_on_time"
        if f.resolved_grassroots:
            yield f.resolved_day, "resolved_grassroots"
        if f.handling_bucket is not None:
            yield f.resolved_day, HANDLING_COLUMNS[f.handling_bucket]
    if f.concluded_day is not None and f.outcome is not None:
        day = f.concluded_day
        if f.outcome == "merged":
            yield day, "merged"
            return
        yield day, "concluded"
        if f.outcome == "rejected":
            yield day, "rejected"
        elif f.outcome == "solved":
            yield day, "solved"
        if f.rating_class in ("satisfied", "unsatisfied"):
            yield day, "rated"
            if f.rating_class == "satisfied":
                yield day, "satisfied"
        elif f.rating_class == UNRATED:
            yield day, "unrated"


def month_of(day: date) -> date:
    return day.replace(day=1)


def week_of(day: date) -> date:
    """The Monday of the week."""
    return day - timedelta(days=day.weekday())
