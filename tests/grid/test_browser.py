"""The village register in a real browser: a village cadre opens 吴山村's register, sees every
grid with its lanes, chiefs, open cases and last patrols, appoints a lane chief through the
form, and finds the new chief on the lane page. On a phone the lane table reads as cards.

Uses Debian's chromium (never a downloaded browser); skipped where it is missing. With
JIEYOU_SCREENSHOTS=1 the register is saved at 375 px and 1280 px under docs/screenshots/.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from jieyou.accounts.models import Role, User
from jieyou.accounts.service import create_user
from jieyou.db import Database
from jieyou.grid import service
from jieyou.grid.demo import seed_grid
from jieyou.grid.schemas import GridIn, LaneIn
from jieyou.patrol.schemas import PatrolCreate
from jieyou.patrol.service import record_patrol
from tests.factories import CITY, HUATANG, WUSHAN, case_body
from tests.web.helpers import PASSWORD
from tests.web.live import CHROMIUM, chromium, init_database, live_server, shots_dir

LANES = [5, 4, 6]  # lanes in each of 吴山村's three grids

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


def _seed(database: Database) -> list[str]:
    """吴山村 with three grids of lanes, staffed by the demo, a few patrols; the lane codes."""
    now = datetime.now(UTC)
    rng = random.Random(11)
    lanes: list[str] = []
    with database.unit_of_work() as s:
        for username, role, region, name in [
            ("admin", Role.admin, CITY, "系统管理员"),
            ("huatang", Role.township, HUATANG, "华塘镇综治中心 黄主任"),
            ("wushan", Role.village, WUSHAN, "吴山村 李书记"),
        ]:
            create_user(
                s,
                username=username,
                role=role,
                region_code=region,
                unit_code=f"C{region}" if role != Role.admin else None,
                display_name=name,
                password=PASSWORD,
            )
        names = ["老屋场片", "枫树下片", "水口片"]
        for n, (count, name) in enumerate(zip(LANES, names, strict=True), start=1):
            grid = service.create_grid(
                s, actor=None, village_code=WUSHAN, data=GridIn(name=f"第{n}网格（{name}）")
            )
            for i in range(1, count + 1):
                lane = service.create_lane(
                    s,
                    actor=None,
                    grid_code=grid.code,
                    data=LaneIn(name=f"{n}片{i}巷", households=rng.randint(6, 15)),
                )
                lanes.append(lane.code)
        s.flush()
        seed_grid(s, rng=rng, now=now)
        admin = s.scalar(select(User).where(User.username == "wushan"))
        assert admin is not None
        for i, code in enumerate(lanes[:-3]):
            record_patrol(
                s,
                actor=admin,
                data=PatrolCreate(
                    lane_code=code,
                    patrolled_on=(now - timedelta(days=2 + 5 * i)).date(),
                    households_visited=4,
                    finding="nothing",
                ),
                now=now,
            )
    return lanes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    tmp = tmp_path_factory.mktemp("grid")
    url = init_database(tmp)
    database = Database(url)
    lanes = _seed(database)
    database.dispose()
    with live_server(url, tmp) as base:
        for i, lane in enumerate((lanes[0], lanes[0], lanes[3], lanes[7])):
            body = case_body(
                region_code=lane, submitter={"name": "李某", "phone": f"1390735000{i}"}
            )
            assert httpx.post(base + "/api/v1/cases", json=body).status_code == 201
        yield base, lanes


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as b:
        yield b


def test_a_village_cadre_reads_the_register_and_appoints_a_lane_chief(
    server: tuple[str, list[str]], browser: Any, tmp_path: Path
) -> None:
    base, lanes = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/login?next=/desk/grid")
    page.get_by_label("用户名").fill("wushan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + f"/desk/grid/villages/{WUSHAN}")
    assert page.locator("section.grid-card").count() == len(LANES)
    assert page.locator("tr[id^='l-']").count() == sum(LANES)
    first = page.locator(f"#l-{lanes[0]}")
    assert first.locator("td").nth(3).inner_text() == "2"  # open cases
    assert "何桂香" in first.inner_text()
    assert page.locator(".never").count() == 3  # lanes never patrolled

    where = shots_dir(tmp_path)
    for width, height in ((375, 812), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        page.screenshot(path=str(where / f"grid-village-{width}.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator(f"#l-{lanes[1]}").get_by_role("link", name="更换巷长").click()
    page.get_by_label("姓名").fill("曾秀英")
    page.get_by_label("联系电话").fill("13807351111")
    page.get_by_label("村规民约").uncheck()
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=str(where / "grid-assign-375.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(base + f"/desk/grid/lanes/{lanes[1]}?done=assign")
    assert "任职已登记" in page.locator(".notice").inner_text()
    text = page.locator("main").inner_text()
    assert "曾秀英" in text and "13807351111" in text and "历任巷长" in text
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(300)
    page.screenshot(path=str(where / "grid-lane-375.png"), full_page=True)
    ctx.close()
