"""A small place to patrol: 吴山村 with two grids (three lanes), 招旅村 with one grid, and a
village of 鲁塘镇; the people who work there, each with a password (pages) and a token (API)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_token, create_user
from jieyou.db import Database
from jieyou.regions.models import Region
from tests.factories import HUATANG, LUTANG, WUSHAN, ZHAOLV, Staff
from tests.web.helpers import PASSWORD, login

TAIDONG = "431002102201"  # 鲁塘镇太洞村
W1, W2 = f"{WUSHAN}01", f"{WUSHAN}02"
W1L1, W1L2, W2L1 = f"{W1}01", f"{W1}02", f"{W2}01"
Z1 = f"{ZHAOLV}01"
Z1L1 = f"{Z1}01"
T1 = f"{TAIDONG}01"
T1L1 = f"{T1}01"


def add_places(db: Database) -> None:
    rows = []
    for village, grid, lanes in (
        (WUSHAN, W1, [(W1L1, 9), (W1L2, 12)]),
        (WUSHAN, W2, [(W2L1, 15)]),
        (ZHAOLV, Z1, [(Z1L1, 10)]),
        (TAIDONG, T1, [(T1L1, 8)]),
    ):
        rows.append(
            {
                "code": grid,
                "path": grid,
                "name": f"第{int(grid[-2:])}网格",
                "level": "grid",
                "parent_code": village,
                "households": sum(h for _, h in lanes),
            }
        )
        for code, households in lanes:
            rows.append(
                {
                    "code": code,
                    "path": code,
                    "name": f"{int(grid[-2:])}片{int(code[-2:])}巷",
                    "level": "lane",
                    "parent_code": grid,
                    "households": households,
                }
            )
    with db.unit_of_work() as s:
        s.execute(insert(Region), rows)


PEOPLE = {
    # username: (role, region, unit, display name)
    "chief": (Role.lane_chief, W1L1, None, "何大姐"),
    "chief2": (Role.lane_chief, W1L2, None, "李大哥"),
    "gridw": (Role.grid_worker, W1, None, "小邓"),
    "wushan": (Role.village, WUSHAN, f"C{WUSHAN}", "李书记"),
    "zchief": (Role.lane_chief, Z1L1, None, "招旅巷长"),
    "huatang": (Role.township, HUATANG, f"C{HUATANG}", "华塘综治中心"),
    "lutang": (Role.township, LUTANG, f"C{LUTANG}", "鲁塘综治中心"),
    "tchief": (Role.lane_chief, T1L1, None, "太洞巷长"),
}


@dataclass
class Area:
    people: dict[str, Staff]

    def __getitem__(self, name: str) -> Staff:
        return self.people[name]


@pytest.fixture
def area(db: Database) -> Area:
    add_places(db)
    people: dict[str, Staff] = {}
    with db.unit_of_work() as s:
        for username, (role, region, unit, name) in PEOPLE.items():
            create_user(
                s,
                username=username,
                role=role,
                region_code=region,
                unit_code=unit,
                display_name=name,
                password=PASSWORD,
            )
            _, token = create_token(s, username=username)
            people[username] = Staff(username, token)
    return Area(people)


def signed_in(client: TestClient, username: str) -> TestClient:
    login(client, username)
    return client
