"""Importing a register workbook: good rows are imported and bad rows reported by sheet, row
and column; the same file twice adds nothing; a changed row updates; a new name for a lane's
chief is a handover with the old term kept."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from jieyou.accounts.models import Role
from tests.factories import WUSHAN, ZHAOLV, count_rows, make_lane, make_staff
from tests.grid.helpers import XLSX, workbook

ROWS = {
    "网格": [
        {"grid": "第1网格", "boundary": "东至吴山河"},
        {"grid": "第2网格"},
    ],
    "巷道": [
        {"grid": "第1网格", "lane": "1巷", "households": 12},
        {"grid": "第1网格", "lane": "2巷", "households": 8},
        {"grid": "第2网格", "lane": "1巷", "households": "15"},
        {"grid": "第9网格", "lane": "1巷", "households": 9},  # no such grid
        {"grid": "第2网格", "lane": "2巷", "households": 0},  # too few households
    ],
    "村民小组": [{"group": "第1村民小组", "number": 1, "households": 46, "grid": "第1网格"}],
    "三长": [
        {"post": "片长", "grid": "第1网格", "person_name": "李建华", "phone": "13907351234"},
        {"post": "巷长", "grid": "第1网格", "lane": "1巷", "person_name": "何桂香",
         "duties": "环境卫生、矛盾调解", "started_on": date(2026, 3, 1)},
        {"post": "邻长", "grid": "第2网格", "lane": "1巷", "person_name": "雷满仓"},
        {"post": "组长", "group": "第1村民小组", "person_name": "曹德胜"},
        {"post": "网格员", "grid": "第1网格", "person_name": "邓晓敏", "phone": "0735-2881234"},
        {"post": "村长", "grid": "第1网格", "person_name": "某某"},  # unknown post
        {"post": "巷长", "grid": "第1网格", "lane": "2巷", "person_name": "王", "phone": "12345"},
    ],
}  # fmt: skip


def _import(client, staff, data, village=WUSHAN):
    return client.post(
        "/api/v1/grid/import",
        files={"file": ("台账.xlsx", data, XLSX)},
        data={"village": village},
        headers=staff.headers,
    )


def test_good_rows_are_imported_and_bad_rows_reported_by_row_and_column(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    r = _import(client, wushan, workbook(ROWS))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == {"grids": 2, "lanes": 3, "groups": 1, "chiefs": 5}
    errors = {(e["sheet"], e["row"], e["column"]) for e in body["errors"]}
    assert errors == {
        ("巷道", 5, "网格名称"),
        ("巷道", 6, "户数"),
        ("三长", 7, "岗位"),
        ("三长", 8, "联系电话"),
    }
    assert body["refused_rows"] == 4

    reg = client.get(f"/api/v1/grid/villages/{WUSHAN}", headers=wushan.headers).json()
    first, second = reg["grids"]
    assert first["boundary"] == "东至吴山河" and first["households"] == 20
    assert first["chief"]["person_name"] == "李建华"
    assert first["workers"][0]["phone"] == "0735-2881234"
    lane = first["lanes"][0]
    assert lane["chief"]["person_name"] == "何桂香"
    assert lane["chief"]["duty_labels"] == ["环境卫生", "矛盾调解"]
    assert lane["chief"]["started_on"] == "2026-03-01"
    assert second["lanes"][0]["chief"]["person_name"] == "雷满仓"
    assert reg["groups"][0]["chief"]["person_name"] == "曹德胜"
    assert reg["groups"][0]["grid_name"] == "第1网格"


def test_the_same_file_twice_adds_nothing(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    data = workbook(ROWS)
    assert _import(client, wushan, data).status_code == 200
    counts = (count_rows(db, "regions"), count_rows(db, "villager_groups"))
    terms = count_rows(db, "chief_assignments")
    body = _import(client, wushan, data).json()
    assert sum(body["created"].values()) == 0 and sum(body["updated"].values()) == 0
    assert body["unchanged"] == {"grids": 2, "lanes": 3, "groups": 1, "chiefs": 5}
    assert (count_rows(db, "regions"), count_rows(db, "villager_groups")) == counts
    assert count_rows(db, "chief_assignments") == terms


def test_a_changed_file_updates_and_hands_over(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    assert _import(client, wushan, workbook(ROWS)).status_code == 200
    changed = {
        "巷道": [{"grid": "第1网格", "lane": "1巷", "households": 13}],
        "三长": [
            {"post": "巷长", "grid": "第1网格", "lane": "1巷", "person_name": "罗玉兰",
             "started_on": "2026-09-01"},
        ],
    }  # fmt: skip
    body = _import(client, wushan, workbook(changed)).json()
    assert body["updated"]["lanes"] == 1 and body["created"]["chiefs"] == 1, body
    lane = client.get(f"/api/v1/grid/lanes/{WUSHAN}0101", headers=wushan.headers).json()
    assert lane["households"] == 13
    assert lane["chief"]["person_name"] == "罗玉兰"
    assert [(h["person_name"], h["ended_on"]) for h in lane["history"]] == [
        ("何桂香", "2026-09-01")
    ]


def test_rows_for_another_village_are_refused(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    rows = {"网格": [{"village": ZHAOLV, "grid": "第1网格"}, {"grid": "第1网格"}]}
    body = _import(client, wushan, workbook(rows)).json()
    assert body["created"]["grids"] == 1
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "村代码")]


def test_a_file_that_is_not_a_register_is_refused_whole(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    r = _import(client, wushan, b"PK\x03\x04 not really a zip")
    assert r.status_code == 422
    wb = Workbook()
    out = io.BytesIO()
    wb.save(out)
    r = _import(client, wushan, out.getvalue())
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_register_sheets"


def test_a_lane_chief_cannot_import(client, db):
    lane = make_lane(db, WUSHAN)
    chief = make_staff(db, "wlane", Role.lane_chief, lane)
    r = _import(client, chief, workbook(ROWS))
    assert r.status_code == 403
    assert count_rows(db, "villager_groups") == 0


def test_formulas_are_refused_and_chinese_dates_read(client, db):
    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    rows = {
        "网格": [{"grid": "第1网格"}],
        "巷道": [
            {"grid": "第1网格", "lane": "1巷", "households": "=6+6"},
            {"grid": "第1网格", "lane": "2巷", "households": 6},
        ],
        "三长": [
            {"post": "巷长", "grid": "第1网格", "lane": "2巷", "person_name": "何桂香",
             "started_on": "2026年3月1日"},
        ],
    }  # fmt: skip
    body = _import(client, wushan, workbook(rows)).json()
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [("巷道", 2, "户数")]
    assert "公式" in body["errors"][0]["message"]
    lane = client.get(f"/api/v1/grid/lanes/{WUSHAN}0101", headers=wushan.headers).json()
    assert lane["name"] == "2巷" and lane["chief"]["started_on"] == "2026-03-01"
