"""``jieyou outbox ...``: look at the notification outbox, retry parked messages, deliver."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jieyou.errors import JieyouError

outbox_app = typer.Typer(help="Notification outbox: list, retry, deliver.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(exc: JieyouError) -> None:
    err.print(f"[red]错误[/red] {exc.message} ({exc.code})")
    raise typer.Exit(code=1)


@outbox_app.command("list")
def list_command(
    status: Annotated[
        str | None, typer.Option(help="pending, sending, sent or parked (default: all)")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 50,
) -> None:
    """Outbox messages, newest first; phone numbers are masked."""
    from jieyou.db import get_database
    from jieyou.notify.api import outbox_read
    from jieyou.notify.service import list_messages
    from jieyou.timefmt import local_text

    try:
        with get_database().unit_of_work(write=False) as session:
            rows = [
                outbox_read(m, n) for m, n in list_messages(session, status=status, limit=limit)
            ]
    except JieyouError as exc:
        _fail(exc)
    table = Table()
    for col in ("id", "kind", "channel", "recipient", "case", "status", "tries", "next", "error"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id),
            r.kind,
            r.channel,
            r.recipient,
            r.case_number or "",
            r.status,
            str(r.attempts),
            local_text(r.next_attempt_at) if r.status == "pending" else "",
            r.last_error or "",
        )
    console.print(table)


@outbox_app.command("retry")
def retry_command(message_id: Annotated[int, typer.Argument(help="Outbox message id")]) -> None:
    """Send a parked message again at the next delivery, with a fresh set of attempts."""
    from jieyou.db import get_database
    from jieyou.notify.service import retry_message

    try:
        with get_database().unit_of_work() as session:
            retry_message(session, message_id=message_id)
    except JieyouError as exc:
        _fail(exc)
    console.print(f"message {message_id} queued again")


@outbox_app.command("deliver")
def deliver_command(
    limit: Annotated[int, typer.Option(help="At most this many messages")] = 100,
) -> None:
    """Deliver the messages that are due now, once (the worker does this continuously)."""
    from jieyou.db import get_database
    from jieyou.notify.delivery import deliver_due

    report = deliver_due(get_database(), limit=limit)
    console.print(
        f"claimed {report.claimed}, sent {report.sent}, retrying {report.retrying}, "
        f"parked {report.parked}, released {report.released}"
    )
    for line in report.errors:
        typer.echo(f"failed {line}", err=True)
