"""Aggregates behind the dashboard, kept up to date as cases change.

``analytics_case_facts`` keeps, for each case, the facts (:mod:`jieyou.analytics.facts`) last
folded in, and the counts (``analytics_region_counts``, ``analytics_category_counts``,
``analytics_unit_counts``, ``analytics_open_counts``) are the sum of every case's
contributions. Folding a change subtracts the stored facts and adds the new ones, so a
corrected category, an escalation or a reopened case moves the case between buckets instead
of counting it twice.

**When the fold runs.** :func:`jieyou.cases.events.record_event` calls :func:`on_case_event`
after each event, but the services set some of the case's fields *after* recording the event
(``accepted_at``, ``resolved_at``, ``tier``, ``category_code``, ``rating`` …). So the hook only
remembers the case, and the fold happens in the session's ``before_commit``: same transaction,
final values, and once per case however many events the transaction wrote.

:mod:`jieyou.analytics.rebuild` recomputes everything from the cases: after bulk loads, after
upgrading to migration 0008, and as the test oracle for this incremental path.
"""

from __future__ import annotations

import typing
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session

from jieyou.analytics.facts import FACT_FIELDS, Facts, contributions, facts_of, month_of, week_of
from jieyou.analytics.models import (
    CATEGORY_MEASURES,
    MEASURES,
    OPEN_MEASURES,
    REGION_MEASURES,
    CaseFacts,
    CategoryCount,
    Grain,
    OpenCount,
    RegionCount,
    UnitCount,
)
from jieyou.cases.models import Case, CaseEvent

FACTS = typing.cast(Table, CaseFacts.__table__)
REGION = typing.cast(Table, RegionCount.__table__)
CATEGORY = typing.cast(Table, CategoryCount.__table__)
UNIT = typing.cast(Table, UnitCount.__table__)
OPEN = typing.cast(Table, OpenCount.__table__)


UNIT_MEASURES = frozenset(MEASURES)
CATEGORY_MEASURE_SET = frozenset(CATEGORY_MEASURES)


class Delta:
    """Changes to the counts, summed before they are written (one upsert per key)."""

    def __init__(self) -> None:
        self.region: defaultdict[tuple[str, date, str], Counter[str]] = defaultdict(Counter)
        self.category: defaultdict[tuple[str, date, str, str], Counter[str]] = defaultdict(Counter)
        self.unit: defaultdict[tuple[int, str, date], Counter[str]] = defaultdict(Counter)
        self.open: defaultdict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)

    def add(self, f: Facts, sign: int) -> None:
        place = f.township_path
        for day, measure in contributions(f):
            month = month_of(day)
            self.region[(Grain.day, day, place)][measure] += sign
            self.region[(Grain.week, week_of(day), place)][measure] += sign
            self.region[(Grain.month, month, place)][measure] += sign
            if measure in CATEGORY_MEASURE_SET:
                self.category[(Grain.day, day, place, f.category)][measure] += sign
                self.category[(Grain.week, week_of(day), place, f.category)][measure] += sign
                self.category[(Grain.month, month, place, f.category)][measure] += sign
            if measure in UNIT_MEASURES:
                self.unit[(f.owner_unit_id, Grain.day, day)][measure] += sign
                self.unit[(f.owner_unit_id, Grain.week, week_of(day))][measure] += sign
                self.unit[(f.owner_unit_id, Grain.month, month)][measure] += sign
        if f.is_open:
            counts = self.open[(place, f.category, f.risk_level)]
            counts["open"] += sign
            if f.is_overdue:
                counts["overdue"] += sign

    def write(self, session: Session) -> None:
        _add_counts(
            session, REGION, ("grain", "day", "township_path"), REGION_MEASURES, self.region
        )
        _add_counts(
            session,
            CATEGORY,
            ("grain", "day", "township_path", "category"),
            CATEGORY_MEASURES,
            self.category,
        )
        _add_counts(session, UNIT, ("unit_id", "grain", "day"), MEASURES, self.unit)
        _add_counts(
            session, OPEN, ("township_path", "category", "risk_level"), OPEN_MEASURES, self.open
        )


# --- engine differences: one small function each --------------------------------------------


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_for(session: Session, table: Table) -> Any:
    """INSERT … ON CONFLICT, which both engines spell the same but SQLAlchemy builds per dialect."""
    if dialect_of(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _add_counts(
    session: Session,
    table: Table,
    keys: tuple[str, ...],
    measures: tuple[str, ...],
    changes: dict[Any, Counter[str]],
) -> None:
    rows = []
    # Sorted keys: two transactions touching the same rows lock them in the same order.
    for key in sorted(changes):
        counts = changes[key]
        if not any(counts.values()):
            continue
        row = dict(zip(keys, key, strict=True))
        row.update({m: counts.get(m, 0) for m in measures})
        rows.append(row)
    if not rows:
        return
    insert = insert_for(session, table)
    stmt = insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={m: table.c[m] + insert.excluded[m] for m in measures},
    )
    session.execute(stmt, rows)


# --- the incremental path ----------------------------------------------------------------

_PENDING = "jieyou.analytics.pending"


def on_case_event(session: Session, case: Case, event_: CaseEvent) -> None:
    """Remember ``case``; its facts are folded in when the transaction commits."""
    if case.kind != "grievance":  # rectification items have their own ledger figures
        return
    pending: dict[int, Case] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = {}
        event.listen(session, "before_commit", _fold_pending)
        event.listen(session, "after_soft_rollback", _forget_pending)
    pending[case.id] = case


def _fold_pending(session: Session) -> None:
    pending: dict[int, Case] = session.info.get(_PENDING) or {}
    cases = [c for c in pending.values() if inspect(c).persistent]
    pending.clear()
    if cases:
        fold_cases(session, cases)


def _forget_pending(session: Session, previous_transaction: Any) -> None:
    if not session.in_transaction():
        pending: dict[int, Case] = session.info.get(_PENDING) or {}
        pending.clear()


def facts_row(case_id: int, facts: Facts) -> dict[str, Any]:
    row = facts._asdict()
    row["case_id"] = case_id
    return row


def fold_cases(session: Session, cases: list[Case]) -> int:
    """Bring the counts in line with ``cases`` as they are now; returns how many changed."""
    session.flush()
    stored: dict[int, Facts] = {}
    for start in range(0, len(cases), 500):
        ids = [c.id for c in cases[start : start + 500]]
        for row in session.execute(select(FACTS).where(FACTS.c.case_id.in_(ids))).mappings():
            stored[row["case_id"]] = Facts(**{name: row[name] for name in FACT_FIELDS})
    delta = Delta()
    changed: list[dict[str, Any]] = []
    for c in cases:
        new = facts_of(c)
        old = stored.get(c.id)
        if new == old:
            continue
        if old is not None:
            delta.add(old, -1)
        delta.add(new, +1)
        changed.append(facts_row(c.id, new))
    if changed:
        insert = insert_for(session, FACTS)
        stmt = insert.on_conflict_do_update(
            index_elements=["case_id"],
            set_={name: insert.excluded[name] for name in FACT_FIELDS},
        )
        session.execute(stmt, sorted(changed, key=lambda r: r["case_id"]))
        delta.write(session)
    return len(changed)
