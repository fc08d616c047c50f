"""The spreadsheet reader: our streaming .xlsx parser reads what openpyxl reads, cell by cell;
broken and hostile files are refused with a clear message."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from jieyou.errors import Invalid
from jieyou.transfer.reader import CellError, Formula, load_mapping, open_rows, read_text
from jieyou.transfer.template import NAMES
from tests.transfer.helpers import cli

runner = CliRunner()


def mixed_workbook(path: Path, *, write_only: bool) -> Path:
    """Shared strings (normal mode) or inline strings (write-only), dates with formats,
    numbers, booleans, a formula, an error value, rich gaps between cells."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("数据") if write_only else wb.active
    assert ws is not None
    ws.append(["a", "b", "c", "d", "e", "f", "g"])
    ws.append(["文本", 42, 3.5, datetime(2023, 5, 1, 14, 30), True, "=1+1", "#N/A"])  # noqa: DTZ001
    ws.append([None, "", 13907351234, date(2024, 2, 29), False, None, "跨\n行"])
    ws.append([None, None, None, None, None, None, "只有最后一格"])
    ws.append(["  空格  ", 0, -1.25, time(9, 30), None, "=SUM(B2:B3)", "'=已转义"])
    wb.save(path)
    return path


def ours(path: Path) -> list[list[object]]:
    with open_rows(path) as source:
        rows = [source.header] + [values for _, values in source.raw_rows()]
    return [[c.text if isinstance(c, Formula | CellError) else c for c in r] for r in rows]


def theirs(path: Path) -> list[list[object]]:
    wb = load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


@pytest.mark.parametrize("write_only", [False, True])
def test_our_xlsx_reader_reads_what_openpyxl_reads(tmp_path, write_only):
    path = mixed_workbook(tmp_path / "m.xlsx", write_only=write_only)
    mine, reference = ours(path), theirs(path)
    assert len(mine) == len(reference)
    for got, want in zip(mine, reference, strict=True):
        # openpyxl pads every row to the sheet's width; we stop at the last cell.
        want = list(want)
        while want and want[-1] is None and len(want) > len(got):
            want.pop()
        assert got == want


def test_formula_and_error_cells_are_marked(tmp_path):
    path = mixed_workbook(tmp_path / "m.xlsx", write_only=False)
    with open_rows(path) as source:
        first = next(iter(source.raw_rows()))[1]
    assert first[5] == Formula("=1+1")
    assert first[6] == CellError("#N/A")


def test_text_a_spreadsheet_would_run_is_a_formula_and_our_escape_is_undone():
    assert read_text("=cmd|' /C calc'!A0") == Formula("=cmd|' /C calc'!A0")
    assert read_text("+cmd|' /C calc'!A0") == Formula("+cmd|' /C calc'!A0")
    assert read_text("@SUM(1)") == Formula("@SUM(1)")
    assert read_text("-2+3 号楼") == "-2+3 号楼"
    assert read_text("+8613907351234") == "+8613907351234"
    assert read_text("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert read_text("'普通文本") == "'普通文本"


def test_an_xlsx_with_a_document_type_declaration_is_refused(tmp_path):
    good = mixed_workbook(tmp_path / "ok.xlsx", write_only=False)
    bad = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet",
                    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
                    1,
                )
            dst.writestr(item, data)
    with pytest.raises(Invalid, match="文档类型声明"):
        ours(bad)


def test_a_part_that_inflates_absurdly_is_refused(tmp_path):
    path = tmp_path / "zip.xlsx"
    good = mixed_workbook(tmp_path / "ok.xlsx", write_only=False)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (8 << 20) + b"</sheetData>")
            dst.writestr(item.filename, data)
    with pytest.raises(Invalid, match="解压后异常巨大"):
        ours(path)


def test_not_a_spreadsheet_is_refused(tmp_path):
    for name, content, words in [
        ("a.xlsx", b"PK\x03\x04 broken", "不是有效的 .xlsx 文件"),
        ("a.xls", b"old", "另存为 .xlsx"),
        ("a.txt", b"x", "只能导入"),
        ("empty.csv", b"", "空的"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(Invalid, match=words):
            open_rows(path)


def test_csv_in_gb18030_with_tabs_and_with_a_bom(tmp_path):
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("编号\t内容\nA1\t邻里纠纷\n".encode("gb18030"))
    bom = tmp_path / "b.csv"
    bom.write_bytes("\ufeff编号,内容\nA1,邻里纠纷\n".encode())
    for path in (gbk, bom):
        with open_rows(path) as source:
            assert source.header == ["编号", "内容"]
            assert [v for _, v in source.raw_rows()] == [["A1", "邻里纠纷"]]


def test_mapping_files_must_name_template_columns(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text('{"编号": "工单号"}', encoding="utf-8")
    with pytest.raises(Invalid, match="不是模板列"):
        load_mapping(bad)


def test_the_template_has_the_documented_columns_and_imports_as_empty(db, tmp_path):
    out = tmp_path / "template.xlsx"

    result = runner.invoke(cli, ["import", "template", "--out", str(out)])

    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["诉求", "说明"]
    assert [c.value for c in wb["诉求"][1]] == list(NAMES)
    documented = [r[0] for r in wb["说明"].iter_rows(min_row=2, max_row=13, values_only=True)]
    assert documented == list(NAMES)
    empty = runner.invoke(cli, ["import", "cases", str(out)])
    assert empty.exit_code == 0, empty.output
