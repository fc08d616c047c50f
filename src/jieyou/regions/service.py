"""Loading the hierarchy: official divisions from the bundled CSV, demo grids and lanes."""

from __future__ import annotations

import csv
import random
from importlib import resources

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jieyou.errors import Invalid
from jieyou.regions import repository
from jieyou.regions.models import PATH_LENGTH, Level, Region


def path_for(code: str, level: Level) -> str:
    return code[: PATH_LENGTH[level]]


def load_divisions(session: Session) -> int:
    """Insert the Chenzhou divisions that are not there yet; returns how many were added."""
    existing = set(session.scalars(select(Region.code)))
    rows = []
    with resources.files("jieyou.data").joinpath("divisions.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in existing:
                continue
            level = Level(row["level"])
            parent = row["parent_code"] if level != Level.city else None
            rows.append(
                {
                    "code": row["code"],
                    "path": path_for(row["code"], level),
                    "name": row["name"],
                    "level": level.value,
                    "parent_code": parent,
                    "households": None,
                }
            )
    # Parents come before children in the file, so one ordered bulk insert satisfies the FK.
    if rows:
        session.execute(insert(Region), rows)
    return len(rows)


def generate_grids_and_lanes(session: Session, *, seed: int = 7) -> tuple[int, int]:
    """Give every village a few grids (网格) and every grid a handful of lanes (巷道).

    Codes are derived: grid = village code + 2 digits, lane = grid code + 2 digits. Deterministic
    for a seed, and idempotent (villages that already have grids are skipped).
    """
    rng = random.Random(seed)
    villages = session.scalars(
        select(Region).where(Region.level == Level.village).order_by(Region.code)
    ).all()
    with_grids = set(session.scalars(select(Region.parent_code).where(Region.level == Level.grid)))
    rows: list[dict[str, object]] = []
    grids = lanes = 0
    for village in villages:
        n_grids = rng.randint(2, 4)
        lane_counts = [rng.randint(3, 6) for _ in range(n_grids)]
        households = [[rng.randint(6, 15) for _ in range(n)] for n in lane_counts]
        if village.code in with_grids:
            continue
        for g in range(1, n_grids + 1):
            grid_code = f"{village.code}{g:02d}"
            rows.append(
                {
                    "code": grid_code,
                    "path": grid_code,
                    "name": f"{village.name}第{g}网格",
                    "level": Level.grid.value,
                    "parent_code": village.code,
                    "households": sum(households[g - 1]),
                }
            )
            grids += 1
            for lane_no, hh in enumerate(households[g - 1], start=1):
                lane_code = f"{grid_code}{lane_no:02d}"
                rows.append(
                    {
                        "code": lane_code,
                        "path": lane_code,
                        "name": f"{village.name}{g}片{lane_no}巷",
                        "level": Level.lane.value,
                        "parent_code": grid_code,
                        "households": hh,
                    }
                )
                lanes += 1
    if rows:
        session.execute(insert(Region), rows)
    return grids, lanes


def require_region(session: Session, code: str) -> Region:
    region = repository.get(session, code)
    if region is None:
        raise Invalid(f"行政区划代码 {code} 不存在", code="unknown_region", field="region_code")
    return region
