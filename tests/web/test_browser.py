"""The whole loop in a real browser against the real server: a resident submits with a photo,
the township accepts and assigns to the village, the village resolves, the resident rates
不满意 and the case is back on the village's workbench.

Uses Debian's chromium (never a downloaded browser); skipped where it is missing. With
JIEYOU_SCREENSHOTS=1 the main pages are saved at 375 px and 1280 px under docs/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_user
from jieyou.db import Database
from tests.factories import HUATANG, WUSHAN
from tests.web.helpers import PASSWORD, jpeg_bytes
from tests.web.live import CHROMIUM, chromium, init_database, live_server, shots_dir

BEIHU = "431002000000"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    url = init_database(tmp)
    database = Database(url)
    with database.unit_of_work() as s:
        for username, role, region, name in [
            ("huatang", Role.township, HUATANG, "华塘镇综治中心 黄主任"),
            ("wushan", Role.village, WUSHAN, "吴山村 李书记"),
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
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium(playwright_api) as b:
        yield b


def shoot(page: object, name: str, where: Path) -> None:
    """The page at 375 px (phone) and 1280 px (desktop)."""
    for width, height in ((375, 812), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        page.screenshot(path=str(where / f"{name}-{width}.png"), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 375, "height": 812})  # type: ignore[attr-defined]


def sign_in(browser: object, base: str, username: str) -> object:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/desk")
    return page


def test_resident_to_village_and_back(server: str, browser: object, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    photo = tmp_path / "棚子.jpg"
    photo.write_bytes(jpeg_bytes(exif=True, size=(640, 480)))

    # A resident on a phone.
    resident = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")  # type: ignore[attr-defined]
    page = resident.new_page()
    page.goto(server + "/")
    shoot(page, "home", shots)
    page.get_by_label("发生了什么事").fill(
        "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。"
    )
    page.get_by_label("区县").select_option(BEIHU)
    page.wait_for_selector(f'#township option[value="{HUATANG}"]', state="attached")
    page.get_by_label("乡镇（街道）").select_option(HUATANG)
    page.wait_for_selector(f'#village option[value="{WUSHAN}"]', state="attached")
    page.get_by_label("村（社区）").select_option(WUSHAN)
    page.get_by_label("详细地址").fill("吴山村3组12号")
    page.get_by_label("手机号").fill("13907351234")
    page.get_by_label("姓名（可不填）").fill("李秀英")
    page.get_by_label("照片（可不传，最多 3 张）").set_input_files(str(photo))
    page.get_by_role("button", name="提交诉求").click()
    page.wait_for_selector("#query-code")
    number = page.locator("#number").inner_text()
    code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"JY\d{14}", number) and re.fullmatch(r"[A-Z2-9]{6}", code)
    shoot(page, "submitted", shots)

    # The township centre accepts it and hands it to the village.
    township = sign_in(browser, server, "huatang")
    assert number in township.content()  # type: ignore[attr-defined]
    shoot(township, "desk", shots)
    township.get_by_role("link", name=number).first.click()  # type: ignore[attr-defined]
    township.locator("#act-accept button").click()  # type: ignore[attr-defined]
    township.wait_for_selector("text=已完成操作：受理")  # type: ignore[attr-defined]
    township.locator("#assign-assignee").select_option(f"unit:C{WUSHAN}")  # type: ignore[attr-defined]
    township.locator("#act-assign button").click()  # type: ignore[attr-defined]
    township.wait_for_selector("text=已完成操作：交办")  # type: ignore[attr-defined]
    assert township.locator("img[alt^='照片 1']").count() == 1  # type: ignore[attr-defined]

    # The village starts and resolves it with a reply.
    village = sign_in(browser, server, "wushan")
    village.goto(f"{server}/desk/cases/{number}")  # type: ignore[attr-defined]
    village.locator("#act-start button").click()  # type: ignore[attr-defined]
    village.wait_for_selector("text=已完成操作：开始办理")  # type: ignore[attr-defined]
    shoot(village, "case", shots)
    village.get_by_label("办理结果", exact=True).fill("已上门协调，邻居同意拆除棚子。")  # type: ignore[attr-defined]
    village.locator("#resolve-reply").fill("已协调邻居于本周内拆除棚子。")  # type: ignore[attr-defined]
    village.locator("#act-resolve button").click()  # type: ignore[attr-defined]
    village.wait_for_selector("text=已完成操作：办结")  # type: ignore[attr-defined]

    # The resident tracks it and is not satisfied.
    page.goto(f"{server}/track?number={number}&code={code}")
    assert "已协调邻居于本周内拆除棚子。" in page.content()
    shoot(page, "track", shots)
    page.get_by_role("radio", name="不满意", exact=True).check()
    page.get_by_label("意见（不满意时请写明原因）").fill("棚子还没拆。")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    assert "办理中" in page.content()

    # Reopened: back on the village's workbench.
    village.goto(f"{server}/desk?status=in_progress")  # type: ignore[attr-defined]
    assert number in village.content()  # type: ignore[attr-defined]
    login_page = browser.new_context().new_page()  # type: ignore[attr-defined]
    login_page.goto(server + "/login")
    shoot(login_page, "login", shots)


def test_api_docs_render_from_our_own_origin(server: str, browser: object) -> None:
    """Swagger UI at /docs draws the API under the site's Content-Security-Policy, and every
    file it loads comes from our own server (a government network may not reach a CDN)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = ctx.new_page()
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(server + "/docs")
    page.locator(".opblock").first.wait_for(timeout=20000)
    assert page.locator(".opblock").count() > 20
    assert page.locator(".opblock-summary-path", has_text="/api/v1/cases").first.is_visible()
    assert page.get_by_text("解忧 Jieyou").first.is_visible()
    assert refused == []
    assert all(url.startswith(server) for url in requested), requested
    ctx.close()
