"""The 排查 pages: the chief's phone page (patrol, case, settle, activity), campaigns and
figures, their refusals and their query counts."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, text

from jieyou.accounts.models import Role
from jieyou.db import utcnow
from jieyou.patrol.service import local_today
from tests.factories import HUATANG, count_rows
from tests.patrol.conftest import W1, W1L1, signed_in
from tests.patrol.helpers import dispute, patrol
from tests.web.helpers import csrf_of, make_user


def department_unit(db) -> str:
    with db.unit_of_work(write=False) as s:
        code = s.scalar(text("SELECT code FROM units WHERE kind = 'department' LIMIT 1"))
    assert code
    return str(code)


@contextmanager
def counted(connection):
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", before)


def test_chief_records_a_patrol_and_settles_a_dispute_on_the_page(client, db, area):
    signed_in(client, "chief")
    page = client.get("/desk/patrol")
    assert page.status_code == 200
    assert "登记排查" in page.text and "1片1巷" in page.text and "当场化解" in page.text
    form = {
        "csrf": csrf_of(page.text),
        "patrolled_on": str(local_today(utcnow())),
        "lane_code": W1L1,
        "households_visited": "7",
        "finding": "dispute",
        "note": "两户因门前排水沟堵塞争吵",
        "handling": "settle",
        "resident_name": "王秀兰",
        "resident_phone": "139 0735 1111",
        "respondent_name": "张德明",
        "method": "negotiation",
        "outcome": "双方协商共同出资疏通排水沟",
    }
    r = client.post("/desk/patrol", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "saved=settled" in r.headers["location"]
    done = client.get(r.headers["location"])
    assert "已当场化解" in done.text and "当场化解</span>" in done.text
    number = r.headers["location"].split("case=")[1]
    assert number in client.get("/desk").text  # on the chief's workbench too
    with db.unit_of_work(write=False) as s:
        status, channel = s.execute(text("SELECT status, channel FROM cases")).one()
        method = s.scalar(text("SELECT method FROM on_spot_settlements"))
    assert (status, channel, method) == ("resolved", "patrol", "negotiation")


def test_a_refused_patrol_form_comes_back_filled_in(client, db, area):
    signed_in(client, "chief")
    token = csrf_of(client.get("/desk/patrol").text)
    form = {
        "csrf": token,
        "lane_code": W1L1,
        "households_visited": "30",
        "finding": "dispute",
        "note": "邻里争吵",  # too short to describe a case: refused below
        "handling": "case",
        "resident_phone": "12345",
    }
    r = client.post("/desk/patrol", data=form)
    assert r.status_code == 422
    assert 'id="resident_phone-err"' in r.text
    assert 'value="12345"' in r.text
    form["resident_phone"] = "13907351111"
    r = client.post("/desk/patrol", data=form)
    assert r.status_code == 422 and 'id="households_visited-err"' in r.text and "9 户" in r.text
    assert count_rows(db, "patrols") == 0 and count_rows(db, "cases") == 0
    form["households_visited"] = "9"
    r = client.post("/desk/patrol", data=form)
    assert r.status_code == 422 and "至少 5 个字" in r.text
    form["note"] = "两户因宅基地边界争吵，情绪激动"
    r = client.post("/desk/patrol", data=form, follow_redirects=False)
    assert r.status_code == 303 and "case=JY" in r.headers["location"]
    missing_csrf = client.post("/desk/patrol", data={**form, "csrf": "x"})
    assert missing_csrf.status_code == 403


def test_chief_settles_an_assigned_case_and_logs_publicity(client, area):
    number = dispute(client, area["chief"], W1L1).json()["case_number"]
    signed_in(client, "chief")
    page = client.get("/desk/patrol")
    assert number in page.text and "我承办的纠纷" in page.text
    token = csrf_of(page.text)
    r = client.post(
        "/desk/patrol/settle",
        data={"csrf": token, "case_number": number, "method": "mediation", "outcome": ""},
    )
    assert r.status_code == 422 and 'id="outcome-err"' in r.text
    r = client.post(
        "/desk/patrol/settle",
        data={"csrf": token, "case_number": number, "method": "mediation", "outcome": "调解成功"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        "/desk/patrol/activities",
        data={"csrf": token, "kind": "publicity", "region_code": W1L1, "topic": "防溺水"},
    )
    assert r.status_code == 422 and "attendance" in r.text
    r = client.post(
        "/desk/patrol/activities",
        data={
            "csrf": token,
            "kind": "publicity",
            "region_code": W1L1,
            "topic": "防溺水",
            "attendance": "18",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "18 人参加" in client.get("/desk/patrol").text


def test_campaign_pages_launch_report_and_show_completion(client, area):
    signed_in(client, "huatang")
    page = client.get("/desk/patrol/campaigns")
    assert page.status_code == 200 and "部署专项排查" in page.text
    due = str(local_today(utcnow()) + timedelta(days=7))
    r = client.post(
        "/desk/patrol/campaigns",
        data={"csrf": csrf_of(page.text), "title": "春节前矛盾纠纷专项排查", "due_on": due},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"].split("?")[0]
    detail = client.get(url)
    assert "吴山村" in detail.text and "0/3" in detail.text
    bad = client.post(
        "/desk/patrol/campaigns", data={"csrf": csrf_of(page.text), "title": "春节", "due_on": ""}
    )
    assert bad.status_code == 422 and 'id="due_on-err"' in bad.text

    client.cookies.clear()
    signed_in(client, "gridw")
    desk = client.get("/desk/patrol").text
    assert "待上报的专项排查" in desk and "春节前矛盾纠纷专项排查" in desk
    mine = client.get(url)
    assert "上报本网格排查情况" in mine.text
    r = client.post(
        f"{url}/report",
        data={
            "csrf": csrf_of(mine.text),
            "grid_code": W1,
            "households_covered": "21",
            "disputes_found": "1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "已上报" in client.get(url).text
    assert "待上报的专项排查" not in client.get("/desk/patrol").text

    client.cookies.clear()
    signed_in(client, "lutang")
    assert client.get(url).status_code == 404


def test_figures_page_for_the_village(client, area):
    patrol(client, area["chief"], W1L1, households_visited=8)
    signed_in(client, "wushan")
    page = client.get("/desk/patrol/figures")
    assert page.status_code == 200
    assert "何大姐" in page.text and "履职统计" in page.text
    assert client.get("/desk/patrol/figures?region=431002101000").status_code == 404
    assert client.get("/desk/patrol/figures?from=2026-13-01").status_code == 422


def test_list_pages_query_count_is_bounded(client, connection, area):
    for _ in range(3):
        patrol(client, area["chief"], W1L1)
        dispute(client, area["chief"], W1L1)
    huatang = area["huatang"]
    due = str(local_today(utcnow()) + timedelta(days=7))
    cid = client.post(
        "/api/v1/campaigns", json={"title": "专项排查一", "due_on": due}, headers=huatang.headers
    ).json()["id"]
    client.post(
        "/api/v1/campaigns", json={"title": "专项排查二", "due_on": due}, headers=huatang.headers
    )
    signed_in(client, "chief")
    with counted(connection) as desk:
        assert client.get("/desk/patrol").status_code == 200
    client.cookies.clear()
    signed_in(client, "huatang")
    with counted(connection) as campaigns:
        assert client.get("/desk/patrol/campaigns").status_code == 200
    with counted(connection) as campaign:
        assert client.get(f"/desk/patrol/campaigns/{cid}").status_code == 200
    with counted(connection) as figures:
        assert client.get("/desk/patrol/figures").status_code == 200
    # Session and user, then the page's own reads: not one per patrol, case, grid or person.
    assert len(desk) <= 12, desk
    assert len(campaigns) <= 5, campaigns
    assert len(campaign) <= 8, campaign
    assert len(figures) <= 12, figures


def test_township_reads_the_patrols_of_its_area(client, db, area):
    patrol(client, area["chief"], W1L1, households_visited=8, note="走访独居老人")
    signed_in(client, "huatang")
    page = client.get("/desk/patrol")
    assert page.status_code == 200
    assert "辖区排查记录" in page.text and "走访独居老人" in page.text and "何大姐" in page.text
    assert "登记排查" not in page.text  # a centre does not patrol lanes
    client.cookies.clear()
    make_user(db, "renshe", Role.department, HUATANG, unit=department_unit(db))
    signed_in(client, "renshe")
    assert client.get("/desk/patrol/figures").status_code == 403
