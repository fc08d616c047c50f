"""The dashboard page: who gets it, what it shows before any JavaScript runs, its data."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.db import Database
from tests.factories import BEIHU, CITY, WUSHAN, submit
from tests.web.helpers import login, make_user


def test_signed_out_goes_to_the_login_page(client: TestClient):
    r = client.get("/dashboard", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=%2Fdashboard")


def test_city_page_shows_the_figures_and_loads_only_local_scripts(client: TestClient, db: Database):
    submit(client)
    make_user(db, "city_web", Role.city, CITY, f"C{CITY}")
    login(client, "city_web")
    r = client.get("/dashboard")
    assert r.status_code == 200
    html = r.text
    assert "一图可视" in html and "郴州市" in html
    assert 'data-kpi="received"' in html and "响应率" in html and "矛盾不上交" in html
    assert 'data-kpi="mediation_success_rate"' in html and "调解成功率" in html
    assert 'id="d-map"' in html
    assert "/static/vendor/echarts.min.js" in html and "/static/dashboard.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    # The static files are there.
    for path in (
        "/static/vendor/echarts.min.js",
        "/static/dashboard.js",
        "/static/dashboard.css",
        "/static/geo/chenzhou-counties-gcj02.geojson",
    ):
        assert client.get(path).status_code == 200, path


def test_county_drill_down_by_query(client: TestClient, db: Database):
    submit(client)
    make_user(db, "city_web", Role.city, CITY, f"C{CITY}")
    login(client, "city_web")
    r = client.get("/dashboard", params={"region": BEIHU})
    assert r.status_code == 200
    assert "各乡镇（街道）" in r.text and "华塘镇" in r.text
    data = client.get("/dashboard/data", params={"region": BEIHU}).json()
    assert data["summary"]["region"]["name"] == "北湖区"
    assert len(data["geo"]) == 11  # the map still shows every county
    assert {a["region"]["name"] for a in data["map"]["areas"]} >= {"华塘镇", "鲁塘镇"}
    assert set(data["trend"]) == {"day", "week"}
    assert data["ranking"]["by"] == "region"


def test_village_staff_get_a_refusal_page(client: TestClient, db: Database):
    make_user(db, "wushan_web", Role.village, WUSHAN, f"C{WUSHAN}")
    login(client, "wushan_web")
    r = client.get("/dashboard")
    assert r.status_code == 403
    assert "一图可视面向乡镇（街道）及以上综治中心" in r.text


def test_bad_dates_are_refused_in_chinese(client: TestClient, db: Database):
    make_user(db, "city_web", Role.city, CITY, f"C{CITY}")
    login(client, "city_web")
    r = client.get("/dashboard", params={"from": "2026-13-01"})
    assert r.status_code == 422
    assert "日期格式应为" in r.text
