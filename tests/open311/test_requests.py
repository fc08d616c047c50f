"""GET requests and GET request: every case, as anyone may see it — the spec's fields, its
defaults and filters, the extensions clients use, and no personal data in either format."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event

from jieyou.timefmt import local_zone
from tests.factories import (
    ACTION_BODIES,
    WUSHAN,
    act,
    case_in_state,
    make_lane,
    submit,
)
from tests.open311.conftest import BASE, posted_id
from tests.open311.spec import checked

FORMATS = ["json", "xml"]
LAMP = "我是李秀英，电话13907351234。王建国家门口（吴山村3组12号）的路灯坏了一个多月，晚上很黑。"
LAMP_CASE = {
    "title": "路灯坏了",
    "description": LAMP,
    "category_code": "0103",
    "lat": 25.712345,
    "lng": 113.056789,
}
PERSONAL = ["李秀英", "13907351234", "王建国", "13807359876", "3组12号", "lxy@example.org"]


def _requests(client, fmt="json", **params):
    return checked(client.get(f"{BASE}/requests.{fmt}", params=params), "service_requests")


def _one(client, number, fmt="json", **params):
    (document,) = checked(
        client.get(f"{BASE}/requests/{number}.{fmt}", params=params), "service_requests"
    )
    return document


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_personal_data_leaves_through_a_get(client, admin, partner, fmt):
    dispute = case_in_state(client, admin, "resolved")  # 李秀英 vs 王建国, with phones
    lamp = submit(client, **LAMP_CASE)["number"]
    posted = posted_id(client, partner.token)
    lane = submit(client, region_code=make_lane_in(client), **LAMP_CASE)["number"]
    for response in (
        client.get(f"{BASE}/requests.{fmt}", params={"extensions": "true"}),
        client.get(f"{BASE}/requests/{dispute}.{fmt}", params={"extensions": "true"}),
        client.get(f"{BASE}/requests/{lamp}.{fmt}"),
    ):
        body = response.content.decode()
        for secret in PERSONAL:
            assert secret not in body, (secret, body)
    listed = {r["service_request_id"]: r for r in _requests(client, fmt)}
    assert set(listed) == {dispute, lamp, posted, lane}
    # A dispute: the place to the village, no text, no coordinates.
    assert listed[posted]["address"] == "北湖区华塘镇吴山村"
    assert listed[posted]["address_id"] == WUSHAN
    assert listed[posted]["description"] is None
    assert listed[posted]["lat"] is None and listed[posted]["long"] is None
    assert listed[dispute]["status_notes"] == "已办结"  # the reply is withheld with the text
    # A public matter: its text with the people masked, coordinates to about 100 m.
    assert listed[lamp]["description"] == (
        "我是李**，电话139****1234。王**家门口（[地址]）的路灯坏了一个多月，晚上很黑。"
    )
    assert (listed[lamp]["lat"], listed[lamp]["long"]) == (25.712, 113.057)
    # A lane (a handful of households) is published as its village.
    assert listed[lane]["address_id"] == WUSHAN
    assert listed[lane]["address"] == "北湖区华塘镇吴山村"


def make_lane_in(client) -> str:
    return make_lane(client.app.state.database, WUSHAN)


@pytest.mark.parametrize(
    ("state", "status", "notes"),
    [
        ("submitted", "open", "待受理"),
        ("accepted", "open", "已受理"),
        ("assigned", "open", "已交办"),
        ("in_progress", "open", "办理中"),
        ("resolved", "closed", "已办结。答复：已调解处理"),
        ("closed", "closed", "已归档。答复：已调解处理"),
        ("rejected", "closed", "不予受理：不属于受理范围"),
    ],
)
def test_our_states_map_onto_open_and_closed_with_notes(client, admin, state, status, notes):
    number = case_in_state(client, admin, state, **LAMP_CASE)
    document = _one(client, number)
    assert (document["status"], document["status_notes"]) == (status, notes)
    assert document["agency_responsible"]
    if status == "open":
        assert document["expected_datetime"] is not None


def test_agency_and_expected_datetime_are_the_handling_unit_and_the_resolve_deadline(client, admin):
    number = case_in_state(client, admin, "assigned")
    case = client.get(f"/api/v1/cases/{number}", headers=admin.headers).json()
    document = _one(client, number)
    assert document["agency_responsible"] == case["assigned_unit"]["name"]
    assert document["expected_datetime"] == case["deadlines"]["resolve_by"]
    assert document["requested_datetime"] == case["created_at"]
    assert document["updated_datetime"] == case["updated_at"]
    assert document["service_code"] == "0802" and document["service_name"] == "邻里纠纷"


def test_a_merged_duplicate_says_which_case_carries_on(client, admin):
    first = submit(client)["number"]
    second = submit(client)["number"]
    assert act(client, admin, second, "merge", into=first).status_code == 200
    document = _one(client, second)
    assert document["status"] == "closed"
    assert first in document["status_notes"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_the_public_history(client, admin, fmt):
    dispute = case_in_state(client, admin, "resolved")
    lamp = case_in_state(client, admin, "resolved", **LAMP_CASE)
    plain = _one(client, dispute, fmt)
    assert "notes" not in plain and "extended_attributes" not in plain
    extended = _one(client, dispute, fmt, extensions="true")
    assert extended["extended_attributes"] == {
        "jieyou_status": "resolved",
        "status_label": "已办结",
    }
    types = [note["type"] for note in extended["notes"]]
    assert types == ["submit", "accept", "assign", "start", "resolve"]
    assert extended["notes"][-1]["description"] == "办结"  # not the reply, for a dispute
    assert extended["notes"][0]["description"].startswith("您的诉求已提交")
    lamp_notes = _one(client, lamp, fmt, extensions="true")["notes"]
    assert lamp_notes[-1]["description"] == "已办结。答复：已调解处理"


def test_json_and_xml_list_the_same_requests(client, admin, partner):
    case_in_state(client, admin, "resolved", **LAMP_CASE)
    posted_id(client, partner.token)
    for params in ({}, {"extensions": "true"}):
        assert _requests(client, "json", **params) == _requests(client, "xml", **params)


def test_service_request_id_lists_override_every_other_filter(client, admin):
    open_one = submit(client)["number"]
    closed_one = case_in_state(client, admin, "closed")
    submit(client)
    found = _requests(
        client,
        service_request_id=f"{open_one}, {closed_one},JY20990101999999",
        status="closed",
        service_code="0103",
        start_date="2000-01-01T00:00:00Z",
        end_date="2000-02-01T00:00:00Z",
    )
    assert {r["service_request_id"] for r in found} == {open_one, closed_one}


def test_filters_by_service_code_and_status(client, admin):
    dispute = submit(client)["number"]
    lamp = submit(client, **LAMP_CASE)["number"]
    rejected = case_in_state(client, admin, "rejected", **LAMP_CASE)

    def ids(**params):
        return {r["service_request_id"] for r in _requests(client, **params)}

    assert ids(service_code="0103") == {lamp, rejected}
    assert ids(service_code="0103,0802") == {dispute, lamp, rejected}
    assert ids(status="open") == {dispute, lamp}
    assert ids(status="closed") == {rejected}
    assert ids(status="open,closed") == {dispute, lamp, rejected}
    assert ids(service_code="0103", status="open") == {lamp}


def test_the_default_window_is_the_last_90_days_and_no_more_may_be_asked(client):
    now = datetime.now(local_zone())
    with time_machine.travel(now - timedelta(days=100), tick=False):
        old = submit(client)["number"]
    recent = submit(client)["number"]
    assert [r["service_request_id"] for r in _requests(client)] == [recent]
    start = (now - timedelta(days=110)).isoformat(timespec="seconds")
    end = (now - timedelta(days=30)).isoformat(timespec="seconds")
    found = _requests(client, start_date=start, end_date=end)
    assert [r["service_request_id"] for r in found] == [old]
    # start_date alone runs 90 days from it; end_date alone, 90 days up to it.
    assert [r["service_request_id"] for r in _requests(client, start_date=start)] == [old]
    five_days_ago = (now - timedelta(days=5)).isoformat(timespec="seconds")
    assert _requests(client, end_date=five_days_ago) == []  # 95 to 5 days ago: neither
    too_long = client.get(
        f"{BASE}/requests.json",
        params={"start_date": start, "end_date": now.isoformat(timespec="seconds")},
    )
    assert "90 天" in checked(too_long, "errors", status=400)[0]["description"]


def test_newest_first_in_pages(client):
    numbers = [submit(client)["number"] for _ in range(5)]
    pages = [
        [r["service_request_id"] for r in _requests(client, page=p, page_size=2)]
        for p in (1, 2, 3, 4)
    ]
    assert pages == [numbers[4:2:-1], numbers[2:0:-1], numbers[:1], []]
    assert [r["service_request_id"] for r in _requests(client)] == numbers[::-1]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"status": "pending"}, "status 取值应为 open、closed"),
        ({"start_date": "yesterday"}, "start_date：应为 ISO 8601"),
        (
            {"start_date": "2026-11-20T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
            "end_date 不能早于 start_date",
        ),
        ({"start_date": "0001-01-01T00:00:00+08:00"}, "年份应在 1900–2200 之间"),
        ({"service_request_id": "JY1,1 OR 1=1"}, "service_request_id 格式不正确"),
        ({"service_code": "0802,x"}, "service_code 应为类别代码"),
        ({"page": "x"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"extensions": "perhaps"}, "extensions"),
    ],
)
def test_bad_parameters_are_a_400(client, fmt, params, fragment):
    response = client.get(f"{BASE}/requests.{fmt}", params=params)
    errors = checked(response, "errors", status=400)
    assert any(fragment in e["description"] for e in errors), errors


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_or_token_is_a_404(client, fmt):
    checked(client.get(f"{BASE}/requests/JY20990101999999.{fmt}"), "errors", status=404)
    checked(client.get(f"{BASE}/tokens/JY20990101999999.{fmt}"), "errors", status=404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_id_doubles_as_its_token(client, partner, fmt):
    number = posted_id(client, partner.token)
    (found,) = checked(client.get(f"{BASE}/tokens/{number}.{fmt}"), "tokens")
    assert found == {"service_request_id": number, "token": number}


def test_gets_are_public_and_ignore_a_bad_authorization_header(client):
    number = submit(client)["number"]
    response = client.get(f"{BASE}/requests/{number}.json", headers={"Authorization": "Basic x"})
    checked(response, "service_requests")


@contextmanager
def counting(connection):
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", before)


def test_a_page_costs_the_same_few_queries_for_3_or_20_requests(client, admin, connection):
    for state in ("resolved", "resolved", "rejected"):
        case_in_state(client, admin, state)
    with counting(connection) as few:
        assert len(_requests(client, extensions="true")) == 3
    for _ in range(17):
        number = submit(client, **LAMP_CASE)["number"]
        act(client, admin, number, "reject", **ACTION_BODIES["reject"])
    with counting(connection) as many:
        assert len(_requests(client, extensions="true")) == 20
    assert len(many) == len(few) <= 7


def test_a_long_web_description_is_clipped_to_the_specs_4000_characters(client):
    long_text = "路灯坏了，晚上很黑，请尽快维修。" * 300  # 4,800 characters
    number = submit(client, **{**LAMP_CASE, "description": long_text})["number"]
    description = _one(client, number)["description"]
    assert len(description) == 4000 and description.endswith("…")
