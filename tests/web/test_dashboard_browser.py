"""一图可视 in a real browser against the real server: the map draws all 11 counties, a click
on a county drills into its townships and the breadcrumb comes back, the page refreshes its
figures by itself without reloading, and a county user's map is that county alone.

Uses Debian's chromium (never a downloaded browser); skipped where it is missing. With
JIEYOU_SCREENSHOTS=1 the page is saved at 375 px and 1280 px under docs/screenshots/.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_user
from jieyou.analytics.synthetic import seed_synthetic_cases
from jieyou.db import Database
from tests.factories import BEIHU, CITY, case_body
from tests.web.helpers import PASSWORD
from tests.web.live import CHROMIUM, chromium, init_database, live_server, shots_dir

RISKY = "老板欠薪半年不给，我已经把农药买好了，再不给钱我就不想活了。"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")

MAP_DRAWN = """() => {
  const d = window.jieyouDashboard;
  const c = d && d.charts['d-map'];
  if (!c || !echarts.getMap('chenzhou')) return false;
  const series = c.getOption().series;
  return series && series.length > 0 && series[0].data.length > 0;
}"""
REGIONS_DRAWN = """() => {
  const c = window.jieyouDashboard.charts['d-map'];
  return c.getModel().getSeriesByIndex(0).coordinateSystem.regions.map(r => r.name);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("dashboard")
    url = init_database(tmp)
    database = Database(url)
    seed_synthetic_cases(database, 4000, days=120, seed=5)
    with database.unit_of_work() as s:
        for username, role, region, name in [
            ("city", Role.city, CITY, "市矛调中心 张主任"),
            ("beihu", Role.county, BEIHU, "北湖区矛调中心 刘主任"),
        ]:
            create_user(
                s,
                username=username,
                role=role,
                region_code=region,
                unit_code=f"C{region}",
                display_name=name,
                password=PASSWORD,
            )
    database.dispose()
    with live_server(url, tmp) as base:
        # Two alarming cases through intake: alerts for the panel, folded in as they arrive.
        for i, village in enumerate(("431021102003", "431081100201")):
            body = case_body(
                region_code=village,
                description=RISKY,
                submitter={"name": "陈某", "phone": f"1350000000{i}"},
            )
            assert httpx.post(base + "/api/v1/cases", json=body).status_code == 201
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as b:
        yield b


def wait_until(page: Any, script: str, timeout: float = 20.0) -> None:
    """Poll ``script`` until it is truthy. (``wait_for_function`` evaluates its predicate with
    ``eval``, which the site's Content-Security-Policy rightly refuses.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(100)


def loaded(region: str) -> str:
    return f"() => document.getElementById('dash').dataset.loadedRegion === '{region}'"


def shoot(page: Any, name: str, where: Path) -> None:
    """The page at 375 px (phone) and 1280 px (desktop), once the charts have redrawn."""
    for width, height in ((375, 812), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1200)
        page.screenshot(path=str(where / f"{name}-{width}.png"), full_page=True)


def open_dashboard(browser: Any, base: str, username: str, *, clock: bool = False) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    if clock:
        page.clock.install()
    page.goto(base + "/login?next=/dashboard")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/dashboard*")
    wait_until(page, MAP_DRAWN)
    return page


def test_the_city_map_draws_every_county_and_drills_into_townships(
    server: str, browser: Any, tmp_path: Path
) -> None:
    page = open_dashboard(browser, server, "city")
    drawn = page.evaluate(REGIONS_DRAWN)
    assert len(drawn) == 11
    assert {"北湖区", "苏仙区", "桂阳县", "资兴市", "安仁县"} <= set(drawn)
    values = page.evaluate(
        "window.jieyouDashboard.charts['d-map'].getOption().series[0].data.map(d => d.value)"
    )
    assert len(values) == 11 and all(v > 0 for v in values)
    assert page.locator('[data-kpi="received"] .v').inner_text() != "0"
    assert page.locator("#d-alerts li").count() == 2
    shoot(page, "dashboard", shots_dir(tmp_path))

    # A click on 北湖区 drills into its townships; the breadcrumb goes back to the city.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(800)
    box = page.locator("#d-map").bounding_box()
    x, y = page.evaluate(
        "window.jieyouDashboard.charts['d-map'].convertToPixel({seriesIndex: 0}, [112.89, 25.66])"
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    wait_until(page, loaded(BEIHU))
    assert page.locator("#h-areas").inner_text() == "各乡镇（街道）"
    assert "北湖区" in page.locator("#d-crumbs").inner_text()
    townships = page.evaluate("window.jieyouDashboard.charts['d-areas'].getOption().yAxis[0].data")
    assert "华塘镇" in townships
    assert "region=431002000000" in page.url
    if os.environ.get("JIEYOU_SCREENSHOTS") == "1":
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shots_dir(tmp_path) / "dashboard-county-1280.png"), full_page=True)
    page.get_by_role("link", name="郴州市").click()
    wait_until(page, loaded(CITY))
    assert page.locator("#h-areas").inner_text() == "各县（市、区）"


def test_the_page_refreshes_itself_without_reloading(server: str, browser: Any) -> None:
    page = open_dashboard(browser, server, "city", clock=True)
    page.evaluate("window.__same_page = true")
    before = int(page.locator('[data-kpi="received"] .v').inner_text())
    body = case_body(submitter={"name": "赵某", "phone": "13500000009"})
    assert httpx.post(server + "/api/v1/cases", json=body).status_code == 201
    with page.expect_response(lambda r: "/dashboard/data" in r.url):
        page.clock.run_for(61_000)
    tile = "document.querySelector('[data-kpi=\"received\"] .v').textContent"
    wait_until(page, f"() => {tile} === '{before + 1}'")
    assert page.evaluate("window.__same_page") is True


def test_a_county_user_sees_only_the_county(server: str, browser: Any) -> None:
    page = open_dashboard(browser, server, "beihu")
    assert page.evaluate(REGIONS_DRAWN) == ["北湖区"]
    assert page.locator("#h-areas").inner_text() == "各乡镇（街道）"
    assert "郴州市" not in page.locator("#d-crumbs").inner_text()
