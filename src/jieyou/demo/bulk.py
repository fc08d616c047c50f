"""Many cases fast, for benchmarks and scale tests: bulk inserts with valid hash chains.

Each case gets its submit event (and, for cases past ``submitted``, an accept event) computed
with the same digest as the service writes, so ``jieyou audit verify`` passes on the result.
Bypasses intake validation on purpose; never use it for real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text

from jieyou.cases.chain import GENESIS, event_digest
from jieyou.cases.intake import QUERY_CODE_ALPHABET, format_number
from jieyou.cases.models import Case, CaseEvent
from jieyou.db import Database, utcnow
from jieyou.regions.models import Level, Region, official_code
from jieyou.routing.models import Category, Unit
from jieyou.routing.service import centre_code

STATUS_MIX = [("submitted", 15), ("accepted", 15), ("closed", 70)]


def seed_cases(
    database: Database,
    count: int,
    *,
    seed: int = 1,
    batch: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    rng = random.Random(seed)
    now = utcnow()
    with database.unit_of_work(write=False) as s:
        villages = s.execute(
            select(Region.code, Region.path).where(Region.level == Level.village)
        ).all()
        categories = s.scalars(select(Category.code).where(Category.level == 2)).all()
        township_units = dict(
            s.execute(select(Unit.code, Unit.id).where(Unit.code.like("C%"))).all()
        )
        start_id = (s.scalar(select(func.max(Case.id))) or 0) + 1
        start_event = (s.scalar(select(func.max(CaseEvent.id))) or 0) + 1
    statuses = [st for st, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    case_id, event_id, done = start_id, start_event, 0
    while done < count:
        n = min(batch, count - done)
        cases: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        for _ in range(n):
            code, path = rng.choice(villages)
            owner = township_units[centre_code(official_code(path[:9]))]
            created = now - timedelta(seconds=rng.randint(60, 365 * 86400))
            number = format_number(case_id, created)
            status = rng.choices(statuses, weights)[0]
            chain: list[tuple[str, str | None, str, datetime, str]] = [
                ("submit", None, "submitted", created, "resident")
            ]
            if status != "submitted":
                chain.append(("accept", "submitted", status, created + timedelta(hours=3), "u1"))
            prev = GENESIS
            for seq, (action, frm, to, at, actor) in enumerate(chain, start=1):
                kind = "resident" if actor == "resident" else "staff"
                digest = event_digest(
                    case_number=number,
                    seq=seq,
                    action=action,
                    from_status=frm,
                    to_status=to,
                    actor_kind=kind,
                    actor_name=actor,
                    at=at,
                    note=None,
                    data={},
                    is_public=True,
                    prev_hash=prev,
                )
                events.append(
                    {
                        "id": event_id,
                        "case_id": case_id,
                        "seq": seq,
                        "action": action,
                        "from_status": frm,
                        "to_status": to,
                        "actor_kind": kind,
                        "actor_id": None,
                        "actor_name": actor,
                        "at": at,
                        "note": None,
                        "data": {},
                        "is_public": True,
                        "prev_hash": prev,
                        "hash": digest,
                    }
                )
                event_id += 1
                prev = digest
            cases.append(
                {
                    "id": case_id,
                    "number": number,
                    "query_code": "".join(rng.choices(QUERY_CODE_ALPHABET, k=6)),
                    "kind": "grievance",
                    "channel": "web",
                    "status": status,
                    "title": f"批量测试诉求 {case_id}",
                    "description": "用于性能测试的批量诉求内容。",
                    "region_code": code,
                    "region_path": path,
                    "township_path": path[:9],
                    "address": None,
                    "lat": None,
                    "lng": None,
                    "category_code": rng.choice(categories),
                    "risk_level": "normal",
                    "submitter_name": None,
                    "submitter_phone": f"139{rng.randint(0, 99999999):08d}",
                    "tier": "township",
                    "owner_unit_id": owner,
                    "assigned_unit_id": None,
                    "assigned_user_id": None,
                    "created_by_id": None,
                    "outcome": None,
                    "reply": None,
                    "rating": None,
                    "rating_comment": None,
                    "created_at": created,
                    "updated_at": chain[-1][3],
                    "accepted_at": None,
                    "resolved_at": None,
                    "closed_at": None,
                    "event_count": len(chain),
                    "last_event_hash": prev,
                }
            )
            case_id += 1
        with database.unit_of_work() as s:
            s.execute(insert(Case), cases)
            s.execute(insert(CaseEvent), events)
        done += n
        if on_batch:
            on_batch(done)
    if database.dialect == "postgresql":
        with database.unit_of_work() as s:
            for table in ("cases", "case_events"):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return done
