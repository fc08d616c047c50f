"""The hierarchy is one tree, and a subtree is one indexed range query."""

from __future__ import annotations

from sqlalchemy import text

from jieyou.regions.models import Level
from jieyou.regions.repository import descendants
from jieyou.regions.service import generate_grids_and_lanes
from tests.factories import BEIHU, HUATANG, WUSHAN


def test_subtree_of_a_township_is_exactly_its_villages(db):
    with db.unit_of_work(write=False) as s:
        villages = descendants(s, "431002101", level=Level.village)
        county = descendants(s, "431002")
    assert villages and all(v.parent_code == HUATANG for v in villages)
    assert {v.code for v in villages} >= {WUSHAN}
    assert all(r.code.startswith("431002") for r in county)
    assert any(r.code == BEIHU for r in county)


def test_generated_grids_and_lanes_have_derived_codes_and_are_idempotent(db):
    with db.unit_of_work() as s:
        grids, lanes = generate_grids_and_lanes(s, seed=1)
        again = generate_grids_and_lanes(s, seed=1)
        lane_rows = descendants(s, WUSHAN, level=Level.lane)
        grid_rows = descendants(s, WUSHAN, level=Level.grid)
    assert grids >= 2 * 2420 and lanes >= 3 * grids
    assert again == (0, 0)
    assert all(len(g.code) == 14 and g.parent_code == WUSHAN for g in grid_rows)
    assert all(len(lane.code) == 16 and 6 <= (lane.households or 0) <= 15 for lane in lane_rows)
    assert all(lane.parent_code in {g.code for g in grid_rows} for lane in lane_rows)


def test_subtree_query_uses_an_index(db, connection):
    if connection.dialect.name == "sqlite":
        plan = connection.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT * FROM cases WHERE region_path >= '431002101' "
                "AND region_path < '431002101:'"
            )
        ).all()
        assert "ix_cases_region_path_created_at" in " ".join(str(row) for row in plan)
    else:
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = connection.execute(
            text(
                "EXPLAIN SELECT * FROM cases WHERE region_path >= '431002101' "
                "AND region_path < '431002101:'"
            )
        ).all()
        assert "ix_cases_region_path_created_at" in " ".join(str(row) for row in plan)
