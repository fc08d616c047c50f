"""The demo patrols go through the real services and leave valid chains, settled and
escalated cases, and two campaigns (one past due)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import func, select

from jieyou.cases.models import Case
from jieyou.cases.service import verify_all_chains
from jieyou.demo.service import load_demo
from jieyou.patrol.demo import seed_patrol
from jieyou.patrol.models import OnSpotSettlement, Patrol


def test_demo_patrols_campaigns_and_figures(db):
    load_demo(db, cases=5, seed=11)
    now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    with db.unit_of_work() as s:
        counts = seed_patrol(s, rng=random.Random(3), now=now)
    assert counts["patrols"] > 100 and counts["cases"] > 5
    assert counts["settled"] > 0 and counts["escalated"] > 0
    assert counts["activities"] > 10 and counts["campaigns"] == 2
    assert counts["reports"] > 0
    with db.unit_of_work(write=False) as s:
        patrol_cases = s.scalar(
            select(func.count()).select_from(Case).where(Case.channel == "patrol")
        )
        settled = s.scalar(select(func.count()).select_from(OnSpotSettlement))
        latest = s.scalar(select(func.max(Patrol.created_at)))
        _, breaks = verify_all_chains(s)
    assert patrol_cases == counts["cases"] and settled == counts["settled"]
    assert latest is not None and latest <= now
    assert breaks == []
    with db.unit_of_work() as s:
        again = seed_patrol(s, rng=random.Random(3), now=now)
    assert again["patrols"] == 0
