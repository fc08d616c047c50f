"""``jieyou grid``: the template, importing with a row report (twice: nothing added), showing a
village as a table and exporting it in the template's layout, which imports back unchanged."""

from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

from jieyou.grid.cli import grid_app
from tests.factories import WUSHAN, count_rows
from tests.grid.helpers import workbook
from tests.grid.test_import import ROWS


def test_template_import_show_and_export_round_trip(db, tmp_path):
    runner = CliRunner()
    template = tmp_path / "模板.xlsx"
    result = runner.invoke(grid_app, ["template", "--out", str(template)])
    assert result.exit_code == 0, result.output
    book = load_workbook(template)
    assert book.sheetnames == ["网格", "巷道", "村民小组", "三长", "说明"]
    assert [c.value for c in book["巷道"][1]][:4] == ["村代码", "网格名称", "巷道名称", "户数"]

    source = tmp_path / "台账.xlsx"
    source.write_bytes(workbook(ROWS))
    result = runner.invoke(grid_app, ["import", str(source), "--village", WUSHAN])
    assert result.exit_code == 1, result.output  # some rows refused
    assert "巷道 第 5 行 网格名称" in result.output
    assert (tmp_path / "台账.errors.xlsx").is_file()
    terms = count_rows(db, "chief_assignments")
    result = runner.invoke(grid_app, ["import", str(source), "--village", WUSHAN])
    assert count_rows(db, "chief_assignments") == terms

    out = tmp_path / "导出.xlsx"
    result = runner.invoke(grid_app, ["show", WUSHAN, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "何桂香" in result.output and "第1网格" in result.output
    assert "139****1234" in result.output  # masked unless --phones
    regions = count_rows(db, "regions")
    result = runner.invoke(grid_app, ["import", str(out)])
    assert result.exit_code == 0, result.output
    assert count_rows(db, "regions") == regions
    assert count_rows(db, "chief_assignments") == terms


def test_unknown_village_is_an_error(db):
    result = CliRunner().invoke(grid_app, ["show", "431002101299"])
    assert result.exit_code == 2
    result = CliRunner().invoke(grid_app, ["import", "x.xlsx", "--village", "12"])
    assert result.exit_code == 2
