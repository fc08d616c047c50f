"""Working days: the built-in calendar, admin-entered years, the weekends-only fallback, and
the ways an admin enters a year (API, page, CLI)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.db import Database
from jieyou.errors import Invalid
from jieyou.routing.calendar import WorkCalendar
from jieyou.routing.calendar_service import (
    CalendarStatus,
    Holiday,
    MakeUpDay,
    get_year_calendar,
    import_notice_text,
    parse_notice_text,
    set_year_calendar,
)
from jieyou.routing.cli import calendar_app
from jieyou.web import calendar as calendar_pages
from tests.factories import CITY, HUATANG, count_rows, make_staff
from tests.web.helpers import csrf_of, login, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
runner = CliRunner()

# A plausible 2027 notice (the real one is not out yet): the built-in data ends with 2026.
NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知
元旦 2027-01-01 2027-01-03
春节 2027-02-05 2027-02-13
调休上班 2027-02-14
调休上班 2027-02-20
"""
HOLIDAYS_2027 = [
    Holiday(date(2027, 1, 1), date(2027, 1, 3), "元旦"),
    Holiday(date(2027, 2, 5), date(2027, 2, 13), "春节"),
]
WORKDAYS_2027 = [
    MakeUpDay(date(2027, 2, 14), "调休上班"),
    MakeUpDay(date(2027, 2, 20), "调休上班"),
]


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=SHANGHAI).astimezone(UTC)


def enter_2027(db: Database) -> None:
    with db.unit_of_work() as s:
        set_year_calendar(
            s,
            year=2027,
            source="国务院办公厅关于2027年部分节假日安排的通知",
            holidays=HOLIDAYS_2027,
            workdays=WORKDAYS_2027,
            actor=None,
        )


def loaded(db: Database) -> WorkCalendar:
    with db.unit_of_work(write=False) as s:
        return WorkCalendar.load(s)


# --- the arithmetic --------------------------------------------------------------------------


def test_national_day_2026_is_skipped_and_its_make_up_saturday_counts() -> None:
    cal = WorkCalendar()
    # 10-01..10-07 off; 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, 调休上班), 10-12..10-15.
    assert [cal.is_workday(date(2026, 10, d)) for d in (1, 7, 8, 10, 11)] == [
        False,
        False,
        True,
        True,
        False,
    ]
    start = local(2026, 9, 30, 10)
    assert cal.add_working_days(start, 3) == end_of(2026, 10, 10)
    deadline = cal.add_working_days(start, 7)
    assert deadline == end_of(2026, 10, 15)
    assert deadline == datetime(2026, 10, 15, 15, 59, 59, tzinfo=UTC)
    assert deadline.tzinfo == UTC
    assert cal.note_for(start, deadline) is None


def test_zero_days_is_the_end_of_the_local_start_day() -> None:
    cal = WorkCalendar()
    assert cal.add_working_days(local(2026, 9, 30, 10), 0) == end_of(2026, 9, 30)
    # 01:00 on Oct 1 in Chenzhou is still Sep 30 in UTC: the local date decides.
    just_after_midnight = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    assert cal.add_working_days(just_after_midnight, 0) == end_of(2026, 10, 1)
    assert cal.add_working_days(just_after_midnight, 1) == end_of(2026, 10, 8)


def test_bad_arguments_are_refused() -> None:
    cal = WorkCalendar()
    with pytest.raises(ValueError):
        cal.add_working_days(datetime(2026, 9, 30, 10), 1)  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(ValueError):
        cal.add_working_days(local(2026, 9, 30), -1)


def test_working_days_between_counts_the_half_open_range() -> None:
    cal = WorkCalendar()
    # 09-30, 10-08, 10-09, 10-10 (make-up Saturday); 10-11 is not in [a, b).
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert cal.working_days_between(date(2026, 10, 1), date(2026, 10, 8)) == 0
    assert cal.working_days_between(date(2026, 10, 12), date(2026, 10, 12)) == 0
    assert cal.working_days_between(date(2026, 10, 12), date(2026, 10, 1)) == 0


def test_a_year_nobody_entered_counts_weekends_only_and_says_so(db: Database) -> None:
    cal = loaded(db)
    assert not cal.covers(2027) and cal.covers(2026)
    assert cal.is_workday(date(2027, 1, 1))  # a Friday: New Year's Day unknown
    assert not cal.is_workday(date(2027, 1, 2))
    start = local(2026, 12, 30)
    deadline = cal.add_working_days(start, 3)  # 12-31, 01-01, 01-04
    assert deadline == end_of(2027, 1, 4)
    assert cal.fallback_years(start, deadline) == [2027]
    assert cal.note_for(start, deadline) == "2027年法定节假日安排尚未录入，期限暂按周末休息计算"
    assert cal.note_for(local(2026, 9, 30), local(2026, 10, 15)) is None
    assert cal.note_for(date(2027, 12, 1), date(2028, 1, 10)) == (
        "2027、2028年法定节假日安排尚未录入，期限暂按周末休息计算"
    )


def test_an_entered_2027_moves_the_deadline_and_drops_the_note(db: Database) -> None:
    enter_2027(db)
    cal = loaded(db)
    assert cal.covers(2027)
    start = local(2026, 12, 30)
    deadline = cal.add_working_days(start, 3)  # 12-31, (元旦 off) 01-04, 01-05
    assert deadline == end_of(2027, 1, 5)
    assert cal.note_for(start, deadline) is None
    # Spring Festival: 02-05..02-13 off, Sunday 02-14 works.
    assert cal.add_working_days(local(2027, 2, 4), 1) == end_of(2027, 2, 14)
    assert cal.add_working_days(local(2027, 2, 4), 2) == end_of(2027, 2, 15)
    assert cal.is_workday(date(2027, 2, 20)) and not cal.is_workday(date(2027, 2, 21))
    assert cal.is_workday(date(2027, 3, 1)) and not cal.is_workday(date(2027, 3, 6))
    assert cal.working_days_between(date(2027, 2, 1), date(2027, 2, 16)) == 6


def test_an_entered_year_wins_over_the_built_in_one(db: Database) -> None:
    assert not loaded(db).is_workday(date(2026, 10, 7))
    with db.unit_of_work() as s:
        set_year_calendar(
            s,
            year=2026,
            source="更正",
            holidays=[Holiday(date(2026, 10, 1), date(2026, 10, 6), "国庆节")],
            workdays=[],
            actor=None,
        )
    cal = loaded(db)
    assert cal.is_workday(date(2026, 10, 7))
    assert not cal.is_workday(date(2026, 10, 10))  # no longer a make-up day


def test_loading_reads_the_database_once_not_per_day(db: Database) -> None:
    enter_2027(db)
    statements: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):  # not the test's SAVEPOINTs
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.unit_of_work(write=False) as s:
            cal = WorkCalendar.load(s)
            after_load = len(statements)
            cal.add_working_days(local(2026, 1, 1), 400)
            cal.working_days_between(date(2026, 1, 1), date(2028, 1, 1))
            cal.note_for(date(2026, 1, 1), date(2028, 1, 1))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert after_load == 2
    assert len(statements) == after_load


# --- the November warning --------------------------------------------------------------------


def test_the_november_warning_asks_for_next_year(db: Database) -> None:
    cal = loaded(db)
    assert cal.missing_next_year_warning(date(2026, 10, 31)) is None
    warning = cal.missing_next_year_warning(date(2026, 11, 1))
    assert warning is not None
    assert "2027年" in warning and "系统管理 → 工作日历" in warning
    assert "jieyou calendar import 2027" in warning
    assert cal.missing_next_year_warning(date(2026, 12, 31)) is not None
    assert cal.missing_next_year_warning(date(2025, 11, 15)) is None  # 2026 is built in
    enter_2027(db)
    assert loaded(db).missing_next_year_warning(date(2026, 11, 1)) is None


# --- entering a year -------------------------------------------------------------------------


def test_the_notice_text_parses_into_holidays_and_make_up_days() -> None:
    holidays, workdays = parse_notice_text(NOTICE_2027)
    assert holidays == HOLIDAYS_2027
    assert workdays == WORKDAYS_2027
    other = "\n\n清明节：2027-04-03至2027-04-05\n劳动节\u30002027/5/1 ~ 2027/5/5\n上班 2027-04-25\n"
    holidays, workdays = parse_notice_text(other)
    assert holidays == [
        Holiday(date(2027, 4, 3), date(2027, 4, 5), "清明节"),
        Holiday(date(2027, 5, 1), date(2027, 5, 5), "劳动节"),
    ]
    assert workdays == [MakeUpDay(date(2027, 4, 25), "上班")]
    one_day, _ = parse_notice_text("中秋节 2027-09-15")
    assert one_day == [Holiday(date(2027, 9, 15), date(2027, 9, 15), "中秋节")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("元旦 2027-01-01 2027-01-03\n春节 2027-02-30 2027-03-01", ["第 2 行", "2027-02-30"]),
        ("元旦 2027-01-01 2027-01-03\n\n# note\n春节", ["第 4 行", "一个或两个日期"]),
        ("2027-01-01 2027-01-03", ["第 1 行", "缺少名称"]),
        ("调休上班 2027-02-14 2027-02-15", ["第 1 行", "只写一个日期"]),
        ("元旦 2027-01-01 2027-01-02 2027-01-03", ["第 1 行", "有 3 个"]),
        ("\n# 只有注释\n", ["没有读到任何节假日"]),
    ],
)
def test_unreadable_lines_are_named(text: str, expected: list[str]) -> None:
    with pytest.raises(Invalid) as info:
        parse_notice_text(text)
    for part in expected:
        assert part in info.value.message
    assert info.value.extra["field"] == "text"


def test_several_bad_lines_are_all_reported() -> None:
    with pytest.raises(Invalid) as info:
        parse_notice_text("元旦 2027-13-01\n春节 2027-02-05 2027-02-13\n国庆 十月一日")
    assert "第 1 行" in info.value.message and "第 3 行" in info.value.message
    assert "第 2 行" not in info.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("元旦 2026-12-31 2027-01-02", "第 1 行：2026-12-31 不在 2027 年内"),
        ("元旦 2027-01-01 2027-01-03\n春节 2027-02-13 2027-02-05", "第 2 行：结束日期 2027-02-05"),
        ("春节 2027-02-05 2027-02-13\n调休上班 2027-02-13", "第 2 行：2027-02-13 不能既是"),
        ("元旦 2027-01-01 2027-01-03\n新年 2027-01-03 2027-01-04", "已在“元旦”（第 1 行）中"),
        ("元旦 2027-01-01\n调休上班 2027-02-14\n调休上班 2027-02-14", "第 3 行：2027-02-14 重复"),
        ("调休上班 2027-02-14", "请至少填写一个节假日"),
    ],
)
def test_impossible_calendars_are_refused_naming_the_line(
    db: Database, text: str, expected: str
) -> None:
    with pytest.raises(Invalid) as info, db.unit_of_work() as s:
        import_notice_text(s, year=2027, source=None, text=text, actor=None)
    assert expected in info.value.message
    assert info.value.extra["field"] == "text"
    assert count_rows(db, "calendar_years") == 0


def test_the_service_names_the_item_and_the_year_range(db: Database) -> None:
    with pytest.raises(Invalid) as info, db.unit_of_work() as s:
        set_year_calendar(
            s,
            year=2027,
            source="x",
            holidays=[*HOLIDAYS_2027, Holiday(date(2027, 5, 5), date(2027, 5, 1), "劳动节")],
            workdays=[MakeUpDay(date(2028, 1, 1), "调休上班")],
            actor=None,
        )
    assert "节假日第 3 项：结束日期" in info.value.message
    assert "调休上班日第 1 项：2028-01-01 不在 2027 年内" in info.value.message
    fields = [f["field"] for f in info.value.extra["fields"]]
    assert fields == ["holidays.2.end", "workdays.0.date"]
    with pytest.raises(Invalid) as info, db.unit_of_work() as s:
        set_year_calendar(s, year=1999, source="x", holidays=HOLIDAYS_2027, workdays=[], actor=None)
    assert info.value.extra["field"] == "year"


def test_entering_a_year_again_replaces_it_and_a_weekend_holiday_is_kept(db: Database) -> None:
    enter_2027(db)
    with db.unit_of_work() as s:
        import_notice_text(
            s,
            year=2027,
            source=None,
            text="元旦 2027-01-01 2027-01-03\n端午节 2027-06-12",  # 06-12 is a Saturday
            actor=None,
        )
    with db.unit_of_work(write=False) as s:
        cal = get_year_calendar(s, 2027)
    assert cal.status == CalendarStatus.entered
    assert cal.source == "国务院办公厅关于2027年部分节假日安排的通知"
    assert [h.name for h in cal.holidays] == ["元旦", "端午节"]
    assert cal.workdays == []
    assert count_rows(db, "calendar_days") == 4
    assert loaded(db).is_workday(date(2027, 2, 8))  # the old Spring Festival is gone


def test_a_built_in_year_reads_back_in_chinese(db: Database) -> None:
    with db.unit_of_work(write=False) as s:
        cal = get_year_calendar(s, 2026)
        missing = get_year_calendar(s, 2030)
    assert cal.status == CalendarStatus.builtin
    assert Holiday(date(2026, 10, 1), date(2026, 10, 7), "国庆节") in cal.holidays
    assert MakeUpDay(date(2026, 10, 10), "国庆节调休上班") in cal.workdays
    assert missing.status == CalendarStatus.missing and missing.holidays == []


# --- the JSON API ----------------------------------------------------------------------------


@pytest.fixture
def app_client(client: TestClient) -> TestClient:
    return client


BODY_2027: dict[str, Any] = {
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": [
        {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
        {"name": "春节", "start": "2027-02-05", "end": "2027-02-13"},
    ],
    "workdays": [{"date": "2027-02-14"}, {"name": "调休上班", "date": "2027-02-20"}],
}


def test_an_admin_enters_a_year_and_staff_read_it(app_client: TestClient, db: Database) -> None:
    admin = make_staff(db, "root", Role.admin, CITY)
    town = make_staff(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    before = app_client.get("/api/v1/calendars/2027", headers=town.headers)
    assert before.status_code == 200
    assert before.json()["status"] == "missing" and before.json()["holidays"] == []
    r = app_client.put("/api/v1/calendars/2027", json=BODY_2027, headers=admin.headers)
    assert r.status_code == 200, r.text
    got = app_client.get("/api/v1/calendars/2027", headers=town.headers).json()
    assert got["status"] == "entered" and got["status_label"] == "已录入"
    assert got["entered_by"] == "root" and got["entered_at"].endswith("+08:00")
    assert got["holidays"][1] == {"name": "春节", "start": "2027-02-05", "end": "2027-02-13"}
    assert got["workdays"] == [
        {"name": "调休上班", "date": "2027-02-14"},
        {"name": "调休上班", "date": "2027-02-20"},
    ]
    built_in = app_client.get("/api/v1/calendars/2026", headers=town.headers).json()
    assert built_in["status"] == "builtin"
    assert loaded(db).add_working_days(local(2027, 2, 4), 1) == end_of(2027, 2, 14)


def test_only_an_admin_may_enter_a_year(app_client: TestClient, db: Database) -> None:
    town = make_staff(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    r = app_client.put("/api/v1/calendars/2027", json=BODY_2027, headers=town.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "admin_only"
    assert app_client.put("/api/v1/calendars/2027", json=BODY_2027).status_code == 401
    assert app_client.get("/api/v1/calendars/2027").status_code == 401
    assert count_rows(db, "calendar_years") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY_2027, "holidays": "元旦"}, "holidays"),
        (
            {**BODY_2027, "holidays": [{"name": "元旦", "start": 1798761600, "end": "2027-01-03"}]},
            "holidays.0.start",
        ),
        (
            {
                **BODY_2027,
                "holidays": [{"name": "元旦", "start": "2027-02-30", "end": "2027-03-01"}],
            },
            "holidays.0.start",
        ),
        ({**BODY_2027, "holidays": [{"name": "元旦", "start": "2027-01-01"}]}, "holidays.0.end"),
        (
            {**BODY_2027, "holidays": [{"name": "", "start": "2027-01-01", "end": "2027-01-01"}]},
            "holidays.0.name",
        ),
        ({**BODY_2027, "workdays": [{"date": "2027-02-14", "extra": 1}]}, "workdays.0.extra"),
        ({"source": "x", "workdays": []}, "holidays"),
        (
            {
                **BODY_2027,
                "holidays": [{"name": "元旦", "start": "2027-01-03", "end": "2027-01-01"}],
            },
            "holidays.0.end",
        ),
        ({**BODY_2027, "workdays": [{"date": "2027-02-06"}]}, "workdays.0.date"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(
    app_client: TestClient, db: Database, body: dict[str, Any], field: str
) -> None:
    admin = make_staff(db, "root", Role.admin, CITY)
    enter_2027(db)
    r = app_client.put("/api/v1/calendars/2027", json=body, headers=admin.headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert field in [f["field"] for f in error["fields"]], error
    with db.unit_of_work(write=False) as s:
        cal = get_year_calendar(s, 2027)
    assert cal.holidays == HOLIDAYS_2027 and cal.workdays == WORKDAYS_2027


def test_malformed_json_and_bad_years_are_refused(app_client: TestClient, db: Database) -> None:
    admin = make_staff(db, "root", Role.admin, CITY)
    headers = admin.headers | {"Content-Type": "application/json"}
    r = app_client.put("/api/v1/calendars/2027", content=b'{"holidays": [', headers=headers)
    # The project answers JSON that does not parse with 400 (jieyou.validation).
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    for year in ("1999", "2101", "next"):
        r = app_client.put(f"/api/v1/calendars/{year}", json=BODY_2027, headers=admin.headers)
        assert r.status_code == 422, year
    assert count_rows(db, "calendar_years") == 0


# --- the admin page --------------------------------------------------------------------------


def test_the_calendar_page_lists_years_warns_and_saves(
    app_client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calendar_pages, "_today", lambda: date(2026, 11, 20))
    make_user(db, "root", Role.admin, CITY)
    login(app_client, "root")
    page = app_client.get("/desk/admin/calendar")
    assert page.status_code == 200
    assert "2027年法定节假日安排尚未录入" in page.text  # the November warning
    assert "未录入（按周末计算）" in page.text and "内置" in page.text
    assert 'href="/desk/admin/calendar/2027"' in page.text
    token = csrf_of(page.text)
    bad = app_client.post(
        "/desk/admin/calendar",
        data={"csrf": token, "year": "2027", "source": "", "text": "元旦 2027-01-01\n春节 2-5"},
    )
    assert bad.status_code == 422
    assert 'id="text-err"' in bad.text and "第 2 行" in bad.text
    assert "春节 2-5" in bad.text  # what was typed is kept
    r = app_client.post(
        "/desk/admin/calendar",
        data={"csrf": token, "year": "2027", "source": "", "text": NOTICE_2027},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/desk/admin/calendar/2027?done=saved"
    done = app_client.get(r.headers["location"])
    assert "已保存 2027 年工作日历" in done.text
    assert "2027-02-05 至 2027-02-13" in done.text and "录入人 root" in done.text
    assert "2027年法定节假日安排尚未录入" not in done.text
    no_csrf = app_client.post("/desk/admin/calendar", data={"year": "2027", "text": NOTICE_2027})
    assert no_csrf.status_code == 403


def test_other_roles_do_not_find_the_calendar_page(app_client: TestClient, db: Database) -> None:
    make_user(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    login(app_client, "huatang")
    token = csrf_of(app_client.get("/desk").text)
    assert app_client.get("/desk/admin/calendar").status_code == 404
    assert app_client.get("/desk/admin/calendar/2027").status_code == 404
    r = app_client.post(
        "/desk/admin/calendar", data={"csrf": token, "year": "2027", "text": NOTICE_2027}
    )
    assert r.status_code == 404
    assert count_rows(db, "calendar_years") == 0


# --- the command line ------------------------------------------------------------------------


def test_cli_imports_shows_and_checks_a_year(db: Database, tmp_path: Any) -> None:
    check = runner.invoke(calendar_app, ["check", "--today", "2026-11-01"])
    assert check.exit_code == 1 and "2027年法定节假日安排尚未录入" in check.output
    assert runner.invoke(calendar_app, ["check", "--today", "2026-10-31"]).exit_code == 0
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    r = runner.invoke(calendar_app, ["import", "2027", str(notice)])
    assert r.exit_code == 0, r.output
    assert "已录入 2027 年：节假日 2 个（共 12 天），调休上班 2 天" in r.output
    shown = runner.invoke(calendar_app, ["show", "2027"])
    assert shown.exit_code == 0, shown.output
    assert "已录入" in shown.output and "春节" in shown.output and "2027-02-20" in shown.output
    assert "国务院办公厅关于2027年部分节假日安排的通知" in shown.output
    assert runner.invoke(calendar_app, ["check", "--today", "2026-11-01"]).exit_code == 0
    builtin = runner.invoke(calendar_app, ["show", "2026"])
    assert "内置" in builtin.output and "国庆节" in builtin.output
    missing = runner.invoke(calendar_app, ["show", "2028"])
    assert missing.exit_code == 0 and "未录入" in missing.output


def test_cli_import_names_the_bad_line_and_keeps_the_old_year(db: Database, tmp_path: Any) -> None:
    enter_2027(db)
    notice = tmp_path / "bad.txt"
    notice.write_text("元旦 2027-01-01 2027-01-03\n春节 2027-02-05 2026-02-13\n", encoding="utf-8")
    r = runner.invoke(calendar_app, ["import", "2027", str(notice), "--source", "新通知"])
    assert r.exit_code == 1
    assert "第 2 行" in r.output
    with db.unit_of_work(write=False) as s:
        cal = get_year_calendar(s, 2027)
    assert cal.holidays == HOLIDAYS_2027
    missing = runner.invoke(calendar_app, ["import", "2027", str(tmp_path / "none.txt")])
    assert missing.exit_code == 1 and "无法读取" in missing.output


def test_dates_near_midnight_use_the_local_day() -> None:
    cal = WorkCalendar()
    late = local(2026, 10, 9, 23, 30)  # Friday evening in Chenzhou
    assert cal.add_working_days(late, 1) == end_of(2026, 10, 10)
    assert cal.add_working_days(late - timedelta(days=0), 0) == end_of(2026, 10, 9)
