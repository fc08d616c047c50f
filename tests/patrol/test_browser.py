"""The chief's phone page and the campaign page in a real browser against the real server:
a dispute found on patrol is settled on the spot from a 375 px screen, and the township reads
completion by village. Debian chromium only; skipped where it is missing. With
JIEYOU_SCREENSHOTS=1 the pages are saved under docs/screenshots/ (patrol-375.png,
campaign-1280.png, patrol-figures-1280.png)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jieyou.db import Database, utcnow
from jieyou.demo.service import DEMO_PASSWORD, load_demo
from jieyou.patrol.demo import seed_patrol
from jieyou.patrol.models import Campaign
from tests.web.live import CHROMIUM, chromium, init_database, live_server, shots_dir

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    tmp = tmp_path_factory.mktemp("patrol")
    url = init_database(tmp)
    database = Database(url)
    load_demo(database, cases=20, seed=5)
    with database.unit_of_work() as s:
        seed_patrol(s, rng=random.Random(5), now=utcnow())
        running = s.scalar(select(Campaign.id).order_by(Campaign.due_on.desc()).limit(1))
    database.dispose()
    assert running is not None
    with live_server(url, tmp) as base:
        yield base, running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as b:
        yield b


def sign_in(browser: Any, base: str, username: str, width: int, height: int, then: str) -> Any:
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/login?next=" + then)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + then + "*")
    return page


def test_chief_settles_a_dispute_from_a_phone(
    server: tuple[str, int], browser: Any, tmp_path: Path
) -> None:
    base, _ = server
    page = sign_in(browser, base, "wushan_lane", 375, 812, "/desk/patrol")
    # The case fields appear only once a dispute is chosen and 当场化解 picked.
    assert not page.get_by_label("反映人手机").is_visible()
    page.get_by_label("走访户数").fill("8")
    page.get_by_label("矛盾纠纷").check()
    page.get_by_label("情况说明").fill("5号、7号两户因屋檐滴水落到邻家院子起争执")
    page.get_by_label("当场化解").check()
    assert page.get_by_label("反映人手机").is_visible()
    page.get_by_label("反映人", exact=True).fill("曾桂英")
    page.get_by_label("反映人手机").fill("13907359876")
    page.get_by_label("对方当事人").fill("曾德明")
    page.get_by_label("化解方式").select_option("negotiation")
    page.get_by_label("化解结果").fill("双方协商加装接水槽，费用各出一半")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width}px)"
    page.screenshot(path=str(shots_dir(tmp_path) / "patrol-375.png"), full_page=True)
    page.get_by_role("button", name="保存排查记录").click()
    page.wait_for_url(base + "/desk/patrol?saved=settled*")
    assert "已当场化解" in page.locator("[role=status]").inner_text()


def test_township_reads_campaign_completion(
    server: tuple[str, int], browser: Any, tmp_path: Path
) -> None:
    base, running = server
    page = sign_in(browser, base, "huatang", 1280, 800, f"/desk/patrol/campaigns/{running}")
    assert "按村（社区）" in page.content()
    assert page.locator("table.fig").nth(0).locator("tbody tr").count() > 5
    page.screenshot(path=str(shots_dir(tmp_path) / "campaign-1280.png"), full_page=True)
    page.goto(base + "/desk/patrol/figures")
    assert "吴山村" in page.content()
    page.screenshot(path=str(shots_dir(tmp_path) / "patrol-figures-1280.png"), full_page=True)
