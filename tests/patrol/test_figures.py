"""Figures per chief and per village on a small hand-made dataset."""

from __future__ import annotations

from datetime import timedelta

from jieyou.db import utcnow
from jieyou.patrol.service import local_today
from tests.factories import act
from tests.patrol.conftest import W1L1, W1L2, Z1L1
from tests.patrol.helpers import dispute, patrol


def test_figures_per_chief_and_village(client, area):
    chief, chief2, gridw, zchief = area["chief"], area["chief2"], area["gridw"], area["zchief"]
    today = local_today(utcnow())
    old = str(today - timedelta(days=40))  # outside the default 30 days
    assert patrol(client, chief, W1L1, households_visited=9).status_code == 201
    assert patrol(client, chief, W1L1, households_visited=4, patrolled_on=old).status_code == 201
    assert dispute(client, chief, W1L1, settle=True).status_code == 201  # 6 households
    escalated = dispute(client, chief, W1L1).json()["case_number"]
    assert act(client, chief, escalated, "escalate", reason="需镇里协调").status_code == 200
    assert (
        patrol(
            client, chief2, W1L2, households_visited=12, finding="hazard", note="电线裸露"
        ).status_code
        == 201
    )
    for attendance in (30, 12):
        r = client.post(
            "/api/v1/activities",
            json={
                "kind": "publicity",
                "region_code": W1L2,
                "topic": "防范电信诈骗",
                "attendance": attendance,
            },
            headers=gridw.headers,
        )
        assert r.status_code == 201
    r = client.post(
        "/api/v1/activities", json={"kind": "hygiene", "region_code": Z1L1}, headers=zchief.headers
    )
    assert r.status_code == 201
    assert patrol(client, zchief, Z1L1, households_visited=10).status_code == 201

    f = client.get("/api/v1/patrol-figures?region=431002101000", headers=area["huatang"].headers)
    assert f.status_code == 200, f.text
    data = f.json()
    people = {p["key"]: p for p in data["people"]}
    c = people["chief"]
    assert (c["patrols"], c["households_visited"], c["disputes_found"]) == (3, 21, 2)
    assert (c["disputes_handled"], c["settled_on_spot"], c["escalated"]) == (2, 1, 1)
    assert (people["chief2"]["patrols"], people["chief2"]["hazards_found"]) == (1, 1)
    g = people["gridw"]
    assert (g["publicity_sessions"], g["publicity_attendance"], g["patrols"]) == (2, 42, 0)
    assert people["wushan"]["patrols"] == 0  # the village cadre is listed, with zeros
    villages = {v["name"]: v for v in data["villages"]}
    w = villages["吴山村"]
    assert (w["patrols"], w["households_visited"], w["settled_on_spot"]) == (4, 33, 1)
    assert (w["publicity_sessions"], w["publicity_attendance"]) == (2, 42)
    z = villages["招旅村"]
    assert (z["patrols"], z["other_activities"]) == (1, 1)
    assert data["total"]["patrols"] == 5
    assert "tchief" not in people  # 鲁塘镇 is another township

    # A longer period picks up the old patrol.
    start = str(today - timedelta(days=60))
    longer = client.get(f"/api/v1/patrol-figures?from={start}", headers=chief.headers).json()
    assert [p["key"] for p in longer["people"]] == ["chief"]
    assert longer["people"][0]["patrols"] == 4


def test_figures_are_scoped(client, area):
    wushan = area["wushan"]
    assert (
        client.get("/api/v1/patrol-figures?region=431002101000", headers=wushan.headers).status_code
        == 404
    )
    r = client.get("/api/v1/patrol-figures", headers=wushan.headers)
    assert r.status_code == 200 and r.json()["region_name"] == "吴山村"
    bad = client.get("/api/v1/patrol-figures?from=2026-12-01&to=2026-11-01", headers=wushan.headers)
    assert bad.status_code == 422 and "from" in bad.text
    assert (
        client.get("/api/v1/patrol-figures?from=yesterday", headers=wushan.headers).status_code
        == 422
    )
