"""``jieyou import …`` and ``jieyou export …``: cases in and out of spreadsheets."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from jieyou.db import get_database
from jieyou.errors import JieyouError
from jieyou.transfer import exporter, importer
from jieyou.transfer.reader import load_mapping
from jieyou.transfer.template import write_template
from jieyou.transfer.validate import Problem

import_app = typer.Typer(help="Import cases from Excel/CSV.", no_args_is_help=True)
export_app = typer.Typer(help="Export cases to Excel/CSV.", no_args_is_help=True)

console = Console()
err = Console(stderr=True)
SHOWN_PROBLEMS = 20


def _fail(exc: JieyouError, code: int = 1) -> None:
    err.print(f"[red]错误[/red] {exc.message} ({exc.code})")
    raise typer.Exit(code=code)


class _ProblemFile:
    """Every refused row's problems, streamed to a CSV as they are found."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: IO[str] | None = None
        self._csv: csv.DictWriter[str] | None = None

    def __call__(self, problem: Problem) -> None:
        if self._csv is None:
            self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.DictWriter(self._fh, fieldnames=["row", "column", "message"])
            self._csv.writeheader()
        self.count += 1
        self._csv.writerow(
            {
                "row": problem.row,
                "column": problem.column or "",
                # The messages quote the refused cells: escaped like any export.
                "message": exporter.escape_cell(problem.message),
            }
        )

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


@import_app.command("template")
def template(
    out: Annotated[Path, typer.Option("--out", help="Where to write the blank .xlsx template")],
) -> None:
    """Write the blank import template (a header row and a sheet describing each column)."""
    if out.suffix.lower() != ".xlsx":
        err.print("[red]错误[/red] 模板文件应以 .xlsx 结尾")
        raise typer.Exit(code=2)
    write_template(out)
    console.print(f"template written to {out}")


@import_app.command("cases")
def import_cases(
    file: Annotated[Path, typer.Argument(help=".xlsx or .csv in the template's columns")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="Column mapping for another layout (.json, or .csv/.xlsx with "
            "our_column,their_column)"
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Where to write the refused rows and why (default: FILE.errors.csv)"),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="CSV encoding (default: UTF-8, else GB18030)")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(help="Rows per transaction", min=1)
    ] = importer.BATCH_SIZE,
    workers: Annotated[
        int | None,
        typer.Option(
            help="1: prepare batches in a second process; 0: not (default: for large files)",
            min=0,
            max=1,
        ),
    ] = None,
) -> None:
    """Import cases; bad rows are refused (listed with their row numbers), good rows imported.
    Rows whose external_id is already in the database are skipped, so a file can be imported
    again after an interruption. Exit code 0: every row fine; 1: some rows refused; 2: the
    file could not be read (nothing imported)."""
    report_path = report or file.with_name(file.name + ".errors.csv")
    problems = _ProblemFile(report_path)
    try:
        loaded = load_mapping(mapping) if mapping else None
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task(f"导入 {file.name}", total=None, rows="")

            def progress(p: importer.Progress) -> None:
                bar.update(
                    task,
                    completed=p.bytes_read,
                    total=p.total_bytes,
                    rows=f"{p.rows:,} 行：导入 {p.imported:,}，跳过 {p.skipped:,}，"
                    f"拒绝 {p.refused:,}",
                )

            result = importer.import_cases(
                get_database(),
                file,
                mapping=loaded,
                encoding=encoding,
                batch_size=batch_size,
                workers=workers,
                on_progress=progress,
                on_problem=problems,
            )
    except JieyouError as exc:
        problems.close()
        _fail(exc, code=2)
        return
    finally:
        problems.close()
    table = Table("rows", "imported", "skipped (already there)", "refused", "rows/s")
    table.add_row(
        f"{result.rows:,}",
        f"{result.imported:,}",
        f"{result.skipped:,}",
        f"{result.refused:,}",
        f"{result.rows_per_second:,.0f}",
    )
    console.print(table)
    if result.classified or result.triage:
        console.print(
            f"类别由系统分类 {result.classified:,} 件；待人工确认类别（待分类）{result.triage:,} 件"
        )
    if result.ignored_columns:
        console.print(f"未使用的列：{'、'.join(result.ignored_columns)}")
    if result.refused:
        for problem in result.problems[:SHOWN_PROBLEMS]:
            typer.echo(problem.text(), err=True)
        more = problems.count - min(problems.count, SHOWN_PROBLEMS)
        if more:
            typer.echo(f"…… 另有 {more} 条问题", err=True)
        typer.echo(f"被拒绝的行及原因已写入 {report_path}", err=True)
        raise typer.Exit(code=1)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]错误[/red] {option} 应为日期，例如 2024-01-31：{value}")
        raise typer.Exit(code=2) from None


@export_app.command("cases")
def export_cases(
    region: Annotated[str, typer.Option("--region", help="Region code; its whole subtree")],
    out: Annotated[Path, typer.Option("--out", help="FILE.xlsx or FILE.csv")],
    date_from: Annotated[
        str | None, typer.Option("--from", help="First submission date (local), e.g. 2024-01-01")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last submission date (local), included")
    ] = None,
    with_personal_data: Annotated[
        bool,
        typer.Option(
            "--with-personal-data",
            help="Names and phone numbers in full (admin or city user via --as; logged)",
        ),
    ] = False,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Username the export is made as")
    ] = None,
) -> None:
    """Export cases in the import template; names and phones masked unless
    --with-personal-data is given by an authorised user."""
    start, end = _date(date_from, "--from"), _date(date_to, "--to")
    try:
        with console.status("导出中…") as status:
            result = exporter.export_cases(
                get_database(),
                out,
                region_code=region,
                date_from=start,
                date_to=end,
                with_personal_data=with_personal_data,
                actor=as_user,
                on_progress=lambda n: status.update(f"导出中… {n:,} 件"),
            )
    except JieyouError as exc:
        _fail(exc)
        return
    masked = "with personal data" if result.with_personal_data else "personal data masked"
    console.print(f"exported {result.cases:,} cases to {result.path} ({masked})")
