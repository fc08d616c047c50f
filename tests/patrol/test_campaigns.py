"""Screening campaigns (专项排查): launched by a township for its grids, reported per grid,
completion by village; other townships see nothing."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import time_machine

from jieyou.accounts.models import Role
from jieyou.db import utcnow
from jieyou.patrol.service import local_today
from tests.factories import BEIHU, count_rows, make_staff
from tests.patrol.conftest import T1, W1, W1L1, W2, Z1
from tests.patrol.helpers import patrol

SH = ZoneInfo("Asia/Shanghai")


def launch(client, who, **overrides):
    today = local_today(utcnow())
    body = {
        "title": "春节前矛盾纠纷专项排查",
        "description": "重点排查婚恋家庭、邻里、土地山林、劳资欠薪纠纷",
        "due_on": str(today + timedelta(days=10)),
    }
    body.update(overrides)
    return client.post("/api/v1/campaigns", json=body, headers=who.headers)


def report(client, who, campaign_id, grid, **overrides):
    body = {"grid_code": grid, "households_covered": 21, "disputes_found": 2, "hazards_found": 1}
    body.update(overrides)
    return client.post(f"/api/v1/campaigns/{campaign_id}/reports", json=body, headers=who.headers)


def test_township_launches_for_its_grids_and_sees_completion_by_village(client, area):
    r = launch(client, area["huatang"])
    assert r.status_code == 201, r.text
    c = r.json()
    assert (c["grids_total"], c["grids_reported"], c["state"]) == (3, 0, "open")
    villages = {v["name"]: (v["grids_reported"], v["grids_total"]) for v in c["villages"]}
    assert villages == {"吴山村": (0, 2), "招旅村": (0, 1)}

    patrol(client, area["chief"], W1L1, households_visited=9, finding="dispute", note="邻里争吵")
    r = report(client, area["gridw"], c["id"], W1)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "reported"
    detail = client.get(f"/api/v1/campaigns/{c['id']}", headers=area["huatang"].headers).json()
    wushan = next(v for v in detail["villages"] if v["name"] == "吴山村")
    assert (wushan["grids_reported"], wushan["grids_total"]) == (1, 2)
    assert (wushan["households_covered"], wushan["disputes_found"]) == (21, 2)
    # The chiefs' own patrols during the campaign count too.
    assert (wushan["patrols"], wushan["patrol_households"], wushan["patrol_disputes"]) == (1, 9, 1)
    assert detail["grids"][0]["state"] == "waiting"  # unreported first
    listed = client.get("/api/v1/campaigns", headers=area["huatang"].headers).json()
    assert [(x["grids_reported"], x["grids_total"]) for x in listed] == [(1, 3)]


def test_reporting_is_limited_to_own_grids_and_corrects(client, area):
    cid = launch(client, area["huatang"]).json()["id"]
    assert report(client, area["zchief"], cid, W1).status_code == 404
    assert report(client, area["gridw"], cid, W2).status_code == 404
    # A lane chief reports for the grid of their lane.
    assert report(client, area["chief"], cid, W1, disputes_found=0).status_code == 200
    r = report(client, area["gridw"], cid, W1, disputes_found=3)
    assert r.status_code == 200 and r.json()["disputes_found"] == 3
    bad = report(client, area["gridw"], cid, W1, households_covered=-1)
    assert bad.status_code == 422 and "households_covered" in bad.text
    assert report(client, area["huatang"], cid, W1).status_code == 403


def test_other_township_sees_nothing(client, area):
    cid = launch(client, area["huatang"]).json()["id"]
    lutang = area["lutang"]
    assert client.get(f"/api/v1/campaigns/{cid}", headers=lutang.headers).status_code == 404
    assert client.get("/api/v1/campaigns", headers=lutang.headers).json() == []
    assert client.get("/api/v1/campaigns/424242", headers=lutang.headers).status_code == 404
    # The grid workers and villages under 华塘镇 see it.
    for who in ("gridw", "wushan", "zchief"):
        assert client.get(f"/api/v1/campaigns/{cid}", headers=area[who].headers).status_code == 200
    # 招旅村's chief sees only the grid they report for.
    grids = client.get(f"/api/v1/campaigns/{cid}", headers=area["zchief"].headers).json()["grids"]
    assert [g["grid_code"] for g in grids] == [Z1]


def test_launch_refuses_bad_input_and_lower_roles(client, db, area):
    today = local_today(utcnow())
    r = launch(client, area["huatang"], due_on=str(today - timedelta(days=1)))
    assert r.status_code == 422 and "due_on" in r.text
    r = launch(client, area["huatang"], title="")
    assert r.status_code == 422 and "title" in r.text
    r = launch(client, area["huatang"], region_code="431002102000")  # 鲁塘镇: not theirs
    assert r.status_code == 422 and "region_code" in r.text
    assert launch(client, area["wushan"]).status_code == 403
    assert launch(client, area["chief"]).status_code == 403
    assert count_rows(db, "patrol_campaigns") == 0
    assert count_rows(db, "patrol_campaign_grids") == 0


def test_past_due_campaign_is_overdue_with_late_grids(client, area):
    cid = launch(client, area["huatang"]).json()["id"]
    assert report(client, area["gridw"], cid, W1).status_code == 200
    later = utcnow() + timedelta(days=12)
    with time_machine.travel(later, tick=False):
        assert report(client, area["zchief"], cid, Z1).status_code == 200
        c = client.get(f"/api/v1/campaigns/{cid}", headers=area["huatang"].headers).json()
    assert c["state"] == "overdue"
    # 招旅村 reported late; 吴山村's second grid never did.
    assert c["late"] == 2
    states = {g["grid_code"]: g["state"] for g in c["grids"]}
    assert states == {W1: "reported", W2: "missing", Z1: "late"}


def test_county_campaign_has_a_township_overview(client, db, area):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    r = launch(client, county, title="全区安全隐患专项排查")
    assert r.status_code == 201, r.text
    c = r.json()
    towns = {t["name"]: (t["grids_reported"], t["grids_total"]) for t in c["townships"]}
    assert towns == {"华塘镇": (0, 3), "鲁塘镇": (0, 1)}
    assert report(client, area["tchief"], c["id"], T1).status_code == 200
    # Both townships see it (their grids report to it); 鲁塘镇 sees its own grid reported.
    seen = client.get(f"/api/v1/campaigns/{c['id']}", headers=area["lutang"].headers).json()
    lutang = next(t for t in seen["townships"] if t["name"] == "鲁塘镇")
    assert (lutang["grids_reported"], lutang["grids_total"]) == (1, 1)
    assert [g["grid_code"] for g in seen["grids"]] == [T1]
