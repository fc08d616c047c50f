"""POST requests: the spec's form goes through the normal intake with channel open311; every
refusal is the spec's error array and stores nothing."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from jieyou.accounts.models import Role
from jieyou.cases.models import Case, CaseEvent
from jieyou.routing.models import Unit
from tests.factories import CITY, HUATANG, WUSHAN, ZHAOLV, count_rows, make_staff
from tests.open311.conftest import BASE, form, post, posted_id
from tests.open311.spec import checked

FORMATS = ["json", "xml"]


def _case(client, admin, number):
    """The stored case and its events, read from the database (what staff pages show of it
    is masked by role; this is what intake stored)."""
    with client.app.state.database.unit_of_work(write=False) as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        stored = {
            "channel": case.channel,
            "category_code": case.category_code,
            "region_code": case.region_code,
            "address": case.address,
            "lat": case.lat,
            "lng": case.lng,
            "submitter": {"name": case.submitter_name, "phone": case.submitter_phone},
            "tier": case.tier,
            "owner_unit": s.get(Unit, case.owner_unit_id).code,
            "resolve_by": case.resolve_by,
            "risk_level": case.risk_level,
            "title": case.title,
        }
        events = [
            {"action": e.action, "note": e.note, "data": e.data, "is_public": e.is_public}
            for e in s.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
            )
        ]
    return stored, events


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_posted_the_specs_way_is_a_case_through_the_normal_intake(
    client, db, admin, partner, fmt
):
    (created,) = checked(post(client, partner.token, fmt), "post_response")
    number = created["service_request_id"]
    assert created["account_id"] is None

    case, events = _case(client, admin, number)
    assert case["channel"] == "open311"
    assert case["category_code"] == "0802"
    # The place is read from address_string; the full address and the coordinates are kept
    # for staff.
    assert case["region_code"] == WUSHAN
    assert case["address"] == "北湖区华塘镇吴山村3组12号"
    assert (case["lat"], case["lng"]) == (25.71234, 113.05678)
    assert case["submitter"] == {"name": "李秀英", "phone": "13907351234"}
    # Routed like any case: 邻里纠纷 starts at the village, with deadlines and a risk level.
    assert case["tier"] == "village"
    assert case["owner_unit"] == f"C{WUSHAN}"
    assert case["resolve_by"] is not None
    assert case["risk_level"] == "normal"
    assert [e["action"] for e in events] == ["submit", "comment"]
    assert events[1]["note"] == "Open311 附加信息：当事人数：2"
    assert events[1]["data"] == {"open311": {"attributes": {"parties": 2}, "media_url": None}}
    assert events[1]["is_public"] is False
    # The notice gives what the resident needs to follow the case: number and query code.
    notice = created["service_notice"]
    assert number in notice and "查询码" in notice and "吴山村委员会" in notice
    code = notice.split("查询码 ")[1][:6]
    track = client.get(f"/api/v1/track/{number}", params={"code": code})
    assert track.status_code == 200, track.text


def test_urgent_marks_the_title_and_every_attribute_is_noted_for_staff(client, db, admin, partner):
    number = posted_id(
        client,
        partner.token,
        **{
            "attribute[urgent]": "yes",
            "attribute[parties]": "3",
            "attribute[occurred_at]": "2026-11-20T14:00:00+08:00",
        },
    )
    case, events = _case(client, admin, number)
    assert case["title"].startswith("【紧急】隔壁邻居")
    assert events[1]["note"] == (
        "Open311 附加信息：是否紧急：是，情况紧急；当事人数：3；发生时间：2026-11-20 14:00"
    )


def test_a_multivaluelist_takes_several_values(client, db, admin, partner):
    number = posted_id(
        client,
        partner.token,
        service_code="0502",
        description="楼下烧烤店每天营业到凌晨两点，排风机噪声很大，晚上无法入睡。",
        **{"attribute[parties]": None, "attribute[noise_times][]": ["night", "small_hours"]},
    )
    _, events = _case(client, admin, number)
    assert events[1]["data"]["open311"]["attributes"] == {"noise_times": ["night", "small_hours"]}


def test_media_url_is_recorded_for_staff_and_never_fetched(client, db, admin, partner, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the server tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    url = "http://169.254.169.254/latest/meta-data/photo.jpg"
    number = posted_id(client, partner.token, media_url=url)
    monkeypatch.undo()
    _, events = _case(client, admin, number)
    assert events[1]["data"]["open311"]["media_url"] == url
    assert url in events[1]["note"]


def test_address_id_is_the_region_and_wins_over_address_string(client, db, admin, partner):
    number = posted_id(client, partner.token, address_id=ZHAOLV)
    case, _ = _case(client, admin, number)
    assert case["region_code"] == ZHAOLV


def test_lat_long_alone_places_the_case_in_the_posting_accounts_area(client, db, admin, partner):
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    from_city = posted_id(client, partner.token, address_string=None)
    from_village = posted_id(client, village.token, address_string=None)
    assert _case(client, admin, from_city)[0]["region_code"] == CITY
    assert _case(client, admin, from_village)[0]["region_code"] == WUSHAN


def test_an_address_naming_no_known_place_falls_back_like_coordinates(client, db, admin, partner):
    number = posted_id(client, partner.token, address_string="人民路 8 号", lat=None, long=None)
    case, _ = _case(client, admin, number)
    assert case["region_code"] == CITY and case["address"] == "人民路 8 号"


def test_a_bearer_token_does_instead_of_api_key(client, db, partner):
    response = client.post(
        f"{BASE}/requests.json",
        data=form(None),
        headers={"Authorization": f"Bearer {partner.token}"},
    )
    checked(response, "post_response")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "jy_not-a-real-token"])
def test_a_missing_or_wrong_api_key_is_a_403(client, db, fmt, key):
    errors = checked(post(client, key, fmt), "errors", status=403)
    assert "api_key" in errors[0]["description"]
    assert count_rows(db, "cases") == 0


def test_a_token_limited_to_submitting_posts_and_a_read_only_one_does_not(client, db):
    models = pytest.importorskip("jieyou.accounts.models")
    if not hasattr(models, "TokenScope"):
        pytest.skip("token scopes are not in this tree")
    from jieyou.accounts.service import create_token, create_user

    with db.unit_of_work() as s:
        create_user(s, username="hotline", role=Role.city, region_code=CITY)
        _, submit_only = create_token(s, username="hotline", scope="submit")
        _, read_only = create_token(s, username="hotline", scope="read")
    checked(post(client, submit_only), "post_response")
    checked(post(client, read_only), "errors", status=403)
    assert count_rows(db, "cases") == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_or_jurisdiction_is_a_404(client, db, partner, fmt):
    errors = checked(post(client, partner.token, fmt, service_code="9999"), "errors", status=404)
    assert "9999" in errors[0]["description"]
    checked(post(client, partner.token, fmt, jurisdiction_id="sfgov.org"), "errors", status=404)
    assert count_rows(db, "cases") == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_problem_is_named_in_one_400(client, db, partner, fmt):
    response = post(
        client,
        partner.token,
        fmt,
        description=None,
        phone="12345",
        address_string=None,
        lat=None,
        long=None,
        **{"attribute[parties]": None},
    )
    errors = checked(response, "errors", status=400)
    text = " ".join(e["description"] for e in errors)
    assert {e["code"] for e in errors} == {400}
    for name in ("description", "phone", "lat", "attribute[parties]"):
        assert name in text
    assert count_rows(db, "cases") == 0


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"attribute[parties]": "two"}, "attribute[parties]（当事人数）：应为数字"),
        ({"attribute[parties]": "2.5"}, "attribute[parties]（当事人数）：应为整数"),
        ({"attribute[parties]": "0"}, "attribute[parties]（当事人数）：不能小于 1"),
        ({"attribute[urgent]": "maybe"}, "attribute[urgent]（是否紧急）：取值应为 no、yes 之一"),
        ({"attribute[occurred_at]": "last week"}, "attribute[occurred_at]（发生时间）：应为 ISO"),
        ({"attribute[colour]": "red"}, "attribute[colour]：服务 0802 没有这一属性"),
        ({"attribute[urgent][]": ["yes", "no"]}, "只能有一个取值"),
        ({"lat": "40.0", "long": "116.4"}, "不在郴州市范围内"),
        ({"lat": "25.7", "long": None}, "lat 和 long 须同时提供"),
        ({"lat": "north"}, "lat、long 应为 WGS84"),
        ({"description": "字" * 4001}, "description 最多 4000 个字符"),
        ({"description": "太短"}, "description 至少 5 个字符"),
        ({"address_id": "4310"}, "address_id 应为 12、14 或 16 位"),
        ({"address_id": "431002999999"}, "address_id：行政区划代码 431002999999 不存在"),
        ({"media_url": "file:///etc/passwd"}, "media_url 应为 http(s) 地址"),
        ({"first_name": "名" * 30, "last_name": "姓" * 11}, "合计最多 40 个字符"),
        ({"description": "隔壁邻居\x00加盖棚子挡光"}, "description 含有不可见的控制字符"),
        ({"attribute[occurred_at]": "0001-01-01T00:00:00+08:00"}, "年份应在 1900–2200 之间"),
    ],
)
def test_bad_fields_are_a_400_naming_the_field(client, db, partner, fields, fragment):
    errors = checked(post(client, partner.token, **fields), "errors", status=400)
    assert any(fragment in e["description"] for e in errors), errors
    assert count_rows(db, "cases") == 0


def test_a_multivaluelist_value_must_be_one_of_its_keys(client, db, partner):
    response = post(
        client,
        partner.token,
        service_code="0502",
        description="楼下烧烤店每天营业到凌晨两点，排风机噪声很大。",
        **{"attribute[parties]": None, "attribute[noise_times][]": ["night", "noon"]},
    )
    errors = checked(response, "errors", status=400)
    assert "noon" in errors[0]["description"]


def test_an_address_naming_only_a_township_places_the_case_at_the_township(
    client, db, admin, partner
):
    number = posted_id(
        client,
        partner.token,
        service_code="0103",
        description="镇上主街的路灯坏了一个多月，晚上很黑，请尽快维修。",
        address_string="北湖区华塘镇主街",
        **{"attribute[parties]": None},
    )
    case, _ = _case(client, admin, number)
    assert case["region_code"] == HUATANG
