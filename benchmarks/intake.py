"""Intake and read benchmark through the real HTTP server on loopback.

    uv run python benchmarks/intake.py [--stored 100000] [--seconds 15] [--concurrency 16]

For SQLite (a fresh file) and PostgreSQL (a fresh database on 127.0.0.1:5432, if reachable):
seed N stored cases with valid hash chains, start ``jieyou serve`` in its own process, then
measure submissions per second (POST /api/v1/cases at the given concurrency) and the latency of
GET /api/v1/cases/{number} and of a township-scoped list, one request at a time.
Prints a table. Targets: >= 300 submissions/s, list p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
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
from jieyou.db import Database
from jieyou.demo.bulk import seed_cases
from jieyou.setup import initialise

console = Console()
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TOWNSHIP = "431002101000"  # 北湖区华塘镇


@dataclass
class Result:
    engine: str
    stored: int
    submissions_per_s: float
    submit_p50: float
    submit_p99: float
    get_p50: float
    get_p99: float
    list_p50: float
    list_p99: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def prepare(url: str, stored: int) -> tuple[str, str, list[str], list[str]]:
    database = Database(url)
    initialise(database)
    start = time.perf_counter()
    seed_cases(database, stored, on_batch=lambda n: console.print(f"  seeded {n:,}", end="\r"))
    console.print(f"  seeded {stored:,} cases in {time.perf_counter() - start:.1f}s")
    with database.unit_of_work() as s:
        create_user(s, username="bench_admin", role=Role.admin, region_code="431000000000")
        create_user(s, username="bench_town", role=Role.township, region_code=TOWNSHIP,
                    unit_code=f"C{TOWNSHIP}")
        _, admin = create_token(s, username="bench_admin")
        _, town = create_token(s, username="bench_town")
        all_numbers = list(s.scalars(select(Case.number).limit(20000)))
        town_numbers = list(s.scalars(
            select(Case.number).where(Case.region_path.like("431002101%")).limit(2000)
        ))
    database.dispose()
    return admin, town, [n for n in all_numbers if n], [n for n in town_numbers if n]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JIEYOU_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jieyou.cli", "serve", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server did not start")


def body(rng: random.Random) -> dict[str, object]:
    village = rng.choice(["431002101201", "431002101202"])
    return {
        "title": "楼上住户深夜噪声扰民",
        "description": f"楼上住户连续{rng.randint(2, 30)}天深夜十二点后仍在搬动家具，多次沟通无果，"
        "影响老人和孩子休息，请社区协调处理。",
        "region_code": village,
        "address": f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元",
        "submitter": {"name": "张女士", "phone": f"139{rng.randint(0, 99_999_999):08d}"},
        "category_code": "0502",
    }


async def submit_load(base: str, seconds: float, concurrency: int) -> tuple[int, int, list[float]]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(seed: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            r = await client.post("/api/v1/cases", json=body(rng))
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 201:
                errors += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(i, client) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return round(len(latencies) / elapsed), errors, latencies


def read_latencies(base: str, token: str, paths: list[str]) -> tuple[list[float], int]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies, errors = [], 0
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for path in paths[:20]:  # warm up
            client.get(path)
        for path in paths:
            t0 = time.perf_counter()
            r = client.get(path)
            latencies.append(time.perf_counter() - t0)
            errors += r.status_code != 200
    return latencies, errors


def run(engine: str, url: str, args: argparse.Namespace) -> Result:
    console.print(f"[bold]{engine}[/bold]: preparing {args.stored:,} stored cases")
    admin, town, numbers, town_numbers = prepare(url, args.stored)
    port = free_port()
    server = start_server(url, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        rate, errors, submit_lat = asyncio.run(
            submit_load(base, args.seconds, args.concurrency)
        )
        rng = random.Random(3)
        get_lat, e1 = read_latencies(
            base, admin, [f"/api/v1/cases/{rng.choice(numbers)}" for _ in range(args.reads)]
        )
        list_paths = []
        for i in range(args.reads):
            page = 1 + i % 5
            status = ["", "&status=submitted", "&status=accepted,closed"][i % 3]
            list_paths.append(f"/api/v1/cases?page={page}&page_size=20{status}")
        list_lat, e2 = read_latencies(base, town, list_paths)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return Result(
        engine, args.stored, rate, pct(submit_lat, 50), pct(submit_lat, 99),
        pct(get_lat, 50), pct(get_lat, 99), pct(list_lat, 50), pct(list_lat, 99),
        errors + e1 + e2,
    )


def pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--reads", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()

    results = []
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in engines:
            results.append(run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args))
        if "postgresql" in engines and pg_available():
            name = f"jieyou_bench_{os.getpid()}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                results.append(run("postgresql", url, args))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

    table = Table(title=f"Intake and reads over HTTP (loopback, {args.workers} worker(s), "
                  f"{args.concurrency} concurrent submitters, reads one at a time)")
    for col in ("engine", "stored", "submissions/s", "submit p50/p99 ms", "GET case p50/p99 ms",
                "township list p50/p99 ms", "errors"):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            r.engine, f"{r.stored:,}", f"{r.submissions_per_s:,.0f}",
            f"{r.submit_p50:.1f} / {r.submit_p99:.1f}", f"{r.get_p50:.1f} / {r.get_p99:.1f}",
            f"{r.list_p50:.1f} / {r.list_p99:.1f}", str(r.errors),
        )
    console.print(table)


if __name__ == "__main__":
    main()
