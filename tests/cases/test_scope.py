"""Scope isolation: staff see their subtree and what was dispatched to them; out of scope looks
exactly like not found."""

from __future__ import annotations

from jieyou.accounts.models import Role
from tests.factories import (
    BEIHU,
    CITY,
    GUIYANG,
    HUATANG,
    LUTANG,
    RENYI,
    WUSHAN,
    ZHAOLV,
    act,
    count_rows,
    make_lane,
    make_staff,
    submit,
)


def _numbers(client, staff, **params):
    r = client.get("/api/v1/cases", headers=staff.headers, params=params)
    assert r.status_code == 200, r.text
    return {item["number"] for item in r.json()["items"]}


def test_village_user_cannot_read_or_act_on_another_village_case(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    mine = submit(client, region_code=WUSHAN)["number"]
    theirs = submit(client, region_code=ZHAOLV)["number"]

    assert client.get(f"/api/v1/cases/{mine}", headers=wushan.headers).status_code == 200
    out = client.get(f"/api/v1/cases/{theirs}", headers=wushan.headers)
    missing = client.get("/api/v1/cases/JY20990101999999", headers=wushan.headers)
    assert out.status_code == missing.status_code == 404
    assert out.json()["error"]["code"] == missing.json()["error"]["code"] == "case_not_found"

    events = count_rows(db, "case_events")
    for action in ("accept", "comment", "reject"):
        r = act(client, wushan, theirs, action, note="x", reason="x")
        assert r.status_code == 404
    assert client.get(f"/api/v1/cases/{theirs}/events", headers=wushan.headers).status_code == 404
    assert count_rows(db, "case_events") == events
    assert _numbers(client, wushan) == {mine}


def test_department_sees_only_what_was_dispatched_to_it(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    dept = make_staff(db, "beihu_rsj", Role.department, BEIHU, unit=f"D{BEIHU}-rsj")
    other_dept = make_staff(db, "beihu_zjj", Role.department, BEIHU, unit=f"D{BEIHU}-zjj")
    dispatched = submit(client, category_code="0803")["number"]
    kept = submit(client, category_code="0803")["number"]

    assert _numbers(client, dept) == set()
    assert client.get(f"/api/v1/cases/{dispatched}", headers=dept.headers).status_code == 404

    act(client, town, dispatched, "accept")
    r = act(client, town, dispatched, "assign", unit_code=f"D{BEIHU}-rsj")
    assert r.status_code == 200, r.text

    assert _numbers(client, dept) == {dispatched}
    assert client.get(f"/api/v1/cases/{dispatched}", headers=dept.headers).status_code == 200
    assert client.get(f"/api/v1/cases/{kept}", headers=dept.headers).status_code == 404
    assert _numbers(client, other_dept) == set()
    assert client.get(f"/api/v1/cases/{dispatched}", headers=other_dept.headers).status_code == 404


def test_department_may_handle_but_not_dispatch(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    dept = make_staff(db, "beihu_rsj", Role.department, BEIHU, unit=f"D{BEIHU}-rsj")
    number = submit(client, category_code="0803")["number"]
    act(client, town, number, "accept")
    act(client, town, number, "assign", unit_code=f"D{BEIHU}-rsj")
    r = act(client, dept, number, "assign", unit_code=f"C{WUSHAN}")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "action_not_permitted"
    assert act(client, dept, number, "start").status_code == 200
    assert act(client, town, number, "resolve", outcome="x").status_code == 403


def test_lower_tier_cannot_dispatch_a_case_owned_above_it(client, db):
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    # 合同债务 starts at the township centre, though the case is in the village's subtree.
    number = submit(client, category_code="0803", region_code=WUSHAN)["number"]
    assert client.get(f"/api/v1/cases/{number}", headers=village.headers).status_code == 200
    assert act(client, village, number, "accept").status_code == 403
    assert act(client, village, number, "comment", note="村里已了解情况").status_code == 200


def test_county_sees_its_whole_subtree_and_nothing_of_other_counties(client, db):
    beihu = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    guiyang = make_staff(db, "guiyang", Role.county, GUIYANG, unit=f"C{GUIYANG}")
    city = make_staff(db, "city", Role.city, CITY, unit=f"C{CITY}")
    a = submit(client, region_code=WUSHAN)["number"]
    b = submit(client, region_code=LUTANG)["number"]
    c = submit(client, region_code=RENYI)["number"]
    assert _numbers(client, beihu) == {a, b}
    assert _numbers(client, guiyang) == {c}
    assert _numbers(client, city) == {a, b, c}
    assert _numbers(client, beihu, region=HUATANG) == {a}
    # Filtering by a region outside one's scope narrows, never widens.
    assert _numbers(client, beihu, region=RENYI) == set()


def test_lane_chief_sees_its_lane_and_handles_what_is_assigned_to_it(client, db):
    lane = make_lane(db, WUSHAN)
    chief = make_staff(db, "hejie", Role.lane_chief, lane)
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    in_lane = submit(client, region_code=lane, category_code="0802")["number"]
    elsewhere = submit(client, region_code=WUSHAN, category_code="0802")["number"]
    assert _numbers(client, chief) == {in_lane}
    act(client, village, in_lane, "accept")
    assert act(client, village, in_lane, "assign", user="hejie").status_code == 200
    assert act(client, chief, in_lane, "start").status_code == 200
    r = act(client, chief, in_lane, "resolve", outcome="巷长上门调解，双方握手言和")
    assert r.json()["status"] == "resolved"
    assert client.get(f"/api/v1/cases/{elsewhere}", headers=chief.headers).status_code == 404


def test_assignment_outside_the_owner_subtree_is_refused(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    number = submit(client, category_code="0803")["number"]
    act(client, town, number, "accept")
    events = count_rows(db, "case_events")
    for unit in (f"C{RENYI}", f"D{GUIYANG}-rsj", "C431099000000"):
        r = act(client, town, number, "assign", unit_code=unit)
        assert r.status_code == 422, r.text
    assert count_rows(db, "case_events") == events


def test_staff_endpoints_need_a_valid_token(client, db):
    number = submit(client)["number"]
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{number}").status_code == 401
    bad = {"Authorization": "Bearer jy_not-a-real-token"}
    r = client.get("/api/v1/cases", headers=bad)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_token"
    assert client.get("/api/v1/cases", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.post(f"/api/v1/cases/{number}/actions/accept", json={}).status_code == 401
