"""Spreadsheets of the ledger: the import template, reading a problem list, the row-by-row
error report, and the export of a ledger in the layout of its page.

Reading goes through :mod:`jieyou.transfer.reader` (streamed, .xlsx or .csv, zip bombs and
document type declarations refused, formulas and error values kept apart so a row holding one
is refused). Text written out is escaped so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jieyou.errors import Invalid
from jieyou.ledger.rows import RowError
from jieyou.ledger.template import COLUMNS, DATE_KEYS, TEXT_KEYS, find_columns
from jieyou.timefmt import local_text
from jieyou.transfer.reader import FORMULA_STARTS, Value, open_rows

if TYPE_CHECKING:
    from jieyou.ledger.repository import ItemRow, Ledger

DATA_SHEET = "问题清单"
HELP_SHEET = "说明"
LEDGER_SHEET = "整改台账"
FIGURE_HEADERS = (
    "区域",
    "层级",
    "问题数",
    "已销号",
    "待销号",
    "整改中",
    "超期",
    "整改率",
    "涉及面积（亩）",
    "已整改面积（亩）",
)
ITEM_HEADERS = (
    "问题编号",
    "问题来源",
    "问题类型",
    "县市区",
    "乡镇（街道）",
    "村（社区）",
    "具体位置",
    "面积（亩）",
    "问题描述",
    "责任单位",
    "整改期限",
    "状态",
    "是否超期",
    "销号时间",
    "编号",
)


def escape(text: str) -> str:
    """Text as a cell: never a formula, no characters XML cannot hold."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- reading ----------------------------------------------------------------------------------


@dataclass
class ProblemSheet:
    rows: Iterator[tuple[int, dict[str, Value]]]
    ignored: list[str]


def read_problems(path: Path) -> ProblemSheet:
    """The rows of a problem list as ``(row number, {column key: value})``, row numbers as
    Excel shows them (the header is row 1). Blank rows are left out. The whole file is
    refused (:class:`Invalid`) when it cannot be read or lacks a required column."""
    source = open_rows(path)
    index, missing = find_columns(source.header)
    if missing:
        source.close()
        raise Invalid(
            f"表头缺少必需的列：{'、'.join(missing)}。请使用“下载导入模板”生成的模板",
            code="missing_columns",
        )
    used = set(index.values())
    ignored = [str(h) for i, h in enumerate(source.header) if h not in (None, "") and i not in used]

    def rows() -> Iterator[tuple[int, dict[str, Value]]]:
        try:
            for number, values in source.raw_rows():
                if not any(v not in (None, "") for v in values):
                    continue
                yield number, {k: values[i] if i < len(values) else None for k, i in index.items()}
        finally:
            source.close()

    return ProblemSheet(rows(), ignored)


@contextmanager
def saved_upload(data: bytes, filename: str | None) -> Iterator[Path]:
    """An uploaded spreadsheet as a file the reader can stream, removed afterwards. The kind
    comes from the name, or from the bytes when the name says nothing (an .xlsx is a zip)."""
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise Invalid("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx", code="bad_file")
    if not data:
        raise Invalid("请选择要导入的 .xlsx 文件", code="missing_file", field="file")
    if name.endswith(".csv"):
        suffix = ".csv"
    elif name.endswith(".xlsx") or data.startswith(b"PK"):
        suffix = ".xlsx"
    else:
        raise Invalid("只能导入 .xlsx 或 .csv 文件", code="bad_file", field="file")
    with tempfile.TemporaryDirectory(prefix="jieyou-ledger-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        yield path


# --- the template and the error report --------------------------------------------------------


def _bold_row(ws: Worksheet, row: int) -> None:
    for cell in ws[row]:
        cell.font = Font(bold=True)


def write_template(out: IO[bytes]) -> None:
    """A blank problem list: the header (text and date formats where Excel would mangle the
    values), one example row on the help sheet, and what each column takes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    ws.append([c.header for c in COLUMNS])
    _bold_row(ws, 1)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 40 if column.key == "description" else 14
        if column.key in TEXT_KEYS:
            ws.column_dimensions[letter].number_format = "@"
        elif column.key in DATE_KEYS:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(HELP_SHEET)
    notes.append(["列名", "必填", "说明", "示例"])
    _bold_row(notes, 1)
    for column in COLUMNS:
        notes.append(
            [column.header, "是" if column.required else "", column.help, escape(column.example)]
        )
    notes.append([])
    notes.append(
        ["第一行为表头，列的顺序不限；不认识的列会被忽略。有问题的行整行不导入，并列出行号和原因。"]
    )
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 40
    wb.save(out)


def write_error_report(errors: list[RowError], out: IO[bytes]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "导入问题"
    ws.append(["行号", "列", "问题"])
    _bold_row(ws, 1)
    for e in errors:
        ws.append([e.row, e.column or "", escape(e.message)])
    ws.column_dimensions["C"].width = 80
    wb.save(out)


# --- the ledger -------------------------------------------------------------------------------


def _rate_cell(ws: Worksheet, row: int, column: int, rate: float | None) -> None:
    cell = ws.cell(row=row, column=column)
    if rate is None:
        cell.value = "—"
        cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = rate
        cell.number_format = "0.00%"


def _area(value: Decimal) -> float:
    return float(value)


def write_ledger(ledger: Ledger, items: list[ItemRow], out: IO[bytes]) -> None:
    """The ledger as on its page: title, what it covers, the table (合计, then each county
    followed by its townships, in the page's order), and a second sheet listing every
    problem."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = LEDGER_SHEET
    ws.append([escape(ledger.batch.name)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([escape(ledger.caption)])
    ws.append([])
    ws.append(list(FIGURE_HEADERS))
    _bold_row(ws, 4)
    rows: list[tuple[str, str, Any, bool]] = [("合计", "合计", ledger.total, True)]
    for county in ledger.counties:
        rows.append((county.name, "县市区", county.figures, True))
        rows.extend(("　" + t.name, "乡镇", t.figures, False) for t in county.townships)
    for name, level, f, bold in rows:
        ws.append(
            [
                escape(name),
                level,
                f.total,
                f.rectified,
                f.awaiting,
                f.in_progress,
                f.overdue,
                None,
                _area(f.area_mu),
                _area(f.rectified_area_mu),
            ]
        )
        r = ws.max_row
        _rate_cell(ws, r, 8, f.rate)
        for c in (9, 10):
            ws.cell(row=r, column=c).number_format = "0.00"
        if bold:
            _bold_row(ws, r)
    ws.column_dimensions["A"].width = 22
    for letter in "BCDEFGH":
        ws.column_dimensions[letter].width = 10
    ws.column_dimensions["I"].width = 14
    ws.column_dimensions["J"].width = 16
    ws.freeze_panes = "B5"

    sheet = wb.create_sheet(DATA_SHEET)
    sheet.append(list(ITEM_HEADERS))
    _bold_row(sheet, 1)
    for item in items:
        sheet.append(
            [
                escape(item.ref),
                escape(item.source),
                escape(item.problem_type),
                item.county_name,
                item.township_name,
                item.village_name or "",
                escape(item.address or ""),
                _area(item.area_mu) if item.area_mu is not None else None,
                escape(item.description),
                item.unit_name or "",
                item.due_on,
                item.status_label,
                "是" if item.is_overdue else "",
                local_text(item.closed_at) if item.closed_at else "",
                item.number,
            ]
        )
        sheet.cell(row=sheet.max_row, column=11).number_format = "yyyy-mm-dd"
    sheet.column_dimensions["I"].width = 50
    sheet.freeze_panes = "A2"
    wb.save(out)
