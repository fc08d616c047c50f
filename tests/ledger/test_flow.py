"""An item's life on its page: start, progress with photos, 申请销号 (only with evidence),
销号 by the issuing tier only, 驳回 with reasons back to work — and the worker's 督办."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_token
from jieyou.cases.models import CaseAttachment, CaseEvent
from jieyou.db import Database
from jieyou.worker import tick
from tests.factories import BEIHU, HUATANG, LUTANG, Staff
from tests.ledger.helpers import at, case_of, import_list, numbers, problem
from tests.web.helpers import csrf_of, jpeg_bytes, login, make_user


def staff(db: Database, username: str, role: Role, region: str, unit: str) -> Staff:
    """A user who signs in to pages (password) and calls the API (token)."""
    make_user(db, username, role, region, unit)
    with db.unit_of_work() as s:
        _, token = create_token(s, username=username)
    return Staff(username, token)


def browser(client: TestClient, username: str) -> TestClient:
    other = TestClient(client.app)
    login(other, username)
    return other


def post_action(page: TestClient, number: str, action: str, **fields: str):
    csrf = csrf_of(page.get(f"/desk/ledger/items/{number}").text)
    return page.post(
        f"/desk/ledger/items/{number}/actions/{action}",
        data={"csrf": csrf, **fields},
        follow_redirects=False,
    )


def post_evidence(page: TestClient, number: str, note: str, photos: int = 1):
    csrf = csrf_of(page.get(f"/desk/ledger/items/{number}").text)
    files = [("photos", (f"p{i}.jpg", jpeg_bytes(), "image/jpeg")) for i in range(photos)]
    return page.post(
        "/desk/ledger/evidence",
        data={"csrf": csrf, "number": number, "note": note},
        files=files or None,
        follow_redirects=False,
    )


@pytest.fixture
def item(client, db):
    """A 北湖区 list with one problem in 华塘镇, assigned to 华塘镇综治中心."""
    county = staff(db, "beihu", Role.county, BEIHU, f"C{BEIHU}")
    town = staff(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    r = import_list(client, county, [problem("K1", due=date(2026, 12, 31))])
    assert r.status_code == 201, r.text
    number = numbers(db, r.json()["batch"]["id"])["K1"]
    return county, town, number


def test_only_the_issuing_tier_verifies_not_the_assignee(client, db, item):
    county, town, number = item
    town_page = browser(client, town.username)
    assert post_action(town_page, number, "start").status_code == 303
    # 申请销号 without any photo is refused beside the form, nothing changes.
    refused = post_action(town_page, number, "resolve", outcome="苗木已移栽，已种植晚稻")
    assert refused.status_code == 422
    assert "申请销号前请先" in refused.text
    assert case_of(db, number).status == "in_progress"

    assert post_evidence(town_page, number, "苗木已全部移栽，正在翻耕").status_code == 303
    r = post_action(town_page, number, "resolve", outcome="苗木已移栽，已种植晚稻")
    assert r.status_code == 303, r.text
    assert case_of(db, number).status == "resolved"
    page = town_page.get(f"/desk/ledger/items/{number}").text
    assert "待销号" in page and "act-confirm" not in page

    # The assignee may not verify its own work: 403, by page and by API alike.
    forced = post_action(town_page, number, "confirm", note="自己销号")
    assert forced.status_code == 403
    assert "无权" in forced.text
    r = client.post(f"/api/v1/ledger/items/{number}/actions/confirm", json={}, headers=town.headers)
    assert r.status_code == 403
    assert case_of(db, number).status == "resolved"

    county_page = browser(client, county.username)
    assert "act-confirm" in county_page.get(f"/desk/ledger/items/{number}").text
    assert post_action(county_page, number, "confirm", note="实地核查到位").status_code == 303
    closed = case_of(db, number)
    assert closed.status == "closed" and closed.closed_at is not None
    assert "已销号" in county_page.get(f"/desk/ledger/items/{number}").text


def test_rejection_returns_the_item_to_work_with_its_reasons_in_the_timeline(client, db, item):
    county, town, number = item
    town_page = browser(client, town.username)
    post_action(town_page, number, "start")
    post_evidence(town_page, number, "已移栽苗木")
    post_action(town_page, number, "resolve", outcome="已整改")
    deadline = case_of(db, number).resolve_by

    county_page = browser(client, county.username)
    without_reason = post_action(county_page, number, "reopen")
    assert without_reason.status_code == 422
    reason = "现场仍有苗木未移栽，请继续整改"
    assert post_action(county_page, number, "reopen", reason=reason).status_code == 303
    case = case_of(db, number)
    assert case.status == "in_progress"
    # Back to work against the list's deadline, not a fresh period from the grievance rules.
    assert case.resolve_by == deadline
    with db.unit_of_work(write=False) as s:
        last = s.scalar(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq.desc())
        )
    assert last is not None and (last.action, last.note) == ("reopen", reason)
    timeline = town_page.get(f"/desk/ledger/items/{number}").text
    assert f"驳回</b> · beihu：{reason}" in timeline
    assert "申请销号</b>" in timeline and "附照片 1 张" in timeline


def test_progress_notes_keep_their_photos(client, db, item, settings):
    _, town, number = item
    town_page = browser(client, town.username)
    post_action(town_page, number, "start")
    assert post_evidence(town_page, number, "清理完成一半", photos=2).status_code == 303
    no_note = post_evidence(town_page, number, "", photos=1)
    assert no_note.status_code == 422 and "请填写整改进展" in no_note.text
    case = case_of(db, number)
    with db.unit_of_work(write=False) as s:
        keys = list(
            s.scalars(select(CaseAttachment.storage_key).where(CaseAttachment.case_id == case.id))
        )
        note = s.scalar(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "comment")
        )
    assert len(keys) == 2
    assert note is not None and sorted(note.data["photos"]) == sorted(keys)
    assert sorted(p.name for p in Path(settings.storage.upload_dir).iterdir()) == sorted(keys)
    photo = town_page.get(f"/desk/cases/{number}/photos/{keys[0]}")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"


def test_items_take_only_the_ledgers_actions_and_grievances_are_not_items(client, db, item):
    county, _, number = item
    page = browser(client, county.username)
    assert post_action(page, number, "escalate", reason="x").status_code == 404
    # The case engine still reads an item like any case.
    read = client.get(f"/api/v1/cases/{number}", headers=county.headers).json()
    assert (read["kind"], read["status"], read["assigned_unit"]["code"]) == (
        "rectification",
        "assigned",
        f"C{HUATANG}",
    )
    # … but moves it only through the ledger: the generic action endpoint refuses, the desk's
    # case page sends the user to the item's page, and a comment is still welcome.
    r = client.post(
        f"/api/v1/cases/{number}/actions/escalate", json={"reason": "x"}, headers=county.headers
    )
    error = r.json()["error"]
    assert (r.status_code, error["code"], error["allowed"]) == (
        409,
        "handled_elsewhere",
        ["comment"],
    )
    again = client.get(f"/api/v1/cases/{number}", headers=county.headers).json()
    assert (again["status"], again["tier"]) == ("assigned", read["tier"])
    r = client.post(
        f"/api/v1/cases/{number}/actions/comment", json={"note": "请抓紧"}, headers=county.headers
    )
    assert r.status_code == 200, r.text
    r = page.get(f"/desk/cases/{number}", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/desk/ledger/items/{number}")
    from tests.factories import submit

    grievance = submit(client)["number"]
    assert page.get(f"/desk/ledger/items/{grievance}").status_code == 404


def test_reassignment_goes_to_a_centre_under_the_issuer_and_moves_the_tier(client, db, item):
    county, town, number = item
    town_page = browser(client, town.username)
    r = post_action(town_page, number, "return", reason="问题位于鲁塘镇，不属本镇")
    assert r.status_code == 303
    county_page = browser(client, county.username)
    wrong = post_action(county_page, number, "assign", unit_code=f"C{LUTANG}")
    assert wrong.status_code == 422  # 鲁塘镇 does not cover a problem in 华塘镇
    assert post_action(county_page, number, "assign", unit_code=f"C{BEIHU}").status_code == 422
    assert post_action(county_page, number, "assign", unit_code=f"C{HUATANG}").status_code == 303
    assert case_of(db, number).status == "assigned"


def test_an_overdue_item_is_supervised_one_tier_up_by_the_worker(client, db):
    county = staff(db, "beihu", Role.county, BEIHU, f"C{BEIHU}")
    r = import_list(client, county, [problem("L1", due=date(2026, 10, 15))])
    number = numbers(db, r.json()["batch"]["id"])["L1"]
    # A working day ahead: the warning; past the day: overdue, and the county supervises.
    assert tick(db, now=at(2026, 10, 14, 9, 0)).deadlines.warned == 1
    report = tick(db, now=at(2026, 10, 16, 0, 5)).deadlines
    assert (report.overdue, report.supervised) == (1, 1)
    with db.unit_of_work(write=False) as s:
        case_id = case_of(db, number).id
        kinds = [
            (e.action, e.data.get("deadline"), e.data.get("supervisor_unit"))
            for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))
        ]
    # Only the resolve deadline: no acceptance or first-contact limit on a listed problem.
    assert ("overdue", "resolve", None) in kinds
    assert [unit for action, _, unit in kinds if action == "supervise"] == [f"C{BEIHU}"]
    assert [due for action, due, _ in kinds if action == "overdue"] == ["resolve"]


def test_the_worker_never_closes_an_item_waiting_for_verification(client, db, item):
    _, town, number = item
    town_page = browser(client, town.username)
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        post_action(town_page, number, "start")
        post_evidence(town_page, number, "已整改")
        post_action(town_page, number, "resolve", outcome="已整改")
    tick(db, now=at(2026, 11, 20, 10, 0))
    tick(db, now=at(2026, 11, 30, 10, 0))
    with db.unit_of_work(write=False) as s:
        actions = list(
            s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_of(db, number).id))
        )
    assert "invite_rate" not in actions and "auto_close" not in actions
    assert case_of(db, number).status == "resolved"
