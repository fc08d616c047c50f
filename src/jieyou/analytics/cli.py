"""``jieyou report`` (the period report as Excel) and ``jieyou stats rebuild``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jieyou.analytics import report as reports
from jieyou.analytics import service
from jieyou.analytics.rebuild import rebuild_aggregates
from jieyou.db import get_database
from jieyou.errors import JieyouError

stats_app = typer.Typer(help="Dashboard aggregates.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(exc: JieyouError) -> None:
    err.print(f"[red]错误[/red] {exc.message} ({exc.code})")
    raise typer.Exit(code=1)


def report_command(
    region: Annotated[str, typer.Option(help="City, county or township code, e.g. 431002000000")],
    month: Annotated[str, typer.Option(help="The month, e.g. 2026-11")],
    out: Annotated[Path, typer.Option(help="Where to write the workbook (.xlsx)")],
) -> None:
    """The month's report as Excel: KPIs, ranking, categories, case list (personal data masked)."""
    try:
        with get_database().unit_of_work(write=False) as session:
            area = service.region_by_code(session, region)
            period = service.month_period(month)
            _, content = reports.build_report(session, area, period)
            name = area.name
    except JieyouError as exc:
        _fail(exc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    console.print(f"{name} {month}: {out} ({len(content):,} bytes)")


@stats_app.command("rebuild")
def rebuild() -> None:
    """Recompute every dashboard aggregate from the cases (after a bulk load or an upgrade)."""
    with get_database().unit_of_work() as session:
        count = rebuild_aggregates(
            session, progress=lambda n: console.print(f"  {n:,} cases", end="\r")
        )
    console.print(f"aggregates rebuilt from {count:,} cases")
