"""A partner's api_key, and posting the spec's way."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.db import Database
from jieyou.open311.api import PREFIX
from tests.factories import CITY, Staff, make_staff

BASE = PREFIX


@pytest.fixture
def partner(db: Database) -> Staff:
    """A partner app's account at the city, with its token."""
    return make_staff(db, "partner", Role.city, CITY)


@pytest.fixture
def admin(db: Database) -> Staff:
    return make_staff(db, "root", Role.admin, CITY)


def form(api_key: str | None, **fields: Any) -> dict[str, Any]:
    """A dispute in 吴山村 the way an Open311 client posts it; ``fields`` override or add
    (``attribute[parties]=…`` via ``**{"attribute[parties]": "2"}``), None drops one."""
    body: dict[str, Any] = {
        "api_key": api_key,
        "jurisdiction_id": "chenzhou.gov.cn",
        "service_code": "0802",
        "address_string": "北湖区华塘镇吴山村3组12号",
        "lat": "25.71234",
        "long": "113.05678",
        "description": "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。",
        "first_name": "秀英",
        "last_name": "李",
        "phone": "13907351234",
        "email": "lxy@example.org",
        "attribute[parties]": "2",
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def post(
    client: TestClient, api_key: str | None, fmt: str = "json", **fields: Any
) -> httpx.Response:
    return client.post(f"{BASE}/requests.{fmt}", data=form(api_key, **fields))


def posted_id(client: TestClient, api_key: str, **fields: Any) -> str:
    response = post(client, api_key, **fields)
    assert response.status_code == 200, response.text
    return str(response.json()[0]["service_request_id"])
