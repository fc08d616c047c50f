"""``jieyou patrol …``: screening campaigns and the lane-level figures, as Rich tables (the
figures also as a workbook with ``--out``).

The command line is the operator's: it reads every region (no user scope), like the other
operator commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from jieyou.accounts.models import Role, User
from jieyou.clitools import fail, parse_day
from jieyou.db import get_database, utcnow
from jieyou.errors import JieyouError
from jieyou.patrol import export, permissions, service, views
from jieyou.patrol.figures import Counts, figures, role_label
from jieyou.patrol.models import Campaign
from jieyou.regions.models import Region

patrol_app = typer.Typer(
    help="排查: patrols, screening campaigns (专项排查), lane chiefs' figures.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)
COLUMNS = [
    ("patrols", "排查"),
    ("households_visited", "走访户"),
    ("disputes_found", "发现纠纷"),
    ("disputes_handled", "处理纠纷"),
    ("settled_on_spot", "当场化解"),
    ("escalated", "上报"),
    ("publicity_sessions", "政策宣传"),
    ("publicity_attendance", "宣传人次"),
    ("other_activities", "其他履职"),
]


def _operator() -> User:
    """A stand-in reader that sees everything (not stored): the CLI is not scoped."""
    return User(id=0, username="cli", role=Role.admin.value, region_path="", region_code="")


@patrol_app.command("campaigns")
def campaigns(
    region: Annotated[
        str | None, typer.Option(help="Only campaigns launched in this region (code)")
    ] = None,
) -> None:
    """Screening campaigns with their completion (grids reported / total, late)."""
    with get_database().unit_of_work(write=False) as session:
        today = service.local_today(utcnow())
        rows = views.campaign_list(session, _operator(), today)
        place = session.get(Region, region) if region else None
        paths = {c.id: c.region_path for c in session.scalars(select(Campaign))}
    if region:
        prefix = place.path if place else region + ":"
        rows = [c for c in rows if paths[c.id].startswith(prefix)]
    table = Table(title=f"专项排查（{today}）")
    for name, justify in (
        ("编号", "right"),
        ("名称", "left"),
        ("部署范围", "left"),
        ("期限", "left"),
        ("状态", "left"),
        ("已报/网格", "right"),
        ("逾期", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in rows:
        table.add_row(
            str(c.id),
            c.title,
            c.region_name,
            f"{c.starts_on} 至 {c.due_on}",
            c.state_label,
            f"{c.grids_reported}/{c.grids_total}",
            str(c.late),
        )
    console.print(table)
    if not rows:
        console.print("no campaigns")


def _cells(counts: Counts) -> list[str]:
    return [str(getattr(counts, name)) for name, _ in COLUMNS]


@patrol_app.command("figures")
def figures_cmd(
    region: Annotated[str, typer.Option(help="Region code: county, township, village …")],
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day, e.g. 2026-11-01 (default: 30 days)")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day (default today)")] = None,
    people: Annotated[bool, typer.Option(help="Also list every person")] = True,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the figures to this .xlsx (sheets 按村, 按人员)"),
    ] = None,
) -> None:
    """Figures per village and per person: patrols, households, disputes found and handled,
    settled on the spot, escalated, publicity sessions."""
    if out is not None and out.suffix.lower() != ".xlsx":
        err.print("[red]错误[/red] --out 应以 .xlsx 结尾")
        raise typer.Exit(code=2)
    start_in, end_in = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    try:
        with get_database().unit_of_work(write=False) as session:
            place = permissions.figures_region(session, None, region)
            start, end = service.period(start_in, end_in)
            f = figures(
                session,
                region_path=place.path,
                region_name=place.name,
                date_from=start,
                date_to=end,
            )
    except JieyouError as exc:
        fail(exc)
        return
    title = f"履职统计 {f.region_name}（{f.date_from} 至 {f.date_to}）"
    villages = Table(title=title)
    villages.add_column("村（社区）")
    for _, label in COLUMNS:
        villages.add_column(label, justify="right")
    for v in f.villages:
        villages.add_row(v.name, *_cells(v))
    villages.add_row("[b]合计[/b]", *_cells(f.total))
    console.print(villages)
    if people and f.people:
        persons = Table(title="按人员")
        persons.add_column("人员")
        persons.add_column("角色")
        for _, label in COLUMNS:
            persons.add_column(label, justify="right")
        for p in f.people:
            persons.add_row(f"{p.name} ({p.username})", role_label(p.role), *_cells(p))
        console.print(persons)
    if out is not None:
        out.write_bytes(export.figures_workbook(views.figures_read(f, place.code)))
        console.print(f"已写入 {out}")
