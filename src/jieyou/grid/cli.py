"""``jieyou grid …``: the import template, importing a register, showing and exporting one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jieyou.clitools import active_user, fail, write_template
from jieyou.db import get_database
from jieyou.errors import JieyouError
from jieyou.grid import excel, importer
from jieyou.grid.export import register_rows
from jieyou.grid.importer import KINDS
from jieyou.grid.models import DUTY_LABELS, Duty
from jieyou.grid.repository import Holder
from jieyou.grid.views import register_for
from jieyou.privacy import mask_phone

grid_app = typer.Typer(no_args_is_help=True)
console = Console()
err = Console(stderr=True)
SHOWN_PROBLEMS = 30


@grid_app.callback()
def main() -> None:
    """网格台账与三长制: grids, lanes, villager groups and their chiefs."""


@grid_app.command("template")
def template(
    out: Annotated[Path, typer.Option("--out", help="Where to write the blank .xlsx template")],
) -> None:
    """Write the blank register template: sheets 网格, 巷道, 村民小组, 三长 and 说明."""
    write_template(out, excel.write_template)


@grid_app.command("import")
def import_register(
    file: Annotated[Path, typer.Argument(help="The register workbook (.xlsx, see `template`)")],
    village: Annotated[
        str | None, typer.Option(help="Village code for rows that give no 村代码")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Import as this staff user (their scope applies)")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Where to write the refused rows (FILE.errors.xlsx)")
    ] = None,
) -> None:
    """Import grids, lanes, villager groups and chiefs. Good rows are imported, bad rows are
    listed by sheet, row and column; the same file again changes nothing. Exit 0: every row
    imported; 1: some rows refused; 2: the file was refused."""
    if village is not None and not (village.isdigit() and len(village) == 12):
        err.print("[red]错误[/red] --village 应为 12 位村（社区）代码")
        raise typer.Exit(code=2)
    try:
        with get_database().unit_of_work() as session:
            actor = active_user(session, as_user)
            result = importer.import_workbook(session, actor=actor, path=file, village=village)
    except JieyouError as exc:
        fail(exc)
        return
    table = Table("工作表", "新增", "更新", "无变化")
    for sheet, kind in KINDS.items():
        table.add_row(
            sheet,
            str(result.created.get(kind, 0)),
            str(result.updated.get(kind, 0)),
            str(result.unchanged.get(kind, 0)),
        )
    console.print(table)
    if result.ignored_columns:
        console.print(f"ignored columns: {'、'.join(result.ignored_columns)}")
    if not result.errors:
        console.print("all rows imported")
        return
    for e in result.errors[:SHOWN_PROBLEMS]:
        err.print(f"  {e.text()}")
    if len(result.errors) > SHOWN_PROBLEMS:
        err.print(f"  … {len(result.errors) - SHOWN_PROBLEMS} more")
    path = report or file.with_name(file.stem + ".errors.xlsx")
    with path.open("wb") as out:
        excel.write_error_report(result.errors, out)
    err.print(f"refused rows: {result.refused_rows}; every one and why: {path}")
    raise typer.Exit(code=1)


def _who(h: Holder | None, phones: bool) -> str:
    if h is None:
        return "[yellow]未配备[/yellow]"
    phone = h.a.phone if phones or not h.a.phone else mask_phone(h.a.phone)
    return f"{h.a.person_name} {phone or ''}".strip()


@grid_app.command("show")
def show(
    village: Annotated[str, typer.Argument(help="Village (12 digits) or grid (14) code")],
    phones: Annotated[bool, typer.Option("--phones", help="Phone numbers in full")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also export the register to this .xlsx")
    ] = None,
) -> None:
    """Print a village's register: each grid with its 片长 and 网格员, each lane with its
    households, 巷长, open cases and last patrol, then the villager groups."""
    try:
        with get_database().unit_of_work(write=False) as session:
            reg = register_for(session, None, village)
            if out is not None:
                with out.open("wb") as fh:
                    excel.write_register(register_rows(reg, full_phones=phones), fh)
    except JieyouError as exc:
        fail(exc)
        return
    console.print(
        f"[bold]{reg.root.name} 网格台账[/bold]：{len(reg.grids)} 个网格，{len(reg.lanes)} 条巷道，"
        f"{reg.households} 户；片长 {reg.grids_with_chief}/{len(reg.grids)}，"
        f"巷长 {reg.lanes_with_chief}/{len(reg.lanes)}"
    )
    for g in reg.grids:
        workers = "、".join(_who(w, phones) for w in g.workers) or "[yellow]未配备[/yellow]"
        console.print(
            f"\n[bold]{g.region.name}[/bold]（{g.region.code}）{g.households or 0} 户，"
            f"在办 {g.open_cases or 0}\n  片长 {_who(g.chief, phones)}；网格员 {workers}"
        )
        table = Table("巷道", "户数", "巷长（邻长）", "电话", "在办", "最近巡查")
        for lane in g.lanes:
            chief = lane.chief
            phone = chief.a.phone if chief and chief.a.phone else ""
            table.add_row(
                lane.region.name,
                str(lane.region.households or 0),
                chief.a.person_name if chief else "[yellow]未配备[/yellow]",
                phone if phones or not phone else mask_phone(phone),
                str(lane.open_cases or 0),
                str(lane.last_patrol or "[red]未巡查[/red]"),
            )
        console.print(table)
    if reg.groups:
        groups = Table("村民小组", "户数", "所在网格", "组长", "职责")
        for gr in reg.groups:
            duties = "、".join(DUTY_LABELS[Duty(d)] for d in gr.chief.a.duties) if gr.chief else ""
            groups.add_row(
                gr.group.name,
                str(gr.group.households or ""),
                gr.grid_name or "",
                _who(gr.chief, phones),
                duties,
            )
        console.print(groups)
    if out is not None:
        console.print(f"written to {out}")
