"""Small factories with explicit arguments. No hidden global dataset: each test makes what it
needs on top of the reference data (the Chenzhou hierarchy, units, categories)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_token, create_user
from jieyou.db import Database
from jieyou.regions.models import Region

# Real codes from the bundled divisions.
CITY = "431000000000"
BEIHU = "431002000000"  # 北湖区
HUATANG = "431002101000"  # 北湖区华塘镇
WUSHAN = "431002101201"  # 华塘镇吴山村
ZHAOLV = "431002101202"  # 华塘镇招旅村
LUTANG = "431002102000"  # 北湖区鲁塘镇
GUIYANG = "431021000000"  # 桂阳县
RENYI = "431021102000"  # 桂阳县仁义镇


@dataclass
class Staff:
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_staff(
    db: Database, username: str, role: Role, region: str, unit: str | None = None
) -> Staff:
    with db.unit_of_work() as s:
        create_user(s, username=username, role=role, region_code=region, unit_code=unit)
        _, token = create_token(s, username=username)
    return Staff(username, token)


def make_lane(db: Database, village: str, grid_no: int = 1, lane_no: int = 1) -> str:
    """A grid and a lane under ``village``; returns the lane code."""
    grid = f"{village}{grid_no:02d}"
    lane = f"{grid}{lane_no:02d}"
    with db.unit_of_work() as s:
        s.execute(
            insert(Region),
            [
                {
                    "code": grid,
                    "path": grid,
                    "name": f"第{grid_no}网格",
                    "level": "grid",
                    "parent_code": village,
                    "households": 40,
                },
                {
                    "code": lane,
                    "path": lane,
                    "name": f"{lane_no}巷",
                    "level": "lane",
                    "parent_code": grid,
                    "households": 9,
                },
            ],
        )
    return lane


def case_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "邻居违建挡住采光",
        "description": "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。",
        "region_code": WUSHAN,
        "address": "吴山村3组12号",
        "submitter": {"name": "李秀英", "phone": "13907351234"},
        "parties": [{"role": "respondent", "name": "王建国", "phone": "13807359876"}],
        "category_code": "0802",
    }
    body.update(overrides)
    return body


def submit(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def act(client: TestClient, staff: Staff, number: str, action: str, **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{number}/actions/{action}", json=body, headers=staff.headers)


def count_rows(db: Database, table: str) -> int:
    from sqlalchemy import text

    with db.unit_of_work(write=False) as s:
        return int(s.scalar(text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608


# Action bodies that satisfy each action's required fields.
ACTION_BODIES: dict[str, dict[str, str | int]] = {
    "accept": {"note": "已受理"},
    "reject": {"reason": "不属于受理范围"},
    "assign": {"unit_code": f"C{WUSHAN}"},
    "start": {"note": "开始办理"},
    "resolve": {"outcome": "已调解", "reply": "已调解处理"},
    "confirm": {"note": "归档"},
    "reopen": {"reason": "群众不满意"},
    "escalate": {"reason": "需上级协调"},
    "return": {"reason": "不属于本单位职责"},
    "comment": {"note": "电话回访"},
    "categorize": {"category_code": "0802"},
    "merge": {"into": "JY20990101999999"},
    "contact": {"note": "电话联系了群众"},
    "extend": {"reason": "需等待鉴定结论", "days": 5},
    "grant_extend": {"note": "同意"},
    "deny_extend": {"reason": "理由不充分"},
    "pause": {"reason": "等待法院开庭"},
    "resume": {"note": "已开庭"},
}

# A path from submission to each state, as actions an admin can take.
PATH_TO: dict[str, list[str]] = {
    "submitted": [],
    "accepted": ["accept"],
    "assigned": ["accept", "assign"],
    "in_progress": ["accept", "assign", "start"],
    "resolved": ["accept", "assign", "start", "resolve"],
    "closed": ["accept", "assign", "start", "resolve", "confirm"],
    "rejected": ["reject"],
}


def case_in_state(client: TestClient, admin: Staff, state: str, **overrides: Any) -> str:
    number = submit(client, **overrides)["number"]
    for action in PATH_TO[state]:
        r = act(client, admin, number, action, **ACTION_BODIES[action])
        assert r.status_code == 200, r.text
    return number
