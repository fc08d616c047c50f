"""Workbooks made in the test, and small steps the grid tests share."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

from jieyou.grid.excel import SHEETS
from tests.factories import Staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """A register workbook: for each sheet, rows as {column key: value}."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        columns = SHEETS[name]
        ws.append([c.header for c in columns])
        for row in rows:
            ws.append([row.get(c.key) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def new_grid(client: TestClient, staff: Staff, village: str, name: str, **extra: Any) -> str:
    r = client.post(
        f"/api/v1/grid/villages/{village}/grids",
        json={"name": name, **extra},
        headers=staff.headers,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def new_lane(
    client: TestClient, staff: Staff, grid: str, name: str, households: int = 9, **extra: Any
) -> str:
    r = client.post(
        f"/api/v1/grid/grids/{grid}/lanes",
        json={"name": name, "households": households, **extra},
        headers=staff.headers,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def appoint(client: TestClient, staff: Staff, **body: Any) -> Any:
    return client.post("/api/v1/grid/assignments", json=body, headers=staff.headers)
