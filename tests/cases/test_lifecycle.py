"""A case's whole life through the HTTP API, as residents and staff would drive it."""

from __future__ import annotations

from itertools import pairwise

import pytest

from jieyou.accounts.models import Role
from jieyou.cases.states import INTERNAL_ACTIONS, TRANSITIONS, Action, Status
from tests.factories import (
    ACTION_BODIES,
    BEIHU,
    CITY,
    HUATANG,
    WUSHAN,
    act,
    case_in_state,
    count_rows,
    make_staff,
    submit,
)


def test_grievance_goes_from_submission_to_closure_through_every_step(client, db):
    created = submit(
        client,
        category_code="0201",
        description="在华塘镇工地做了三个月小工，老板拖欠工资一万二千元，多次讨要无果。",
    )
    number, code = created["number"], created["query_code"]
    assert created["status"] == "submitted"
    assert number.startswith("JY") and len(code) == 6

    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    dept = make_staff(db, "beihu_rsj", Role.department, BEIHU, unit=f"D{BEIHU}-rsj")

    case = client.get(f"/api/v1/cases/{number}", headers=county.headers).json()
    # 劳资欠薪 is a county-tier category: it starts at the county centre.
    assert case["tier"] == "county"
    assert case["owner_unit"]["code"] == f"C{BEIHU}"
    assert case["available_actions"] == [
        "accept",
        "reject",
        "escalate",
        "comment",
        "categorize",
        "merge",
    ]

    assert act(client, county, number, "accept").json()["status"] == "accepted"
    r = act(client, county, number, "assign", unit_code=f"D{BEIHU}-rsj", note="请核实欠薪情况")
    assert r.json()["status"] == "assigned"
    assert r.json()["assigned_unit"]["name"] == "北湖区人力资源和社会保障局"
    assert act(client, dept, number, "start").json()["status"] == "in_progress"
    r = act(
        client,
        dept,
        number,
        "resolve",
        outcome="责令企业支付欠薪12000元",
        reply="已督促老板结清工资",
    )
    assert r.json()["status"] == "resolved"
    assert r.json()["reply"] == "已督促老板结清工资"

    tracked = client.get(f"/api/v1/track/{number}", params={"code": code}).json()
    assert tracked["can_rate"] is True
    assert tracked["reply"] == "已督促老板结清工资"

    r = client.post(f"/api/v1/track/{number}/rating", json={"code": code, "rating": "satisfied"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed"

    events = client.get(f"/api/v1/cases/{number}/events", headers=county.headers).json()
    assert [e["action"] for e in events] == [
        "submit",
        "accept",
        "assign",
        "start",
        "resolve",
        "confirm",
    ]
    assert [e["to_status"] for e in events] == [
        "submitted",
        "accepted",
        "assigned",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert [e["actor"] for e in events] == [
        "resident",
        "beihu",
        "beihu",
        "beihu_rsj",
        "beihu_rsj",
        "resident",
    ]
    # Each event carries its predecessor's hash.
    assert events[0]["prev_hash"] == "0" * 64
    for before, after in pairwise(events):
        assert after["prev_hash"] == before["hash"]
    assert events[0]["at"].endswith("+08:00")


def test_resident_timeline_is_public_and_free_of_personal_data(client, db):
    created = submit(client)
    number = created["number"]
    admin = make_staff(db, "root", Role.admin, CITY)
    act(client, admin, number, "accept")
    act(client, admin, number, "comment", note="反映人李秀英情绪激动，电话13907351234")
    act(client, admin, number, "assign", unit_code=f"C{WUSHAN}")
    tracked = client.get(f"/api/v1/track/{number}", params={"code": created["query_code"]})
    body = tracked.text
    assert tracked.status_code == 200
    assert "李秀英" not in body and "13907351234" not in body and "王建国" not in body
    texts = [t["text"] for t in tracked.json()["timeline"]]
    assert texts == [
        "您的诉求已提交，由吴山村委员会受理",
        "吴山村委员会已受理您的诉求",
        "已交由吴山村委员会办理",
    ]


def test_wrong_query_code_is_indistinguishable_from_unknown_case(client):
    created = submit(client)
    wrong = client.get(f"/api/v1/track/{created['number']}", params={"code": "AAAAAA"})
    missing = client.get("/api/v1/track/JY20990101999999", params={"code": created["query_code"]})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()


def test_unsatisfied_rating_reopens_the_case_for_rework(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    created = submit(client)
    number = created["number"]
    for action in ("accept", "assign", "start", "resolve"):
        assert act(client, admin, number, action, **ACTION_BODIES[action]).status_code == 200
    r = client.post(
        f"/api/v1/track/{number}/rating",
        json={"code": created["query_code"], "rating": "unsatisfied", "comment": "棚子还没拆"},
    )
    assert r.json()["status"] == "in_progress"
    assert r.json()["can_rate"] is False
    # Rating again before it is resolved is refused.
    again = client.post(
        f"/api/v1/track/{number}/rating",
        json={"code": created["query_code"], "rating": "satisfied"},
    )
    assert again.status_code == 409
    assert act(client, admin, number, "resolve", outcome="已拆除").json()["status"] == "resolved"
    assert act(client, admin, number, "confirm").json()["status"] == "closed"


def test_escalation_moves_a_case_one_tier_up_each_time(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client, category_code="0802")["number"]  # 邻里纠纷: village tier
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    case = client.get(f"/api/v1/cases/{number}", headers=village.headers).json()
    assert (case["tier"], case["owner_unit"]["code"]) == ("village", f"C{WUSHAN}")

    act(client, village, number, "accept")
    act(client, village, number, "assign", unit_code=f"C{WUSHAN}")
    expected = [("township", f"C{HUATANG}"), ("county", f"C{BEIHU}"), ("city", f"C{CITY}")]
    for tier, unit in expected:
        r = act(client, admin, number, "escalate", reason="调解不成，需上级协调")
        assert r.status_code == 200, r.text
        assert (r.json()["tier"], r.json()["owner_unit"]["code"]) == (tier, unit)
        assert r.json()["status"] == "accepted"
        assert r.json()["assigned_unit"] is None
    top = act(client, admin, number, "escalate", reason="再上报")
    assert top.status_code == 409
    assert "escalate" not in top.json()["error"]["allowed"]


def test_return_sends_a_misrouted_case_back_to_the_dispatching_centre(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    dept = make_staff(db, "beihu_zjj", Role.department, BEIHU, unit=f"D{BEIHU}-zjj")
    number = submit(client, category_code="0803")["number"]
    act(client, town, number, "accept")
    act(client, town, number, "assign", unit_code=f"D{BEIHU}-zjj")
    missing_reason = act(client, dept, number, "return")
    assert missing_reason.status_code == 422
    r = act(client, dept, number, "return", reason="属合同纠纷，不属于住建部门职责")
    assert r.status_code == 200
    # Once returned the department no longer has it.
    assert client.get(f"/api/v1/cases/{number}", headers=dept.headers).status_code == 404
    back = client.get(f"/api/v1/cases/{number}", headers=town.headers).json()
    assert back["status"] == "accepted" and back["assigned_unit"] is None


ALL_STATES = [s.value for s in Status]
ILLEGAL = [
    (state, action.value)
    for state in Status
    for action in Action
    if action not in INTERNAL_ACTIONS and (state, action) not in TRANSITIONS
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_every_illegal_transition_answers_409_with_the_allowed_actions(client, db, state, action):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = case_in_state(client, admin, state)
    events_before = count_rows(db, "case_events")
    r = act(client, admin, number, action, **ACTION_BODIES[action])
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "illegal_transition"
    assert set(error["allowed"]) == {
        a.value for (s, a) in TRANSITIONS if s == state and a not in INTERNAL_ACTIONS
    }
    assert count_rows(db, "case_events") == events_before
    assert client.get(f"/api/v1/cases/{number}", headers=admin.headers).json()["status"] == state


def test_comment_is_allowed_in_every_state_and_changes_nothing(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    for state in ALL_STATES:
        number = case_in_state(client, admin, state)
        r = act(client, admin, number, "comment", note="已电话回访")
        assert r.status_code == 200
        assert r.json()["status"] == state
