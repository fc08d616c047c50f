"""Demo data for the work on the ground: patrols, campaigns and activities, the grid registry
and its chiefs (三长制), and mediation. Runs after the demo cases exist (patrols open some
cases and mediation works on others); each part in its own transaction, in this order."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from jieyou.db import Database, utcnow
from jieyou.grid.demo import seed_grid
from jieyou.mediation.demo import seed_mediation
from jieyou.patrol.demo import seed_patrol

Seed = Callable[..., dict[str, int]]
# The patrol demo makes the lane chiefs' accounts; the grid demo then links them to their posts.
PARTS: list[tuple[str, Seed]] = [
    ("patrol", seed_patrol),
    ("grid", seed_grid),
    ("mediation", seed_mediation),
]


def load_grassroots_demo(
    database: Database, *, seed: int = 2026, now: datetime | None = None
) -> dict[str, dict[str, int]]:
    """What each part added, by part."""
    now = now or utcnow()
    added: dict[str, dict[str, int]] = {}
    for name, seed_part in PARTS:
        session: Session
        with database.unit_of_work() as session:
            added[name] = seed_part(session, rng=random.Random(f"{seed}-{name}"), now=now)
    return added
