"""Queries over cases and events. SQL only; scope comes from cases.permissions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.permissions import scoped
from jieyou.deadlines.service import overdue_clause
from jieyou.regions.repository import subtree_clause


@dataclass(frozen=True)
class CaseFilter:
    statuses: Sequence[str] = ()
    region_path: str | None = None
    category_code: str | None = None
    unit_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    # Only cases past their deadline (deadlines.service.overdue_clause) as of this moment.
    overdue_at: datetime | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_cases(
    session: Session, actor: User, flt: CaseFilter, *, page: int, page_size: int
) -> tuple[int, Sequence[Case]]:
    stmt = scoped(select(Case), actor)
    if flt.statuses:
        stmt = stmt.where(Case.status.in_(flt.statuses))
    if flt.region_path:
        stmt = stmt.where(subtree_clause(Case.region_path, flt.region_path))
    if flt.category_code:
        # Codes nest by prefix (01 → 0101), so a first-level code covers its children.
        stmt = stmt.where(
            or_(
                Case.category_code == flt.category_code,
                Case.category_code.like(_escape_like(flt.category_code) + "%", escape="\\"),
            )
        )
    if flt.unit_id is not None:
        stmt = stmt.where(
            or_(Case.owner_unit_id == flt.unit_id, Case.assigned_unit_id == flt.unit_id)
        )
    if flt.overdue_at is not None:
        stmt = stmt.where(overdue_clause(flt.overdue_at))
    if flt.created_from:
        stmt = stmt.where(Case.created_at >= flt.created_from)
    if flt.created_to:
        stmt = stmt.where(Case.created_at < flt.created_to)
    if flt.q:
        pattern = "%" + _escape_like(flt.q) + "%"
        stmt = stmt.where(
            or_(
                Case.number == flt.q,
                Case.title.like(pattern, escape="\\"),
                Case.description.like(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(
        stmt.order_by(Case.created_at.desc(), Case.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return int(total or 0), rows


def next_case_id(session: Session) -> int:
    """The id the next case will get. Engines differ, so this is the one place that knows."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.scalar(text("SELECT nextval(pg_get_serial_sequence('cases', 'id'))")))
    # SQLite: writers are serialised (BEGIN IMMEDIATE), so max + 1 cannot race.
    return int(session.scalar(select(func.max(Case.id))) or 0) + 1


def get_by_number(session: Session, number: str) -> Case | None:
    return session.scalar(select(Case).where(Case.number == number))


def events_of(session: Session, case_id: int) -> Sequence[CaseEvent]:
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    return session.scalars(stmt).all()


def iter_cases_with_events(
    session: Session, *, batch: int = 2000
) -> Iterator[tuple[Case, list[CaseEvent]]]:
    """Every case with its events, in id order, a batch of cases at a time."""
    last_id = 0
    while True:
        cases = session.scalars(
            select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)
        ).all()
        if not cases:
            return
        ids = [c.id for c in cases]
        by_case: dict[int, list[CaseEvent]] = {i: [] for i in ids}
        events = session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id.in_(ids))
            .order_by(CaseEvent.case_id, CaseEvent.seq)
        )
        for ev in events:
            by_case[ev.case_id].append(ev)
        for case in cases:
            yield case, by_case[case.id]
        last_id = ids[-1]
        session.expunge_all()


def orphan_events(session: Session) -> Sequence[CaseEvent]:
    """Events whose case is gone (a deleted case leaves these behind)."""
    stmt = select(CaseEvent).where(~CaseEvent.case_id.in_(select(Case.id)))
    return session.scalars(stmt).all()
