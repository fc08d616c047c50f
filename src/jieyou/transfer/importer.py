"""Bulk import of cases from a spreadsheet in the template (``jieyou import cases``).

The file is streamed in batches of rows. Rows whose ``external_id`` is already in the
database are dropped first (an earlier import stored them). The rest are prepared outside any
transaction (:mod:`jieyou.transfer.prepare`: every row checked, the texts without a category
classified in one call, open cases assessed for risk, each case routed to its tier and centre
from dictionaries loaded once) — for a large file in a second process, while this one writes
the previous batch. Then one transaction per batch: take a range of case ids, insert the
cases and their first event with ``executemany`` (hashes computed exactly as ``record_event``
does, so ``jieyou audit verify`` holds) and, for a small file, fold them into the dashboard's
aggregates; a large file has them rebuilt once at the end. A crash keeps the batches committed
so far; running the same file again skips them.

What import deliberately does not do, unlike intake: it does not go through ``record_event``
(whose hooks cost milliseconds a case), notify anyone (these are old cases), raise alerts,
look for duplicates, or invent history it does not know (acceptance dates, assignees). Open
cases get deadlines counted from their submission and ``next_check_at`` so the worker reviews
them; finished ones get none.
"""

from __future__ import annotations

import multiprocessing
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from jieyou.analytics import aggregates
from jieyou.analytics.facts import CASE_COLUMNS
from jieyou.analytics.rebuild import needs_rebuild, rebuild_aggregates
from jieyou.cases.chain import GENESIS, event_digest
from jieyou.cases.intake import QUERY_CODE_ALPHABET, format_number
from jieyou.cases.models import Case, CaseEvent, Channel
from jieyou.cases.states import Action, Status
from jieyou.db import Database, utcnow
from jieyou.deadlines.service import Limits, limits_for, local_date
from jieyou.regions.models import PATH_LENGTH, Level
from jieyou.routing.calendar import WorkCalendar
from jieyou.routing.models import Category, Tier
from jieyou.routing.service import department_for
from jieyou.transfer.prepare import (
    ClassifierSettings,
    Prepared,
    Preparer,
    RawRow,
    Routed,
    prepare_in_worker,
    start_worker,
)
from jieyou.transfer.reader import Columns, Mapping, open_rows
from jieyou.transfer.validate import CategoryRef, Problem, Reference, external_id_of

# The first (and only) event of an imported case: creation in the state the old system had.
IMPORT_ACTION = Action.import_
IMPORT_ACTOR = "import"
BATCH_SIZE = 2000
# A file of up to this many rows (estimated from its size after the first batch) is folded
# into the dashboard's aggregates batch by batch (about 1 ms a case: each case adds to several
# day and month buckets). A larger one is not; the aggregates are rebuilt once at the end with
# GROUP BY, which costs a fraction of that per case but reads every case in the database.
FOLD_LIMIT = 20_000
# Problems kept in the report object; the CLI streams all of them to the report file.
KEPT_PROBLEMS = 1000


# Core tables for the bulk statements (executemany without the ORM's per-row work).
CASES = cast(Table, Case.__table__)
EVENTS = cast(Table, CaseEvent.__table__)


@dataclass
class Progress:
    bytes_read: int
    total_bytes: int
    rows: int
    imported: int
    skipped: int
    refused: int


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    imported: int = 0
    skipped: int = 0  # already in the database (same external_id): an earlier import
    refused: int = 0
    classified: int = 0  # category from the classifier
    triage: int = 0  # open cases whose category waits for a person
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    aggregates_seconds: float = 0.0  # of ``seconds``: rebuilding the dashboard's figures

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class _Importer:
    def __init__(
        self,
        database: Database,
        *,
        source: str,
        now: datetime,
        on_problem: Callable[[Problem], None] | None,
    ) -> None:
        self.database = database
        self.source = source
        self.now = now
        self.on_problem = on_problem
        self.report = ImportReport(source=source)
        with database.unit_of_work(write=False) as session:
            self.ref = Reference.load(session)
            self.calendar = WorkCalendar.load(session)
        self.seen: dict[str, int] = {}  # external id → row, within the file
        self.limits: dict[tuple[str | None, str, str], Limits] = {}
        self.departments: dict[tuple[str, str], int | None] = {}
        self.fold = True
        self.working_days: dict[tuple[date, int], tuple[datetime, str | None]] = {}

    def problem(self, problem: Problem) -> None:
        if len(self.report.problems) < KEPT_PROBLEMS:
            self.report.problems.append(problem)
        if self.on_problem is not None:
            self.on_problem(problem)

    def refuse(self, problems: Iterable[Problem]) -> None:
        self.report.refused += 1
        for p in problems:
            self.problem(p)

    def not_yet_imported(self, rows: list[RawRow]) -> list[RawRow]:
        """Drops the rows an earlier import stored, before any work on them (a re-run after an
        interruption). The write checks again, in its transaction."""
        ids = {external_id_of(cells) for _, cells in rows} - {None}
        if not ids:
            return rows
        with self.database.unit_of_work(write=False) as session:
            existing = set(
                session.scalars(select(CASES.c.external_id).where(CASES.c.external_id.in_(ids)))
            )
        if not existing:
            return rows
        kept = [(n, cells) for n, cells in rows if external_id_of(cells) not in existing]
        self.report.skipped += len(rows) - len(kept)
        return kept

    def take(self, prepared: Prepared) -> None:
        """Report the refused rows of a prepared batch and write the good ones."""
        for problems in prepared.refused:
            self.refuse(problems)
        self.report.classified += prepared.classified
        self.report.triage += prepared.triage
        batch: list[Routed] = []
        for item in prepared.routed:
            external_id, row = item.record.external_id, item.record.row
            first = self.seen.setdefault(external_id, row)
            if first != row:
                message = f"与第 {first} 行的编号 {external_id} 重复"
                self.refuse([Problem(row, "external_id", message)])
            else:
                batch.append(item)
        if batch:
            self.write(batch)

    # --- writing, one transaction per batch ------------------------------------------------

    def write(self, batch: list[Routed]) -> None:
        with self.database.unit_of_work() as session:
            _serialise_imports(session)
            ids = [r.record.external_id for r in batch]
            existing = set(
                session.scalars(select(CASES.c.external_id).where(CASES.c.external_id.in_(ids)))
            )
            fresh = [r for r in batch if r.record.external_id not in existing]
            self.report.skipped += len(batch) - len(fresh)
            if not fresh:
                return
            case_ids = take_case_ids(session, len(fresh))
            cases: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            codes = query_codes(len(fresh))
            for case_id, code, item in zip(case_ids, codes, fresh, strict=True):
                case, event = self.rows_for(session, case_id, code, item)
                cases.append(case)
                events.append(event)
            session.execute(insert(CASES), cases)
            session.execute(insert(EVENTS), events)
            self.report.imported += len(fresh)
            if self.fold:
                # fold_cases is typed for Case objects; it reads only the fields of
                # analytics.facts.CASE_COLUMNS, which these rows have.
                blank = dict.fromkeys(c.key for c in CASE_COLUMNS)
                rows = cast(list[Case], [SimpleNamespace(**{**blank, **c}) for c in cases])
                aggregates.fold_cases(session, rows)

    def finish(self) -> None:
        """Rebuild the aggregates if some cases were not folded in: a large import, or an
        earlier one that stopped before this step."""
        with self.database.unit_of_work() as session:
            if needs_rebuild(session):
                started = time.perf_counter()
                rebuild_aggregates(session)
                self.report.aggregates_seconds = time.perf_counter() - started

    def rows_for(
        self, session: Session, case_id: int, query_code: str, item: Routed
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        record = item.record
        category = item.category
        status = record.status
        submitted = record.submitted_at
        number = format_number(case_id, submitted)
        finished = status in (Status.resolved, Status.closed)
        predicted = item.predicted
        # Only the columns an import sets: the others keep their NULLs, and each column left
        # out is one type conversion less per row.
        case: dict[str, Any] = dict(
            id=case_id,
            number=number,
            query_code=query_code,
            kind="grievance",
            channel=Channel.import_.value,
            status=status.value,
            title=record.title,
            description=record.description,
            region_code=record.region.code,
            region_path=record.region.path,
            township_path=record.region.path[:9],
            address=record.address,
            category_code=category.code if category else None,
            category_confirmed=item.confirmed,
            needs_triage=item.needs_triage,
            predicted_category=predicted[0] if predicted else None,
            prediction_confidence=predicted[1] if predicted else None,
            prediction_top=predicted[2] if predicted else None,
            model_version=predicted[3] if predicted else None,
            risk_level=item.risk_level,
            risk_reasons=item.risk_reasons,
            submitter_name=record.name,
            submitter_phone=record.phone,
            tier=item.tier.value,
            owner_unit_id=item.owner[0],
            suggested_unit_id=self.department(session, record.region.path, category),
            outcome=record.outcome,
            reply=record.outcome if finished else None,
            created_at=submitted,
            updated_at=record.resolved_at or submitted,
            resolved_at=record.resolved_at if finished else None,
            closed_at=(
                record.resolved_at
                if status == Status.closed
                else (record.resolved_at or submitted)
                if status == Status.rejected
                else None
            ),
            supervision_level=0,
            event_count=1,
            external_id=record.external_id,
            accept_by=None,
            contact_by=None,
            resolve_by=None,
            deadline_note=None,
            next_check_at=None,
        )
        if record.is_open:
            limits = self.limits_for(session, case["category_code"], item.tier, item.risk_level)
            case["accept_by"] = submitted + timedelta(hours=limits.accept_hours)
            case["contact_by"] = submitted + timedelta(hours=limits.contact_hours)
            case["resolve_by"], case["deadline_note"] = self.resolve_by(
                submitted, limits.resolve_working_days
            )
            # The worker looks at it at its next run and works out what is due.
            case["next_check_at"] = self.now
        data: dict[str, Any] = {
            "channel": Channel.import_.value,
            "imported": True,
            "external_id": record.external_id,
            "source": self.source,
            "row": record.row,
            "unit": item.owner[1],
            "unit_name": item.owner[2],
            "category": case["category_code"],
            "predicted": case["predicted_category"],
            "confidence": case["prediction_confidence"],
            "model": case["model_version"],
            "risk": item.risk_level,
            "triage": item.needs_triage,
        }
        note = f"由 {self.source} 第 {record.row} 行导入"
        digest = event_digest(
            case_number=number,
            seq=1,
            action=IMPORT_ACTION.value,
            from_status=None,
            to_status=status.value,
            actor_kind="system",
            actor_name=IMPORT_ACTOR,
            at=submitted,
            note=note,
            data=data,
            is_public=True,
            prev_hash=GENESIS,
        )
        case["last_event_hash"] = digest
        event = {
            "case_id": case_id,
            "seq": 1,
            "action": IMPORT_ACTION.value,
            "from_status": None,
            "to_status": status.value,
            "actor_kind": "system",
            "actor_id": None,
            "actor_name": IMPORT_ACTOR,
            "at": submitted,
            "note": note,
            "data": data,
            "is_public": True,
            "prev_hash": GENESIS,
            "hash": digest,
        }
        return case, event

    def resolve_by(self, start: datetime, days: int) -> tuple[datetime, str | None]:
        """As deadlines.service.set_deadlines, with one calendar for the whole import; the
        answer depends only on the local date, so it is worked out once per date."""
        key = (local_date(start), days)
        found = self.working_days.get(key)
        if found is None:
            end = self.calendar.add_working_days(start, days)
            found = self.working_days[key] = (end, self.calendar.note_for(start, end))
        return found

    def limits_for(
        self, session: Session, category_code: str | None, tier: Tier, risk_level: str
    ) -> Limits:
        key = (category_code, tier.value, risk_level)
        found = self.limits.get(key)
        if found is None:
            found = self.limits[key] = limits_for(
                session, category_code=category_code, tier=tier.value, risk_level=risk_level
            )
        return found

    def department(self, session: Session, path: str, category: CategoryRef | None) -> int | None:
        if category is None or category.department is None:
            return None
        key = (path[: PATH_LENGTH[Level.county]], category.code)
        if key not in self.departments:
            orm_category = session.get(Category, category.code)
            unit = department_for(session, path, orm_category)
            self.departments[key] = unit.id if unit else None
        return self.departments[key]


def import_cases(
    database: Database,
    path: Path,
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    now: datetime | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> ImportReport:
    """Import every good row of ``path``; refuse the bad ones with their problems.

    ``workers``: 1 prepares batches in a second process while this one writes, 0 does it all
    here; by default a large file (more than FOLD_LIMIT rows, estimated after the first batch)
    gets the second process. Raises :class:`jieyou.errors.Invalid` when the file as a whole
    cannot be read (not a spreadsheet, required columns missing); then nothing is imported."""
    started = time.perf_counter()
    now = now or utcnow()
    importer = _Importer(database, source=path.name, now=now, on_problem=on_problem)
    report = importer.report
    settings = ClassifierSettings.current()
    preparer: Preparer | None = None
    pool: ProcessPoolExecutor | None = None
    previous: Future[Prepared] | Prepared | None = None
    try:
        with open_rows(path, encoding=encoding) as source:
            columns = source.rows(mapping)
            report.ignored_columns = columns.ignored
            for rows in _batches(columns, batch_size):
                if report.rows == 0:
                    # After the first batch the file's size says how large it is.
                    estimate = source.total_bytes / max(source.bytes_read, 1) * len(rows)
                    importer.fold = estimate <= FOLD_LIMIT
                    if workers == 1 or (workers is None and not importer.fold):
                        pool = ProcessPoolExecutor(
                            max_workers=1,
                            # Not fork: this process holds database connections and threads.
                            mp_context=multiprocessing.get_context("spawn"),
                            initializer=start_worker,
                            initargs=(importer.ref, settings, now),
                        )
                    else:
                        preparer = Preparer(importer.ref, settings, now)
                report.rows += len(rows)
                rows = importer.not_yet_imported(rows)
                # Hand this batch to the worker, then write the previous one meanwhile.
                current: Future[Prepared] | Prepared | None = None
                if rows:
                    if pool is not None:
                        current = pool.submit(prepare_in_worker, rows)
                    else:
                        assert preparer is not None
                        current = preparer(rows)
                if previous is not None:
                    importer.take(_result(previous))
                previous = current
                if on_progress is not None:
                    on_progress(
                        Progress(
                            source.bytes_read,
                            source.total_bytes,
                            report.rows,
                            report.imported,
                            report.skipped,
                            report.refused,
                        )
                    )
            if previous is not None:
                importer.take(_result(previous))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    importer.finish()
    report.seconds = time.perf_counter() - started
    return report


def _batches(columns: Columns, size: int) -> Iterator[list[RawRow]]:
    batch: list[RawRow] = []
    for row in columns:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _result(job: Future[Prepared] | Prepared) -> Prepared:
    return job.result() if isinstance(job, Future) else job


def query_codes(count: int) -> list[str]:
    """``count`` query codes as ``cases.intake.new_query_code`` makes them (6 characters of
    its 32-letter alphabet, from the OS's random source), with one call to the OS: 32 divides
    256, so ``byte % 32`` is uniform."""
    assert len(QUERY_CODE_ALPHABET) == 32
    raw = secrets.token_bytes(6 * count)
    return [
        "".join(QUERY_CODE_ALPHABET[b % 32] for b in raw[i : i + 6]) for i in range(0, 6 * count, 6)
    ]


# --- engine differences: one small function each ------------------------------------------


def take_case_ids(session: Session, count: int) -> list[int]:
    """``count`` case ids for a bulk insert (the many-ids twin of
    ``cases.repository.next_case_id``): from the sequence on PostgreSQL, after the largest id
    on SQLite (writers are serialised there, so nobody else can take them)."""
    if session.get_bind().dialect.name == "postgresql":
        return [
            int(i)
            for i in session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('cases', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        ]
    start = int(session.scalar(select(func.max(Case.id))) or 0) + 1
    return list(range(start, start + count))


def _serialise_imports(session: Session) -> None:
    """Two imports at once on PostgreSQL would both find an external id new and one would fail
    on the unique index; a transaction-scoped advisory lock makes their batches take turns.
    SQLite has one writer anyway."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('jieyou.transfer.import'))"))
