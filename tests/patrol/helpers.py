"""Small steps the patrol tests share."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Staff


def patrol(client: TestClient, who: Staff, lane: str, **overrides: Any) -> Any:
    body: dict[str, Any] = {"lane_code": lane, "households_visited": 6, "finding": "nothing"}
    body.update(overrides)
    return client.post("/api/v1/patrols", json=body, headers=who.headers)


def dispute(client: TestClient, who: Staff, lane: str, *, settle: bool = False, **case: Any) -> Any:
    body: dict[str, Any] = {
        "resident_name": "王秀兰",
        "resident_phone": "13907351111",
        "respondent_name": "张德明",
    }
    body.update(case)
    if settle:
        body["settle"] = {"method": "mediation", "outcome": "双方同意共同出资疏通排水沟"}
    return patrol(
        client,
        who,
        lane,
        finding="dispute",
        note="3号、5号两户因排水沟堵塞起争执，污水漫到邻家院子",
        case=body,
    )
