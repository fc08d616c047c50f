"""Who sees which figures: a county sees only its county (map, KPIs, ranking, alerts); the
city sees all; below the township there is no dashboard; out of scope looks like missing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.db import Database
from tests.factories import BEIHU, CITY, GUIYANG, HUATANG, RENYI, WUSHAN, Staff, make_staff, submit
from tests.web.helpers import login, make_user

GUIYANG_VILLAGE = "431021102003"  # 桂阳县仁义镇花坪社区
RISKY = "老板欠薪半年不给，我已经把农药买好了，再不给钱我就不想活了。"


def stats(client: TestClient, staff: Staff, what: str, **params: str):
    return client.get(f"/api/v1/stats/{what}", params=params, headers=staff.headers)


@pytest.fixture
def two_counties(client: TestClient) -> None:
    submit(client, submitter={"name": "甲", "phone": "13900000001"})
    submit(client, submitter={"name": "乙", "phone": "13900000002"}, category_code="0101")
    submit(
        client,
        region_code=GUIYANG_VILLAGE,
        description=RISKY,
        submitter={"name": "丙", "phone": "13900000003"},
    )


def test_county_map_and_figures_show_only_that_county(client, db: Database, two_counties):
    beihu = make_staff(db, "beihu", Role.county, BEIHU, f"C{BEIHU}")
    summary = stats(client, beihu, "summary").json()
    assert summary["region"]["name"] == "北湖区"
    assert summary["kpis"]["received"] == 2
    assert summary["open"] == {"open": 2, "high_risk": 0, "overdue": 0}
    assert {h["region"]["code"] for h in summary["hotspots"]} == {HUATANG}

    the_map = stats(client, beihu, "map").json()
    assert the_map["whole"]["received"] == 2
    assert the_map["areas"], "the county's townships"
    assert all(a["region"]["code"].startswith("431002") for a in the_map["areas"])
    assert {a["region"]["code"] for a in the_map["areas"] if a["received"]} == {HUATANG}

    ranking = stats(client, beihu, "ranking", by="unit", min_cases="1").json()
    assert {r["code"][:7] for r in ranking["rows"]} == {"C431002"}

    # The dashboard's own data: the map colours only 北湖区, the alert of 桂阳县 is not there.
    make_user(db, "beihu_web", Role.county, BEIHU, f"C{BEIHU}")
    login(client, "beihu_web")
    data = client.get("/dashboard/data").json()
    assert [a["region"]["name"] for a in data["geo"]] == ["北湖区"]
    assert data["alerts"]["total"] == 0


def test_the_city_sees_every_county(client, db: Database, two_counties):
    city = make_staff(db, "city", Role.city, CITY, f"C{CITY}")
    summary = stats(client, city, "summary").json()
    assert summary["kpis"]["received"] == 3
    assert summary["open"]["high_risk"] == 1
    areas = stats(client, city, "map").json()["areas"]
    assert len(areas) == 11
    assert {a["region"]["name"]: a["received"] for a in areas if a["received"]} == {
        "北湖区": 2,
        "桂阳县": 1,
    }
    guiyang = stats(client, city, "summary", region=GUIYANG).json()
    assert guiyang["kpis"]["received"] == 1

    make_user(db, "city_web", Role.city, CITY, f"C{CITY}")
    login(client, "city_web")
    data = client.get("/dashboard/data").json()
    assert len(data["geo"]) == 11
    assert data["alerts"]["total"] == 1
    assert data["alerts"]["items"][0]["region_name"] == "花坪社区居委会"


def test_another_county_or_the_city_answers_like_a_missing_region(client, db, two_counties):
    beihu = make_staff(db, "beihu", Role.county, BEIHU, f"C{BEIHU}")
    for region in (GUIYANG, CITY, RENYI, "431099000000"):
        r = stats(client, beihu, "summary", region=region)
        assert r.status_code == 404, region
        assert r.json()["error"]["code"] == "region_not_found"


def test_a_township_sees_its_township_and_ranks_units(client, db, two_counties):
    huatang = make_staff(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    summary = stats(client, huatang, "summary").json()
    assert summary["kpis"]["received"] == 2
    assert stats(client, huatang, "map").json()["areas"] == []
    ranking = stats(client, huatang, "ranking", min_cases="1").json()
    assert ranking["by"] == "unit"
    assert stats(client, huatang, "ranking", by="region").status_code == 422


@pytest.mark.parametrize(
    ("role", "region", "unit"),
    [
        (Role.village, WUSHAN, f"C{WUSHAN}"),
        (Role.department, BEIHU, f"D{BEIHU}-rsj"),
        (Role.mediator, HUATANG, None),
    ],
)
def test_below_the_township_there_is_no_dashboard(client, db, role, region, unit):
    staff = make_staff(db, "someone", role, region, unit)
    r = stats(client, staff, "summary")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "dashboard_not_permitted"


def test_a_village_is_too_fine_for_the_figures(client, db):
    city = make_staff(db, "city", Role.city, CITY, f"C{CITY}")
    r = stats(client, city, "summary", region=WUSHAN)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "region_too_fine"


def test_a_period_must_make_sense(client, db):
    city = make_staff(db, "city", Role.city, CITY, f"C{CITY}")
    r = stats(client, city, "summary", **{"from": "2026-11-30", "to": "2026-11-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_period"
    r = stats(client, city, "summary", **{"from": "2020-01-01", "to": "2026-11-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "period_too_long"
    assert stats(client, city, "trend", grain="hour").status_code == 422
