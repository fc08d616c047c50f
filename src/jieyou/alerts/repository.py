"""Queries behind the early-warning detectors (:mod:`jieyou.alerts.rules`).

Every query over cases is bounded by a ``created_at`` window, so it reads the recent part of
the table through an index, never the whole history. Counting happens in the database
(``GROUP BY … HAVING``); only the keys over a threshold are then read row by row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from jieyou.alerts.models import Alert, AlertCase, AlertStatus
from jieyou.cases.models import Case, CaseParty
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.routing.models import Category

VILLAGE = PATH_LENGTH[Level.village]
T = TypeVar("T")

# Long IN lists go in pieces: SQLite refuses more than 32,766 bound parameters.
_CHUNK = 5000


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _within(since: datetime, until: datetime) -> ColumnElement[bool]:
    return and_(Case.created_at > since, Case.created_at <= until, Case.kind == "grievance")


# What an address may differ by and still be the same place: spaces, punctuation, full-width
# digits (０-９ → 0-9). Applied in SQL so the grouping happens in the database.
_ADDRESS_EDITS = [(ch, "") for ch in " \t\u3000,，、.。·-－—_#＃/()（）"] + [
    (chr(0xFF10 + d), str(d)) for d in range(10)
]
# SQLite's parser overflows at about 30 nested calls, so the edits run in steps of subqueries.
_EDITS_PER_STEP = 12


def _address_keys(since: datetime, until: datetime) -> Subquery:
    """(id, key) of the window's cases that give an address; ``key`` is the address without
    spaces and punctuation, full-width digits folded, lower case."""
    key: ColumnElement[str] = func.lower(Case.address)
    step = (
        select(Case.id.label("id"), key.label("key"))
        .where(_within(since, until), Case.address.is_not(None))
        .subquery()
    )
    for start in range(0, len(_ADDRESS_EDITS), _EDITS_PER_STEP):
        key = step.c.key
        for old, new in _ADDRESS_EDITS[start : start + _EDITS_PER_STEP]:
            key = func.replace(key, old, new)
        step = select(step.c.id, key.label("key")).subquery()
    return step


class CaseRow(NamedTuple):
    """What the detectors need to know about a case (not its description or parties). A named
    tuple: the cluster rule reads every case of a week, and these are cheap to make."""

    id: int
    number: str
    created_at: datetime
    region_path: str
    township_path: str
    submitter_phone: str
    category_code: str | None
    address: str | None
    title: str


_CASE_COLUMNS = (
    Case.id,
    Case.number,
    Case.created_at,
    Case.region_path,
    Case.township_path,
    Case.submitter_phone,
    Case.category_code,
    Case.address,
    Case.title,
)


def _case_row(row: Any) -> CaseRow:
    return CaseRow(
        row.id,
        row.number or "",
        row.created_at,
        row.region_path,
        row.township_path,
        row.submitter_phone,
        row.category_code,
        row.address,
        row.title,
    )


# --- repeat ------------------------------------------------------------------------------


def frequent_phones(
    session: Session, *, since: datetime, until: datetime, minimum: int
) -> list[str]:
    stmt = (
        select(Case.submitter_phone)
        .where(_within(since, until))
        .group_by(Case.submitter_phone)
        .having(func.count() >= minimum)
    )
    return list(session.scalars(stmt))


def cases_by_phone(
    session: Session, phones: Collection[str], *, since: datetime, until: datetime
) -> dict[str, list[CaseRow]]:
    found: dict[str, list[CaseRow]] = {p: [] for p in phones}
    for chunk in _chunks(phones):
        stmt = (
            select(*_CASE_COLUMNS)
            .where(Case.submitter_phone.in_(chunk), _within(since, until))
            .order_by(Case.created_at, Case.id)
        )
        for row in session.execute(stmt):
            found[row.submitter_phone].append(_case_row(row))
    return found


def _party_in_window(since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    # A party is someone other than the submitter: the submitter listing themselves as
    # applicant is the phone rule's business, and counting it twice would double the alert.
    return [
        _within(since, until),
        CaseParty.phone.is_not(None),
        CaseParty.phone != Case.submitter_phone,
    ]


def frequent_parties(
    session: Session, *, since: datetime, until: datetime, minimum: int
) -> list[tuple[str, str]]:
    """(name, phone) of parties named in at least ``minimum`` cases of the window."""
    stmt = (
        select(CaseParty.name, CaseParty.phone)
        .join(Case, Case.id == CaseParty.case_id)
        .where(*_party_in_window(since, until))
        .group_by(CaseParty.name, CaseParty.phone)
        .having(func.count(func.distinct(CaseParty.case_id)) >= minimum)
    )
    return [(name, phone) for name, phone in session.execute(stmt) if phone]


def cases_by_party(
    session: Session, parties: Collection[tuple[str, str]], *, since: datetime, until: datetime
) -> dict[tuple[str, str], list[CaseRow]]:
    found: dict[tuple[str, str], list[CaseRow]] = {p: [] for p in parties}
    for chunk in _chunks({p for _, p in parties}):
        stmt = (
            select(CaseParty.name, CaseParty.phone.label("party_phone"), *_CASE_COLUMNS)
            .join(Case, Case.id == CaseParty.case_id)
            .where(*_party_in_window(since, until), CaseParty.phone.in_(chunk))
            .order_by(Case.created_at, Case.id)
        )
        for row in session.execute(stmt):
            rows = found.get((row.name, row.party_phone))
            if rows is not None and (not rows or rows[-1].id != row.id):
                rows.append(_case_row(row))
    return found


def frequent_addresses(
    session: Session, *, since: datetime, until: datetime, minimum: int
) -> list[str]:
    """Normalised addresses given in at least ``minimum`` cases of the window."""
    keys = _address_keys(since, until)
    stmt = select(keys.c.key).group_by(keys.c.key).having(func.count() >= minimum)
    return [a for a in session.scalars(stmt) if a]


def cases_by_address(
    session: Session, addresses: Collection[str], *, since: datetime, until: datetime
) -> dict[str, list[CaseRow]]:
    found: dict[str, list[CaseRow]] = {a: [] for a in addresses}
    for chunk in _chunks(addresses):
        keys = _address_keys(since, until)
        stmt = (
            select(keys.c.key, *_CASE_COLUMNS)
            .join(Case, Case.id == keys.c.id)
            .where(keys.c.key.in_(chunk))
            .order_by(Case.created_at, Case.id)
        )
        for row in session.execute(stmt):
            found[row.key].append(_case_row(row))
    return found


# --- cluster -----------------------------------------------------------------------------


def busy_villages(session: Session, *, since: datetime, until: datetime, minimum: int) -> list[str]:
    """Village paths with at least ``minimum`` cases in the window."""
    village = func.substr(Case.region_path, 1, VILLAGE)
    stmt = (
        select(village)
        .where(_within(since, until), func.length(Case.region_path) >= VILLAGE)
        .group_by(village)
        .having(func.count() >= minimum)
    )
    return list(session.scalars(stmt))


def village_cases(
    session: Session, villages: Collection[str], *, since: datetime, until: datetime
) -> dict[str, list[CaseRow]]:
    found: dict[str, list[CaseRow]] = {v: [] for v in villages}
    if not villages:
        return found
    # township_path first: "recent cases of these townships" is a range on its index.
    stmt = (
        select(*_CASE_COLUMNS)
        .where(
            Case.township_path.in_({v[: PATH_LENGTH[Level.township]] for v in villages}),
            _within(since, until),
            func.substr(Case.region_path, 1, VILLAGE).in_(list(villages)),
        )
        .order_by(Case.created_at, Case.id)
    )
    for row in session.execute(stmt):
        found[row.region_path[:VILLAGE]].append(_case_row(row))
    return found


# --- spike -------------------------------------------------------------------------------

_FIRST_LEVEL = func.substr(Case.category_code, 1, 2)


def busy_cells(
    session: Session, *, since: datetime, until: datetime, minimum: int
) -> dict[tuple[str, str], int]:
    """(township path, first-level category) → cases in the window, for cells at ``minimum``."""
    stmt = (
        select(Case.township_path, _FIRST_LEVEL, func.count())
        .where(_within(since, until), Case.category_code.is_not(None))
        .group_by(Case.township_path, _FIRST_LEVEL)
        .having(func.count() >= minimum)
    )
    return {(t, c): int(n) for t, c, n in session.execute(stmt)}


def cell_weeks(
    session: Session,
    cells: Collection[tuple[str, str]],
    *,
    until: datetime,
    weeks: int,
) -> dict[tuple[str, str], list[int]]:
    """Cases per cell in each of the ``weeks`` weeks before ``until`` (most recent first), for
    the given cells only. Weeks are counted back from ``until``, not by the calendar."""
    found = {cell: [0] * weeks for cell in cells}
    if not cells or weeks < 1:
        return found
    week = case(
        *[(Case.created_at > until - timedelta(days=7 * (w + 1)), w) for w in range(weeks - 1)],
        else_=weeks - 1,
    )
    stmt = (
        select(Case.township_path, _FIRST_LEVEL, week, func.count())
        .where(
            Case.township_path.in_({t for t, _ in cells}),
            _within(until - timedelta(days=7 * weeks), until),
            Case.category_code.is_not(None),
        )
        .group_by(Case.township_path, _FIRST_LEVEL, week)
    )
    for township, category, w, n in session.execute(stmt):
        if (township, category) in found:
            found[(township, category)][int(w)] = int(n)
    return found


def cell_cases(
    session: Session, township: str, category: str, *, since: datetime, until: datetime
) -> list[CaseRow]:
    stmt = (
        select(*_CASE_COLUMNS)
        .where(
            Case.township_path == township,
            _within(since, until),
            Case.category_code.like(f"{category}%"),
        )
        .order_by(Case.created_at, Case.id)
    )
    return [_case_row(row) for row in session.execute(stmt)]


def oldest_case_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Case.created_at)))


# --- reference data ----------------------------------------------------------------------


def regions_by_path(session: Session, paths: Iterable[str]) -> dict[str, Region]:
    wanted = set(paths)
    if not wanted:
        return {}
    return {r.path: r for r in session.scalars(select(Region).where(Region.path.in_(wanted)))}


def category_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Category.code, Category.name))}


# --- alerts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A case under an alert of the rule being checked."""

    alert_id: int
    key: str
    status: str
    case_id: int


def links_of(session: Session, rule: str, case_ids: Collection[int]) -> list[Link]:
    """Which alerts of ``rule`` (any status) already hold any of ``case_ids``."""
    pairs: list[tuple[int, int]] = []
    for chunk in _chunks(case_ids):
        # From the cases to their alerts, not the other way: SQLite would otherwise walk every
        # alert of the rule and probe each for every case id.
        held = select(AlertCase.alert_id, AlertCase.case_id).where(AlertCase.case_id.in_(chunk))
        pairs.extend((a, c) for a, c in session.execute(held))
    alerts: dict[int, tuple[str, str]] = {}
    for chunk in _chunks({a for a, _ in pairs}):
        of_rule = select(Alert.id, Alert.key, Alert.status).where(
            Alert.id.in_(chunk), Alert.rule == rule
        )
        alerts.update({i: (key, status) for i, key, status in session.execute(of_rule)})
    return [Link(a, *alerts[a], c) for a, c in pairs if a in alerts]


def closed_cases(session: Session, rule: str, *, closed_after: datetime) -> dict[str, set[int]]:
    """Per key, the cases under alerts of ``rule`` closed after ``closed_after``.

    An alert only gains cases while it is live, and only cases created by then, so an alert
    closed before a window starts holds none of the window's cases: the detectors ask for the
    alerts closed since their window began, a handful, not the rule's whole history."""
    stmt = (
        select(Alert.key, AlertCase.case_id)
        .join(AlertCase, AlertCase.alert_id == Alert.id)
        .where(
            Alert.rule == rule,
            Alert.status == AlertStatus.closed.value,
            Alert.closed_at > closed_after,
        )
    )
    found: dict[str, set[int]] = {}
    for key, case_id in session.execute(stmt):
        found.setdefault(key, set()).add(case_id)
    return found


@dataclass(frozen=True)
class LiveAlert:
    id: int
    key: str
    level: str


LIVE_STATUSES = (AlertStatus.open.value, AlertStatus.acknowledged.value)


def live_alerts(session: Session, rule: str, keys: Sequence[str]) -> dict[str, LiveAlert]:
    """The open or acknowledged alert of ``rule`` for each key that has one."""
    found: dict[str, LiveAlert] = {}
    for chunk in _chunks(keys):
        stmt = select(Alert.id, Alert.key, Alert.level).where(
            Alert.rule == rule, Alert.key.in_(chunk), Alert.status.in_(LIVE_STATUSES)
        )
        found.update({key: LiveAlert(i, key, level) for i, key, level in session.execute(stmt)})
    return found


def case_ids_of(session: Session, alert_ids: Collection[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {i: set() for i in alert_ids}
    for chunk in _chunks(alert_ids):
        stmt = select(AlertCase.alert_id, AlertCase.case_id).where(AlertCase.alert_id.in_(chunk))
        for alert_id, case_id in session.execute(stmt):
            found[alert_id].add(case_id)
    return found


def cases_by_id(session: Session, ids: Collection[int]) -> list[Case]:
    found: list[Case] = []
    for chunk in _chunks(ids):
        found.extend(session.scalars(select(Case).where(Case.id.in_(chunk))))
    return sorted(found, key=lambda c: c.id)
