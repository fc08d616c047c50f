"""The operator's command line: ``jieyou --help``."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jieyou.accounts.models import Role
from jieyou.analytics.cli import report_command, stats_app
from jieyou.classify.cli import model_app
from jieyou.db import Database, get_database, is_sqlite, set_database
from jieyou.errors import JieyouError
from jieyou.grid.cli import grid_app
from jieyou.ledger.cli import ledger_app
from jieyou.mediation.cli import mediation_app
from jieyou.notify.cli import outbox_app
from jieyou.patrol.cli import patrol_app
from jieyou.routing.cli import calendar_app
from jieyou.timefmt import local_text, local_zone
from jieyou.transfer.cli import export_app, import_app

app = typer.Typer(help="解忧 Jieyou — operator commands.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="Integrity checks.", no_args_is_help=True)
db_app = typer.Typer(help="Schema migrations.", no_args_is_help=True)
privacy_app = typer.Typer(help="Personal data: who saw it, and removing it.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")
app.add_typer(privacy_app, name="privacy")
app.add_typer(model_app, name="model", help="Train and evaluate the text classifier.")
app.add_typer(outbox_app, name="outbox", help="Notification outbox: list, retry, deliver.")
app.add_typer(import_app, name="import", help="Import cases from Excel/CSV (template, cases).")
app.add_typer(export_app, name="export", help="Export cases to Excel/CSV.")
app.add_typer(stats_app, name="stats", help="Dashboard aggregates.")
app.add_typer(ledger_app, name="ledger", help="整改台账: import problem lists, export ledgers.")
app.add_typer(grid_app, name="grid", help="网格与三长制: grids, lanes, chiefs; Excel import.")
app.add_typer(patrol_app, name="patrol", help="排查: patrols, screening campaigns, activities.")
app.add_typer(mediation_app, name="mediation", help="人民调解: mediators, mediations, agreements.")
app.command("report")(report_command)
app.add_typer(
    calendar_app,
    name="calendar",
    help="Working-day calendar: statutory holidays and make-up working days.",
)

console = Console()
err = Console(stderr=True)


@app.callback()
def main(
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default: JIEYOU_DATABASE_URL)")
    ] = None,
) -> None:
    if database:
        set_database(Database(database))


def _db() -> Database:
    database = get_database()
    if is_sqlite(database.url) and database.url.startswith("sqlite:///"):
        Path(database.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return database


def _fail(exc: JieyouError) -> None:
    err.print(f"[red]错误[/red] {exc.message} ({exc.code})")
    raise typer.Exit(code=1)


@app.command()
def init() -> None:
    """Create or upgrade the schema and load the reference data (hierarchy, units, categories)."""
    from jieyou.setup import initialise

    report = initialise(_db())
    console.print(
        f"schema up to date; added {report.regions} regions, {report.units} units, "
        f"{report.categories} categories"
    )


@app.command()
def demo(
    cases: Annotated[int, typer.Option(help="How many demo cases to add")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data)")] = 2026,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the database already has cases")
    ] = False,
) -> None:
    """Add demo grids, lanes, staff (one per role at least) and realistic cases."""
    from jieyou.demo.service import load_demo

    report = load_demo(_db(), cases=cases, seed=seed, if_empty=if_empty, progress=console)
    if not report.logins:
        console.print("demo data already present; nothing added (new tokens: jieyou tokens create)")
        return
    # Plain lines, not a table: tokens must be copied whole.
    console.print("[bold]Demo staff[/bold] (username  role  region  password  token)")
    for login in report.logins:
        typer.echo(
            f"{login.username:<17} {login.role:<11} {login.region_name}\t"
            f"{login.password}\t{login.token}"
        )
    console.print(
        f"grids {report.grids}, lanes {report.lanes}, cases added {report.cases} ({report.states})"
    )
    from jieyou.ledger.demo import load_ledger_demo

    ledger = load_ledger_demo(_db(), seed=seed)
    console.print(f"整改台账: batches {ledger.batches}, problems {ledger.items} ({ledger.states})")
    from jieyou.demo.grassroots import load_grassroots_demo

    for part, counts in load_grassroots_demo(_db(), seed=seed).items():
        console.print(f"{part}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (PostgreSQL: one per core)")
    ] = None,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker/--no-worker",
            help="Also run the periodic jobs in this process (one machine, e.g. `make run`)",
        ),
    ] = False,
) -> None:
    """Serve the web app and the API (uvicorn)."""
    import threading

    import uvicorn

    from jieyou.config import get_settings
    from jieyou.worker import run_forever

    settings = get_settings()
    if with_worker:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        # A daemon thread in the parent process: it stops with the server. Several hosts
        # run `jieyou worker` instead (SKIP LOCKED keeps them apart).
        threading.Thread(target=run_forever, args=(_db(),), daemon=True, name="worker").start()
    uvicorn.run(
        "jieyou.app:create_app",
        factory=True,
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers or settings.server.workers,
        log_level="info",
        access_log=False,
    )


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err.print(f"[red]错误[/red] 时间格式应为 ISO 8601，例如 2026-10-09T09:00+08:00：{value}")
        raise typer.Exit(code=2) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment


@app.command()
def tick(
    at: Annotated[
        str | None,
        typer.Option("--at", help="Run as of this moment (ISO 8601; local time if no offset)"),
    ] = None,
) -> None:
    """Run the periodic jobs once: deadlines, 督办, callback, early warning, notifications."""
    from jieyou.worker import tick as run_tick

    report = run_tick(_db(), now=_moment(at))
    table = Table("job", "count", title=f"tick at {local_text(report.at)}")
    for name, count in report.rows():
        table.add_row(name, str(count))
    console.print(table)


@app.command()
def worker() -> None:
    """Run the periodic jobs forever (every worker.tick_seconds; outbox every deliver_seconds)."""
    from jieyou.worker import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_forever(_db())


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[Role, typer.Option(help="Role")],
    region: Annotated[str, typer.Option(help="Home region code")],
    unit: Annotated[str | None, typer.Option(help="Unit code (required for departments)")] = None,
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (asked for if not given)", hidden=True)
    ] = None,
) -> None:
    """Add a staff user."""
    from jieyou.accounts.service import create_user

    if password is None and sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with _db().unit_of_work() as session:
            user = create_user(
                session,
                username=username,
                role=role,
                region_code=region,
                unit_code=unit,
                display_name=name,
                password=password,
            )
            console.print(f"added user {user.username} ({user.role}, {user.region_code})")
    except JieyouError as exc:
        _fail(exc)


@users_app.command("list")
def users_list() -> None:
    """List staff users."""
    from sqlalchemy import select

    from jieyou.accounts.models import User

    table = Table()
    for col in ("username", "name", "role", "region", "active"):
        table.add_column(col)
    with _db().unit_of_work(write=False) as session:
        for u in session.scalars(select(User).order_by(User.username)):
            table.add_row(u.username, u.display_name, u.role, u.region_code, str(u.is_active))
    console.print(table)


@tokens_app.command("create")
def tokens_create(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for")] = "",
    days: Annotated[
        int | None, typer.Option(help="Expire after this many days (default limits.token_days)")
    ] = None,
    scope: Annotated[
        str, typer.Option(help="full (act as the user), read (GET only) or submit (cases only)")
    ] = "full",
) -> None:
    """Create a bearer token for USERNAME; it is printed once and stored only hashed."""
    from jieyou.accounts.service import create_token

    try:
        with _db().unit_of_work() as session:
            _, token = create_token(session, username=username, name=name, days=days, scope=scope)
    except JieyouError as exc:
        _fail(exc)
    typer.echo(token)


@tokens_app.command("list")
def tokens_list(username: Annotated[str | None, typer.Argument()] = None) -> None:
    """Tokens (never the secrets): id, user, scope, expiry, revocation."""
    from jieyou.accounts.service import list_tokens

    with _db().unit_of_work(write=False) as session:
        rows = list_tokens(session, username=username)
    table = Table("id", "user", "name", "scope", "created", "expires", "revoked")
    for token, user in rows:
        table.add_row(
            str(token.id),
            user,
            token.name,
            token.scope,
            local_text(token.created_at),
            local_text(token.expires_at),
            local_text(token.revoked_at),
        )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int | None, typer.Argument(help="The token's id (tokens list)")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Revoke all of a user's")] = None,
) -> None:
    """Revoke a token at once (it answers 401 from the next request)."""
    from jieyou.accounts.service import revoke_tokens

    try:
        with _db().unit_of_work() as session:
            count = revoke_tokens(session, token_id=token_id, username=user)
    except JieyouError as exc:
        _fail(exc)
    console.print(f"已吊销 {count} 个令牌")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute every case's event chain; exit 1 naming each case and event that was altered."""
    from jieyou.cases.service import verify_all_chains

    with _db().unit_of_work(write=False) as session:
        checked, breaks = verify_all_chains(session)
    if not breaks:
        console.print(f"[green]OK[/green] {checked} cases, every event chain intact")
        return
    for b in breaks:
        where = f"event #{b.seq} (id {b.event_id})" if b.event_id is not None else "case head"
        # Plain lines (no wrapping) so operators can grep and scripts can parse them.
        typer.echo(f"BROKEN case {b.case_number} {where}: {b.reason}", err=True)
    typer.echo(f"{len(breaks)} problem(s) in {checked} cases", err=True)
    raise typer.Exit(code=1)


@app.command()
def classify(
    text: Annotated[str | None, typer.Argument(help="Text to classify")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="One text per line; '-' reads standard input")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    model: Annotated[Path | None, typer.Option(help="Model directory (default: shipped)")] = None,
) -> None:
    """Category, confidence, top 3 and risk for TEXT, or for every line of --file, in order."""
    import json

    from jieyou.alerts.risk import assess
    from jieyou.classify.model import TextClassifier
    from jieyou.classify.store import default_model

    if (text is None) == (file is None):
        err.print("give either TEXT or --file")
        raise typer.Exit(code=2)
    classifier = TextClassifier.load(model) if model else default_model()
    if classifier is None:
        err.print("no model: run `make model` or pass --model")
        raise typer.Exit(code=1)
    if file is not None and str(file) == "-":
        lines = [line.rstrip("\n") for line in sys.stdin]
    elif file is not None:
        lines = file.read_text(encoding="utf-8").splitlines()
    else:
        lines = [text or ""]
    predictions = classifier.predict([""] * len(lines), lines)
    for line, prediction in zip(lines, predictions, strict=True):
        risk = assess("", line)
        result = {
            "category": prediction.label,
            "confidence": round(float(prediction.confidence), 4),
            "top": [[label, round(float(p), 4)] for label, p in prediction.top],
            "risk": {"level": risk.level, "reasons": list(risk.reasons)},
        }
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            top = "  ".join(f"{label} {p:.2f}" for label, p in prediction.top)
            typer.echo(f"{prediction.label}\t{prediction.confidence:.2f}\t{top}\t{risk.level}")


@privacy_app.command("purge")
def privacy_purge(
    older_than: Annotated[
        int, typer.Option("--older-than", help="Days since the case was closed or refused")
    ],
) -> None:
    """Remove the personal data of cases closed more than DAYS ago; statistics and the audit
    chain stay valid. The photos' files are deleted after the commit."""
    from jieyou.cases.retention import purge_personal_data
    from jieyou.config import get_settings

    try:
        with _db().unit_of_work() as session:
            report = purge_personal_data(session, older_than_days=older_than)
    except JieyouError as exc:
        _fail(exc)
    upload_dir = Path(get_settings().storage.upload_dir)
    for key in report.storage_keys:
        (upload_dir / key).unlink(missing_ok=True)
    console.print(
        f"已清除 {report.cases} 件诉求的个人信息（当事人 {report.parties} 人，照片 "
        f"{report.photos} 张，通知 {report.messages} 条）"
    )


@privacy_app.command("log")
def privacy_log(
    case: Annotated[str | None, typer.Option("--case", help="A case number")] = None,
    user: Annotated[str | None, typer.Option("--user", help="A username")] = None,
    limit: Annotated[int, typer.Option(help="Most recent first")] = 200,
) -> None:
    """Who saw personal data in full: when, which case, through what."""
    from sqlalchemy import select

    from jieyou.accounts.access import access_log
    from jieyou.cases.models import Case

    with _db().unit_of_work(write=False) as session:
        case_id = None
        if case:
            case_id = session.scalar(select(Case.id).where(Case.number == case))
            if case_id is None:
                err.print(f"[red]错误[/red] 诉求 {case} 不存在")
                raise typer.Exit(code=1)
        rows = access_log(session, case_id=case_id, username=user, limit=limit)
        numbers = dict(
            session.execute(
                select(Case.id, Case.number).where(Case.id.in_({r.case_id for r in rows}))
            ).all()
        )
    table = Table("time", "user", "case", "channel", "fields")
    for row in rows:
        table.add_row(
            local_text(row.at),
            row.username,
            numbers.get(row.case_id or 0, ""),
            row.channel,
            row.fields,
        )
    console.print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to head."""
    from jieyou import migrate

    database = _db()
    with database.engine.connect() as conn:
        migrate.upgrade(connection=conn)
        conn.commit()
    console.print("schema at head")


if __name__ == "__main__":
    app()
