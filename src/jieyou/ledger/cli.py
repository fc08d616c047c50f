"""``jieyou ledger …``: import a problem list, write the template, export a ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jieyou.clitools import active_user, fail, parse_day, write_template
from jieyou.db import get_database
from jieyou.errors import JieyouError, NotFound
from jieyou.ledger import excel, repository, service
from jieyou.ledger.models import RectificationBatch
from jieyou.ledger.permissions import batch_for

ledger_app = typer.Typer(help="整改台账: problem lists to rectification.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
SHOWN_PROBLEMS = 30


def _report(result: service.ImportResult, file: Path, report: Path | None) -> None:
    assert result.batch is not None
    console.print(
        f"batch {result.batch.id} 《{result.batch.name}》: imported {result.imported}, "
        f"skipped {result.skipped} (already in the batch), refused rows {result.refused_rows}"
    )
    if result.ignored_columns:
        console.print(f"ignored columns: {'、'.join(result.ignored_columns)}")
    if not result.errors:
        return
    for e in result.errors[:SHOWN_PROBLEMS]:
        err.print(f"  {e.text()}")
    if len(result.errors) > SHOWN_PROBLEMS:
        err.print(f"  … {len(result.errors) - SHOWN_PROBLEMS} more")
    path = report or file.with_name(file.stem + ".errors.xlsx")
    with path.open("wb") as out:
        excel.write_error_report(result.errors, out)
    err.print(f"every refused row and why: {path}")


@ledger_app.command("import")
def import_list(
    file: Annotated[Path, typer.Argument(help="The problem list (.xlsx or .csv, see `template`)")],
    name: Annotated[str | None, typer.Option(help="Batch name (a new batch)")] = None,
    source: Annotated[
        str | None, typer.Option(help="Where the problems come from, e.g. 省田长办")
    ] = None,
    issuer: Annotated[
        str | None, typer.Option(help="Unit code of the issuing city or county centre")
    ] = None,
    issued_on: Annotated[str | None, typer.Option(help="Date issued (default today)")] = None,
    deadline: Annotated[
        str | None, typer.Option(help="整改期限 for rows that give none (YYYY-MM-DD)")
    ] = None,
    batch: Annotated[
        int | None, typer.Option(help="Add the rows to this batch instead of a new one")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Record the import as this staff user")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Where to write the refused rows (FILE.errors.xlsx)")
    ] = None,
) -> None:
    """Import a problem list: each good row becomes an item assigned to its responsible unit,
    bad rows are listed with their row numbers. With --batch, rows whose 问题编号 the batch
    already has are skipped. Exit 0: all rows imported; 1: some refused; 2: nothing imported."""
    if batch is None and not (name and source and issuer):
        err.print("[red]错误[/red] a new batch needs --name, --source and --issuer (or --batch ID)")
        raise typer.Exit(code=2)
    issued, due = parse_day(issued_on, "--issued-on"), parse_day(deadline, "--deadline")
    try:
        with get_database().unit_of_work() as session:
            actor = active_user(session, as_user)
            if batch is None:
                result = service.import_batch(
                    session,
                    actor=actor,
                    path=file,
                    name=name or "",
                    source=source or "",
                    issuer_code=issuer,
                    issued_on=issued,
                    deadline=due,
                )
            else:
                result = service.import_into(session, actor=actor, batch_id=batch, path=file)
    except JieyouError as exc:
        fail(exc)
        return
    _report(result, file, report)
    if result.errors:
        raise typer.Exit(code=1)


@ledger_app.command("template")
def template(
    out: Annotated[Path, typer.Option("--out", help="Where to write the blank .xlsx template")],
) -> None:
    """Write the blank problem-list template (header, and a sheet describing each column)."""
    write_template(out, excel.write_template)


@ledger_app.command("export")
def export(
    batch: Annotated[int, typer.Argument(help="Batch id")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the .xlsx")],
    as_user: Annotated[
        str | None, typer.Option("--as", help="Only what this staff user may see")
    ] = None,
    sort: Annotated[
        str, typer.Option(help="Order of the rows: " + ", ".join(repository.SORT_KEYS))
    ] = "area",
    desc: Annotated[bool, typer.Option("--desc", help="Descending")] = False,
) -> None:
    """Export a batch's ledger (by county and township, and every problem) to Excel."""
    if sort not in repository.SORT_KEYS:
        err.print(f"[red]错误[/red] --sort 应为 {', '.join(repository.SORT_KEYS)} 之一")
        raise typer.Exit(code=2)
    try:
        with get_database().unit_of_work(write=False) as session:
            actor = active_user(session, as_user)
            if actor is None:
                # The operator at the console sees every problem, as an admin would.
                found = session.get(RectificationBatch, batch)
                if found is None:
                    raise NotFound(f"整改批次 {batch} 不存在", code="batch_not_found")
            else:
                found = batch_for(session, actor, batch)
            ledger = repository.ledger(session, actor, found, sort=sort, descending=desc)
            items = repository.all_items(session, actor, found.id)
            with out.open("wb") as fh:
                excel.write_ledger(ledger, items, fh)
    except JieyouError as exc:
        fail(exc)
        return
    table = Table("区域", "问题数", "已销号", "超期", "整改率")
    for county in ledger.counties:
        f = county.figures
        rate = f"{f.rate:.2%}" if f.rate is not None else "—"
        table.add_row(county.name, str(f.total), str(f.rectified), str(f.overdue), rate)
    total = ledger.total
    table.add_row(
        "合计",
        str(total.total),
        str(total.rectified),
        str(total.overdue),
        f"{total.rate:.2%}" if total.rate is not None else "—",
    )
    console.print(table)
    console.print(f"written to {out}")
