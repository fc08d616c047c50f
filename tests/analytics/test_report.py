"""The period report: from the API, the dashboard and the command line; the KPI table with
numerators and denominators, the ranking, and the case list with personal data masked."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.analytics.cli import report_command, stats_app
from jieyou.analytics.models import CaseFacts
from jieyou.analytics.report import XLSX
from jieyou.db import Database
from tests.factories import BEIHU, CITY, act, make_staff, submit
from tests.web.helpers import login, make_user

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def november_cases(client: TestClient, db: Database) -> None:
    admin = make_staff(db, "root", Role.admin, CITY)
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        number = submit(
            client,
            title="邻居违建，电话13907351234",
            submitter={"name": "李秀英", "phone": "13907351234"},
        )["number"]
        assert act(client, admin, number, "accept").status_code == 200
        submit(client, submitter={"name": "王建国", "phone": "13807359876"})


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book}


def test_report_has_kpis_ranking_and_a_masked_case_list(client: TestClient, db: Database):
    november_cases(client, db)
    city = make_staff(db, "city", Role.city, CITY, f"C{CITY}")
    r = client.get("/api/v1/stats/report", params=NOVEMBER, headers=city.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert "jieyou-report-431000000000-20261101-20261130.xlsx" in r.headers["content-disposition"]
    book = sheets(r.content)
    assert list(book) == ["指标", "地区排名", "单位排名", "类别", "诉求清单"]

    kpis = {row[0]: row for row in book["指标"] if row and row[0]}
    assert kpis["受理量"][1] == 2
    assert kpis["响应率"][1:4] == ("100.0%", 1, 1)
    assert kpis["调解成功率"][1] == "—"
    assert "郴州市 2026-11-01 至 2026-11-30" in book["指标"][0][0]
    assert [row[1] for row in book["地区排名"][2:]][:1] == ["北湖区"]

    header, *rows = book["诉求清单"]
    assert header[0] == "编号" and len(rows) == 2
    text = repr(rows)
    assert "13907351234" not in text and "13807359876" not in text
    assert "李秀英" not in text and "王建国" not in text
    first = dict(zip(header, rows[0], strict=True))
    assert first["反映人"] == "李**" and first["联系电话"] == "139****1234"
    assert first["标题"] == "邻居违建，电话139****1234"
    assert first["乡镇（街道）"] == "华塘镇" and first["状态"] == "已受理"


def test_the_dashboard_downloads_the_same_report(client: TestClient, db: Database):
    november_cases(client, db)
    make_user(db, "beihu_web", Role.county, BEIHU, f"C{BEIHU}")
    login(client, "beihu_web")
    r = client.get("/dashboard/report.xlsx", params=NOVEMBER)
    assert r.status_code == 200
    book = sheets(r.content)
    assert "北湖区" in book["指标"][0][0]
    assert len(book["诉求清单"]) == 3


def test_report_command_writes_the_month(client: TestClient, db: Database, tmp_path: Path):
    november_cases(client, db)
    out = tmp_path / "reports" / "2026-11.xlsx"
    app = _cli()
    result = CliRunner().invoke(
        app, ["report", "--region", BEIHU, "--month", "2026-11", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = sheets(out.read_bytes())
    assert {r[0]: r[1] for r in book["指标"] if len(r) > 1 and r[0]}["受理量"] == 2

    bad = CliRunner().invoke(app, ["report", "--region", BEIHU, "--month", "11/2026", "--out", "x"])
    assert bad.exit_code == 1 and "月份格式" in bad.output


def test_stats_rebuild_command(client: TestClient, db: Database):
    november_cases(client, db)
    with db.unit_of_work() as s:
        s.execute(CaseFacts.__table__.delete())
    result = CliRunner().invoke(_cli(), ["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "2 cases" in result.output
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(CaseFacts)) == 2


def _cli():
    """The lines ``jieyou.cli`` gets for these commands (see the report to the lead)."""
    import typer

    app = typer.Typer()
    app.command("report")(report_command)
    app.add_typer(stats_app, name="stats")
    return app
