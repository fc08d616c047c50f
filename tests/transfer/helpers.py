"""Files in the template for the transfer tests, and a command line with the import and
export groups (the real ``jieyou`` adds them in cli.py)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from openpyxl import Workbook
from sqlalchemy import select, text

from jieyou.cases.models import Case, CaseEvent
from jieyou.db import Database
from jieyou.transfer.cli import export_app, import_app
from jieyou.transfer.template import NAMES
from tests.factories import WUSHAN

cli = typer.Typer()
cli.add_typer(import_app, name="import")
cli.add_typer(export_app, name="export")


def row(**overrides: Any) -> dict[str, Any]:
    """A good closed case; override any column."""
    values: dict[str, Any] = {
        "external_id": "12345-0001",
        "submitted_at": "2023-05-01 14:30",
        "title": "邻居违建挡住采光",
        "description": "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。",
        "region_code": WUSHAN,
        "address": "吴山村3组12号",
        "phone": "13907351234",
        "name": "李秀英",
        "category": "邻里纠纷",
        "status": "已归档",
        "resolved_at": "2023/5/9 10:00",
        "outcome": "经村调委会调解，邻居拆除棚子，双方和解。",
    }
    values.update(overrides)
    return values


def write_csv(path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(NAMES)
        for r in rows:
            out.writerow(["" if r.get(n) is None else r.get(n) for n in NAMES])
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(NAMES))
    for r in rows:
        ws.append([r.get(n) for n in NAMES])
    wb.save(path)
    return path


def cases_by_external_id(db: Database) -> dict[str, Case]:
    with db.unit_of_work(write=False) as s:
        ids = dict(s.execute(text("SELECT id, external_id FROM cases")).all())
        cases = s.scalars(select(Case).where(Case.id.in_(ids))).all()
        return {ids[c.id]: c for c in cases if ids[c.id] is not None}


def events_of(db: Database, case_id: int) -> list[CaseEvent]:
    with db.unit_of_work(write=False) as s:
        return list(
            s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
        )


def local(text_: str) -> datetime:
    from jieyou.timefmt import local_zone

    return datetime.fromisoformat(text_).replace(tzinfo=local_zone())
