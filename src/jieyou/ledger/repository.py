"""The ledger's figures and lists: SQL only, always through the scope of
:mod:`jieyou.ledger.permissions`.

The figures of a batch are one ``GROUP BY`` over its items joined to their cases, per township
(the place of the problem, not the unit handling it); counties and the total add up the
township rows. Definitions:

- 问题数 ``total``: the batch's problems in the reader's scope.
- 已销号 ``rectified``: verified by the issuing tier (case closed).
- 待销号 ``awaiting``: the responsible unit asked for verification (case resolved).
- 整改中 ``in_progress``: everything else still open (not yet dispatched, assigned, in work).
- 超期 ``overdue``: open and past its deadline, or overdue before and now under 督办 — the same
  rule as the grievance desk (:func:`jieyou.deadlines.service.overdue_clause`). An item waiting
  for verification is not overdue: the unit has done its part.
- 整改率 ``rate`` = rectified ÷ total; no rate (not 0 %) when there is nothing to count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.models import Case
from jieyou.cases.states import OPEN_STATUSES, Status
from jieyou.db import utcnow
from jieyou.deadlines.service import overdue_clause
from jieyou.ledger.labels import status_label
from jieyou.ledger.models import RectificationBatch, RectificationItem
from jieyou.ledger.permissions import batch_clause, items_in_scope
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.regions.repository import subtree_clause
from jieyou.routing.models import Unit
from jieyou.timefmt import local_text

COUNTY = PATH_LENGTH[Level.county]
TOWNSHIP = PATH_LENGTH[Level.township]
ZERO = Decimal("0.00")


@dataclass
class Figures:
    total: int = 0
    rectified: int = 0
    awaiting: int = 0
    in_progress: int = 0
    overdue: int = 0
    area_mu: Decimal = ZERO
    rectified_area_mu: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        """整改率: rectified ÷ total; None when there is nothing to count."""
        return self.rectified / self.total if self.total else None

    def add(self, other: Figures) -> None:
        self.total += other.total
        self.rectified += other.rectified
        self.awaiting += other.awaiting
        self.in_progress += other.in_progress
        self.overdue += other.overdue
        self.area_mu += other.area_mu
        self.rectified_area_mu += other.rectified_area_mu


def _decimal(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _measures(now: datetime) -> tuple[Any, ...]:
    closed = Case.status == Status.closed.value
    return (
        func.count().label("total"),
        func.sum(when((closed, 1), else_=0)).label("rectified"),
        func.sum(when((Case.status == Status.resolved.value, 1), else_=0)).label("awaiting"),
        func.sum(when((Case.status.in_([s.value for s in OPEN_STATUSES]), 1), else_=0)).label(
            "in_progress"
        ),
        func.sum(when((overdue_clause(now), 1), else_=0)).label("overdue"),
        func.sum(RectificationItem.area_mu).label("area"),
        func.sum(when((closed, RectificationItem.area_mu), else_=None)).label("rectified_area"),
    )


def _figures(row: Any) -> Figures:
    return Figures(
        total=int(row.total or 0),
        rectified=int(row.rectified or 0),
        awaiting=int(row.awaiting or 0),
        in_progress=int(row.in_progress or 0),
        overdue=int(row.overdue or 0),
        area_mu=_decimal(row.area),
        rectified_area_mu=_decimal(row.rectified_area),
    )


def _scoped(stmt: Select[Any], actor: User | None) -> Select[Any]:
    """Only the items ``actor`` may see; everything for the operator (``None``, the CLI)."""
    clause = items_in_scope(actor) if actor is not None else None
    return stmt if clause is None else stmt.where(clause)


def _joined(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(RectificationItem)
        .join(Case, Case.id == RectificationItem.case_id)
    )


def _region_names(session: Session, paths: set[str]) -> dict[str, str]:
    codes = {official_code(p): p for p in paths if len(p) <= PATH_LENGTH[Level.village]}
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(list(codes))))
    return {codes[code]: name for code, name in rows}


# --- batches --------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    id: int
    name: str
    source: str
    issuer_code: str
    issuer_name: str
    issued_on: date
    deadline: date | None
    created_at: datetime
    figures: Figures = field(default_factory=Figures)


def batch_summaries(
    session: Session,
    actor: User,
    *,
    region_path: str | None = None,
    now: datetime | None = None,
) -> list[BatchSummary]:
    """Every batch the user may see, newest first, with its figures in the user's scope (and
    within ``region_path`` when given)."""
    now = now or utcnow()
    stmt = select(RectificationBatch, Unit.code, Unit.name).join(
        Unit, Unit.id == RectificationBatch.issuer_unit_id
    )
    clause = batch_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    rows = session.execute(
        stmt.order_by(RectificationBatch.issued_on.desc(), RectificationBatch.id.desc())
    ).all()
    found = [
        BatchSummary(
            id=b.id,
            name=b.name,
            source=b.source,
            issuer_code=code,
            issuer_name=name,
            issued_on=b.issued_on,
            deadline=b.deadline,
            created_at=b.created_at,
        )
        for b, code, name in rows
    ]
    if found:
        by_id = {s.id: s for s in found}
        figures = _scoped(
            _joined(RectificationItem.batch_id, *_measures(now))
            .where(RectificationItem.batch_id.in_(list(by_id)))
            .group_by(RectificationItem.batch_id),
            actor,
        )
        if region_path:
            figures = figures.where(subtree_clause(Case.region_path, region_path))
        for row in session.execute(figures):
            by_id[row.batch_id].figures = _figures(row)
    return found


def open_batches_summary(
    session: Session,
    actor: User,
    *,
    region_path: str | None = None,
    now: datetime | None = None,
) -> list[BatchSummary]:
    """For the dashboard: the batches with problems in the user's region (or in
    ``region_path`` within it, the area the dashboard shows) not all verified as rectified,
    newest first, each with its 整改率 there."""
    return [
        s
        for s in batch_summaries(session, actor, region_path=region_path, now=now)
        if s.figures.total and s.figures.rectified < s.figures.total
    ]


# --- one batch's ledger -----------------------------------------------------------------------


@dataclass
class AreaFigures:
    path: str
    name: str
    figures: Figures
    townships: list[AreaFigures] = field(default_factory=list)

    @property
    def code(self) -> str:
        return official_code(self.path)


@dataclass
class Ledger:
    batch: BatchSummary
    total: Figures
    counties: list[AreaFigures]
    as_of: datetime
    scope_name: str

    @property
    def caption(self) -> str:
        deadline = f"　整改期限：{self.batch.deadline:%Y-%m-%d}" if self.batch.deadline else ""
        return (
            f"问题来源：{self.batch.source}　下发单位：{self.batch.issuer_name}　"
            f"下发日期：{self.batch.issued_on:%Y-%m-%d}{deadline}　范围：{self.scope_name}　"
            f"统计时间：{local_text(self.as_of)}"
        )


SORT_KEYS = ("area", "total", "rectified", "awaiting", "in_progress", "overdue", "rate", "area_mu")


def _sort(rows: list[AreaFigures], key: str, descending: bool) -> list[AreaFigures]:
    if key == "area" or key not in SORT_KEYS:
        return sorted(rows, key=lambda r: r.path, reverse=descending)
    if key == "rate":
        rated = [r for r in rows if r.figures.rate is not None]
        unrated = sorted((r for r in rows if r.figures.rate is None), key=lambda r: r.path)
        rated.sort(key=lambda r: (r.figures.rate, r.path), reverse=descending)
        return rated + unrated  # no rate is always last
    return sorted(rows, key=lambda r: (getattr(r.figures, key), r.path), reverse=descending)


def ledger(
    session: Session,
    actor: User | None,
    batch: RectificationBatch,
    *,
    sort: str = "area",
    descending: bool = False,
    now: datetime | None = None,
) -> Ledger:
    """The batch's figures in the user's scope: the total, each county and, under each county,
    its townships, sorted by ``sort`` at both levels."""
    now = now or utcnow()
    stmt = _scoped(
        _joined(Case.township_path, *_measures(now))
        .where(RectificationItem.batch_id == batch.id)
        .group_by(Case.township_path),
        actor,
    )
    rows = session.execute(stmt).all()
    towns = [(row.township_path, _figures(row)) for row in rows]
    home = actor.region_path if actor is not None else ""
    names = _region_names(
        session, {p for p, _ in towns} | {p[:COUNTY] for p, _ in towns} | ({home} - {""})
    )
    counties: dict[str, AreaFigures] = {}
    total = Figures()
    for path, figures in towns:
        county = counties.get(path[:COUNTY])
        if county is None:
            county = counties[path[:COUNTY]] = AreaFigures(
                path[:COUNTY], names.get(path[:COUNTY], path[:COUNTY]), Figures()
            )
        county.figures.add(figures)
        total.add(figures)
        county.townships.append(AreaFigures(path, names.get(path, path), figures))
    ordered = _sort(list(counties.values()), sort, descending)
    for county in ordered:
        county.townships = _sort(county.townships, sort, descending)
    issuer = session.get(Unit, batch.issuer_unit_id)
    assert issuer is not None
    summary = BatchSummary(
        id=batch.id,
        name=batch.name,
        source=batch.source,
        issuer_code=issuer.code,
        issuer_name=issuer.name,
        issued_on=batch.issued_on,
        deadline=batch.deadline,
        created_at=batch.created_at,
        figures=total,
    )
    everything = actor is None or items_in_scope(actor) is None
    scope_name = "全部" if everything else names.get(home, "")
    return Ledger(summary, total, ordered, now, scope_name)


# --- the problems of a batch ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    number: str
    ref: str
    source: str
    problem_type: str
    county_name: str
    township_name: str
    village_name: str | None
    address: str | None
    area_mu: Decimal | None
    description: str
    unit_name: str | None
    due_on: date
    resolve_by: datetime | None
    status: str
    status_label: str
    is_overdue: bool
    closed_at: datetime | None
    supervised: bool


ITEM_STATES = ("open", "awaiting", "rectified", "overdue")


def _state_clause(state: str | None, now: datetime) -> ColumnElement[bool] | None:
    if state == "open":
        return Case.status.in_([s.value for s in OPEN_STATUSES])
    if state == "awaiting":
        return Case.status == Status.resolved.value
    if state == "rectified":
        return Case.status == Status.closed.value
    if state == "overdue":
        return overdue_clause(now)
    return None


def _items_stmt(
    actor: User | None, batch_id: int, *, area: str | None, state: str | None, now: datetime
) -> Select[Any]:
    stmt = _scoped(
        _joined(RectificationItem, Case, overdue_clause(now).label("is_overdue")).where(
            RectificationItem.batch_id == batch_id
        ),
        actor,
    )
    if area:
        stmt = stmt.where(subtree_clause(Case.region_path, area))
    clause = _state_clause(state, now)
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt


def _item_rows(session: Session, rows: Sequence[Any]) -> list[ItemRow]:
    paths: set[str] = set()
    unit_ids: set[int] = set()
    for _item, case, _ in rows:
        paths.update({case.region_path[:COUNTY], case.township_path, case.region_path[:12]})
        if case.assigned_unit_id:
            unit_ids.add(case.assigned_unit_id)
    names = _region_names(session, paths)
    units = (
        dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids)))).all())
        if unit_ids
        else {}
    )
    out = []
    for item, case, overdue in rows:
        village = case.region_path if len(case.region_path) > TOWNSHIP else None
        out.append(
            ItemRow(
                number=case.number or "",
                ref=item.external_ref,
                source=item.source,
                problem_type=item.problem_type,
                county_name=names.get(case.region_path[:COUNTY], ""),
                township_name=names.get(case.township_path, ""),
                village_name=names.get(village[:12]) if village else None,
                address=case.address,
                area_mu=item.area_mu,
                description=case.description,
                unit_name=units.get(case.assigned_unit_id) if case.assigned_unit_id else None,
                due_on=item.due_on,
                resolve_by=case.resolve_by,
                status=case.status,
                status_label=status_label(case.status),
                is_overdue=bool(overdue),
                closed_at=case.closed_at,
                supervised=case.supervision_level > 0,
            )
        )
    return out


def items_page(
    session: Session,
    actor: User,
    batch_id: int,
    *,
    area: str | None = None,
    state: str | None = None,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> tuple[int, list[ItemRow]]:
    now = now or utcnow()
    stmt = _items_stmt(actor, batch_id, area=area, state=state, now=now)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = session.execute(
        stmt.order_by(Case.region_path, RectificationItem.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return total, _item_rows(session, rows)


def all_items(
    session: Session, actor: User | None, batch_id: int, *, now: datetime | None = None
) -> list[ItemRow]:
    """Every problem of the batch in scope, by place (the export's second sheet)."""
    stmt = _items_stmt(actor, batch_id, area=None, state=None, now=now or utcnow())
    rows = session.execute(stmt.order_by(Case.region_path, RectificationItem.id)).all()
    return _item_rows(session, rows)


def item_of(session: Session, case_id: int) -> RectificationItem | None:
    return session.scalar(select(RectificationItem).where(RectificationItem.case_id == case_id))
