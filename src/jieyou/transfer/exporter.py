"""Export of cases in the import template (``jieyou export cases``).

Cases of a region's subtree submitted within a date range, in the order they were stored,
streamed a batch at a time into .xlsx (openpyxl's write-only mode) or .csv (UTF-8 with BOM,
so Excel reads the Chinese). Names and phone numbers are masked (李**, 139****1234) unless
the export is made with personal data by an authorised user (an active admin or city user);
then every exported case gets a row in the access log, and the export a line in the
``jieyou.audit`` log.

Every text cell that a spreadsheet would take for a formula (it starts with ``= + - @``, a tab
or a carriage return) is written with a leading ``'`` (OWASP's advice against CSV injection);
the importer removes it again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import AccessLog, Role, User
from jieyou.cases.states import Status
from jieyou.db import Database, utcnow
from jieyou.errors import Invalid, NotPermitted
from jieyou.privacy import mask_name, mask_phone
from jieyou.regions.service import require_region
from jieyou.timefmt import local_zone
from jieyou.transfer.importer import CASES
from jieyou.transfer.reader import FORMULA_STARTS
from jieyou.transfer.template import DATA_SHEET, DATE_FORMAT, NAMES

audit = logging.getLogger("jieyou.audit")

# Who may take residents' names and phone numbers out of the system in bulk.
PERSONAL_DATA_ROLES = frozenset({Role.admin.value, Role.city.value})
PERSONAL_FIELDS = "submitter_name,submitter_phone"
BATCH = 5000


@dataclass
class ExportReport:
    path: Path
    cases: int
    with_personal_data: bool
    actor: str | None


def escape_cell(text: str) -> str:
    """A leading ``'`` on text a spreadsheet would run as a formula; characters XML cannot
    hold are dropped (openpyxl would refuse them)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def authorised_exporter(session: Session, username: str | None) -> User:
    """The active admin or city user an export with personal data is made as."""
    if not username:
        raise NotPermitted(
            "导出个人信息须用 --as 指明导出人（在岗的系统管理员或市矛调中心用户）",
            code="export_needs_actor",
        )
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        raise NotPermitted(f"用户 {username} 不存在或已停用", code="export_not_permitted")
    if user.role not in PERSONAL_DATA_ROLES:
        raise NotPermitted(
            f"用户 {username}（{user.role}）无权导出个人信息；只有系统管理员和市矛调中心可以",
            code="export_not_permitted",
        )
    return user


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def export_cases(
    database: Database,
    out: Path,
    *,
    region_code: str,
    date_from: date | None = None,
    date_to: date | None = None,
    with_personal_data: bool = False,
    actor: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Write the cases of ``region_code``'s subtree submitted from ``date_from`` to
    ``date_to`` (local dates, both included) to ``out`` (.xlsx or .csv)."""
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise Invalid("导出文件应为 .xlsx 或 .csv", code="bad_file")
    if date_from and date_to and date_to < date_from:
        raise Invalid("结束日期早于开始日期", code="bad_dates")
    with database.unit_of_work(write=False) as session:
        region = require_region(session, region_code)
        user = authorised_exporter(session, actor) if with_personal_data else None
    start = local_day_start(date_from) if date_from else None
    end = local_day_start(date_to + timedelta(days=1)) if date_to else None

    out.parent.mkdir(parents=True, exist_ok=True)
    writer = _XlsxWriter(out) if suffix == ".xlsx" else _CsvWriter(out)
    count = 0
    try:
        batches = _batches(database, region.path, start, end, write=user is not None)
        for session, rows in batches:
            for row in rows:
                writer.write(_cells(row, with_personal_data))
            count += len(rows)
            if user is not None:
                now = utcnow()
                session.execute(
                    insert(AccessLog),
                    [
                        {
                            "user_id": user.id,
                            "username": user.username,
                            "case_id": row.id,
                            "channel": "export",
                            "fields": PERSONAL_FIELDS,
                            "ip": None,
                            "at": now,
                        }
                        for row in rows
                    ],
                )
            if on_progress is not None:
                on_progress(count)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    if user is not None:
        audit.warning(
            "export with personal data by %s (%s): region %s, %s to %s, %d cases, file %s",
            user.username,
            user.role,
            region.code,
            date_from or "-",
            date_to or "-",
            count,
            out,
        )
    return ExportReport(out, count, with_personal_data, user.username if user else None)


def _batches(
    database: Database, path: str, start: datetime | None, end: datetime | None, *, write: bool
) -> Iterator[tuple[Session, list[Any]]]:
    """The cases in the order they were stored (id), a batch per unit of work: keyset
    pagination on the primary key, so the export costs one pass over the table however large
    (ordering by date would sort the whole selection again for every batch). With ``write``,
    each unit writes the access log of its own batch."""
    c = CASES.c
    after = 0
    while True:
        stmt = select(
            c.id,
            c.number,
            c.external_id,
            c.created_at,
            c.title,
            c.description,
            c.region_code,
            c.address,
            c.submitter_phone,
            c.submitter_name,
            c.category_code,
            c.status,
            c.resolved_at,
            c.closed_at,
            c.outcome,
        ).where(c.region_path >= path, c.region_path < path + ":")
        if start is not None:
            stmt = stmt.where(c.created_at >= start)
        if end is not None:
            stmt = stmt.where(c.created_at < end)
        stmt = stmt.where(c.id > after).order_by(c.id).limit(BATCH)
        with database.unit_of_work(write=write) as session:
            rows = list(session.execute(stmt))
            if not rows:
                return
            yield session, rows
        if len(rows) < BATCH:
            return
        after = rows[-1].id


def _cells(row: Any, with_personal_data: bool) -> list[str | datetime | None]:
    finished_at = row.resolved_at
    if row.status == Status.rejected or (row.status == Status.closed and finished_at is None):
        finished_at = row.closed_at
    phone = row.submitter_phone if with_personal_data else mask_phone(row.submitter_phone)
    name = row.submitter_name if with_personal_data else mask_name(row.submitter_name)
    values: dict[str, str | datetime | None] = {
        "external_id": row.external_id or row.number,
        "submitted_at": _local(row.created_at),
        "title": row.title,
        "description": row.description,
        "region_code": row.region_code,
        "address": row.address,
        "phone": phone,
        "name": name,
        "category": row.category_code,
        "status": row.status,
        "resolved_at": _local(finished_at) if finished_at else None,
        "outcome": row.outcome,
    }
    return [values[n] for n in NAMES]


def _local(moment: datetime) -> datetime:
    """Local wall-clock time to the second, without a zone (what a spreadsheet shows)."""
    return moment.astimezone(local_zone()).replace(tzinfo=None, microsecond=0)


class _XlsxWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet(DATA_SHEET)
        header = []
        for name in NAMES:
            cell = WriteOnlyCell(self.ws, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        self.ws.append(header)

    def write(self, values: list[str | datetime | None]) -> None:
        row: list[Any] = []
        for value in values:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = DATE_FORMAT
                row.append(cell)
            elif isinstance(value, str):
                cell = WriteOnlyCell(self.ws, value=escape_cell(value))
                # Text, whatever it looks like: never a formula, never a number.
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
        self.ws.append(row)

    def close(self) -> None:
        self.wb.save(self.path)

    def abort(self) -> None:
        self.path.unlink(missing_ok=True)


class _CsvWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        # BOM: Excel opens UTF-8 CSV as the local code page without it.
        self.fh = path.open("w", encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.fh)
        self.csv.writerow(NAMES)

    def write(self, values: list[str | datetime | None]) -> None:
        self.csv.writerow(
            [
                ""
                if v is None
                else v.strftime("%Y-%m-%d %H:%M:%S")
                if isinstance(v, datetime)
                else escape_cell(v)
                for v in values
            ]
        )

    def close(self) -> None:
        self.fh.close()

    def abort(self) -> None:
        self.fh.close()
        self.path.unlink(missing_ok=True)
