"""Exporting cases in the template: masked by default, in full only for an authorised user
(logged), formula-like cells escaped, and an export imports back as the same cases."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from jieyou.accounts.models import AccessLog, Role
from jieyou.db import Database
from jieyou.setup import initialise
from jieyou.transfer.importer import import_cases
from tests.factories import CITY, HUATANG, case_in_state, make_staff, submit
from tests.transfer.helpers import cli

runner = CliRunner()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_export_masks_names_and_phones_by_default(client, db, tmp_path):
    submit(client)
    out = tmp_path / "masked.csv"

    result = runner.invoke(cli, ["export", "cases", "--region", HUATANG, "--out", str(out)])

    assert result.exit_code == 0, result.output
    (exported,) = read_csv(out)
    assert exported["phone"] == "139****1234"
    assert exported["name"] == "李**"
    assert exported["region_code"] == "431002101201"
    assert exported["status"] == "submitted"
    assert exported["external_id"].startswith("JY")


def test_personal_data_in_full_only_for_an_admin_or_city_user_and_logged(
    client, db, tmp_path, caplog
):
    submit(client)
    make_staff(db, "boss", Role.admin, CITY)
    make_staff(db, "town", Role.township, HUATANG, f"C{HUATANG}")
    out = tmp_path / "full.csv"
    base = ["export", "cases", "--region", HUATANG, "--out", str(out), "--with-personal-data"]

    nobody = runner.invoke(cli, base)
    township = runner.invoke(cli, [*base, "--as", "town"])
    assert nobody.exit_code == 1 and "--as" in nobody.output
    assert township.exit_code == 1 and "无权导出个人信息" in township.output
    assert not out.exists()

    with caplog.at_level(logging.WARNING, logger="jieyou.audit"):
        admin = runner.invoke(cli, [*base, "--as", "boss"])

    assert admin.exit_code == 0, admin.output
    (exported,) = read_csv(out)
    assert exported["phone"] == "13907351234" and exported["name"] == "李秀英"
    assert "export with personal data by boss" in caplog.text
    with db.unit_of_work(write=False) as s:
        logs = s.scalars(select(AccessLog)).all()
    assert [(log.username, log.channel) for log in logs] == [("boss", "export")]
    assert logs[0].case_id is not None


def test_formula_like_cells_are_escaped_on_export_and_read_back_unchanged(client, db, tmp_path):
    title = '=HYPERLINK("http://evil.example","点我")'
    submit(client, title=title, address="-2+3 号楼", description="@SUM(A1) 隔壁邻居加盖棚子挡光")
    make_staff(db, "boss", Role.admin, CITY)
    csv_out, xlsx_out = tmp_path / "e.csv", tmp_path / "e.xlsx"
    full = ["--with-personal-data", "--as", "boss"]
    for out in (csv_out, xlsx_out):
        result = runner.invoke(
            cli,
            ["export", "cases", "--region", HUATANG, "--out", str(out), *full],
        )
        assert result.exit_code == 0, result.output

    (exported,) = read_csv(csv_out)
    assert exported["title"] == "'" + title
    assert exported["address"] == "'-2+3 号楼"
    assert exported["description"].startswith("'@SUM(A1)")
    ws = load_workbook(xlsx_out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    title_cell = ws.cell(row=2, column=header.index("title") + 1)
    assert title_cell.data_type == "s" and title_cell.value == "'" + title

    # The escape is undone on import: the same text, not refused as a formula.
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    initialise(fresh)
    try:
        for out in (csv_out, xlsx_out):
            report = import_cases(fresh, out)
            assert report.refused == 0, report.problems
        with fresh.unit_of_work(write=False) as s:
            from jieyou.cases.models import Case

            (case,) = s.scalars(select(Case)).all()
        assert case.title == title and case.address == "-2+3 号楼"
    finally:
        fresh.dispose()


def test_export_then_import_into_an_empty_database_gives_the_same_cases(client, db, tmp_path):
    admin = make_staff(db, "boss", Role.admin, CITY)
    for state in ("submitted", "in_progress", "resolved", "closed", "rejected"):
        case_in_state(client, admin, state)
    submit(client, submitter={"name": "王五", "phone": "13800000001"}, address=None)
    first = tmp_path / "first.csv"
    args = ["--region", CITY, "--with-personal-data", "--as", "boss"]
    assert runner.invoke(cli, ["export", "cases", "--out", str(first), *args]).exit_code == 0

    fresh = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    initialise(fresh)
    try:
        report = import_cases(fresh, first)
        assert (report.imported, report.refused) == (6, 0), report.problems
        make_staff(fresh, "boss", Role.admin, CITY)
        from jieyou.db import set_database

        set_database(fresh)
        second = tmp_path / "second.csv"
        result = runner.invoke(cli, ["export", "cases", "--out", str(second), *args])
        assert result.exit_code == 0, result.output
    finally:
        set_database(db)
        fresh.dispose()

    assert read_csv(second) == read_csv(first)
    statuses = sorted(r["status"] for r in read_csv(first))
    assert statuses == ["closed", "in_progress", "rejected", "resolved", "submitted", "submitted"]


def test_export_by_dates_and_to_xlsx(client, db, tmp_path):
    submit(client)
    out = tmp_path / "dates.xlsx"
    dates = ["--from", "2001-01-01", "--to", "2001-12-31"]
    empty = runner.invoke(
        cli,
        ["export", "cases", "--region", CITY, "--out", str(out), *dates],
    )
    assert empty.exit_code == 0 and "exported 0 cases" in empty.output
    full = runner.invoke(cli, ["export", "cases", "--region", CITY, "--out", str(out)])
    assert "exported 1 cases" in full.output
    ws = load_workbook(out).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][0] == "external_id"
