"""The chief's phone page and the campaign page in a real browser against the real server:
a dispute found on patrol is settled on the spot from a 375 px screen, and the township reads
completion by village. Debian chromium only; skipped where it is missing. With
JIEYOU_SCREENSHOTS=1 the pages are saved under docs/screenshots/ (patrol-375.png,
campaign-1280.png, patrol-figures-1280.png)."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jieyou.db import Database, utcnow
from jieyou.demo.service import DEMO_PASSWORD, load_demo
from jieyou.patrol.demo import seed_patrol
from jieyou.patrol.models import Campaign

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    tmp = tmp_path_factory.mktemp("patrol")
    url = f"sqlite:///{tmp / 'jieyou.db'}"
    jieyou = Path(sys.executable).parent / "jieyou"
    subprocess.run([str(jieyou), "--database", url, "init"], check=True, capture_output=True)  # noqa: S603
    database = Database(url)
    load_demo(database, cases=20, seed=5)
    with database.unit_of_work() as s:
        seed_patrol(s, rng=random.Random(5), now=utcnow())
        running = s.scalar(select(Campaign.id).order_by(Campaign.due_on.desc()).limit(1))
    database.dispose()
    assert running is not None
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    port = int(sock.getsockname()[1])
    env = {**os.environ, "JIEYOU_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    env["JIEYOU_STORAGE__UPLOAD_DIR"] = str(tmp / "uploads")
    serve = [sys.executable, "-m", "uvicorn", "jieyou.app:create_app", "--factory"]
    serve += ["--fd", str(sock.fileno()), "--log-level", "warning"]
    proc = subprocess.Popen(serve, env=env, cwd=tmp, pass_fds=(sock.fileno(),))  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base, running
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def shots(tmp_path: Path) -> Path:
    if os.environ.get("JIEYOU_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path


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
    page.screenshot(path=str(shots(tmp_path) / "patrol-375.png"), full_page=True)
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
    page.screenshot(path=str(shots(tmp_path) / "campaign-1280.png"), full_page=True)
    page.goto(base + "/desk/patrol/figures")
    assert "吴山村" in page.content()
    page.screenshot(path=str(shots(tmp_path) / "patrol-figures-1280.png"), full_page=True)
