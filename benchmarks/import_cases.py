"""Bulk import benchmark: rows per second into SQLite and PostgreSQL, from .xlsx and .csv.

    uv run python benchmarks/import_cases.py [--rows 100000] [--formats csv,xlsx]
        [--engines sqlite,postgresql] [--verify]

Writes N rows of realistic grievances (texts from ``jieyou.demo.texts``; 80 % closed, 5 %
resolved, 5 % rejected, 10 % open; 30 % without a category, so they are classified; real
village codes, mobiles and landlines) into a .csv and an .xlsx (openpyxl, write-only), then
imports each into a fresh SQLite file and a fresh PostgreSQL database (127.0.0.1:5432, if
reachable) with ``jieyou.transfer.importer.import_cases`` and prints a table. Then imports the
first file again (every row skipped). Target: >= 3,000 rows/s; 1 million rows < 6 minutes.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text

from jieyou.cases.service import verify_all_chains
from jieyou.db import Database
from jieyou.demo.texts import SUPPORTED_CATEGORIES, make_text, random_mobile, random_name
from jieyou.regions.models import Level, Region
from jieyou.routing.models import Category
from jieyou.setup import initialise
from jieyou.timefmt import local_zone
from jieyou.transfer.importer import import_cases
from jieyou.transfer.template import NAMES

console = Console()
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATUS_MIX = [
    ("closed", 80),
    ("resolved", 5),
    ("rejected", 5),
    ("submitted", 4),
    ("accepted", 3),
    ("in_progress", 3),
]
LABELS = {"closed": "已归档", "resolved": "已办结", "submitted": "待受理"}
OUTCOMES = ["经调解双方达成一致，已履行。", "已督促责任单位整改完毕。", "已答复群众并解释政策。"]
TEXT_POOL = 20_000


def reference(url: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    database = Database(url)
    initialise(database)
    with database.unit_of_work(write=False) as s:
        villages = [
            (code, name)
            for code, name in s.execute(
                select(Region.code, Region.name).where(Region.level == Level.village)
            )
        ]
        names = dict(s.execute(select(Category.code, Category.name)).all())
    database.dispose()
    return villages, names


def generate(rows: int, villages: list[tuple[str, str]], names: dict[str, str]):
    rng = random.Random(2026)
    categories = sorted(SUPPORTED_CATEGORIES)
    pool = []
    for _ in range(min(rows, TEXT_POOL)):
        code = rng.choice(categories)
        _, place = rng.choice(villages)
        when = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        pool.append((code, make_text(rng, category_code=code, place=place, when=when)))
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    start = datetime(2021, 1, 1, 8, 0, tzinfo=local_zone())
    recent = datetime.now(local_zone()) - timedelta(days=1)
    for i in range(rows):
        code, t = pool[i % len(pool)]
        region, _ = rng.choice(villages)
        status = rng.choices(statuses, weights)[0]
        if status in ("submitted", "accepted", "in_progress"):
            # Still open: from the last two months, as in a real migration.
            submitted = recent - timedelta(seconds=rng.randrange(60 * 86400))
        else:
            submitted = start + timedelta(seconds=rng.randrange(4 * 365 * 86400))
        resolved = outcome = None
        if status in ("closed", "resolved", "rejected"):
            resolved = submitted + timedelta(hours=rng.randrange(2, 600))
            outcome = rng.choice(OUTCOMES)
        r = rng.random()
        category = "" if r < 0.3 else code if r < 0.65 else names[code]
        phone = (
            random_mobile(rng) if rng.random() < 0.9 else f"0735-{rng.randrange(2000000, 9999999)}"
        )
        yield [
            f"12345-{i:08d}",
            submitted.replace(tzinfo=None),
            t.title,
            t.description,
            region,
            f"{rng.randrange(1, 13)}组{rng.randrange(1, 80)}号",
            phone,
            random_name(rng),
            category,
            LABELS.get(status, status) if rng.random() < 0.5 else status,
            resolved.replace(tzinfo=None) if resolved else None,
            outcome,
        ]


def write_files(tmp: Path, rows: int, formats: list[str], url: str) -> dict[str, Path]:
    villages, names = reference(url)
    files: dict[str, Path] = {}
    start = time.perf_counter()
    if "csv" in formats:
        path = files["csv"] = tmp / "cases.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(NAMES)
            for row in generate(rows, villages, names):
                out.writerow(
                    [
                        v.strftime("%Y-%m-%d %H:%M:%S")
                        if isinstance(v, datetime)
                        else ""
                        if v is None
                        else v
                        for v in row
                    ]
                )
    if "xlsx" in formats:
        path = files["xlsx"] = tmp / "cases.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("诉求")
        ws.append(list(NAMES))
        for row in generate(rows, villages, names):
            ws.append(row)
        wb.save(path)
    sizes = ", ".join(f"{k} {v.stat().st_size / 1e6:.0f} MB" for k, v in files.items())
    console.print(f"wrote {rows:,} rows ({sizes}) in {time.perf_counter() - start:.0f}s")
    return files


def run(engine: str, url: str, path: Path, verify: bool) -> list[tuple[str, ...]]:
    database = Database(url)
    initialise(database)
    out = []
    for label in ("first", "again"):
        cpu = time.process_time()
        report = import_cases(
            database,
            path,
            on_progress=lambda p: console.print(
                f"  {engine} {path.suffix}: {p.rows:,} rows", end="\r"
            ),
        )
        out.append(
            (
                engine,
                path.suffix.lstrip("."),
                label,
                f"{report.rows:,}",
                f"{report.imported:,}",
                f"{report.skipped:,}",
                f"{report.refused:,}",
                f"{report.seconds:.1f}",
                f"{report.aggregates_seconds:.1f}",
                f"{time.process_time() - cpu:.1f}",
                f"{report.rows_per_second:,.0f}",
            )
        )
        console.print(f"  {engine} {path.suffix} {label}: {report.rows_per_second:,.0f} rows/s")
        for problem in report.problems[:5]:
            console.print(f"    {problem.text()}")
    if verify:
        started = time.perf_counter()
        with database.unit_of_work(write=False) as s:
            checked, breaks = verify_all_chains(s)
        console.print(
            f"  audit verify: {checked:,} cases, {len(breaks)} breaks "
            f"({time.perf_counter() - started:.0f}s)"
        )
        assert not breaks
    database.dispose()
    return out


def pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # any failure means: no PostgreSQL here
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--verify", action="store_true", help="run audit verify afterwards")
    args = parser.parse_args()
    formats = args.formats.split(",")
    engines = args.engines.split(",")
    results: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        files = write_files(tmp, args.rows, formats, f"sqlite:///{tmp / 'ref.db'}")
        for fmt, path in files.items():
            if "sqlite" in engines:
                db_file = tmp / f"import_{fmt}.db"
                results += run("sqlite", f"sqlite:///{db_file}", path, args.verify)
                db_file.unlink()
            if "postgresql" in engines and pg_available():
                name = f"jieyou_import_{os.getpid()}_{fmt}"
                admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                try:
                    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                    results += run("postgresql", url, path, args.verify)
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()

    table = Table(title=f"jieyou import cases: {args.rows:,} rows, one process")
    for col in (
        "engine",
        "format",
        "pass",
        "rows",
        "imported",
        "skipped",
        "refused",
        "seconds",
        "of which aggregates",
        "importer CPU s",
        "rows/s",
    ):
        table.add_column(col, justify="right")
    for row in results:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
