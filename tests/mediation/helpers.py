"""The mediation tests' small steps: a roster entry, a case ready to mediate, a mediation
taken to each state through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import WUSHAN, Staff, act, submit

FACTS = "申请人与被申请人系邻居。被申请人在两家之间搭建雨棚，挡住申请人厨房采光，双方多次协商未果。"


def mediator_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "何秀英",
        "gender": "female",
        "phone": "13907350001",
        "organisation": "吴山村人民调解委员会",
        "title": "调委会主任",
        "region_code": WUSHAN,
        "specialities": ["neighbour", "marriage_family"],
    }
    body.update(overrides)
    return body


def add_mediator(client: TestClient, staff: Staff, **overrides: Any) -> dict[str, Any]:
    r = client.post("/api/v1/mediators", json=mediator_body(**overrides), headers=staff.headers)
    assert r.status_code == 201, r.text
    return r.json()


def accepted_case(client: TestClient, admin: Staff, **overrides: Any) -> str:
    number = submit(client, **overrides)["number"]
    assert act(client, admin, number, "accept", note="已受理").status_code == 200
    return number


def start(client: TestClient, staff: Staff, number: str, mediator_ids: list[int], **more: Any):
    body = {"mediators": mediator_ids, "facts": FACTS, **more}
    return client.post(f"/api/v1/cases/{number}/mediation", json=body, headers=staff.headers)


def session_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "held_at": "2026-11-20T09:30",
        "place": "吴山村委会调解室",
        "participants": "李秀英、王建国、调解员何秀英",
        "summary": "听取双方陈述，释明相邻关系的法律规定，双方同意拆除雨棚。",
        "agreed": "被申请人同意十日内拆除雨棚。",
    }
    body.update(overrides)
    return body


def agreement_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "result": "agreed",
        "terms": "一、被申请人于十日内拆除雨棚；\n二、拆除费用由被申请人承担。",
        "performance": "被申请人自行拆除，调解员现场见证。",
        "performance_due": "2026-12-05",
        "signed_on": "2026-11-20",
        "copies": 3,
    }
    body.update(overrides)
    return body


def post(client: TestClient, staff: Staff, number: str, tail: str, body: dict[str, Any]):
    return client.post(f"/api/v1/cases/{number}/mediation/{tail}", json=body, headers=staff.headers)
