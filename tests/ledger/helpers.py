"""Problem lists made in the test, and the small steps the ledger tests share."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases import attachments
from jieyou.cases.models import Case
from jieyou.cases.schemas import ActionIn
from jieyou.cases.states import Action
from jieyou.db import Database
from jieyou.ledger import service
from jieyou.ledger.models import RectificationItem
from jieyou.ledger.template import COLUMNS
from tests.factories import Staff
from tests.web.helpers import jpeg_bytes

SH = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def problem(ref: str, **overrides: Any) -> dict[str, Any]:
    """One row of a list, in 北湖区华塘镇吴山村 unless told otherwise."""
    row: dict[str, Any] = {
        "ref": ref,
        "source": None,
        "problem_type": "耕地“非粮化”",
        "county": "北湖区",
        "township": "华塘镇",
        "village": "吴山村",
        "region_code": None,
        "address": "吴山村3组老屋场",
        "area": 1.5,
        "description": f"问题{ref}：耕地种植绿化苗木约1.5亩，未种植粮食作物。",
        "unit": None,
        "due": date(2026, 12, 31),
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict[str, Any]], *, headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers or [c.header for c in COLUMNS])
    for r in rows:
        ws.append([r.get(c.key) for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_list(
    client: TestClient,
    staff: Staff,
    rows: list[dict[str, Any]],
    *,
    when: datetime | None = None,
    name: str = "测试清单",
    source: str = "省田长办",
    **form: str,
) -> Any:
    data = {"name": name, "source": source, **form}
    with time_machine.travel(when or at(2026, 9, 1, 9, 0), tick=False):
        return client.post(
            "/api/v1/ledger/batches",
            files={"file": ("清单.xlsx", workbook(rows), XLSX)},
            data=data,
            headers=staff.headers,
        )


def numbers(db: Database, batch_id: int) -> dict[str, str]:
    """问题编号 → case number."""
    with db.unit_of_work(write=False) as s:
        rows = s.execute(
            select(RectificationItem.external_ref, Case.number)
            .join(Case, Case.id == RectificationItem.case_id)
            .where(RectificationItem.batch_id == batch_id)
        ).all()
    return {ref: number for ref, number in rows}


def case_of(db: Database, number: str) -> Case:
    with db.unit_of_work(write=False) as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        s.expunge(case)
    return case


def user(s: Session, username: str) -> User:
    found = s.scalar(select(User).where(User.username == username))
    assert found is not None
    return found


def rectify(
    db: Database,
    tmp_path: Path,
    number: str,
    *,
    handler: str,
    issuer: str,
    until: str,
    now: datetime,
) -> None:
    """Walk an item as far as ``until``: started, awaiting (申请销号) or rectified (销号)."""
    photo = attachments.clean_photo("p.jpg", jpeg_bytes(), max_bytes=5_000_000)
    with db.unit_of_work() as s:

        def act(username: str, action: Action, **body: str) -> None:
            service.act_on_item(
                s,
                actor=user(s, username),
                number=number,
                action=action,
                body=ActionIn(**body),
                now=now,
            )

        act(handler, Action.start)
        if until == "started":
            return
        service.add_evidence(
            s,
            actor=user(s, handler),
            number=number,
            note="已整改",
            photos=[photo],
            upload_dir=tmp_path,
            now=now,
        )
        act(handler, Action.resolve, outcome="已复耕")
        if until == "rectified":
            act(issuer, Action.confirm)
