"""人民调解 in a real browser against the real server with the demo data: the demo mediator
signs in, finds the mediations of 华塘镇, opens an open one and records a session through the
form. Uses Debian's chromium; skipped where it is missing. With JIEYOU_SCREENSHOTS=1 the pages
are saved under docs/screenshots/ (mediation-1280.png, mediation-375.png,
mediation-detail-1280.png)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jieyou.db import Database, utcnow
from jieyou.demo.service import DEMO_PASSWORD, load_demo
from jieyou.mediation.demo import seed_mediation
from tests.web.live import CHROMIUM, chromium, init_database, live_server, shots_dir

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("mediation")
    url = init_database(tmp)
    database = Database(url)
    load_demo(database, cases=220, seed=2026)
    with database.unit_of_work() as s:
        seed_mediation(s, rng=random.Random(2026), now=utcnow())
    database.dispose()
    with live_server(url, tmp) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as b:
        yield b


def test_the_mediator_records_a_session(server: str, browser: Any, tmp_path: Path) -> None:
    where = shots_dir(tmp_path)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(server + "/login?next=/desk/mediation")
    page.get_by_label("用户名").fill("huatang_mediator")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(server + "/desk/mediation*")
    assert page.locator("h1").inner_text().startswith("人民调解")
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 8
    page.screenshot(path=str(where / "mediation-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(300)
    page.screenshot(path=str(where / "mediation-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    # An agreed mediation led by 罗建华: the agreement and the follow-ups, documents offered.
    page.goto(server + "/desk/mediation?tab=agreed")
    page.locator("table.list tbody tr a").first.click()
    page.wait_for_url(server + "/desk/mediation/*")
    assert page.get_by_role("heading", name="调解结果：达成协议").count() == 1

    # An open one naming him: record a session through the form.
    page.goto(server + "/desk/mediation?tab=open")
    page.locator("table.list tbody tr", has_text="罗建华").first.locator("a").first.click()
    page.wait_for_url(server + "/desk/mediation/*")
    if page.locator("#act-session").count() == 0:
        pytest.fail("the mediator cannot record on an open mediation naming him")
    page.fill("#held_at", "2026-11-20T09:30")
    page.fill("#place", "华塘镇人民调解室")
    page.fill("#participants", "双方当事人、调解员罗建华")
    page.fill("#summary", "再次组织双方面对面协商，被申请人同意赔偿。")
    page.get_by_role("button", name="保存调解记录").click()
    page.wait_for_url("**done=sessions")
    assert "已记录调解" in page.locator(".notice").inner_text()
    page.screenshot(path=str(where / "mediation-detail-1280.png"), full_page=True)
    ctx.close()
