"""Importing a problem list: good rows become items assigned with the list's deadline, bad
rows are reported with their row numbers and nothing of them is stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.cases.models import Case, CaseEvent
from jieyou.ledger.cli import ledger_app
from jieyou.ledger.models import RectificationBatch, RectificationItem
from tests.factories import BEIHU, CITY, GUIYANG, HUATANG, make_staff
from tests.ledger.helpers import XLSX, at, case_of, import_list, numbers, problem, workbook


def count(db, model) -> int:
    with db.unit_of_work(write=False) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_good_rows_are_imported_and_each_bad_row_is_reported_with_its_number(client, db):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    rows = [
        problem("A1"),
        problem("A2", township="不存在镇", description="坏行标记一：乡镇写错了"),
        problem("A3", unit="鲁塘镇", township="鲁塘镇", village=None),
        problem("A4", area=-2, description="短"),
        problem("A5", due=date(2026, 8, 1), description="坏行标记三：期限早于下发日期"),
        problem("A1", description="坏行标记四：编号重复"),
        problem("A7", region_code="431021102000", county=None, township=None, village=None),
    ]
    r = import_list(client, county, rows, name="北湖区卫片问题清单", source="卫片执法检查")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["imported"], body["skipped"], body["refused_rows"]) == (2, 0, 5)
    by_row: dict[int, list[tuple[str, str]]] = {}
    for e in body["errors"]:
        by_row.setdefault(e["row"], []).append((e["column"], e["message"]))
    # Row numbers as Excel shows them: the header is row 1.
    assert sorted(by_row) == [3, 5, 6, 7, 8]
    assert by_row[3] == [("乡镇（街道）", "北湖区没有名为“不存在镇”的乡镇（街道）")]
    assert {c for c, _ in by_row[5]} == {"问题描述", "面积（亩）"}
    assert by_row[6][0][0] == "整改期限"
    assert by_row[7] == [("问题编号", "与第 2 行的编号相同")]
    assert by_row[8][0] == ("区划代码", "仁义镇不在下发单位的辖区内")
    assert body["batch"]["figures"]["total"] == 2
    assert body["batch"]["issuer_code"] == f"C{BEIHU}"

    # Nothing of a bad row was stored.
    assert count(db, RectificationItem) == 2
    with db.unit_of_work(write=False) as s:
        texts = list(s.scalars(select(Case.description).where(Case.kind == "rectification")))
    assert len(texts) == 2
    assert not any("坏行标记" in t for t in texts)


def test_an_imported_problem_is_a_case_assigned_with_the_lists_deadline(client, db):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    r = import_list(client, county, [problem("B1", due=date(2026, 10, 15))])
    assert r.status_code == 201, r.text
    number = numbers(db, r.json()["batch"]["id"])["B1"]
    case = case_of(db, number)
    assert (case.kind, case.channel, case.status) == ("rectification", "import", "assigned")
    assert case.tier == "township"
    assert case.accept_by is None and case.contact_by is None
    # The end of the list's day, local time.
    assert case.resolve_by == at(2026, 10, 15, 23, 59, 59)
    assert case.needs_triage is False and case.submitter_phone == ""
    with db.unit_of_work(write=False) as s:
        events = s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
        ).all()
        owner = s.scalar(select(RectificationBatch.issuer_unit_id))
    assert [e.action for e in events] == ["submit", "accept", "assign"]
    assert events[2].data["unit"] == f"C{HUATANG}"
    assert events[0].data["row"] == 2 and events[0].data["ref"] == "B1"
    assert case.owner_unit_id == owner


def test_a_city_list_goes_to_the_counties_unless_a_row_names_the_township(client, db):
    city = make_staff(db, "city", Role.city, CITY, unit=f"C{CITY}")
    rows = [problem("C1"), problem("C2", unit="华塘镇"), problem("C3", unit=f"C{BEIHU}")]
    r = import_list(client, city, rows)
    assert r.status_code == 201, r.text
    found = {ref: case_of(db, n) for ref, n in numbers(db, r.json()["batch"]["id"]).items()}
    assert found["C1"].tier == found["C3"].tier == "county"
    assert found["C2"].tier == "township"


def test_a_list_with_no_good_row_stores_nothing(client, db):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    r = import_list(client, county, [problem("D1", township="不存在镇"), problem("D2", due="明年")])
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "no_rows_imported"
    assert [e["row"] for e in error["errors"]] == [2, 3]
    assert count(db, RectificationBatch) == 0
    assert count(db, RectificationItem) == 0


def test_a_file_without_the_required_columns_is_refused_whole(client, db):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    data = workbook([problem("E1")], headers=["编号", "说明"])
    r = client.post(
        "/api/v1/ledger/batches",
        files={"file": ("x.xlsx", data, XLSX)},
        data={"name": "n", "source": "s"},
        headers=county.headers,
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "missing_columns"
    not_a_sheet = client.post(
        "/api/v1/ledger/batches",
        files={"file": ("x.xlsx", b"hello", XLSX)},
        data={"name": "n", "source": "s"},
        headers=county.headers,
    )
    assert not_a_sheet.status_code == 422
    assert count(db, RectificationBatch) == 0


def test_importing_the_corrected_file_again_adds_only_the_missing_rows(client, db):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    first = import_list(client, county, [problem("F1"), problem("F2", township="错镇")])
    batch = first.json()["batch"]["id"]
    corrected = workbook([problem("F1"), problem("F2")])
    r = client.post(
        f"/api/v1/ledger/batches/{batch}/items",
        files={"file": ("x.xlsx", corrected, XLSX)},
        headers=county.headers,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["imported"], r.json()["skipped"], r.json()["errors"]) == (1, 1, [])
    assert r.json()["batch"]["figures"]["total"] == 2


def test_only_city_and_county_centres_import_and_only_for_their_own_region(client, db):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    assert import_list(client, town, [problem("G1")]).status_code == 403
    other = import_list(client, county, [problem("G1")], issuer=f"C{GUIYANG}")
    assert other.status_code == 403
    upwards = import_list(client, county, [problem("G1")], issuer=f"C{CITY}")
    assert upwards.status_code == 403
    not_a_centre = import_list(client, county, [problem("G1")], issuer=f"C{HUATANG}")
    assert not_a_centre.status_code == 422
    assert count(db, RectificationBatch) == 0


def test_the_command_line_writes_the_template_imports_with_a_report_and_exports(db, tmp_path):
    runner = CliRunner()
    template = tmp_path / "模板.xlsx"
    result = runner.invoke(ledger_app, ["template", "--out", str(template)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(template).worksheets[0][1]]
    assert header[:3] == ["问题编号", "问题来源", "问题类型"]

    source = tmp_path / "清单.xlsx"
    source.write_bytes(workbook([problem("H1"), problem("H2", township="错镇")]))
    with_dates = ["--issued-on", "2026-09-01"]
    result = runner.invoke(
        ledger_app,
        [
            "import",
            str(source),
            "--name",
            "命令行清单",
            "--source",
            "省田长办",
            "--issuer",
            f"C{BEIHU}",
            *with_dates,
        ],
    )
    assert result.exit_code == 1, result.output
    assert "imported 1" in result.output
    assert (tmp_path / "清单.errors.xlsx").is_file()
    with db.unit_of_work(write=False) as s:
        batch_id = s.scalar(select(RectificationBatch.id))
    out = tmp_path / "台账.xlsx"
    result = runner.invoke(ledger_app, ["export", str(batch_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "合计" in result.output


def test_control_characters_in_the_form_are_refused_not_stored(client, db):
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    r = import_list(client, county, [problem("N1")], name="清单\x00一")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_character"
    assert count(db, RectificationBatch) == 0
