"""The demo register: every lane and grid of the demo villages has a chief, 雷家村 has the
article's 36 lanes, the demo staff are linked to their posts, and a second run adds nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select

from jieyou.accounts.models import Role, User
from jieyou.grid import service
from jieyou.grid.demo import LEIJIA, seed_grid
from jieyou.grid.models import ChiefAssignment
from jieyou.grid.schemas import LaneIn
from jieyou.grid.views import register_for
from tests.factories import WUSHAN, make_lane, make_staff

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_demo_staffs_every_lane_and_links_the_demo_users(db):
    make_lane(db, WUSHAN, 1, 1)
    with db.unit_of_work() as s:
        for n in (2, 3):
            lane = LaneIn(name=f"{n}巷", households=8)
            service.create_lane(s, actor=None, grid_code=f"{WUSHAN}01", data=lane)
    make_staff(db, "wushan", Role.village, WUSHAN)
    make_staff(db, "wushan_lane", Role.lane_chief, f"{WUSHAN}0101")
    make_staff(db, "wushan_grid", Role.grid_worker, f"{WUSHAN}01")
    # A lane chief with an account already (as the patrol demo makes): their lane's 巷长.
    make_staff(db, "chief_2", Role.lane_chief, f"{WUSHAN}0102")
    with db.unit_of_work() as s:
        counts = seed_grid(s, rng=random.Random(7), now=NOW)
    assert counts["villages"] == 4 and counts["assignments"] > 60
    with db.unit_of_work(write=False) as s:
        wushan = register_for(s, None, WUSHAN)
        leijia = register_for(s, None, LEIJIA)
        linked = dict(
            s.execute(
                select(User.username, ChiefAssignment.post)
                .join(ChiefAssignment, ChiefAssignment.user_id == User.id)
                .where(ChiefAssignment.ended_on.is_(None))
            ).all()
        )
    for reg in (wushan, leijia):
        assert reg.lanes_with_chief == len(reg.lanes)
        assert reg.grids_with_chief == len(reg.grids)
        assert all(g.chief is not None for g in reg.groups) and reg.groups
        assert reg.village.boundary
    assert len(leijia.lanes) == 36 and len(leijia.grids) == 4
    assert all(6 <= lane.region.households <= 15 for lane in leijia.lanes)
    assert linked == {
        "wushan": "grid_chief",
        "wushan_lane": "lane_chief",
        "wushan_grid": "grid_worker",
        "chief_2": "lane_chief",
    }
    assert wushan.grids[0].lanes[0].chief.a.person_name == "何桂香"

    with db.unit_of_work() as s:
        again = seed_grid(s, rng=random.Random(7), now=NOW)
    assert again["assignments"] == 0
