"""Dashboard benchmark: the stats endpoints at millions of cases (``make bench``).

    uv run python benchmarks/dashboard.py [--sqlite-cases 1000000] [--pg-cases 10000000]
        [--requests 100] [--days 365] [--skip-sqlite] [--skip-pg] [--pg-admin URL]

For each engine: a fresh database, N synthetic cases spread over a year through the bulk path
(``jieyou.analytics.synthetic``: COPY on PostgreSQL, the cases' secondary indexes dropped during
the load and rebuilt after), the aggregates rebuilt from the cases (``rebuild_aggregates``: the
facts of every case in Python, the counts with GROUP BY), then the real server in its own
process and each stats endpoint called ``--requests`` times, one at a time, as the city, as a
county and as a township, for this month and for this year. Prints the load timings and a
table of p50 / p95 latencies. Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text

from jieyou.accounts.models import Role, User
from jieyou.accounts.service import create_token, create_user
from jieyou.analytics.rebuild import rebuild_aggregates
from jieyou.analytics.synthetic import seed_synthetic_cases
from jieyou.cases.models import Case
from jieyou.db import Database
from jieyou.setup import initialise

console = Console()
HERE = Path(__file__).resolve().parent
CITY, COUNTY, TOWNSHIP = "431000000000", "431002000000", "431002101000"
PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway database


def server_app() -> Any:
    """The app with the dashboard's routers (``uvicorn dashboard:server_app --factory``), whether
    or not ``create_app`` includes them yet."""
    from jieyou.analytics.api import router as stats_router
    from jieyou.app import create_app
    from jieyou.web.dashboard import router as dashboard_router

    app = create_app()
    paths = {getattr(r, "path", "") for r in app.routes}
    if "/api/v1/stats/summary" not in paths:
        app.include_router(stats_router)
    if "/dashboard" not in paths:
        app.include_router(dashboard_router)
    return app


@dataclass
class Run:
    engine: str
    cases: int
    load_s: float = 0.0
    index_s: float = 0.0
    rebuild_s: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(
    url: str, cases: int, days: int, run: Run, *, reuse: bool = False
) -> tuple[str, str, str]:
    database = Database(url)
    initialise(database)
    if reuse:
        return _staff(database, run)
    indexes = list(Case.__table__.indexes)
    with database.engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
    start = time.perf_counter()
    seed_synthetic_cases(
        database,
        cases,
        days=days,
        rebuild=False,
        on_batch=lambda n: console.print(f"  loaded {n:,}", end="\r"),
    )
    run.load_s = time.perf_counter() - start
    console.print(f"  loaded {cases:,} cases in {run.load_s:.0f} s")
    start = time.perf_counter()
    with database.engine.begin() as conn:
        for index in indexes:
            index.create(conn)
    run.index_s = time.perf_counter() - start
    console.print(f"  rebuilt the cases' indexes in {run.index_s:.0f} s")
    start = time.perf_counter()
    with database.unit_of_work() as s:
        rebuild_aggregates(s, progress=lambda n: console.print(f"  facts of {n:,} cases", end="\r"))
    run.rebuild_s = time.perf_counter() - start
    console.print(f"  rebuilt the aggregates in {run.rebuild_s:.0f} s")
    _analyse(database)
    return _staff(database, run)


def _staff(database: Database, run: Run) -> tuple[str, str, str]:
    with database.unit_of_work(write=False) as s:
        run.cases = int(s.scalar(text("SELECT count(*) FROM cases")) or 0)
        for table in (
            "analytics_case_facts",
            "analytics_region_counts",
            "analytics_unit_counts",
            "analytics_open_counts",
        ):
            run.rows[table] = int(s.scalar(text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608
    with database.unit_of_work() as s:
        tokens = []
        for username, role, region in (
            ("bench_city", Role.city, CITY),
            ("bench_county", Role.county, COUNTY),
            ("bench_town", Role.township, TOWNSHIP),
        ):
            if s.scalar(select(User.id).where(User.username == username)) is None:
                create_user(
                    s,
                    username=username,
                    role=role,
                    region_code=region,
                    unit_code=f"C{region}",
                    password=PASSWORD,
                )
            tokens.append(create_token(s, username=username)[1])
    database.dispose()
    return tokens[0], tokens[1], tokens[2]


def _analyse(database: Database) -> None:
    """Steady state: planner statistics in place, no autovacuum pass competing for the CPU."""
    if database.dialect == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    else:
        with database.engine.begin() as c:
            c.execute(text("ANALYZE"))


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JIEYOU_DATABASE_URL": url}
    command = [sys.executable, "-m", "uvicorn", "dashboard:server_app", "--factory"]
    command += ["--app-dir", str(HERE), "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server did not start")


def page_client(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login").text
    match = re.search(r'name="csrf" value="([^"]+)"', form)
    assert match, "no csrf on the login page"
    r = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf": match.group(1)}
    )
    assert r.status_code in (200, 303), r.text
    return client


def measure(base: str, tokens: tuple[str, str, str], requests: int, run: Run) -> None:
    today = time.strftime("%Y-%m-%d")
    year = {"from": today[:4] + "-01-01", "to": today}
    scopes = (
        ("city", tokens[0], CITY),
        ("county", tokens[1], COUNTY),
        ("town", tokens[2], TOWNSHIP),
    )
    calls: list[tuple[str, str, dict[str, str], str]] = []
    for scope, token, _ in scopes:
        for label, path, params in (
            ("summary", "/api/v1/stats/summary", {}),
            ("map", "/api/v1/stats/map", {}),
            ("trend day", "/api/v1/stats/trend", {}),
            ("ranking", "/api/v1/stats/ranking", {}),
            ("ranking unit", "/api/v1/stats/ranking", {"by": "unit"}),
            ("summary year", "/api/v1/stats/summary", year),
            ("trend week year", "/api/v1/stats/trend", {"grain": "week", **year}),
            ("ranking year", "/api/v1/stats/ranking", year),
        ):
            calls.append((f"{scope} {label}", path, params, token))
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, path, params, token in calls:
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(3):  # warm the caches and the connection
                client.get(path, params=params, headers=headers)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                r = client.get(path, params=params, headers=headers)
                times.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200, (name, r.status_code, r.text[:300])
            run.latencies[name] = times
    # What the page itself does every minute: one request for everything it draws.
    for username, label in (("bench_city", "city"), ("bench_county", "county")):
        client = page_client(base, username)
        for _ in range(3):
            client.get("/dashboard/data")
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            r = client.get("/dashboard/data")
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, r.text[:300]
        client.close()
        run.latencies[f"{label} page data (all of it)"] = times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_engine(
    engine: str, url: str, cases: int, days: int, requests: int, *, reuse: bool = False
) -> Run:
    run = Run(engine, cases)
    console.print(f"[bold]{engine}[/bold]: {'existing' if reuse else f'{cases:,}'} cases")
    tokens = prepare(url, cases, days, run, reuse=reuse)
    port = free_port()
    proc = start_server(url, port)
    try:
        measure(f"http://127.0.0.1:{port}", tokens, requests, run)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return run


def report(runs: list[Run]) -> None:
    for run in runs:
        console.print(
            f"{run.engine}: {run.cases:,} cases — load {run.load_s:.0f} s, cases' indexes "
            f"{run.index_s:.0f} s, aggregates rebuilt in {run.rebuild_s:.0f} s; rows: "
            + ", ".join(f"{k.removeprefix('analytics_')} {v:,}" for k, v in run.rows.items())
        )
    table = Table(title="dashboard endpoints, one request at a time (ms)")
    table.add_column("request")
    for run in runs:
        table.add_column(f"{run.engine} p50", justify="right")
        table.add_column(f"{run.engine} p95", justify="right")
    names = list(runs[0].latencies) if runs else []
    for name in names:
        cells = []
        for run in runs:
            values = run.latencies.get(name, [])
            cells += [
                f"{statistics.median(values):.1f}" if values else "-",
                f"{percentile(values, 0.95):.1f}" if values else "-",
            ]
        table.add_row(name, *cells)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-cases", type=int, default=1_000_000)
    parser.add_argument("--pg-cases", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365, help="cases spread over this many days")
    parser.add_argument("--requests", type=int, default=100, help="per endpoint and scope")
    parser.add_argument(
        "--sqlite-db", type=Path, help="measure this existing SQLite database (no new cases)"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument(
        "--pg-admin", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    runs: list[Run] = []
    if args.sqlite_db:
        url = f"sqlite:///{args.sqlite_db}"
        runs.append(run_engine("SQLite", url, 0, args.days, args.requests, reuse=True))
    elif not args.skip_sqlite:
        tmp = Path(tempfile.mkdtemp(prefix="jy-dash-"))
        try:
            url = f"sqlite:///{tmp / 'bench.db'}"
            runs.append(run_engine("SQLite", url, args.sqlite_cases, args.days, args.requests))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if not args.skip_pg:
        name = f"jy_dash_bench_{os.getpid()}"
        admin = create_engine(args.pg_admin, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as c:
                c.execute(text(f"CREATE DATABASE {name}"))
        except Exception as exc:  # no server: say so and go on
            console.print(f"[yellow]PostgreSQL skipped[/yellow]: {exc}")
        else:
            url = args.pg_admin.rsplit("/", 1)[0] + f"/{name}"
            try:
                runs.append(run_engine("PostgreSQL", url, args.pg_cases, args.days, args.requests))
            finally:
                with admin.connect() as c:
                    c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    report(runs)


if __name__ == "__main__":
    main()
