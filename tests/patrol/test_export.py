"""The figures and a campaign as Excel workbooks: the same numbers as the page and the API,
the same scope, dates refused by name, no phone numbers."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import time_machine
from openpyxl import load_workbook
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.cli import app as cli
from jieyou.db import utcnow
from jieyou.patrol.service import local_today
from jieyou.timefmt import to_local
from tests.factories import HUATANG, act
from tests.patrol.conftest import T1, W1, W1L1, W1L2, Z1, Z1L1, signed_in
from tests.patrol.helpers import dispute, patrol
from tests.patrol.test_campaigns import launch, report
from tests.patrol.test_pages import department_unit
from tests.web.helpers import make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 4  # title, caption, blank, header
FIGURE_KEYS = [
    "patrols",
    "households_visited",
    "disputes_found",
    "hazards_found",
    "disputes_handled",
    "settled_on_spot",
    "escalated",
    "publicity_sessions",
    "publicity_attendance",
    "other_activities",
]
PHONE = "13907351111"


def workbook(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def table(ws) -> tuple[list[Any], list[list[Any]]]:
    """(header, data rows up to the first blank row) of a sheet."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows[HEADER_ROW - 1]
    body = []
    for row in rows[HEADER_ROW:]:
        if all(v is None for v in row):
            break
        body.append(row[: len(header)])
    return header, body


def every_value(wb) -> str:
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


def some_figures(client, area) -> None:
    chief, chief2, gridw, zchief = area["chief"], area["chief2"], area["gridw"], area["zchief"]
    assert patrol(client, chief, W1L1, households_visited=9).status_code == 201
    assert dispute(client, chief, W1L1, settle=True).status_code == 201
    escalated = dispute(client, chief, W1L1).json()["case_number"]
    assert act(client, chief, escalated, "escalate", reason="需镇里协调").status_code == 200
    r = patrol(client, chief2, W1L2, households_visited=12, finding="hazard", note="电线裸露")
    assert r.status_code == 201
    for attendance in (30, 12):
        body = {"kind": "publicity", "region_code": W1L2, "topic": "防范电信诈骗"}
        r = client.post(
            "/api/v1/activities", json={**body, "attendance": attendance}, headers=gridw.headers
        )
        assert r.status_code == 201
    r = client.post(
        "/api/v1/activities", json={"kind": "hygiene", "region_code": Z1L1}, headers=zchief.headers
    )
    assert r.status_code == 201
    assert patrol(client, zchief, Z1L1, households_visited=10).status_code == 201


def test_figures_workbook_has_the_numbers_of_the_page(client, area):
    some_figures(client, area)
    today = local_today(utcnow())
    start = today - timedelta(days=6)
    query = f"region=431002101000&from={start}&to={today}"
    api = client.get(f"/api/v1/patrol-figures?{query}", headers=area["huatang"].headers).json()
    signed_in(client, "huatang")
    page = client.get(f"/desk/patrol/figures?{query}")
    assert f'href="/desk/patrol/figures.xlsx?{query.replace("&", "&amp;")}"' in page.text

    r = client.get(f"/desk/patrol/figures.xlsx?{query}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert "attachment" in r.headers["content-disposition"]
    wb = workbook(r.content)
    assert wb.sheetnames == ["按村", "按人员"]

    villages = wb["按村"]
    title = villages["A1"].value
    assert "华塘镇" in title and str(start) in title and str(today) in title
    header, rows = table(villages)
    assert header[:4] == ["村（社区）", "排查次数", "走访户数", "发现纠纷"]
    expected = [[v["name"], *(v[k] for k in FIGURE_KEYS)] for v in api["villages"]]
    assert rows[:-1] == expected
    assert rows[-1] == ["合计", *(api["total"][k] for k in FIGURE_KEYS)]
    wushan = rows[0]
    assert wushan[0] == "吴山村" and wushan[1:3] == [4, 33]  # numbers, not text
    # The village rows add up to the total row.
    assert [sum(r[i] for r in rows[:-1]) for i in range(1, 11)] == rows[-1][1:]
    assert villages.column_dimensions["A"].width >= 14

    people = wb["按人员"]
    header, rows = table(people)
    assert header[:4] == ["姓名", "角色", "村（社区）", "排查次数"]
    expected = [
        [p["name"], *(p[k] for k in FIGURE_KEYS)] for p in api["people"]
    ]  # role and village in between
    assert [[r[0], *r[3:]] for r in rows[:-1]] == expected
    chief = next(r for r in rows if r[0] == "何大姐")
    assert chief[1:3] == ["巷长", "吴山村"]
    assert chief[3:10] == [3, 21, 2, 0, 2, 1, 1]
    assert rows[-1][0] == "合计" and rows[-1][3:] == [api["total"][k] for k in FIGURE_KEYS]
    everything = every_value(wb)
    assert PHONE not in everything and "太洞巷长" not in everything  # another township


def test_figures_workbook_defaults_to_the_page_period_and_the_users_region(client, area):
    patrol(client, area["chief"], W1L1, households_visited=9)
    signed_in(client, "wushan")
    r = client.get("/desk/patrol/figures.xlsx")
    assert r.status_code == 200
    wb = workbook(r.content)
    today = local_today(utcnow())
    assert f"吴山村 履职统计（{today - timedelta(days=29)} 至 {today}）" == wb["按村"]["A1"].value
    _, rows = table(wb["按人员"])
    assert "招旅巷长" not in [r[0] for r in rows]


def test_figures_workbook_is_scoped_and_refuses_bad_dates(client, db, area):
    signed_in(client, "wushan")
    assert client.get("/desk/patrol/figures.xlsx?region=431002101000").status_code == 404
    bad = client.get("/desk/patrol/figures.xlsx?from=yesterday")
    assert bad.status_code == 422 and "开始日期（from）" in bad.text
    bad = client.get("/desk/patrol/figures.xlsx?to=2026-13-01")
    assert bad.status_code == 422 and "结束日期（to）" in bad.text
    reversed_ = client.get("/desk/patrol/figures.xlsx?from=2026-12-01&to=2026-11-01")
    assert reversed_.status_code == 422 and "开始日期" in reversed_.text
    assert client.get("/desk/patrol/figures.xlsx?region=abc").status_code == 422
    client.cookies.clear()
    make_user(db, "renshe", Role.department, HUATANG, unit=department_unit(db))
    signed_in(client, "renshe")
    assert client.get("/desk/patrol/figures.xlsx").status_code == 403
    client.cookies.clear()
    r = client.get("/desk/patrol/figures.xlsx", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]


def test_cli_writes_the_figures_workbook(client, area, tmp_path):
    some_figures(client, area)
    api = client.get(
        "/api/v1/patrol-figures?region=431002101000", headers=area["huatang"].headers
    ).json()
    out = tmp_path / "figures.xlsx"
    runner = CliRunner()
    r = runner.invoke(cli, ["patrol", "figures", "--region", "431002101000", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert str(out.name) in r.output.replace("\n", "")
    wb = load_workbook(out)
    _, rows = table(wb["按村"])
    assert rows[-1] == ["合计", *(api["total"][k] for k in FIGURE_KEYS)]
    _, people = table(wb["按人员"])
    assert [r[0] for r in people[:-1]] == [p["name"] for p in api["people"]]
    wrong = runner.invoke(
        cli, ["patrol", "figures", "--region", "431002101000", "--out", str(tmp_path / "f.csv")]
    )
    assert wrong.exit_code == 2 and not (tmp_path / "f.csv").exists()


def test_campaign_workbook_has_completion_by_village_and_each_grid(client, area):
    huatang = area["huatang"]
    cid = launch(client, huatang).json()["id"]
    patrol(client, area["chief"], W1L1, households_visited=9, finding="dispute", note="邻里争吵")
    note = f"=1+1 重点户王秀兰 {PHONE} 已走访"
    assert report(client, area["gridw"], cid, W1, note=note).status_code == 200
    later = utcnow() + timedelta(days=12)
    with time_machine.travel(later, tick=False):
        assert report(client, area["zchief"], cid, Z1, households_covered=10).status_code == 200
        api = client.get(f"/api/v1/campaigns/{cid}", headers=huatang.headers).json()
        signed_in(client, "huatang")
        assert (
            f'href="/desk/patrol/campaigns/{cid}.xlsx"'
            in client.get(f"/desk/patrol/campaigns/{cid}").text
        )
        r = client.get(f"/desk/patrol/campaigns/{cid}.xlsx")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    wb = workbook(r.content)
    assert wb.sheetnames == ["按村", "网格上报"]

    villages = wb["按村"]
    assert villages["A1"].value == "春节前矛盾纠纷专项排查"
    assert "华塘镇" in villages["A2"].value and "已超期" in villages["A2"].value
    header, rows = table(villages)
    assert header == [
        "村（社区）", "网格数", "已上报", "完成率", "逾期", "排查户数", "发现纠纷", "发现隐患",
        "日常排查", "日常走访户数", "日常发现纠纷",
    ]  # fmt: skip
    keys = [
        "grids_total", "grids_reported", "late", "households_covered", "disputes_found",
        "hazards_found", "patrols", "patrol_households", "patrol_disputes",
    ]  # fmt: skip
    for row, v in zip(rows, api["villages"], strict=False):
        assert row[0] == v["name"]
        assert [row[1], row[2], *row[4:]] == [v[k] for k in keys]
        assert row[3] == v["grids_reported"] / v["grids_total"]
    wushan = rows[0]
    assert wushan[:6] == ["吴山村", 2, 1, 0.5, 1, 21]
    assert villages.cell(row=HEADER_ROW + 1, column=4).number_format == "0.0%"
    total = rows[-1]
    assert total[0] == "合计" and total[1:3] == [3, 2] and total[4:7] == [2, 31, 4]
    assert total[3] == 2 / 3

    grids = wb["网格上报"]
    header, rows = table(grids)
    assert header == [
        "村（社区）", "网格", "网格代码", "状态", "上报时间", "上报人", "排查户数", "发现纠纷",
        "发现隐患", "情况说明", "是否逾期",
    ]  # fmt: skip
    by_code = {r[2]: r for r in rows}
    assert list(by_code) == [g["grid_code"] for g in api["grids"]]  # unreported first
    w1 = by_code[W1]
    assert w1[:4] == ["吴山村", "第1网格", W1, "已上报"]
    reported_at = next(g for g in api["grids"] if g["grid_code"] == W1)["reported_at"]
    local = to_local(datetime.fromisoformat(reported_at)).replace(tzinfo=None, second=0)
    assert isinstance(w1[4], datetime) and w1[4].replace(second=0, microsecond=0) == local
    assert w1[5:9] == ["小邓", 21, 2, 1] and w1[10] == "否"
    assert w1[9].startswith("'=1+1") and PHONE not in w1[9] and "139****1111" in w1[9]
    assert by_code[Z1][3] == "逾期上报" and by_code[Z1][10] == "是"
    assert by_code[f"{W1[:-2]}02"][3:5] == ["逾期未报", None]
    assert by_code[f"{W1[:-2]}02"][6] is None and by_code[f"{W1[:-2]}02"][10] == "是"
    assert PHONE not in every_value(wb)


def test_campaign_workbook_of_another_township_is_not_found(client, db, area):
    cid = launch(client, area["lutang"]).json()["id"]
    assert report(client, area["tchief"], cid, T1).status_code == 200
    signed_in(client, "huatang")
    assert client.get(f"/desk/patrol/campaigns/{cid}.xlsx").status_code == 404
    assert client.get("/desk/patrol/campaigns/999999.xlsx").status_code == 404
    client.cookies.clear()
    signed_in(client, "lutang")
    r = client.get(f"/desk/patrol/campaigns/{cid}.xlsx")
    assert r.status_code == 200
    _, rows = table(workbook(r.content)["网格上报"])
    assert [row[2] for row in rows] == [T1]
