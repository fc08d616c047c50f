"""What the domain command lines share: errors printed the same way, dates and ``--as`` users
parsed the same way, templates written the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import BinaryIO, NoReturn

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.errors import JieyouError

console = Console()
err = Console(stderr=True)


def fail(exc: JieyouError) -> NoReturn:
    """Print the error (and, for a refused file, each row's problem); exit 1 when the user may
    not do it, 2 when the input was wrong."""
    err.print(f"[red]错误[/red] {exc.message} ({exc.code})")
    for row in exc.extra.get("errors") or []:
        err.print(f"  第 {row['row']} 行 {row['column'] or ''}：{row['message']}")
    raise typer.Exit(code=2 if exc.status != 403 else 1)


def parse_day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]错误[/red] {option} 应为日期，如 2026-12-31")
        raise typer.Exit(code=2) from None


def active_user(session: Session, username: str | None) -> User | None:
    """The staff user named by ``--as``; exits 2 when there is none or it is disabled."""
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        err.print(f"[red]错误[/red] 用户 {username} 不存在或已停用")
        raise typer.Exit(code=2)
    return user


def write_template(out: Path, write: Callable[[BinaryIO], None]) -> None:
    """A blank .xlsx template at ``out`` (other suffixes are refused: Excel would not open it)."""
    if out.suffix.lower() != ".xlsx":
        err.print("[red]错误[/red] 模板文件应以 .xlsx 结尾")
        raise typer.Exit(code=2)
    with out.open("wb") as fh:
        write(fh)
    console.print(f"template written to {out}")
