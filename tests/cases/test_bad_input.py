"""Bad input gets a clear 4xx naming the problem and writes nothing."""

from __future__ import annotations

import pytest

from jieyou.accounts.models import Role
from tests.factories import CITY, act, case_body, count_rows, make_staff, submit


def _refused(client, db, body=None, **kwargs):
    cases, events = count_rows(db, "cases"), count_rows(db, "case_events")
    r = (
        client.post("/api/v1/cases", json=body, **kwargs)
        if body is not None
        else client.post("/api/v1/cases", **kwargs)
    )
    assert count_rows(db, "cases") == cases
    assert count_rows(db, "case_events") == events
    assert "Traceback" not in r.text
    return r


def test_missing_description_names_the_field(client, db):
    body = case_body()
    del body["description"]
    r = _refused(client, db, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == [{"field": "description", "message": "诉求内容：必须填写"}]


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        (
            {"submitter": {"name": "李秀英", "phone": "12345"}},
            "submitter.phone",
            "手机号码格式不正确",
        ),
        ({"submitter": {"name": "李秀英"}}, "submitter.phone", "必须填写"),
        ({"description": "太吵"}, "description", "至少 5 个字符"),
        ({"description": "吵" * 5001}, "description", "最多 5000 个字符"),
        ({"region_code": "4310"}, "region_code", "格式不正确"),
        ({"region_code": 431002101201}, "region_code", "类型不正确"),
        ({"lat": "north"}, "lat", "类型不正确"),
        ({"lat": 123.0}, "lat", "超出允许范围"),
        ({"parties": [{"name": "王", "id_number": "123"}]}, "parties.0.id_number", "18 位"),
        ({"surprise": 1}, "surprise", "不是可接受的字段"),
        ({"parties": "王建国"}, "parties", "类型不正确"),
    ],
)
def test_invalid_fields_are_named(client, db, override, field, fragment):
    r = _refused(client, db, case_body(**override))
    assert r.status_code == 422, r.text
    fields = {f["field"]: f["message"] for f in r.json()["error"]["fields"]}
    assert field in fields
    assert fragment in fields[field]


def test_unknown_region_and_category_are_refused(client, db):
    r = _refused(client, db, case_body(region_code="431099999999"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_region"
    assert "431099999999" in r.json()["error"]["message"]
    r = _refused(client, db, case_body(category_code="9999"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_category"


def test_body_that_is_not_json_is_a_400(client, db):
    r = _refused(
        client, db, content=b'{"description": "abc', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_json"


def test_ten_megabyte_body_is_refused_with_413(client, db):
    huge = case_body(description="吵" * 3_500_000)
    r = _refused(client, db, huge)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_streamed_oversized_body_without_length_is_refused(client, db):
    def chunks():
        yield b'{"description": "'
        for _ in range(200):
            yield b"x" * 10_000
        yield b'"}'

    r = _refused(client, db, content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_public_submitter_cannot_choose_a_staff_channel(client, db):
    r = _refused(client, db, case_body(channel="patrol"))
    assert r.status_code == 403


def test_staff_may_record_the_channel(client, db):
    staff = make_staff(db, "root", Role.admin, CITY)
    r = client.post("/api/v1/cases", json=case_body(channel="phone"), headers=staff.headers)
    assert r.status_code == 201
    case = client.get(f"/api/v1/cases/{r.json()['number']}", headers=staff.headers).json()
    assert case["channel"] == "phone"


def test_action_input_errors(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client)["number"]
    events = count_rows(db, "case_events")
    r = act(client, admin, number, "fly")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_action"
    r = act(client, admin, "JY20990101999999", "accept")
    assert r.status_code == 404 and r.json()["error"]["code"] == "case_not_found"
    r = act(client, admin, number, "reject")  # no reason
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    r = client.post(
        f"/api/v1/cases/{number}/actions/accept",
        content=b"not json",
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    r = act(client, admin, number, "accept", note=123)
    assert r.status_code == 422
    act(client, admin, number, "accept")
    events += 1
    r = act(client, admin, number, "assign", unit_code="C431002101201", user="root")
    assert r.status_code == 422 and r.json()["error"]["code"] == "assignee_required"
    r = act(client, admin, number, "assign", user="nobody")
    assert r.status_code == 422
    assert count_rows(db, "case_events") == events


def test_list_filters_are_validated(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    for params, code in [
        ({"status": "open,flying"}, "unknown_status"),
        ({"region": "431099999999"}, "unknown_region"),
        ({"unit": "nope"}, "unknown_unit"),
    ]:
        r = client.get("/api/v1/cases", params=params, headers=admin.headers)
        assert r.status_code == 422
        assert r.json()["error"]["code"] == code
    r = client.get("/api/v1/cases", params={"page_size": 1000}, headers=admin.headers)
    assert r.status_code == 422
    r = client.get("/api/v1/cases", params={"created_from": "yesterday"}, headers=admin.headers)
    assert r.status_code == 422


def test_unknown_paths_and_methods_answer_json(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.delete("/api/v1/cases")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_rating_needs_the_right_code_and_a_known_rating(client, db):
    created = submit(client)
    r = client.post(
        f"/api/v1/track/{created['number']}/rating", json={"code": "WRONG1", "rating": "satisfied"}
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/track/{created['number']}/rating",
        json={"code": created["query_code"], "rating": "great"},
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/track/{created['number']}/rating",
        json={"code": created["query_code"], "rating": "satisfied"},
    )
    assert r.status_code == 409  # not resolved yet
    r = client.post(f"/api/v1/track/{created['number']}/rating", json={"rating": "satisfied"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "code"
    r = client.post(
        f"/api/v1/track/{created['number']}/rating",
        params={"code": created["query_code"]},
        json={"rating": "satisfied"},
    )
    assert r.status_code == 409  # the code in the query string is accepted too


def test_nul_characters_are_refused_before_they_reach_the_database(client, db):
    before = count_rows(db, "cases")
    r = client.post("/api/v1/cases", json=case_body(description="邻居加盖棚子挡光\u0000协商未果"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_character"
    assert count_rows(db, "cases") == before
    r = client.get("/api/v1/track/JY1?code=AB%00CD")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_character"
