"""Deadline rules are data an admin edits through the API; a bad set changes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from jieyou.accounts.models import Role
from tests.factories import CITY, HUATANG, make_staff, submit

SH = ZoneInfo("Asia/Shanghai")
CATCH_ALL = {"accept_hours": 24, "contact_hours": 24, "resolve_working_days": 7}


def test_shipped_rules_follow_12345_practice(client, db):
    staff = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    rules = client.get("/api/v1/deadline-rules", headers=staff.headers).json()
    by_scope = {(r["category_code"], r["tier"], r["risk_level"]): r for r in rules}
    assert by_scope[(None, None, None)]["resolve_working_days"] == 7
    assert by_scope[(None, None, None)]["contact_hours"] == 24
    assert by_scope[(None, None, "critical")]["accept_hours"] == 2
    assert by_scope[("0104", None, None)]["resolve_working_days"] == 15


def test_admin_replaces_the_rules_and_new_cases_follow_them(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    body = {
        "rules": [
            CATCH_ALL,
            {"category_code": "08", "resolve_working_days": 3, "note": "政法类三个工作日"},
        ]
    }
    r = client.put("/api/v1/deadline-rules", json=body, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert len(r.json()) == 2
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        number = submit(client, category_code="0802")["number"]
        case = client.get(f"/api/v1/cases/{number}", headers=admin.headers).json()
    # 0802 邻里纠纷 falls under 08: three working days from Mon 11-02.
    assert case["deadlines"]["resolve_by"] == "2026-11-05T23:59:59+08:00"


def test_bad_rule_sets_are_refused_whole(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    township = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    before = client.get("/api/v1/deadline-rules", headers=admin.headers).json()
    bad = [
        ({"rules": [{"category_code": "0802", "resolve_working_days": 3}]}, "catch_all_required"),
        ({"rules": [CATCH_ALL, CATCH_ALL]}, "duplicate_rule"),
        ({"rules": [CATCH_ALL, {"category_code": "0802"}]}, "empty_rule"),
        ({"rules": [CATCH_ALL, {"category_code": "9999", "accept_hours": 1}]}, "unknown_category"),
        ({"rules": [{**CATCH_ALL, "resolve_working_days": 0}]}, "validation_error"),
        ({"rules": [{**CATCH_ALL, "tier": "galaxy"}]}, "validation_error"),
        ({"rules": []}, "validation_error"),
    ]
    for body, code in bad:
        r = client.put("/api/v1/deadline-rules", json=body, headers=admin.headers)
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == code, r.text
    r = client.put("/api/v1/deadline-rules", json={"rules": [CATCH_ALL]}, headers=township.headers)
    assert r.status_code == 403
    assert client.get("/api/v1/deadline-rules", headers=admin.headers).json() == before
