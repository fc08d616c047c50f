"""Patrols, cases opened from them and on-the-spot settlement, through the JSON API."""

from __future__ import annotations

from datetime import timedelta

from jieyou.db import utcnow
from jieyou.patrol.service import local_today
from jieyou.routing.models import TIER_ORDER, Tier
from tests.factories import WUSHAN, ZHAOLV, act, count_rows
from tests.patrol.conftest import W1L1, W1L2, W2L1, Z1L1
from tests.patrol.helpers import dispute, patrol


def test_lane_chief_records_a_patrol_and_sees_it(client, area):
    r = patrol(client, area["chief"], W1L1, households_visited=9, note="各户正常")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["case_number"] is None
    p = body["patrol"]
    assert p["lane_code"] == W1L1
    assert p["finding_label"] == "无异常"
    assert p["patrolled_on"] == str(local_today(utcnow()))
    listed = client.get("/api/v1/patrols?mine=true", headers=area["chief"].headers).json()
    assert [x["id"] for x in listed] == [p["id"]]
    one = client.get(f"/api/v1/patrols/{p['id']}", headers=area["gridw"].headers)
    assert one.status_code == 200  # the grid worker sees the grid's patrols
    village = area["huatang"].headers
    assert len(client.get(f"/api/v1/patrols?region={WUSHAN}", headers=village).json()) == 1
    assert client.get(f"/api/v1/patrols?region={ZHAOLV}", headers=village).json() == []
    assert client.get("/api/v1/patrols?region=4310021019", headers=village).json() == []


def test_bad_patrol_input_names_the_field_and_stores_nothing(client, db, area):
    chief = area["chief"]
    tomorrow = str(local_today(utcnow()) + timedelta(days=1))
    cases = [
        ({"households_visited": 10}, "households_visited"),  # the lane has 9 households
        ({"patrolled_on": tomorrow}, "patrolled_on"),
        ({"patrolled_on": "2026/11/01"}, "patrolled_on"),
        ({"finding": "ghosts"}, "finding"),
        ({"lane_code": "12"}, "lane_code"),
        ({"finding": "dispute", "note": ""}, "note"),
    ]
    for overrides, field in cases:
        r = patrol(client, chief, W1L1, **overrides)
        assert r.status_code == 422, (overrides, r.text)
        assert field in r.text, (field, r.text)
    assert count_rows(db, "patrols") == 0


def test_chief_cannot_record_for_another_village_or_lane(client, db, area):
    r = patrol(client, area["zchief"], W1L1)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "place_not_found"
    # A lane chief's own lane only; the neighbour's lane in the same grid is not theirs.
    assert patrol(client, area["chief"], W1L2).status_code == 404
    # The grid worker covers both lanes of the grid, not the other grid.
    assert patrol(client, area["gridw"], W1L2).status_code == 201
    assert patrol(client, area["gridw"], W2L1).status_code == 404
    # A township centre does not record patrols.
    assert patrol(client, area["huatang"], W1L1).status_code == 403
    assert count_rows(db, "patrols") == 1
    # Nor read another village's patrols.
    assert client.get("/api/v1/patrols", headers=area["zchief"].headers).json() == []
    pid = client.get("/api/v1/patrols", headers=area["gridw"].headers).json()[0]["id"]
    assert client.get(f"/api/v1/patrols/{pid}", headers=area["zchief"].headers).status_code == 404


def test_dispute_opens_a_case_accepted_and_assigned_to_the_chief(client, area):
    chief = area["chief"]
    r = dispute(client, chief, W1L1)
    assert r.status_code == 201, r.text
    number = r.json()["case_number"]
    assert r.json()["case_status"] == "assigned"
    case = client.get(f"/api/v1/cases/{number}", headers=chief.headers)
    assert case.status_code == 200, case.text
    data = case.json()
    assert data["channel"] == "patrol"
    assert data["region_code"] == W1L1
    events = client.get(f"/api/v1/cases/{number}/events", headers=chief.headers).json()
    assert [e["action"] for e in events] == ["submit", "accept", "assign"]
    assert {e["actor"] for e in events} == {"chief"}
    assert data["assigned_user"] == "chief"
    assert events[2]["data"]["user"] == "chief"
    # On the chief's desk, and the village and township can see it too.
    desk = client.get("/api/v1/cases", headers=chief.headers).json()
    assert number in [c["number"] for c in desk["items"]]
    assert client.get(f"/api/v1/cases/{number}", headers=area["huatang"].headers).status_code == 200
    assert client.get(f"/api/v1/cases/{number}", headers=area["zchief"].headers).status_code == 404
    # The patrol links to it.
    listed = client.get("/api/v1/patrols?mine=true", headers=chief.headers).json()
    assert listed[0]["case_number"] == number


def test_chief_escalates_a_case_they_cannot_settle(client, area):
    number = dispute(client, area["chief"], W1L1).json()["case_number"]
    before = client.get(f"/api/v1/cases/{number}", headers=area["chief"].headers).json()["tier"]
    r = act(client, area["chief"], number, "escalate", reason="涉及宅基地权属，需镇里协调")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted"
    assert TIER_ORDER.index(Tier(r.json()["tier"])) == TIER_ORDER.index(Tier(before)) + 1
    assert r.json()["assigned_user"] is None


def test_dispute_settled_on_the_spot(client, area):
    chief = area["chief"]
    r = dispute(client, chief, W1L1, settle=True)
    assert r.status_code == 201, r.text
    assert r.json()["settled_on_spot"] is True
    number = r.json()["case_number"]
    case = client.get(f"/api/v1/cases/{number}", headers=chief.headers).json()
    assert case["status"] == "resolved"
    assert case["outcome"] == "双方同意共同出资疏通排水沟"
    events = client.get(f"/api/v1/cases/{number}/events", headers=chief.headers).json()
    assert [e["action"] for e in events] == ["submit", "accept", "assign", "start", "resolve"]
    assert events[-1]["data"]["on_spot"] is True
    settled = client.get("/api/v1/on-spot?mine=true", headers=chief.headers).json()
    assert [(s["case_number"], s["method_label"]) for s in settled] == [(number, "调解")]
    assert client.get("/api/v1/patrols", headers=chief.headers).json()[0]["settled_on_spot"]


def test_settling_needs_the_assignee_and_an_open_case(client, db, area):
    number = dispute(client, area["chief"], W1L1).json()["case_number"]
    body = {"case_number": number, "method": "persuasion", "outcome": "说服双方各退一步"}
    # Out of scope: like a missing case.
    assert (
        client.post("/api/v1/on-spot", json=body, headers=area["zchief"].headers).status_code == 404
    )
    # In scope, not the assignee.
    r = client.post("/api/v1/on-spot", json=body, headers=area["gridw"].headers)
    assert r.status_code == 403
    r = client.post("/api/v1/on-spot", json={**body, "outcome": ""}, headers=area["chief"].headers)
    assert r.status_code == 422 and "outcome" in r.text
    assert count_rows(db, "on_spot_settlements") == 0
    r = client.post("/api/v1/on-spot", json=body, headers=area["chief"].headers)
    assert r.status_code == 201, r.text
    assert r.json()["case_status"] == "resolved"
    again = client.post("/api/v1/on-spot", json=body, headers=area["chief"].headers)
    assert again.status_code == 409


def test_opening_a_case_later_from_an_earlier_patrol(client, area):
    chief = area["chief"]
    pid = patrol(client, chief, W1L1, finding="hazard", note="巷口电线老化裸露").json()["patrol"][
        "id"
    ]
    body = {"resident_phone": "13907352222", "title": "巷口电线老化"}
    r = client.post(f"/api/v1/patrols/{pid}/case", json=body, headers=chief.headers)
    assert r.status_code == 201, r.text
    again = client.post(f"/api/v1/patrols/{pid}/case", json=body, headers=chief.headers)
    assert again.status_code == 409
    quiet = patrol(client, chief, W1L1).json()["patrol"]["id"]
    r = client.post(f"/api/v1/patrols/{quiet}/case", json=body, headers=chief.headers)
    assert r.status_code == 422
    r = client.post("/api/v1/patrols/999999/case", json=body, headers=chief.headers)
    assert r.status_code == 404
    bad = client.post(
        f"/api/v1/patrols/{pid}/case", json={"resident_phone": "123"}, headers=chief.headers
    )
    assert bad.status_code == 422 and "resident_phone" in bad.text


def test_activities_are_logged_with_topic_and_attendance(client, db, area):
    gridw = area["gridw"]
    body = {"kind": "publicity", "region_code": W1L2, "topic": "城乡居民医保缴费"}
    r = client.post("/api/v1/activities", json=body, headers=gridw.headers)
    assert r.status_code == 422 and "attendance" in r.text
    r = client.post("/api/v1/activities", json={**body, "attendance": 23}, headers=gridw.headers)
    assert r.status_code == 201, r.text
    assert r.json()["kind_label"] == "宣传政策"
    grid = client.post(
        "/api/v1/activities",
        json={"kind": "hygiene", "region_code": W1[:14], "note": "清理巷道垃圾"},
        headers=gridw.headers,
    )
    assert grid.status_code == 201, grid.text
    other = {"kind": "hygiene", "region_code": Z1L1}
    assert client.post("/api/v1/activities", json=other, headers=gridw.headers).status_code == 404
    assert count_rows(db, "patrol_activities") == 2
    listed = client.get("/api/v1/activities?kind=publicity", headers=area["wushan"].headers).json()
    assert [a["attendance"] for a in listed] == [23]


W1 = W1L1[:14]
