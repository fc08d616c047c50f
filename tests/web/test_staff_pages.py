"""Staff pages: sign in and out, CSRF, session expiry, the workbench's scope, action forms."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import update

from jieyou.accounts.models import Role, User, UserSession
from jieyou.db import Database, utcnow
from tests.factories import CITY, HUATANG, WUSHAN, ZHAOLV, submit
from tests.web.helpers import csrf_of, login, make_user


def staff_setup(db: Database) -> None:
    make_user(db, "huatang", Role.township, HUATANG, f"C{HUATANG}")
    make_user(db, "wushan", Role.village, WUSHAN, f"C{WUSHAN}")
    make_user(db, "zhaolv", Role.village, ZHAOLV, f"C{ZHAOLV}")


SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_login_wrong_password_keeps_username(client: TestClient, db: Database) -> None:
    staff_setup(db)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "huatang", "password": "nope", "csrf": token})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text
    assert 'value="huatang"' in r.text
    assert "jy_session" not in client.cookies


def test_login_sets_a_hardened_cookie_and_logout_revokes(client: TestClient, db: Database) -> None:
    staff_setup(db)
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": "huatang", "password": "correct-horse-7", "csrf": token, "next": "/desk"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    desk = client.get("/desk")
    assert desk.status_code == 200 and "工作台" in desk.text
    # Logout without the CSRF token is refused, with it the session is revoked.
    assert client.post("/logout", data={}).status_code == 403
    session_cookie = client.cookies["jy_session"]
    r = client.post("/logout", data={"csrf": csrf_of(desk.text)}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.set("jy_session", session_cookie)  # a stolen copy no longer works
    again = client.get("/desk", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_login_refuses_inactive_users_and_offsite_next(client: TestClient, db: Database) -> None:
    staff_setup(db)
    with db.unit_of_work() as s:
        s.execute(update(User).where(User.username == "zhaolv").values(is_active=False))
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login", data={"username": "zhaolv", "password": "correct-horse-7", "csrf": token}
    )
    assert r.status_code == 401 and "停用" in r.text
    r = client.post(
        "/login",
        data={"username": "wushan", "password": "correct-horse-7", "csrf": token, "next": "//evil"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/desk"


def test_login_form_needs_its_csrf_cookie(client: TestClient, db: Database) -> None:
    staff_setup(db)
    r = client.post("/login", data={"username": "huatang", "password": "correct-horse-7"})
    assert r.status_code == 403


def test_expired_session_goes_back_to_login(client: TestClient, db: Database) -> None:
    staff_setup(db)
    login(client, "huatang")
    with db.unit_of_work() as s:
        s.execute(update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    r = client.get("/desk?status=submitted", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fdesk%3Fstatus%3Dsubmitted"


def test_village_never_sees_another_villages_case(client: TestClient, db: Database) -> None:
    staff_setup(db)
    mine = submit(client, region_code=WUSHAN, title="吴山村的事")["number"]
    theirs = submit(client, region_code=ZHAOLV, title="招旅村的事")["number"]
    login(client, "wushan")
    desk = client.get("/desk").text
    assert mine in desk and theirs not in desk
    assert client.get(f"/desk/cases/{theirs}").status_code == 404
    search = client.get("/desk", params={"q": theirs}).text
    assert "没有符合条件的诉求" in search and f'href="/desk/cases/{theirs}"' not in search
    page = client.get(f"/desk/cases/{mine}")
    assert page.status_code == 200 and "吴山村的事" in page.text


def test_township_accepts_and_assigns_through_the_forms(client: TestClient, db: Database) -> None:
    staff_setup(db)
    number = submit(client, region_code=WUSHAN, category_code="0101")["number"]
    login(client, "huatang")
    page = client.get(f"/desk/cases/{number}")
    token = csrf_of(page.text)
    assert 'action="/desk/cases/' + number + '/actions/accept"' in page.text
    assert "13907351234" in page.text  # the owning centre reads the phone in full
    # Without the CSRF token nothing happens.
    r = client.post(f"/desk/cases/{number}/actions/accept", data={})
    assert r.status_code == 403
    r = client.post(
        f"/desk/cases/{number}/actions/accept",
        data={"csrf": token, "note": "已电话核实"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "已完成操作：受理" in page.text and f"unit:C{WUSHAN}" in page.text
    r = client.post(
        f"/desk/cases/{number}/actions/assign",
        data={"csrf": token, "assignee": f"unit:C{WUSHAN}"},
    )
    assert r.status_code == 200 and "已交办" in r.text
    # An action the state forbids is refused beside its form.
    r = client.post(f"/desk/cases/{number}/actions/accept", data={"csrf": token})
    assert r.status_code == 422
    assert "act-accept" not in r.text or "不允许" in r.text or "已" in r.text


def test_missing_reason_is_shown_beside_the_field(client: TestClient, db: Database) -> None:
    staff_setup(db)
    number = submit(client, region_code=WUSHAN)["number"]
    login(client, "huatang")
    token = csrf_of(client.get(f"/desk/cases/{number}").text)
    r = client.post(f"/desk/cases/{number}/actions/reject", data={"csrf": token, "reason": ""})
    assert r.status_code == 422
    assert 'id="reject-reason-err"' in r.text and "请填写不予受理的理由" in r.text


def test_phone_is_masked_for_those_who_do_not_handle_the_case(
    client: TestClient, db: Database
) -> None:
    make_user(db, "chief", Role.admin, "431000000000")
    number = submit(client, region_code=WUSHAN)["number"]
    login(client, "chief")
    page = client.get(f"/desk/cases/{number}").text
    assert "139****1234" in page and "13907351234" not in page
    assert "138****9876" in page  # the respondent too


def test_triage_form_confirms_a_category(client: TestClient, db: Database) -> None:
    staff_setup(db)
    with db.unit_of_work() as s:
        from jieyou.cases.models import Case

        number = submit(client, region_code=WUSHAN, category_code=None)["number"]
        s.execute(update(Case).where(Case.number == number).values(needs_triage=True))
    login(client, "huatang")
    page = client.get("/desk/triage")
    assert number in page.text
    r = client.post(
        f"/desk/cases/{number}/actions/categorize",
        data={"csrf": csrf_of(page.text), "category_code": "0802", "next": "/desk/triage"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/desk/triage"
    assert number not in client.get("/desk/triage").text


def test_desk_filters_and_bad_dates(client: TestClient, db: Database) -> None:
    staff_setup(db)
    submit(client, region_code=WUSHAN)
    login(client, "huatang")
    r = client.get("/desk", params={"from": "not-a-date", "status": "submitted"})
    assert r.status_code == 422 and "日期格式" in r.text
    r = client.get("/desk", params={"status": "submitted", "region": WUSHAN})
    assert r.status_code == 200 and "共 1 件" in r.text


def test_case_page_shows_deadlines_and_takes_an_extension_request(
    client: TestClient, db: Database
) -> None:
    staff_setup(db)
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        number = submit(client, region_code=WUSHAN, category_code="0802")["number"]
        login(client, "huatang")
        page = client.get(f"/desk/cases/{number}")
        assert "办理时限" in page.text
        # 7 working days from Mon 11-02: Tue 11-03 … Wed 11-11.
        assert "2026-11-11 23:59" in page.text
        token = csrf_of(page.text)
        for action, data in (("accept", {}), ("assign", {"assignee": f"unit:C{WUSHAN}"})):
            r = client.post(f"/desk/cases/{number}/actions/{action}", data={"csrf": token, **data})
            assert r.status_code == 200, r.text
        r = client.post(
            f"/desk/cases/{number}/actions/extend",
            data={"csrf": token, "days": "三", "reason": "等待鉴定"},
        )
        assert r.status_code == 422 and 'id="extend-days-err"' in r.text
        r = client.post(
            f"/desk/cases/{number}/actions/extend",
            data={"csrf": token, "days": "3", "reason": "等待鉴定"},
        )
        assert r.status_code == 200, r.text
        assert "申请延期3个工作日：等待鉴定（待上级审批）" in r.text


def test_desk_counts_overdue_cases_and_warns_admins_about_next_years_calendar(
    client: TestClient, db: Database
) -> None:
    staff_setup(db)
    make_user(db, "root", Role.admin, CITY)
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        submit(client, region_code=WUSHAN)
    with time_machine.travel(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI), tick=False):
        login(client, "huatang")
        page = client.get("/desk")
        assert '超期 <b class="late-count">1</b>' in page.text
        assert "2027年" not in page.text  # township staff are not asked to enter calendars
        listed = client.get("/desk?overdue=1")
        assert listed.status_code == 200 and "超期</span>" in listed.text
        client.cookies.clear()
        login(client, "root")
        assert "2027年" in client.get("/desk").text
