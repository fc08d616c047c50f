"""Intake and read benchmark through the real HTTP server on loopback (``make bench``).

    uv run python benchmarks/intake.py [--stored 100000] [--seconds 15] [--concurrency 16]

For SQLite (a fresh file) and PostgreSQL (a fresh database on 127.0.0.1:5432, if reachable):
seed N stored cases with valid hash chains, start ``jieyou serve`` in its own process, then
drive it with wrk from a second process: submissions per second (POST /api/v1/cases), then the
latency of GET /api/v1/cases/{number} and of a township-scoped list (mixed filters, pages 1-5).
Prints a table. Targets: >= 300 submissions/s, list p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_token, create_user
from jieyou.cases.models import Case
from jieyou.db import Database, utcnow
from jieyou.demo.bulk import seed_cases
from jieyou.demo.texts import SUPPORTED_CATEGORIES, make_text, random_name
from jieyou.regions.models import Region
from jieyou.setup import initialise

console = Console()
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TOWNSHIP = "431002101000"  # 北湖区华塘镇


@dataclass
class Result:
    engine: str
    stored: int
    submit: Wrk
    get: Wrk
    listed: Wrk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, stored: int) -> tuple[str, str, list[str], list[str]]:
    """Fresh schema, N stored cases, an admin and a township token; numbers and villages."""
    database = Database(url)
    initialise(database)
    start = time.perf_counter()
    seed_cases(database, stored, on_batch=lambda n: console.print(f"  seeded {n:,}", end="\r"))
    console.print(f"  seeded {stored:,} cases in {time.perf_counter() - start:.1f}s")
    if database.dialect == "postgresql":
        # Steady state: statistics in place and no autovacuum pass competing for the CPU.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    with database.unit_of_work() as s:
        create_user(s, username="bench_admin", role=Role.admin, region_code="431000000000")
        create_user(
            s,
            username="bench_town",
            role=Role.township,
            region_code=TOWNSHIP,
            unit_code=f"C{TOWNSHIP}",
        )
        _, admin = create_token(s, username="bench_admin")
        _, town = create_token(s, username="bench_town")
        numbers = [n for n in s.scalars(select(Case.number).limit(20000)) if n]
        villages = list(
            s.scalars(select(Region.code).where(Region.level == "village").order_by(Region.code))
        )
    database.dispose()
    return admin, town, numbers, villages[::10]


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JIEYOU_DATABASE_URL": url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jieyou.cli",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server did not start")


# Realistic, varied submissions (our demo texts across all categories and villages); the
# phone number changes with every request.
SUBMIT_LUA = """
local bodies = {%(bodies)s}
local counter = 0
request = function()
  counter = counter + 1
  local phone = string.format("139%%08d", (counter * 7919 + %(seed)d) %% 100000000)
  local body = string.gsub(bodies[(counter %% #bodies) + 1], "13900000000", phone)
  return wrk.format("POST", "/api/v1/cases", {["Content-Type"] = "application/json"}, body)
end
"""


def submission_bodies(villages: list[str], count: int = 1500) -> str:
    """Lua string literals of JSON bodies (ASCII-escaped, in long brackets)."""
    rng = random.Random(11)
    today = utcnow().date()
    codes = sorted(SUPPORTED_CATEGORIES)
    bodies = []
    for _ in range(count):
        text = make_text(rng, category_code=rng.choice(codes), place="北湖区华塘镇", when=today)
        body = {
            "title": text.title,
            "description": text.description,
            "region_code": rng.choice(villages),
            "address": f"{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
            "submitter": {"name": random_name(rng), "phone": "13900000000"},
        }
        bodies.append("[==[" + json.dumps(body) + "]==]")
    return ",".join(bodies)


READ_LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1],
    {["Authorization"] = "Bearer %(token)s"})
end
"""


@dataclass
class Wrk:
    rate: float
    p50: float
    p99: float
    errors: int


def wrk(bases: list[str], script: str, *, seconds: int, connections: int, tmp: Path) -> Wrk:
    """One wrk per server process, run at once, connections split between them (what a proxy
    in front of several app processes does). Rates add up; latencies are the worst of them."""
    lua = tmp / f"s{abs(hash(script))}.lua"
    lua.write_text(script, encoding="utf-8")
    share = max(1, connections // len(bases))
    procs = [
        subprocess.Popen(
            ["wrk", "-t1", f"-c{share}", f"-d{seconds}s", "--latency", "-s", str(lua), base],
            stdout=subprocess.PIPE,
            text=True,
        )
        for base in bases
    ]
    parts = [_parse(proc.communicate()[0]) for proc in procs]
    return Wrk(
        sum(p.rate for p in parts),
        max(p.p50 for p in parts),
        max(p.p99 for p in parts),
        sum(p.errors for p in parts),
    )


def _parse(out: str) -> Wrk:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Wrk(rate, _ms(lat["50"]), _ms(lat["99"]), errors)


def _ms(text_: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text_).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def lua_list(items: list[str]) -> str:
    return ",".join(f'"{item}"' for item in items)


def run(engine: str, url: str, args: argparse.Namespace, tmp: Path) -> Result:
    console.print(f"[bold]{engine}[/bold]: preparing {args.stored:,} stored cases")
    admin, town, numbers, villages = prepare(url, args.stored)
    processes = args.sqlite_processes if engine == "sqlite" else args.pg_processes
    ports = [free_port() for _ in range(processes)]
    servers = [start_server(url, port) for port in ports]
    base = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        submit = wrk(
            base,
            SUBMIT_LUA % {"bodies": submission_bodies(villages), "seed": 7},
            seconds=args.seconds,
            connections=args.concurrency,
            tmp=tmp,
        )
        rng = random.Random(3)
        get_paths = [f"/api/v1/cases/{rng.choice(numbers)}" for _ in range(2000)]
        get = wrk(
            base,
            READ_LUA % {"paths": lua_list(get_paths), "token": admin},
            seconds=args.read_seconds,
            connections=args.read_concurrency,
            tmp=tmp,
        )
        list_paths = [
            f"/api/v1/cases?page={1 + i % 5}&page_size=20"
            + ["", "&status=submitted", "&status=accepted,closed", "&category=08"][i % 4]
            for i in range(40)
        ]
        listed = wrk(
            base,
            READ_LUA % {"paths": lua_list(list_paths), "token": town},
            seconds=args.read_seconds,
            connections=args.read_concurrency,
            tmp=tmp,
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return Result(engine, args.stored, submit, get, listed)


def pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15, help="submission load duration (s)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent submitters")
    parser.add_argument("--read-seconds", type=int, default=10)
    parser.add_argument("--read-concurrency", type=int, default=4)
    parser.add_argument(
        "--sqlite-processes",
        type=int,
        default=1,
        help="server processes on SQLite (one writer: 1 is right)",
    )
    parser.add_argument(
        "--pg-processes",
        type=int,
        default=2,
        help="server processes on PostgreSQL (stateless: one per core)",
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (Debian: apt-get install wrk); `make bench` installs it")

    results = []
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if "sqlite" in engines:
            results.append(run("sqlite", f"sqlite:///{tmp / 'bench.db'}", args, tmp))
        if "postgresql" in engines and pg_available():
            name = f"jieyou_bench_{os.getpid()}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                results.append(run("postgresql", url, args, tmp))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

    table = Table(
        title="Jieyou over HTTP on loopback (wrk; server processes: "
        f"SQLite {args.sqlite_processes}, "
        f"PostgreSQL {args.pg_processes}; {args.concurrency} concurrent submitters, "
        f"{args.read_concurrency} concurrent readers)"
    )
    for col in (
        "engine",
        "stored cases",
        "submissions/s",
        "submit p50 / p99 ms",
        "GET case p50 / p99 ms",
        "township list p50 / p99 ms",
        "errors",
    ):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            r.engine,
            f"{r.stored:,}",
            f"{r.submit.rate:,.0f}",
            f"{r.submit.p50:.1f} / {r.submit.p99:.1f}",
            f"{r.get.p50:.1f} / {r.get.p99:.1f}",
            f"{r.listed.p50:.1f} / {r.listed.p99:.1f}",
            str(r.submit.errors + r.get.errors + r.listed.errors),
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
