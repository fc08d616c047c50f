"""The full rebuild of the dashboard's aggregates from the cases (``jieyou stats rebuild``).

The facts of every case come from :func:`jieyou.analytics.facts.facts_of` (in Python, in id
order); the counts from ``INSERT … SELECT … GROUP BY`` over the facts, one narrow statement per
kind of day, then rolled up into weeks and months. The SQL contributions are a second spelling
of :func:`jieyou.analytics.facts.contributions`; tests/analytics/test_oracle.py holds the
incremental path and this one to each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    Table,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from jieyou.analytics.aggregates import (
    CATEGORY,
    FACTS,
    OPEN,
    REGION,
    UNIT,
    dialect_of,
    insert_for,
)
from jieyou.analytics.facts import CASE_COLUMNS, FACT_FIELDS, CaseValues, facts_of
from jieyou.analytics.models import (
    CATEGORY_MEASURES,
    HANDLING_COLUMNS,
    MEASURES,
    REGION_MEASURES,
    Grain,
)
from jieyou.cases.models import UNRATED, Case

# --- engine differences: one small function each --------------------------------------------


def _month_start(session: Session, column: Any) -> Any:
    """The first of the month of a DATE column (SQLite stores dates as YYYY-MM-DD text)."""
    if dialect_of(session) == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.substr(column, 1, 8).op("||")(literal("01"))


def _week_start(session: Session, column: Any) -> Any:
    """The Monday of a DATE column's week."""
    if dialect_of(session) == "postgresql":
        return cast(func.date_trunc("week", column), Date)
    return func.date(column, "weekday 0", "-6 days")


def _insert_facts(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Rows of (case_id, *facts). COPY on PostgreSQL (several times faster than INSERT)."""
    columns = ["case_id", *FACT_FIELDS]
    if dialect_of(session) == "postgresql":
        raw = session.connection().connection.driver_connection
        assert raw is not None
        statement = f"COPY {FACTS.name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    session.execute(FACTS.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


def _empty(session: Session, tables: Iterable[Table]) -> None:
    """Remove every row. On PostgreSQL TRUNCATE also locks the tables until commit, so
    concurrent folds wait for the rebuild instead of adding to half-built counts."""
    names = [t.name for t in tables]
    if dialect_of(session) == "postgresql":
        session.execute(text(f"TRUNCATE {', '.join(names)}"))
    else:
        for table in tables:
            session.execute(delete(table))


def rebuild_aggregates(
    session: Session, *, batch: int = 20_000, progress: Callable[[int], None] | None = None
) -> int:
    """Recompute the facts of every case, then every count with GROUP BY. Returns the number of
    cases. Runs in the caller's transaction; concurrent changes wait (PostgreSQL) or queue
    behind the single writer (SQLite)."""
    _empty(session, (FACTS, REGION, CATEGORY, UNIT, OPEN))
    done = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(*CASE_COLUMNS)
            .where(Case.id > last_id, Case.kind == "grievance")
            .order_by(Case.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        # Attribute access on a plain named tuple is several times faster than on a Row.
        values = [CaseValues._make(r) for r in rows]
        _insert_facts(session, [(v.id, *facts_of(v)) for v in values])
        last_id = values[-1].id
        done += len(rows)
        if progress:
            progress(done)
    _rebuild_counts(session)
    return done


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _contribution_parts() -> list[tuple[Any, ColumnElement[bool], dict[str, Any]]]:
    """For each day a fact carries: the day, which facts carry it, and the counts it adds,
    as SQL aggregates over the facts table (the SQL twin of :func:`contributions`)."""
    f = FACTS.c
    one = func.count()
    concluded = f.outcome.in_(["solved", "unsolved", "rejected"])
    return [
        (f.created_day, true(), {"received": one}),
        (f.accepted_day, f.accepted_day.is_not(None), {"accepted": one}),
        (
            f.response_day,
            f.response_day.is_not(None),
            {"responded": one, "responded_on_time": func.sum(_flag(f.response_on_time))},
        ),
        (
            f.resolved_day,
            f.resolved_day.is_not(None),
            {
                "resolved": one,
                "resolved_on_time": func.sum(_flag(f.resolved_on_time)),
                "resolved_grassroots": func.sum(_flag(f.resolved_grassroots)),
                **{
                    h: func.sum(_flag(f.handling_bucket == i))
                    for i, h in enumerate(HANDLING_COLUMNS)
                },
            },
        ),
        (
            f.concluded_day,
            f.concluded_day.is_not(None),
            {
                "merged": func.sum(_flag(f.outcome == "merged")),
                "concluded": func.sum(_flag(concluded)),
                "rejected": func.sum(_flag(f.outcome == "rejected")),
                "solved": func.sum(_flag(f.outcome == "solved")),
                "rated": func.sum(_flag(f.rating_class.in_(["satisfied", "unsatisfied"]))),
                "satisfied": func.sum(_flag(f.rating_class == "satisfied")),
                "unrated": func.sum(_flag(f.rating_class == UNRATED)),
            },
        ),
    ]


def _add_from_select(
    session: Session,
    table: Table,
    keys: dict[str, Any],
    measures: tuple[str, ...],
    adds: dict[str, Any],
    where: ColumnElement[bool],
    source: Any = FACTS,
) -> None:
    """INSERT … SELECT … GROUP BY keys ON CONFLICT add the counts: narrow rows per part,
    summed into the table (much faster than one wide UNION on SQLite)."""
    adds = {m: v for m, v in adds.items() if m in measures}
    if not adds:
        return
    columns = [*keys, *measures]
    values = [expr.label(name) for name, expr in keys.items()]
    values += [adds.get(m, literal(0)).label(m) for m in measures]
    group = [expr for name, expr in keys.items() if name != "grain"]
    query = select(*values).select_from(source).where(where).group_by(*group)
    insert = insert_for(session, table).from_select(columns, query)
    stmt = insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={m: table.c[m] + insert.excluded[m] for m in adds},
    )
    session.execute(stmt)


def _rebuild_counts(session: Session) -> None:
    f = FACTS.c
    day_grain = literal(Grain.day, String(1))
    for day, where, adds in _contribution_parts():
        place = {"grain": day_grain, "day": day, "township_path": f.township_path}
        _add_from_select(session, REGION, place, REGION_MEASURES, adds, where)
        _add_from_select(
            session,
            CATEGORY,
            {**place, "category": f.category},
            CATEGORY_MEASURES,
            adds,
            where,
        )
        _add_from_select(
            session,
            UNIT,
            {"unit_id": f.owner_unit_id, "grain": day_grain, "day": day},
            MEASURES,
            adds,
            where,
        )
    # Weeks and months: the daily rows rolled up.
    r, c, u = REGION.c, CATEGORY.c, UNIT.c
    for grain, start in ((Grain.week, _week_start), (Grain.month, _month_start)):
        _add_from_select(
            session,
            REGION,
            {
                "grain": literal(grain, String(1)),
                "day": start(session, r.day),
                "township_path": r.township_path,
            },
            REGION_MEASURES,
            {m: func.sum(r[m]) for m in REGION_MEASURES},
            r.grain == Grain.day,
            source=REGION,
        )
        _add_from_select(
            session,
            CATEGORY,
            {
                "grain": literal(grain, String(1)),
                "day": start(session, c.day),
                "township_path": c.township_path,
                "category": c.category,
            },
            CATEGORY_MEASURES,
            {m: func.sum(c[m]) for m in CATEGORY_MEASURES},
            c.grain == Grain.day,
            source=CATEGORY,
        )
        _add_from_select(
            session,
            UNIT,
            {
                "unit_id": u.unit_id,
                "grain": literal(grain, String(1)),
                "day": start(session, u.day),
            },
            MEASURES,
            {m: func.sum(u[m]) for m in MEASURES},
            u.grain == Grain.day,
            source=UNIT,
        )
    open_now = (
        select(
            f.township_path,
            f.category,
            f.risk_level,
            func.count(),
            func.sum(_flag(f.is_overdue)),
        )
        .where(f.is_open.is_(True))
        .group_by(f.township_path, f.category, f.risk_level)
    )
    session.execute(
        OPEN.insert().from_select(
            ["township_path", "category", "risk_level", "open", "overdue"], open_now
        )
    )


def needs_rebuild(session: Session) -> bool:
    """True when some case has never been folded in (bulk loads, databases from before 0008)."""
    missing = select(Case.id).where(
        Case.kind == "grievance",
        ~select(FACTS.c.case_id).where(FACTS.c.case_id == Case.id).exists(),
    )
    return session.scalar(missing.limit(1)) is not None
