"""``jieyou mediation …``: the roster as a table, and a mediation agreement written to a file.

Operators at the console are trusted like the database itself; the agreement they write is
still recorded in the access log (as the user named with ``--user``, or the system)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from jieyou.accounts.models import AccessLog, User
from jieyou.db import get_database, record_later, utcnow
from jieyou.errors import JieyouError
from jieyou.mediation import documents, repository
from jieyou.mediation.models import Mediation
from jieyou.mediation.permissions import mediation_of
from jieyou.mediation.states import SPECIALITY_LABELS, Speciality

mediation_app = typer.Typer(
    help="人民调解: the roster and mediation agreements.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(code=code)


@mediation_app.command("mediators")
def mediators(
    speciality: Annotated[
        Speciality | None, typer.Option(help="Only mediators with this speciality")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only those serving this region code")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include inactive mediators")] = False,
) -> None:
    """The roster of 人民调解员 (a Rich table)."""
    from jieyou.regions.models import Region

    with get_database().unit_of_work(write=False) as s:
        served = None
        if region:
            found = s.get(Region, region)
            if found is None:
                _fail(f"区划 {region} 不存在")
            assert found is not None
            served = found.path
        rows = repository.mediators(
            s,
            None,
            speciality=speciality.value if speciality else None,
            region=served,
            active=None if all_ else True,
        )
    table = Table(title=f"人民调解员名册（{len(rows)} 人）")
    for col in (
        "编号",
        "姓名",
        "调委会",
        "职务",
        "擅长",
        "服务区域",
        "电话",
        "账号",
        "在办",
        "状态",
    ):
        table.add_column(col)
    for r in rows:
        m = r.mediator
        table.add_row(
            str(m.id),
            m.name,
            m.organisation,
            m.title or "",
            "、".join(SPECIALITY_LABELS.get(x, x) for x in r.specialities),
            "、".join(name for _, name in r.regions),
            m.phone or "",
            r.username or "",
            str(r.open_mediations),
            "在册" if m.is_active else "停用",
        )
    console.print(table)


@mediation_app.command("agreement")
def agreement(
    number: Annotated[str, typer.Argument(help="Case number (JY…) or mediation number (TJ…)")],
    out: Annotated[Path, typer.Option("--out", help="File to write: .docx or .pdf")],
    user: Annotated[
        str | None, typer.Option(help="Staff username recorded in the access log")
    ] = None,
) -> None:
    """Write a case's 人民调解协议书 as DOCX or PDF (chosen by the file's extension)."""
    from jieyou.cases.models import Case

    kind = out.suffix.lower().lstrip(".")
    if kind not in ("docx", "pdf"):
        _fail("--out 应以 .docx 或 .pdf 结尾")
    with get_database().unit_of_work() as s:
        if number.upper().startswith("TJ"):
            mediation = s.scalar(select(Mediation).where(Mediation.number == number.upper()))
            case = s.get(Case, mediation.case_id) if mediation else None
        else:
            case = s.scalar(select(Case).where(Case.number == number))
            mediation = None
        if case is None or case.number is None:
            _fail(f"{number} 不存在")
        assert case is not None and case.number is not None
        actor = s.scalar(select(User).where(User.username == user)) if user else None
        if user and actor is None:
            _fail(f"用户 {user} 不存在")
        try:
            mediation = mediation or mediation_of(s, case)
            data, _, _ = documents.render(documents.agreement_of(s, mediation, case.number), kind)
        except JieyouError as exc:
            _fail(exc.message)
        record_later(
            s,
            AccessLog(
                user_id=actor.id if actor else None,
                username=actor.username if actor else "console",
                case_id=case.id,
                channel=f"cli.{kind}",
                fields="agreement",
                at=utcnow(),
            ),
        )
    out.write_bytes(data)
    console.print(f"wrote {out} ({len(data):,} bytes)")
