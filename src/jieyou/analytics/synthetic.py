"""Synthetic cases in bulk, for the dashboard's benchmark and screenshots: millions of rows
whose fields are consistent with the lifecycle (accepted before resolved, ratings only on closed
cases, overdue marks where a deadline passed), then :func:`rebuild_aggregates`.

They have no events (``jieyou audit verify`` reports every one of them) and bypass intake:
never use this on a database with real cases. On PostgreSQL the rows go in with COPY.
"""

from __future__ import annotations

import random
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from jieyou.analytics.rebuild import rebuild_aggregates
from jieyou.cases.intake import QUERY_CODE_ALPHABET, format_number
from jieyou.cases.models import Case
from jieyou.db import Database, utcnow
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.routing.models import TIER_ORDER, Category, Tier, Unit

COLUMNS = (
    "id", "number", "query_code", "kind", "channel", "status", "title", "description",
    "region_code", "region_path", "township_path", "category_code", "category_confirmed",
    "needs_triage", "risk_level", "risk_reasons", "submitter_name", "submitter_phone", "tier",
    "owner_unit_id", "created_at", "updated_at", "accepted_at", "resolved_at", "closed_at",
    "accept_by", "contact_by", "resolve_by", "overdue_at", "supervision_level", "rating",
    "event_count", "last_event_hash",
)  # fmt: skip
RISKS = (("normal", 85), ("elevated", 10), ("high", 4), ("critical", 1))
CHANNELS = ("web", "web", "web", "phone", "walk_in", "patrol")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Places:
    villages: list[tuple[str, str]]  # (code, path)
    centres: dict[str, int]  # centre or committee code -> unit id
    categories: list[tuple[str, str]]  # (code, default tier)


def _places(database: Database) -> Places:
    with database.unit_of_work(write=False) as s:
        villages = [
            (code, path)
            for code, path in s.execute(
                select(Region.code, Region.path)
                .where(Region.level == Level.village)
                .order_by(Region.code)
            ).all()
        ]
        centres = {
            code: unit_id
            for code, unit_id in s.execute(
                select(Unit.code, Unit.id).where(Unit.code.like("C%"))
            ).all()
        }
        categories = [
            (code, tier)
            for code, tier in s.execute(
                select(Category.code, Category.default_tier)
                .where(Category.level == 2)
                .order_by(Category.code)
            ).all()
        ]
    return Places(villages, centres, categories)


def _owner(places: Places, path: str, tier: Tier) -> int:
    length = PATH_LENGTH[Level(tier.value)]
    return places.centres[f"C{official_code(path[:length])}"]


def synthetic_rows(
    places: Places, count: int, *, start_id: int, now: datetime, days: int, seed: int
) -> Iterator[dict[str, Any]]:
    """``count`` consistent cases submitted over the ``days`` before ``now``."""
    rng = random.Random(seed)
    risks = [r for r, _ in RISKS]
    risk_weights = [w for _, w in RISKS]
    span = days * 86400
    for case_id in range(start_id, start_id + count):
        code, path = rng.choice(places.villages)
        category, default_tier = rng.choice(places.categories)
        tier = Tier(default_tier)
        created = now - timedelta(seconds=span * rng.random() ** 0.9)
        age = now - created
        accept_by = created + 24 * HOUR
        resolve_by = created + timedelta(days=9, hours=15)
        row: dict[str, Any] = {
            "id": case_id,
            "number": format_number(case_id, created),
            "query_code": "".join(rng.choices(QUERY_CODE_ALPHABET, k=6)),
            "kind": "grievance",
            "channel": rng.choice(CHANNELS),
            "status": "submitted",
            "title": f"合成诉求 {case_id}",
            "description": "用于看板性能测试与截图的合成诉求。",
            "region_code": code,
            "region_path": path,
            "township_path": path[:9],
            "category_code": category,
            "category_confirmed": True,
            "needs_triage": False,
            "risk_level": rng.choices(risks, risk_weights)[0],
            "risk_reasons": "[]",
            "submitter_name": rng.choice(SURNAMES) + "某",
            "submitter_phone": f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
            "tier": tier.value,
            "owner_unit_id": _owner(places, path, tier),
            "created_at": created,
            "updated_at": created,
            "accepted_at": None,
            "resolved_at": None,
            "closed_at": None,
            "accept_by": accept_by,
            "contact_by": accept_by,
            "resolve_by": resolve_by,
            "overdue_at": None,
            "supervision_level": 0,
            "rating": None,
            "event_count": 0,
            "last_event_hash": "",
        }
        _live(row, rng, now, age, places, path)
        yield row


def _live(
    row: dict[str, Any],
    rng: random.Random,
    now: datetime,
    age: timedelta,
    places: Places,
    path: str,
) -> None:
    """Walk the case as far as its age allows."""
    created: datetime = row["created_at"]
    answer = created + HOUR * rng.expovariate(1 / (6 if rng.random() < 0.9 else 40))
    if answer > now:
        if now > row["accept_by"]:
            row["overdue_at"] = row["accept_by"]
        return
    if answer > row["accept_by"]:
        row["overdue_at"] = row["accept_by"]
        row["supervision_level"] = 1
    roll = rng.random()
    if roll < 0.04:  # 不予受理
        row.update(status="rejected", closed_at=answer, updated_at=answer)
        return
    if roll < 0.07:  # a duplicate, closed into another case
        row.update(status="closed", closed_at=answer, updated_at=answer)
        return
    row.update(status="in_progress", accepted_at=answer, updated_at=answer)
    if rng.random() < 0.06 and row["tier"] != Tier.city:  # escalated one tier
        tier = TIER_ORDER[TIER_ORDER.index(Tier(row["tier"])) + 1]
        row.update(tier=tier.value, owner_unit_id=_owner(places, path, tier))
    resolved = answer + timedelta(days=rng.lognormvariate(1.2, 0.8))
    if resolved > now:
        if now > row["resolve_by"]:
            row["overdue_at"] = row["overdue_at"] or row["resolve_by"]
        return
    if resolved > row["resolve_by"]:
        row["overdue_at"] = row["overdue_at"] or row["resolve_by"]
    row.update(status="resolved", resolved_at=resolved, updated_at=resolved)
    verdict = resolved + timedelta(days=rng.uniform(0.5, 8))
    if verdict > now:
        return
    roll = rng.random()
    if roll < 0.55:
        rating = "satisfied"
    elif roll < 0.72:
        rating = "basically_satisfied"
    elif roll < 0.77:
        rating = "unsatisfied"  # closed by staff over the resident's objection
    elif roll < 0.95:
        rating = "unrated"
    else:
        rating = None  # closed by staff, no rating asked
    row.update(status="closed", rating=rating, closed_at=verdict, updated_at=verdict)


# --- engine differences: one small function ------------------------------------------------


def _insert_rows(database: Database, rows: list[dict[str, Any]]) -> None:
    if database.dialect == "postgresql":
        with database.unit_of_work() as s:
            raw = s.connection().connection.driver_connection
            assert raw is not None
            columns = ", ".join(COLUMNS)
            with raw.cursor() as cursor, cursor.copy(f"COPY cases ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in COLUMNS])
        return
    with database.unit_of_work() as s:
        s.execute(
            insert(typing.cast(Table, Case.__table__)), [{**r, "risk_reasons": []} for r in rows]
        )


def seed_synthetic_cases(
    database: Database,
    count: int,
    *,
    days: int = 365,
    seed: int = 1,
    batch: int = 50_000,
    rebuild: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Add ``count`` synthetic cases, then (by default) rebuild the aggregates."""
    places = _places(database)
    with database.unit_of_work(write=False) as s:
        start = (s.scalar(select(func.max(Case.id))) or 0) + 1
    now = utcnow()
    done = 0
    rows = synthetic_rows(places, count, start_id=start, now=now, days=days, seed=seed)
    while done < count:
        chunk = [next(rows) for _ in range(min(batch, count - done))]
        _insert_rows(database, chunk)
        done += len(chunk)
        if on_batch:
            on_batch(done)
    if database.dialect == "postgresql":
        with database.unit_of_work() as s:
            last = "(SELECT max(id) FROM cases)"
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('cases', 'id'), {last})"))
    if rebuild:
        with database.unit_of_work() as s:
            rebuild_aggregates(s)
    return done
