"""The queries behind the Open311 read side: a handful per page, whatever its length."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseEvent, CaseParty
from jieyou.cases.states import OPEN_STATUSES, Action, Status
from jieyou.regions.models import Level, Region
from jieyou.routing.models import Category, Unit

OPEN = [s.value for s in OPEN_STATUSES]
CLOSED = [s.value for s in Status if s not in OPEN_STATUSES]


@dataclass(frozen=True)
class RequestFilter:
    """GET requests: either ``numbers`` (which overrides everything else) or the rest."""

    numbers: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    # "open", "closed"; empty means both.
    states: frozenset[str] = frozenset()
    page: int = 1
    page_size: int = 1000


def find_cases(session: Session, flt: RequestFilter) -> Sequence[Case]:
    """Newest first."""
    stmt = select(Case)
    if flt.numbers:
        stmt = stmt.where(Case.number.in_(flt.numbers))
    else:
        if flt.start is not None:
            stmt = stmt.where(Case.created_at >= flt.start)
        if flt.end is not None:
            stmt = stmt.where(Case.created_at <= flt.end)
        if flt.service_codes:
            stmt = stmt.where(Case.category_code.in_(flt.service_codes))
        if flt.states == {"open"}:
            stmt = stmt.where(Case.status.in_(OPEN))
        elif flt.states == {"closed"}:
            stmt = stmt.where(Case.status.in_(CLOSED))
    stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc())
    if not flt.numbers:
        stmt = stmt.limit(flt.page_size).offset((flt.page - 1) * flt.page_size)
    return session.scalars(stmt).all()


def case_by_number(session: Session, number: str) -> Case | None:
    return session.scalar(select(Case).where(Case.number == number))


def services(session: Session) -> Sequence[tuple[Category, Category]]:
    """Active second-level categories with their (active) parents, in the catalogue's order."""
    rows = session.scalars(
        select(Category)
        .where(Category.is_active.is_(True))
        .order_by(Category.sort_order, Category.code)
    ).all()
    parents = {c.code: c for c in rows if c.level == 1}
    return [(c, parents[c.parent_code]) for c in rows if c.level == 2 and c.parent_code in parents]


def category_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Category.code, Category.name))}


def region_names(session: Session, codes: Collection[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(codes)))
    return {code: name for code, name in rows}


def unit_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))
    return {unit_id: name for unit_id, name in rows}


def party_names(session: Session, case_ids: Collection[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    if case_ids:
        rows = session.execute(
            select(CaseParty.case_id, CaseParty.name).where(CaseParty.case_id.in_(case_ids))
        )
        for case_id, name in rows:
            names[case_id].append(name)
    return names


def closing_events(session: Session, case_ids: Collection[int]) -> dict[int, CaseEvent]:
    """The last reject or merge event of each case (why it was closed without a reply)."""
    found: dict[int, CaseEvent] = {}
    if case_ids:
        stmt = (
            select(CaseEvent)
            .where(
                CaseEvent.case_id.in_(case_ids),
                CaseEvent.action.in_([Action.reject.value, Action.merge.value]),
            )
            .order_by(CaseEvent.case_id, CaseEvent.seq)
        )
        for event in session.scalars(stmt):
            found[event.case_id] = event
    return found


def public_events(session: Session, case_ids: Collection[int]) -> dict[int, list[CaseEvent]]:
    """The events residents see (``is_public``), oldest first, per case."""
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    if case_ids:
        stmt = (
            select(CaseEvent)
            .where(CaseEvent.case_id.in_(case_ids), CaseEvent.is_public.is_(True))
            .order_by(CaseEvent.case_id, CaseEvent.seq)
        )
        for event in session.scalars(stmt):
            events[event.case_id].append(event)
    return events


def regions_for_matching(session: Session) -> Sequence[tuple[str, str, str, str | None]]:
    """(code, name, level, parent code) of the official levels, for reading an address."""
    levels = [Level.city.value, Level.county.value, Level.township.value, Level.village.value]
    stmt = select(Region.code, Region.name, Region.level, Region.parent_code).where(
        Region.level.in_(levels)
    )
    return [(code, name, level, parent) for code, name, level, parent in session.execute(stmt)]
