"""Deadlines in Chinese working days, the worker's tick (warning, overdue, 督办), extensions,
pauses and the callback — through the API, the tick and the CLI, with frozen time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.cases.models import Case, CaseEvent
from jieyou.cli import app as cli
from jieyou.routing.calendar_service import set_year_calendar
from jieyou.worker import tick
from tests.factories import BEIHU, CITY, HUATANG, WUSHAN, act, make_staff, submit

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def submit_at(client, moment: datetime, **overrides) -> dict:
    with time_machine.travel(moment, tick=False):
        return submit(client, **overrides)


def act_at(client, moment: datetime, staff, number: str, action: str, **body):
    with time_machine.travel(moment, tick=False):
        return act(client, staff, number, action, **body)


def read(client, staff, number: str, moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        r = client.get(f"/api/v1/cases/{number}", headers=staff.headers)
    assert r.status_code == 200, r.text
    return r.json()


def events(db, number: str, action: str | None = None) -> list[CaseEvent]:
    with db.unit_of_work(write=False) as s:
        case_id = s.scalar(select(Case.id).where(Case.number == number))
        stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        found = list(s.scalars(stmt))
    return [e for e in found if action is None or e.action == action]


@pytest.fixture
def admin(db):
    return make_staff(db, "root", Role.admin, CITY)


def accepted_village_case(client, admin, moment: datetime, **overrides) -> str:
    """A 邻里纠纷 (village tier, 7 working days) accepted and assigned to 吴山村."""
    number = submit_at(client, moment, **overrides)["number"]
    assert act_at(client, moment, admin, number, "accept").status_code == 200
    r = act_at(client, moment, admin, number, "assign", unit_code=f"C{WUSHAN}")
    assert r.status_code == 200, r.text
    return number


# --- working days -----------------------------------------------------------------------


def test_resolve_deadline_skips_national_day_and_counts_the_make_up_saturday(client, admin):
    # 2026: 10-01..10-07 holiday; 10-08 Thu and 10-09 Fri work; 10-10 (Sat) is a make-up
    # working day; 10-11 Sun off. Seven working days from 09-30: 10-08, 09, 10, 12, 13, 14, 15.
    number = submit_at(client, at(2026, 9, 30, 10, 0))["number"]
    case = read(client, admin, number, at(2026, 9, 30, 10, 5))
    assert case["deadlines"]["resolve_by"] == "2026-10-15T23:59:59+08:00"
    assert case["deadlines"]["accept_by"] == "2026-10-01T10:00:00+08:00"
    assert case["deadlines"]["contact_by"] == "2026-10-01T10:00:00+08:00"
    assert case["deadlines"]["current"] == case["deadlines"]["accept_by"]
    assert case["deadlines"]["note"] is None
    assert case["is_overdue"] is False


def test_critical_risk_must_be_accepted_within_two_hours(client, admin):
    number = submit_at(
        client,
        at(2026, 11, 27, 10, 0),
        description="邻居扬言要拿刀去砍人，还说要放火烧了他家房子，现在就在门口闹，情况紧急",
    )["number"]
    case = read(client, admin, number, at(2026, 11, 27, 10, 1))
    assert case["risk_level"] == "critical"
    assert case["deadlines"]["accept_by"] == "2026-11-27T12:00:00+08:00"
    # The emergency rule shortens acceptance and contact, not the resolve limit.
    assert case["deadlines"]["resolve_by"] == "2026-12-08T23:59:59+08:00"


def test_complex_category_gets_fifteen_working_days(client, admin):
    number = submit_at(client, at(2026, 11, 2, 9, 0), category_code="0104")["number"]
    case = read(client, admin, number, at(2026, 11, 2, 9, 1))
    assert case["deadlines"]["resolve_by"] == "2026-11-23T23:59:59+08:00"


def test_next_year_without_a_calendar_counts_weekends_only_and_says_so(client, db, admin):
    number = submit_at(client, at(2026, 12, 28, 9, 0))["number"]
    case = read(client, admin, number, at(2026, 12, 28, 9, 1))
    # 12-29, 30, 31, then 2027 weekends only: 01-01 (Fri), 04, 05, 06.
    assert case["deadlines"]["resolve_by"] == "2027-01-06T23:59:59+08:00"
    assert "2027年法定节假日安排尚未录入" in case["deadlines"]["note"]

    # Once the State Council's notice is entered, new cases count its holidays.
    with db.unit_of_work() as s:
        set_year_calendar(
            s,
            year=2027,
            source="国务院办公厅关于2027年部分节假日安排的通知",
            holidays=[(date(2027, 1, 1), date(2027, 1, 3), "元旦")],
            workdays=[],
            actor=None,
        )
    number = submit_at(client, at(2026, 12, 28, 9, 0))["number"]
    case = read(client, admin, number, at(2026, 12, 28, 9, 1))
    assert case["deadlines"]["resolve_by"] == "2027-01-07T23:59:59+08:00"
    assert case["deadlines"]["note"] is None


# --- the tick ---------------------------------------------------------------------------


def test_tick_warns_a_working_day_ahead_then_marks_overdue_and_escalates_once(client, db, admin):
    number = accepted_village_case(client, admin, at(2026, 9, 30, 10, 0))
    assert read(client, admin, number, at(2026, 9, 30, 11))["deadlines"]["resolve_by"] == (
        "2026-10-15T23:59:59+08:00"
    )
    # Nothing is due yet: the tick only reviews the case and schedules its next look.
    report = tick(db, now=at(2026, 10, 13, 9, 0))
    assert report.deadlines.warned == 0
    assert events(db, number, "warn") == []

    # One working day ahead of 10-15: 10-14 from 09:00.
    report = tick(db, now=at(2026, 10, 14, 9, 0))
    assert report.deadlines.warned == 1
    assert tick(db, now=at(2026, 10, 14, 9, 0)).deadlines.warned == 0
    assert len(events(db, number, "warn")) == 1

    # Past the deadline: overdue, and 华塘镇 (one tier above the village) supervises it.
    before = len(events(db, number))
    report = tick(db, now=at(2026, 10, 16, 0, 5))
    assert (report.deadlines.overdue, report.deadlines.supervised) == (1, 1)
    supervise = events(db, number, "supervise")
    assert len(supervise) == 1
    assert supervise[0].data["supervisor_unit"] == f"C{HUATANG}"
    assert supervise[0].data["previous_deadline"].startswith("2026-10-15T15:59:59")
    # 督办 gives three working days after the day of escalation: 10-19, 10-20, 10-21.
    assert supervise[0].data["deadline"].startswith("2026-10-21T15:59:59")
    case = read(client, admin, number, at(2026, 10, 16, 0, 6))
    assert case["is_overdue"] is True
    assert case["deadlines"]["supervision_level"] == 1
    assert case["deadlines"]["supervisor_unit"]["code"] == f"C{HUATANG}"

    # Idempotent: the same moment again changes nothing.
    report = tick(db, now=at(2026, 10, 16, 0, 5))
    assert report.deadlines.reviewed == 0
    assert len(events(db, number)) == before + 2

    # Still not done after 督办: the county, then the city, then nobody above.
    tick(db, now=at(2026, 10, 22, 0, 5))  # county; due 10-27
    tick(db, now=at(2026, 10, 28, 0, 5))  # city; due 11-02
    tick(db, now=at(2026, 11, 3, 0, 5))  # overdue at the top: marked, nobody to escalate to
    tick(db, now=at(2026, 11, 30, 0, 5))
    chain = [e.data["supervisor_unit"] for e in events(db, number, "supervise")]
    assert chain == [f"C{HUATANG}", f"C{BEIHU}", f"C{CITY}"]
    kinds = [e.data["deadline"] for e in events(db, number, "overdue")]
    # Nobody recorded contacting the resident either: marked once, on its own.
    assert sorted(kinds) == ["contact", "resolve", "resolve", "resolve", "resolve"]


def test_accepting_in_time_means_no_overdue(client, db, admin):
    number = submit_at(client, at(2026, 11, 2, 9, 0))["number"]
    act_at(client, at(2026, 11, 2, 15, 0), admin, number, "accept")
    act_at(client, at(2026, 11, 2, 15, 5), admin, number, "contact", note="电话联系")
    report = tick(db, now=at(2026, 11, 3, 10, 0))
    assert report.deadlines.overdue == 0
    assert read(client, admin, number, at(2026, 11, 3, 10, 1))["is_overdue"] is False


def test_unaccepted_case_goes_overdue_and_is_supervised_one_tier_up(client, db, admin):
    number = submit_at(client, at(2026, 11, 2, 9, 0))["number"]
    report = tick(db, now=at(2026, 11, 3, 9, 30))
    # Both the acceptance and the first-contact limits (24 h) have passed.
    assert report.deadlines.overdue == 2
    assert report.deadlines.supervised == 1
    kinds = sorted(e.data["deadline"] for e in events(db, number, "overdue"))
    assert kinds == ["accept", "contact"]
    case = read(client, admin, number, at(2026, 11, 3, 9, 31))
    assert case["is_overdue"] is True
    assert case["deadlines"]["accept_by"] == "2026-11-04T09:30:00+08:00"


def test_the_tick_command_runs_as_of_a_given_time(client, db, admin):
    number = accepted_village_case(client, admin, at(2026, 9, 30, 10, 0))
    result = CliRunner().invoke(cli, ["tick", "--at", "2026-10-14T09:00:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "deadline warnings" in result.output
    assert len(events(db, number, "warn")) == 1
    bad = CliRunner().invoke(cli, ["tick", "--at", "yesterday"])
    assert bad.exit_code == 2
    assert "ISO 8601" in bad.output


# --- extension and pause -----------------------------------------------------------------


def test_extension_is_requested_with_a_reason_and_approved_one_tier_up(client, db, admin):
    number = accepted_village_case(client, admin, at(2026, 11, 2, 9, 0))
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    township = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    moment = at(2026, 11, 5, 10, 0)

    missing = act_at(client, moment, village, number, "extend", days=5)
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "reason"
    r = act_at(client, moment, village, number, "extend", reason="等待鉴定结论", days=5)
    assert r.status_code == 200, r.text
    again = act_at(client, moment, village, number, "extend", reason="再延", days=3)
    assert again.status_code == 409

    # The village cannot approve its own request; the township above it can.
    assert act_at(client, moment, village, number, "grant_extend").status_code == 403
    case = read(client, township, number, moment)
    assert case["deadlines"]["pending_extension"]["days"] == 5
    assert "grant_extend" in case["available_actions"]
    r = act_at(client, moment, township, number, "grant_extend", note="同意")
    assert r.status_code == 200, r.text
    case = read(client, township, number, moment)
    # 11-11 (7 working days from 11-02) + 5 working days = 11-18.
    assert case["deadlines"]["resolve_by"] == "2026-11-18T23:59:59+08:00"
    assert case["deadlines"]["pending_extension"] is None
    assert act_at(client, moment, township, number, "grant_extend").status_code == 409


def test_denied_extension_keeps_the_deadline(client, db, admin):
    number = accepted_village_case(client, admin, at(2026, 11, 2, 9, 0))
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    act_at(client, at(2026, 11, 3, 9), village, number, "extend", reason="人手不足", days=10)
    r = act_at(client, at(2026, 11, 3, 10), admin, number, "deny_extend", reason="理由不充分")
    assert r.status_code == 200, r.text
    case = read(client, admin, number, at(2026, 11, 3, 10))
    assert case["deadlines"]["resolve_by"] == "2026-11-11T23:59:59+08:00"


def test_pause_stops_the_clock_and_resume_moves_the_deadline(client, db, admin):
    number = accepted_village_case(client, admin, at(2026, 11, 2, 9, 0))
    assert act_at(client, at(2026, 11, 6, 16), admin, number, "resume").status_code == 409
    r = act_at(client, at(2026, 11, 6, 16), admin, number, "pause", reason="等待法院开庭")
    assert r.status_code == 200, r.text
    assert act_at(client, at(2026, 11, 6, 16), admin, number, "pause", reason="x").status_code == (
        409
    )
    # Paused past the deadline: no warning, no overdue.
    report = tick(db, now=at(2026, 11, 16, 9, 0))
    assert (report.deadlines.warned, report.deadlines.overdue) == (0, 0)
    case = read(client, admin, number, at(2026, 11, 16, 9, 0))
    assert case["is_overdue"] is False
    assert case["deadlines"]["is_paused"] is True
    assert case["deadlines"]["pause_reason"] == "等待法院开庭"
    # Paused on Fri 11-06, resumed Mon 11-16: 11-06, 09, 10, 11, 12, 13 = 6 working days.
    act_at(client, at(2026, 11, 16, 9, 30), admin, number, "resume", note="已开庭")
    case = read(client, admin, number, at(2026, 11, 16, 9, 31))
    assert case["deadlines"]["resolve_by"] == "2026-11-19T23:59:59+08:00"
    assert events(db, number, "resume")[0].data["paused_working_days"] == 6


def test_worker_actions_cannot_be_taken_through_the_api(client, admin):
    number = submit_at(client, at(2026, 11, 2, 9, 0))["number"]
    for action in ("warn", "overdue", "supervise", "invite_rate", "auto_close"):
        r = act_at(client, at(2026, 11, 2, 9, 1), admin, number, action)
        assert r.status_code == 404, action
        assert r.json()["error"]["code"] == "unknown_action"


def test_extension_days_must_be_a_whole_number_of_working_days(client, admin):
    number = accepted_village_case(client, admin, at(2026, 11, 2, 9, 0))
    for days in (0, 61, "五", 2.5):
        r = act_at(client, at(2026, 11, 3), admin, number, "extend", reason="x", days=days)
        assert r.status_code == 422, days
    assert read(client, admin, number, at(2026, 11, 3))["deadlines"]["pending_extension"] is None


# --- callback ---------------------------------------------------------------------------


def resolved_case(client, admin, moment: datetime) -> dict:
    created = submit_at(client, moment)
    number = created["number"]
    for action, body in (
        ("accept", {}),
        ("assign", {"unit_code": f"C{WUSHAN}"}),
        ("start", {}),
        ("resolve", {"outcome": "已调解", "reply": "双方达成协议"}),
    ):
        assert act_at(client, moment, admin, number, action, **body).status_code == 200
    return created


def test_resident_is_invited_the_next_working_day_and_unrated_cases_close_apart(client, db, admin):
    # Resolved on Fri 10-09; Sat 10-10 is a make-up working day, so the invitation goes then.
    created = resolved_case(client, admin, at(2026, 10, 9, 15, 0))
    number = created["number"]
    assert tick(db, now=at(2026, 10, 10, 8, 59)).deadlines.invited == 0
    assert tick(db, now=at(2026, 10, 10, 9, 0)).deadlines.invited == 1
    assert tick(db, now=at(2026, 10, 10, 9, 0)).deadlines.invited == 0
    invite = events(db, number, "invite_rate")
    assert len(invite) == 1 and invite[0].is_public

    assert tick(db, now=at(2026, 10, 17, 8, 59)).deadlines.closed_unrated == 0
    assert tick(db, now=at(2026, 10, 17, 9, 0)).deadlines.closed_unrated == 1
    case = read(client, admin, number, at(2026, 10, 17, 9, 1))
    assert (case["status"], case["rating"]) == ("closed", "unrated")
    # The resident can no longer rate a closed case.
    r = client.post(
        f"/api/v1/track/{number}/rating",
        json={"code": created["query_code"], "rating": "satisfied"},
    )
    assert r.status_code == 409


def test_a_rating_before_the_period_ends_is_kept(client, db, admin):
    created = resolved_case(client, admin, at(2026, 11, 2, 15, 0))
    tick(db, now=at(2026, 11, 3, 9, 0))
    r = client.post(
        f"/api/v1/track/{created['number']}/rating",
        json={"code": created["query_code"], "rating": "satisfied"},
    )
    assert r.status_code == 200, r.text
    assert tick(db, now=at(2026, 11, 20, 9, 0)).deadlines.closed_unrated == 0
    case = read(client, admin, created["number"], at(2026, 11, 20, 9, 1))
    assert case["rating"] == "satisfied"


def test_overdue_filter_lists_only_cases_past_their_deadline(client, db, admin):
    late = submit_at(client, at(2026, 11, 2, 9, 0))["number"]
    fresh = submit_at(client, at(2026, 11, 27, 9, 0))["number"]
    paused = accepted_village_case(client, admin, at(2026, 11, 2, 9, 0))
    act_at(client, at(2026, 11, 3, 9, 0), admin, paused, "pause", reason="等待开庭")
    with time_machine.travel(at(2026, 11, 27, 10, 0), tick=False):
        r = client.get("/api/v1/cases?overdue=true", headers=admin.headers)
        everything = client.get("/api/v1/cases", headers=admin.headers).json()["total"]
    assert r.status_code == 200
    numbers = [c["number"] for c in r.json()["items"]]
    assert numbers == [late]
    assert r.json()["items"][0]["is_overdue"] is True
    assert everything == 3 and fresh not in numbers


def test_the_tick_runs_the_early_warning_scan(client, db):
    # The same phone three times in a month: a repeat-complaint alert, raised once.
    for day in (2, 9, 16):
        submit_at(client, at(2026, 11, day, 9, 0), description=f"第{day}次反映：邻居加盖棚子挡光")
    report = tick(db, now=at(2026, 11, 17, 9, 0))
    assert report.figures["alerts raised"] >= 1
    again = tick(db, now=at(2026, 11, 17, 9, 0))
    assert again.figures["alerts raised"] == 0 and again.figures["alerts updated"] == 0


def test_a_deadline_is_met_up_to_its_very_moment(client, db):
    number = submit_at(client, at(2026, 11, 2, 9, 0))["number"]
    # accept_by is 11-03 09:00:00 exactly: on time then, overdue a second later.
    assert tick(db, now=at(2026, 11, 3, 9, 0)).deadlines.overdue == 0
    assert tick(db, now=at(2026, 11, 3, 9, 0, 1)).deadlines.overdue == 2
    assert {e.data["deadline"] for e in events(db, number, "overdue")} == {"accept", "contact"}
