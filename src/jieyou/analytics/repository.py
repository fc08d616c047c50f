"""Queries over the aggregates. A period is read as whole months from the monthly rows and
the days on either side from the daily rows, so a year costs about as much as a month."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, Table, func, select, union_all
from sqlalchemy.orm import Session

from jieyou.alerts.models import Alert, AlertStatus
from jieyou.analytics.aggregates import CATEGORY, OPEN, REGION, UNIT
from jieyou.analytics.models import CATEGORY_MEASURES, MEASURES, REGION_MEASURES, Grain
from jieyou.cases.models import Case
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.routing.models import Category, Unit
from jieyou.timefmt import local_zone

Counts = dict[str, int]
HIGH_RISK = ("high", "critical")


@dataclass(frozen=True)
class Period:
    """Local dates, both ends included."""

    start: date
    end: date


def window(period: Period) -> tuple[datetime, datetime]:
    """The period as ``[since, until)`` instants: local midnights, both ends."""
    zone = local_zone()
    since = datetime.combine(period.start, time.min, tzinfo=zone)
    return since, datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)


@dataclass(frozen=True)
class Parts:
    """A period as rows to read: day ranges, whole weeks (Mondays, both ends included) and
    whole months (``[first, after)``)."""

    days: list[tuple[date, date]]
    weeks: list[tuple[date, date]]
    months: tuple[date, date] | None


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _weeks_inside(a: date, b: date) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """Day ranges and the Mondays of the whole weeks inside ``[a, b]``."""
    first = a + timedelta(days=(7 - a.weekday()) % 7)
    last = b - timedelta(days=(b.weekday() + 1) % 7 + 6)  # Monday of the last whole week
    if first > last:
        return [(a, b)], None
    days = []
    if a < first:
        days.append((a, first - timedelta(days=1)))
    if last + timedelta(days=6) < b:
        days.append((last + timedelta(days=7), b))
    return days, (first, last)


def split_period(period: Period, *, weeks: bool = False) -> Parts:
    """Whole months from the monthly rows; at either end, whole weeks from the weekly rows
    (with ``weeks``) and the days left over from the daily rows."""
    start, end = period.start, period.end
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end)
    last = after if after - timedelta(days=1) == end else end.replace(day=1)
    edges: list[tuple[date, date]]
    months: tuple[date, date] | None
    if first >= last:
        edges, months = [(start, end)], None
    else:
        edges, months = [], (first, last)
        if start < first:
            edges.append((start, first - timedelta(days=1)))
        if last <= end:
            edges.append((last, end))
    if not weeks:
        return Parts(edges, [], months)
    days: list[tuple[date, date]] = []
    whole_weeks: list[tuple[date, date]] = []
    for a, b in edges:
        left, found = _weeks_inside(a, b)
        days += left
        if found is not None:
            whole_weeks.append(found)
    return Parts(days, whole_weeks, months)


def _in_region(column: Any, path: str) -> list[ColumnElement[bool]]:
    if len(path) <= PATH_LENGTH[Level.city]:
        return []  # the whole city: no filter to evaluate
    return [column >= path, column < path + ":"]


def _period_rows(
    table: Table,
    columns: Sequence[Any],
    period: Period,
    where: list[ColumnElement[bool]],
    *,
    weeks: bool = False,
) -> Subquery:
    parts = split_period(period, weeks=weeks)
    day = table.c.day
    selects: list[Select[Any]] = [
        select(*columns).where(table.c.grain == Grain.day, day.between(a, b), *where)
        for a, b in parts.days
    ]
    selects += [
        select(*columns).where(table.c.grain == Grain.week, day.between(a, b), *where)
        for a, b in parts.weeks
    ]
    if parts.months is not None:
        first, after = parts.months
        selects.append(
            select(*columns).where(table.c.grain == Grain.month, day >= first, day < after, *where)
        )
    stmt = selects[0] if len(selects) == 1 else union_all(*selects)
    return stmt.subquery("period")


def _sums(rows: Any, names: Sequence[str], key_count: int) -> dict[Any, Counts]:
    found: dict[Any, Counts] = {}
    for row in rows:
        key = row[0] if key_count == 1 else tuple(row[:key_count])
        found[key] = {name: int(row[key_count + i] or 0) for i, name in enumerate(names)}
    return found


def region_counts(
    session: Session,
    *,
    path: str,
    period: Period,
    measures: Sequence[str] = REGION_MEASURES,
    area_length: int = 0,
) -> dict[Any, Counts]:
    """Counts in ``path``'s subtree over ``period``: in total (key None) or per area (the first
    ``area_length`` characters of the township path)."""
    r = REGION.c
    rows = _period_rows(
        REGION,
        [r.township_path, *[r[m] for m in measures]],
        period,
        _in_region(r.township_path, path),
        weeks=True,
    )
    keys = [func.substr(rows.c.township_path, 1, area_length)] if area_length else []
    stmt = select(*keys, *[func.sum(rows.c[m]) for m in measures])
    if keys:
        stmt = stmt.group_by(*keys)
    result = session.execute(stmt).all()
    if not keys:
        return {None: _sums(((None, *result[0]),), measures, 1)[None]}
    return _sums(result, measures, 1)


def category_counts(session: Session, *, path: str, period: Period) -> dict[Any, Counts]:
    """Received and resolved per (township path, first-level category)."""
    c = CATEGORY.c
    rows = _period_rows(
        CATEGORY,
        [c.township_path, c.category, *[c[m] for m in CATEGORY_MEASURES]],
        period,
        _in_region(c.township_path, path),
        weeks=True,
    )
    keys = [rows.c.township_path, rows.c.category]
    stmt = select(*keys, *[func.sum(rows.c[m]) for m in CATEGORY_MEASURES]).group_by(*keys)
    return _sums(session.execute(stmt).all(), CATEGORY_MEASURES, 2)


def trend_counts(
    session: Session, *, path: str, period: Period, measures: Sequence[str], grain: str
) -> dict[tuple[str, date], Counts]:
    """Counts per (grain, day) row over ``period``: daily rows for a day grain; whole weeks or
    months and the days either side otherwise (the caller folds the days into their week or
    month)."""
    r = REGION.c
    where = _in_region(r.township_path, path)
    if grain == Grain.day:
        parts = Parts([(period.start, period.end)], [], None)
    elif grain == Grain.week:
        days, weeks = _weeks_inside(period.start, period.end)
        parts = Parts(days, [weeks] if weeks else [], None)
    else:
        parts = split_period(period)
    selects: list[Select[Any]] = [
        select(r.grain, r.day, *[r[m] for m in measures]).where(
            r.grain == Grain.day, r.day.between(a, b), *where
        )
        for a, b in parts.days
    ]
    selects += [
        select(r.grain, r.day, *[r[m] for m in measures]).where(
            r.grain == Grain.week, r.day.between(a, b), *where
        )
        for a, b in parts.weeks
    ]
    if parts.months is not None:
        selects.append(
            select(r.grain, r.day, *[r[m] for m in measures]).where(
                r.grain == Grain.month, r.day >= parts.months[0], r.day < parts.months[1], *where
            )
        )
    rows = (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("period")
    keys = [rows.c.grain, rows.c.day]
    stmt = select(*keys, *[func.sum(rows.c[m]) for m in measures]).group_by(*keys)
    return _sums(session.execute(stmt).all(), measures, 2)


def unit_counts(
    session: Session, *, path: str, period: Period, measures: Sequence[str] = MEASURES
) -> list[tuple[str, str, Counts]]:
    """(code, name, counts) per responsible unit whose region lies in ``path``'s subtree (the
    unit comes first in the key, so a small scope reads only its own units' rows)."""
    u = UNIT.c
    units = select(Unit.id).where(*_in_region(Unit.region_path, path))
    rows = _period_rows(
        UNIT, [u.unit_id, *[u[m] for m in measures]], period, [u.unit_id.in_(units)], weeks=True
    )
    sums = (
        select(rows.c.unit_id, *[func.sum(rows.c[m]).label(m) for m in measures])
        .group_by(rows.c.unit_id)
        .subquery("sums")
    )
    stmt = select(Unit.code, Unit.name, *[sums.c[m] for m in measures]).join(
        sums, sums.c.unit_id == Unit.id
    )
    return [
        (row[0], row[1], {m: int(row[2 + i] or 0) for i, m in enumerate(measures)})
        for row in session.execute(stmt).all()
    ]


def open_counts(session: Session, *, path: str, area_length: int = 0) -> dict[Any, Counts]:
    """Cases open now: in total (key None) or per area; with high-risk and overdue counts."""
    o = OPEN.c
    key = [func.substr(o.township_path, 1, area_length)] if area_length else []
    high = func.sum(o.open).filter(o.risk_level.in_(HIGH_RISK))
    stmt = select(*key, func.sum(o.open), high, func.sum(o.overdue)).where(
        *_in_region(o.township_path, path)
    )
    if key:
        stmt = stmt.group_by(*key)
    names = ("open", "high_risk", "overdue")
    result = session.execute(stmt).all()
    if not key:
        return {None: _sums(((None, *result[0]),), names, 1)[None]}
    return _sums(result, names, 1)


def open_alerts(session: Session, *, path: str, limit: int) -> tuple[int, list[Alert]]:
    """Open and acknowledged alerts located in ``path``'s subtree, newest first, and how many
    there are."""
    where = [
        Alert.status.in_([AlertStatus.open.value, AlertStatus.acknowledged.value]),
        *_in_region(Alert.region_path, path),
    ]
    total = session.scalar(select(func.count()).select_from(Alert).where(*where)) or 0
    newest = select(Alert).where(*where).order_by(Alert.created_at.desc(), Alert.id.desc())
    return int(total), list(session.scalars(newest.limit(limit)))


def names_of(session: Session, codes: set[str]) -> dict[str, str]:
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(list(codes))))
    return dict(rows.all())


def region_names(session: Session, paths: set[str]) -> dict[str, tuple[str, str]]:
    """path → (code, name) of official regions."""
    codes = {official_code(p): p for p in paths}
    rows = session.execute(
        select(Region.code, Region.name).where(Region.code.in_(list(codes)))
    ).all()
    return {codes[code]: (code, name) for code, name in rows}


def child_regions(session: Session, region: Region) -> list[Region]:
    return list(
        session.scalars(
            select(Region).where(Region.parent_code == region.code).order_by(Region.code)
        )
    )


def first_level_categories(session: Session) -> dict[str, str]:
    rows = session.execute(select(Category.code, Category.name).where(Category.level == 1))
    return dict(rows.all())


# --- the report's case list (reads cases: an export, not a dashboard request) -------------


def place_names(session: Session, path: str) -> dict[str, str]:
    """path → name of the counties, townships and villages in ``path``'s subtree."""
    stmt = select(Region.path, Region.name).where(
        Region.path >= path,
        Region.path < path + ":",
        Region.level.in_([Level.county, Level.township, Level.village]),
    )
    return dict(session.execute(stmt).all())


def unit_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.name)).all())


def category_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.code, Category.name)).all())


def cases_created(
    session: Session, path: str, since: datetime, until: datetime, *, limit: int
) -> Iterator[Any]:
    """Cases of ``path``'s subtree submitted in ``[since, until)``, oldest first, streamed."""
    stmt = (
        select(
            Case.number,
            Case.created_at,
            Case.region_path,
            Case.category_code,
            Case.title,
            Case.status,
            Case.risk_level,
            Case.tier,
            Case.owner_unit_id,
            Case.accepted_at,
            Case.resolved_at,
            Case.overdue_at,
            Case.rating,
            Case.submitter_name,
            Case.submitter_phone,
        )
        .where(
            Case.region_path >= path,
            Case.region_path < path + ":",
            Case.created_at >= since,
            Case.created_at < until,
            Case.kind == "grievance",  # rectification items have their own ledger
        )
        .order_by(Case.created_at, Case.id)
        .limit(limit)
    )
    yield from session.execute(stmt.execution_options(yield_per=2000))
