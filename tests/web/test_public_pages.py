"""The resident's pages: submit with photos, track, rate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from jieyou.accounts.models import Role
from jieyou.config import Settings
from jieyou.db import Database
from tests.factories import HUATANG, WUSHAN, count_rows, make_staff, submit
from tests.web.helpers import csrf_of, jpeg_bytes, png_bytes

BEIHU = "431002000000"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(environment="test", secret_key="test-secret-key")
    s.storage.upload_dir = str(tmp_path / "uploads")
    return s


def form(client: TestClient, **overrides: str) -> dict[str, str]:
    token = csrf_of(client.get("/").text)
    data = {
        "csrf": token,
        "description": "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。",
        "county": BEIHU,
        "township": HUATANG,
        "village": WUSHAN,
        "address": "吴山村3组12号",
        "phone": "13907351234",
        "name": "李秀英",
        "category_code": "0802",
    }
    data.update(overrides)
    return data


def codes(html: str) -> tuple[str, str]:
    number = re.search(r'id="number">(JY\d+)<', html)
    code = re.search(r'id="query-code">([A-Z0-9]{6})<', html)
    assert number and code, html
    return number.group(1), code.group(1)


def test_home_page_has_a_label_for_every_field(client: TestClient) -> None:
    html = client.get("/").text
    assert "我要反映" in html
    for name in ("description", "county", "township", "village", "address", "phone", "name"):
        assert f'<label for="{name}">' in html, name
    assert "/static/vendor/htmx.min.js" in html
    assert "cdn" not in html.lower()


def test_region_fields_cascade(client: TestClient) -> None:
    html = client.get("/regions/fields", params={"county": BEIHU}).text
    assert "华塘镇" in html
    html = client.get("/regions/fields", params={"county": BEIHU, "township": HUATANG}).text
    assert "吴山村" in html
    # A township that is not under the county is dropped.
    html = client.get("/regions/fields", params={"county": "431021000000", "township": HUATANG})
    assert f'value="{HUATANG}" selected' not in html.text
    children = client.get(f"/regions/{HUATANG}/children").json()
    assert {"code": WUSHAN, "name": "吴山村"} in children


def test_submit_with_a_photo_stores_it_without_exif(
    client: TestClient, db: Database, settings: Settings
) -> None:
    r = client.post(
        "/",
        data=form(client),
        files=[("photos", ("kitchen.jpg", jpeg_bytes(exif=True), "image/jpeg"))],
    )
    assert r.status_code == 200, r.text
    number, code = codes(r.text)
    assert count_rows(db, "case_attachments") == 1
    stored = list(Path(settings.storage.upload_dir).iterdir())
    assert len(stored) == 1 and "kitchen" not in stored[0].name
    with Image.open(stored[0]) as img:
        assert not img.getexif()
    track = client.get("/track", params={"number": number, "code": code})
    assert track.status_code == 200
    src = re.search(r'<img src="([^"]+)"', track.text)
    assert src
    photo = client.get(src.group(1).replace("&amp;", "&"))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    wrong = client.get(src.group(1).replace("&amp;", "&").replace(code, "AAAAAA"))
    assert wrong.status_code == 404


def test_fake_photo_is_refused_and_the_form_keeps_what_was_typed(
    client: TestClient, db: Database
) -> None:
    r = client.post(
        "/",
        data=form(client, address="我家门口"),
        files=[("photos", ("fake.jpg", b"just some text, not a picture", "image/jpeg"))],
    )
    assert r.status_code == 422
    assert "不是有效的照片" in r.text
    assert 'id="photos-err"' in r.text
    assert "我家门口" in r.text and "13907351234" in r.text
    assert f'value="{WUSHAN}" selected' in r.text
    assert count_rows(db, "cases") == 0


def test_png_is_accepted_and_more_than_three_photos_refused(client: TestClient) -> None:
    ok = client.post(
        "/", data=form(client), files=[("photos", ("a.png", png_bytes(), "image/png"))]
    )
    assert ok.status_code == 200
    many = [("photos", (f"{i}.png", png_bytes(), "image/png")) for i in range(4)]
    r = client.post("/", data=form(client), files=many)
    assert r.status_code == 422 and "最多上传 3 张照片" in r.text


def test_bad_fields_are_shown_beside_them(client: TestClient) -> None:
    r = client.post(
        "/", data=form(client, description="短", phone="12345", village="", township="")
    )
    assert r.status_code == 422
    assert 'id="description-err"' in r.text and "至少 5 个字符" in r.text
    assert 'id="phone-err"' in r.text and "手机号码格式不正确" in r.text
    assert 'id="region-err"' in r.text


def test_submit_without_csrf_is_refused(client: TestClient, db: Database) -> None:
    data = form(client)
    data["csrf"] = "forged"
    r = client.post("/", data=data)
    assert r.status_code == 403 and "页面已过期" in r.text
    assert count_rows(db, "cases") == 0


def test_track_rate_unsatisfied_reopens(client: TestClient, db: Database) -> None:
    admin = make_staff(db, "boss", Role.admin, "431000000000")
    number, code = codes(client.post("/", data=form(client)).text)
    for action, body in [
        ("accept", {}),
        ("assign", {"unit_code": f"C{WUSHAN}"}),
        ("start", {}),
        ("resolve", {"outcome": "已协调拆除棚子", "reply": "已协调拆除棚子"}),
    ]:
        r = client.post(
            f"/api/v1/cases/{number}/actions/{action}", json=body, headers=admin.headers
        )
        assert r.status_code == 200, r.text
    page = client.get("/track", params={"number": number, "code": code})
    assert "已协调拆除棚子" in page.text and "评价办理结果" in page.text
    token = csrf_of(page.text)
    # 不满意 needs a reason; the choice is kept.
    r = client.post(
        "/track", data={"csrf": token, "number": number, "code": code, "rating": "unsatisfied"}
    )
    assert r.status_code == 422 and "请说明不满意的原因" in r.text
    assert 'value="unsatisfied" checked' in r.text
    r = client.post(
        "/track",
        data={
            "csrf": token,
            "number": number,
            "code": code,
            "rating": "unsatisfied",
            "comment": "棚子还在",
        },
    )
    assert r.status_code == 200 and "感谢您的评价" in r.text
    assert "办理中" in r.text and "重新办理" in r.text
    detail = client.get(f"/api/v1/cases/{number}", headers=admin.headers).json()
    assert detail["status"] == "in_progress" and detail["rating"] == "unsatisfied"


def test_track_with_a_wrong_code_says_not_found(client: TestClient) -> None:
    number, _ = codes(client.post("/", data=form(client)).text)
    r = client.get("/track", params={"number": number, "code": "ZZZZZZ"})
    assert r.status_code == 404 and "未找到该诉求" in r.text


def test_unknown_page_is_chinese_html_and_api_stays_json(client: TestClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "页面不存在" in page.text
    api = client.get("/api/v1/no-such")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_updating_the_place_without_javascript_keeps_typed_text_out_of_urls(
    client: TestClient, db: Database
) -> None:
    from tests.factories import count_rows

    data = form(client, township="", village="", refresh="1")
    page = client.post("/", data=data)
    assert page.status_code == 200
    assert "13907351234" in page.text and "挡住了我家厨房的采光" in page.text  # kept
    assert 'formmethod="get"' not in page.text
    assert count_rows(db, "cases") == 0  # nothing was submitted
    # The query string may choose a place, nothing else.
    prefilled = client.get("/", params={"township": HUATANG, "phone": "13907351234"})
    assert "13907351234" not in prefilled.text


def test_sms_link_with_only_the_number_prefills_the_tracking_form(client: TestClient) -> None:
    number = submit(client)["number"]
    r = client.get(f"/track?number={number}")
    assert r.status_code == 200
    assert f'value="{number}"' in r.text
    assert "请同时填写" not in r.text
    # The number alone never shows the case.
    assert "办理经过" not in r.text
