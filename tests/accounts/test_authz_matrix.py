"""The authorisation matrix: every role × every case endpoint × a case in scope and one out of
scope, plus every list endpoint. Out of scope must be indistinguishable from a case that does
not exist, and no list may mention it.

The endpoints come from the app's own OpenAPI document, so a new endpoint that takes a case
number joins the matrix by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.cases.states import INTERNAL_ACTIONS, Action
from tests.factories import (
    BEIHU,
    CITY,
    HUATANG,
    RENYI,
    WUSHAN,
    Staff,
    act,
    make_lane,
    make_staff,
    submit,
)

MISSING = "JY20990101999999"
OUT_MARK = "越界核查专用"  # only the out-of-scope case's text contains it


@dataclass
class Placement:
    role: Role
    region: str
    unit: str | None
    # How the in-scope case reaches this user: None (by region), "unit" or "user".
    assigned: str | None = None


def placements(lane: str) -> dict[str, Placement]:
    return {
        "admin": Placement(Role.admin, CITY, None),
        "city": Placement(Role.city, CITY, f"C{CITY}"),
        "county": Placement(Role.county, BEIHU, f"C{BEIHU}"),
        "township": Placement(Role.township, HUATANG, f"C{HUATANG}"),
        "village": Placement(Role.village, WUSHAN, f"C{WUSHAN}"),
        "lane_chief": Placement(Role.lane_chief, lane, None, assigned="user"),
        "grid_worker": Placement(Role.grid_worker, lane[:14], None, assigned="user"),
        "department": Placement(Role.department, BEIHU, f"D{BEIHU}-sfj", assigned="unit"),
        "mediator": Placement(Role.mediator, WUSHAN, None, assigned="user"),
    }


def case_paths(client: TestClient) -> list[tuple[str, str]]:
    """(method, path template) of every staff endpoint that names a case."""
    paths = client.get("/openapi.json").json()["paths"]
    found = []
    for path, ops in paths.items():
        if "{number}" in path and not path.startswith("/api/v1/track"):
            found.extend((method.upper(), path) for method in ops)
    return found


def list_paths(client: TestClient) -> list[str]:
    paths = client.get("/openapi.json").json()["paths"]
    return [p for p, ops in paths.items() if "get" in ops and "{" not in p and "/api/" in p]


def fill(path: str, number: str, other: str, action: str = "comment") -> str:
    return path.replace("{number}", number).replace("{other}", other).replace("{action}", action)


def body_without_number(response, number: str) -> object:
    return re.sub(re.escape(number), "<n>", response.text)


@pytest.fixture
def world(client, db):
    lane = make_lane(db, WUSHAN)
    admin = make_staff(db, "root", Role.admin, CITY)
    staff: dict[str, Staff] = {}
    inside: dict[str, str] = {}
    for name, where in placements(lane).items():
        staff[name] = make_staff(db, f"u_{name}", where.role, where.region, where.unit)
        number = submit(client, region_code=WUSHAN, category_code="0802")["number"]
        if where.assigned:
            assert act(client, admin, number, "accept").status_code == 200
            body = {"unit_code": where.unit} if where.assigned == "unit" else {"user": f"u_{name}"}
            r = act(client, admin, number, "assign", **body)
            assert r.status_code == 200, r.text
        inside[name] = number
    outside = submit(
        client, region_code=RENYI, description=f"{OUT_MARK}：桂阳县仁义镇的邻里纠纷，协商未果。"
    )["number"]
    return staff, inside, outside


def test_out_of_scope_cases_are_indistinguishable_from_missing_ones(client, world):
    staff, inside, outside = world
    checked = 0
    actions = [a.value for a in Action if a not in INTERNAL_ACTIONS]
    for name, user in staff.items():
        sees_all = name in ("admin", "city")
        for method, path in case_paths(client):
            for action in actions if "{action}" in path else ["comment"]:
                target = fill(path, outside, inside[name], action)
                missing = fill(path, MISSING, inside[name], action)
                got = client.request(method, target, json={}, headers=user.headers)
                none = client.request(method, missing, json={}, headers=user.headers)
                assert none.status_code == 404, (name, missing)
                if not sees_all:
                    assert got.status_code == 404, (name, method, target, got.text)
                    assert body_without_number(got, outside) == body_without_number(
                        none, MISSING
                    ), (name, target)
                checked += 1
    # 8 roles × (4 case endpoints + one per staff action) — keep the matrix from shrinking.
    assert checked >= 8 * (4 + len(actions))


def test_everyone_reads_their_own_case(client, world):
    staff, inside, _ = world
    for name, user in staff.items():
        r = client.get(f"/api/v1/cases/{inside[name]}", headers=user.headers)
        assert r.status_code == 200, (name, r.text)
        listed = client.get("/api/v1/cases", headers=user.headers).json()["items"]
        assert inside[name] in {c["number"] for c in listed}, name


def test_no_list_mentions_a_case_out_of_scope(client, world):
    staff, _, outside = world
    lists = list_paths(client)
    assert "/api/v1/cases" in lists and "/api/v1/alerts" in lists
    for name, user in staff.items():
        if name in ("admin", "city"):
            continue
        for path in lists:
            r = client.get(path, headers=user.headers)
            assert r.status_code in (200, 403), (name, path, r.status_code)
            assert outside not in r.text and OUT_MARK not in r.text, (name, path)


def test_the_case_page_answers_out_of_scope_like_missing(client, db, world):
    from jieyou.accounts.service import reset_password
    from tests.web.helpers import PASSWORD, login

    _, inside, outside = world

    with db.unit_of_work() as s:
        reset_password(s, username="u_township", password=PASSWORD)
    login(client, "u_township")
    assert client.get(f"/desk/cases/{inside['township']}").status_code == 200
    got = client.get(f"/desk/cases/{outside}")
    none = client.get(f"/desk/cases/{MISSING}")
    assert got.status_code == none.status_code == 404
    assert body_without_number(got, outside) == body_without_number(none, MISSING)
