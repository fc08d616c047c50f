"""``jieyou calendar ...``: enter a year's holidays from the State Council's notice, show a
year, and check that next year is known before deadlines reach it."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from jieyou.db import get_database, utcnow
from jieyou.errors import JieyouError
from jieyou.routing.calendar import WorkCalendar
from jieyou.routing.calendar_service import (
    CalendarStatus,
    get_year_calendar,
    import_notice_text,
)
from jieyou.timefmt import local_text, to_local

calendar_app = typer.Typer(
    help="Working-day calendar: statutory holidays and make-up working days.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

FORMAT_HELP = (
    "One line each: '元旦 2027-01-01 2027-01-03' (a holiday range), "
    "'调休上班 2027-02-14' (a make-up working day). '-' reads standard input."
)


def _fail(exc: JieyouError) -> NoReturn:
    for line in exc.extra.get("lines") or [exc.message]:
        err.print(f"[red]错误[/red] {line}")
    raise typer.Exit(code=1)


@calendar_app.command("import")
def import_command(
    year: Annotated[int, typer.Argument(help="The year, e.g. 2027")],
    file: Annotated[Path, typer.Argument(help=FORMAT_HELP)],
    source: Annotated[
        str | None,
        typer.Option(
            help="The notice it comes from (default: 国务院办公厅关于YEAR年部分节假日安排的通知)"
        ),
    ] = None,
) -> None:
    """Enter (or replace) YEAR's holidays and make-up working days from FILE."""
    if str(file) == "-":
        text = sys.stdin.read()
    else:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            err.print(f"[red]错误[/red] 无法读取 {file}：{exc}")
            raise typer.Exit(code=1) from None
    try:
        with get_database().unit_of_work() as session:
            import_notice_text(session, year=year, source=source, text=text, actor=None)
            cal = get_year_calendar(session, year)
    except JieyouError as exc:
        _fail(exc)
    days_off = sum((h.end - h.start).days + 1 for h in cal.holidays)
    console.print(
        f"已录入 {year} 年：节假日 {len(cal.holidays)} 个（共 {days_off} 天），"
        f"调休上班 {len(cal.workdays)} 天；依据 {cal.source}"
    )


@calendar_app.command("show")
def show_command(year: Annotated[int, typer.Argument(help="The year, e.g. 2027")]) -> None:
    """Show YEAR's holidays and make-up working days, and whether they are built in, entered
    by an admin, or missing (deadlines then count weekends only)."""
    try:
        with get_database().unit_of_work(write=False) as session:
            cal = get_year_calendar(session, year)
    except JieyouError as exc:
        _fail(exc)
    console.print(f"[bold]{year} 年[/bold]：{cal.status_label}")
    if cal.status == CalendarStatus.missing:
        console.print(
            f"{year}年法定节假日安排尚未录入，期限暂按周末休息计算。"
            f"录入：jieyou calendar import {year} 文件"
        )
        return
    by = f"，录入人 {cal.entered_by}" if cal.entered_by else ""
    at = f"，{local_text(cal.entered_at)}" if cal.entered_at else ""
    console.print(f"依据：{cal.source}{by}{at}")
    table = Table()
    for col in ("名称", "日期", "天数", "类型"):
        table.add_column(col)
    for h in cal.holidays:
        span = str(h.start) if h.start == h.end else f"{h.start} 至 {h.end}"
        table.add_row(h.name, span, str((h.end - h.start).days + 1), "放假")
    for w in cal.workdays:
        table.add_row(w.name, str(w.day), "1", "上班")
    console.print(table)


@calendar_app.command("check")
def check_command(
    today: Annotated[
        str | None, typer.Option(help="Check as of this date (YYYY-MM-DD; default today)")
    ] = None,
) -> None:
    """Warn (exit 1) from November 1 while next year's holidays are not entered."""
    try:
        day = date.fromisoformat(today) if today else to_local(utcnow()).date()
    except ValueError:
        raise typer.BadParameter("--today should be YYYY-MM-DD") from None
    with get_database().unit_of_work(write=False) as session:
        calendar = WorkCalendar.load(session)
    warning = calendar.missing_next_year_warning(day)
    if warning:
        err.print(f"[yellow]提醒[/yellow] {warning}")
        raise typer.Exit(code=1)
    nxt = day.year + 1
    if calendar.covers(nxt):
        console.print(f"[green]OK[/green] {nxt} 年的节假日安排已具备")
    else:
        console.print(
            f"[green]OK[/green] {nxt} 年的节假日安排尚未录入，{day.year} 年 11 月 1 日起提醒"
        )
