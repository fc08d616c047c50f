"""A village that handles a case, a township and a county that supervise it, a mediator with
an account, and a township elsewhere that must see nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from jieyou.accounts.models import Role
from tests.factories import BEIHU, CITY, HUATANG, RENYI, WUSHAN, Staff, make_staff
from tests.mediation.helpers import accepted_case, add_mediator
from tests.web.helpers import make_user


@dataclass
class World:
    admin: Staff
    village: Staff  # 吴山村: owns the case (handles it)
    township: Staff  # 华塘镇: supervises (reads masked)
    county: Staff
    mediator: Staff  # a mediator's account, named on the mediation
    outsider: Staff  # 仁义镇 in 桂阳县
    mediator_id: int
    number: str


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-27T10:00:00+08:00", tick=False) as t:
        yield t


@pytest.fixture
def world(client, db, frozen) -> World:
    admin = make_staff(db, "root", Role.admin, CITY)
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    township = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    make_user(db, "he_mediator", Role.mediator, HUATANG)
    from jieyou.accounts.service import create_token

    with db.unit_of_work() as s:
        _, token = create_token(s, username="he_mediator")
    mediator = Staff("he_mediator", token)
    outsider = make_staff(db, "renyi", Role.township, RENYI, unit=f"C{RENYI}")
    entry: dict[str, Any] = add_mediator(client, village, username="he_mediator")
    number = accepted_case(client, admin)
    return World(admin, village, township, county, mediator, outsider, entry["id"], number)
