"""The grid register as a workbook: the import template (four sheets: 网格, 巷道, 村民小组,
三长, plus 说明), reading an upload sheet by sheet, the error report, and the export of a
village's register in the template's own layout — export, correct, import again.

A register is hundreds of rows, not millions, so openpyxl's read-only mode reads every sheet
(the case importer's streaming reader reads only the first). Uploads are checked before
openpyxl opens them: a zip whose parts inflate absurdly is refused, and openpyxl parses the
XML through defusedxml, which is installed.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jieyou.errors import Invalid

MAX_INFLATION = 200
MAX_UNPACKED = 100_000_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: str
    aliases: tuple[str, ...] = ()


VILLAGE = Column(
    "village",
    "村代码",
    False,
    "12 位村（社区）代码；不填则为导入时指定的村",
    "431002101201",
    ("村（社区）代码", "村社区代码", "行政区划代码", "区划代码"),
)
BOUNDARY = Column(
    "boundary", "四至范围", False, "东至…南至…西至…北至…，不超过 500 字", "", ("四至", "范围")
)

SHEETS: dict[str, tuple[Column, ...]] = {
    "网格": (
        VILLAGE,
        Column("grid", "网格名称", True, "本村内不重复", "第1网格", ("网格", "片区", "片")),
        Column(
            "households",
            "户数",
            False,
            "网格有巷道时以各巷道户数之和为准，此列不再使用",
            "",
            ("总户数",),
        ),
        BOUNDARY,
    ),
    "巷道": (
        VILLAGE,
        Column(
            "grid",
            "网格名称",
            True,
            "巷道所在的网格（本表或“网格”表中的名称）",
            "第1网格",
            ("网格", "片"),
        ),
        Column("lane", "巷道名称", True, "本网格内不重复", "1巷", ("巷道", "邻", "巷")),
        Column("households", "户数", True, "巷长所包的户数，1 到 500", "12", ("包户数",)),
        BOUNDARY,
    ),
    "村民小组": (
        VILLAGE,
        Column(
            "group", "小组名称", True, "本村内不重复", "第3村民小组", ("村民小组", "小组", "组")
        ),
        Column("number", "组号", False, "1 到 999", "3"),
        Column("households", "户数", False, "", "46"),
        Column(
            "grid", "所在网格", False, "小组所在网格的名称，可不填", "第1网格", ("网格名称", "网格")
        ),
        BOUNDARY,
    ),
    "三长": (
        VILLAGE,
        Column("post", "岗位", True, "片长、组长、巷长（或邻长）、网格员", "巷长", ("职务",)),
        Column("grid", "网格名称", False, "片长、网格员、巷长必填", "第1网格", ("网格",)),
        Column("lane", "巷道名称", False, "巷长必填", "1巷", ("巷道", "邻")),
        Column("group", "小组名称", False, "组长必填", "", ("村民小组", "小组")),
        Column("person_name", "姓名", True, "", "何秀兰"),
        Column(
            "phone",
            "联系电话",
            False,
            "手机或带区号的固话",
            "13907351234",
            ("电话", "手机", "手机号"),
        ),
        Column("username", "系统账号", False, "本人的解忧账号（可不填）", "", ("账号", "用户名")),
        Column(
            "duties",
            "职责",
            False,
            "用顿号分隔：环境卫生、政策宣传、矛盾调解、村规民约、中心工作；不填为全部五项",
            "环境卫生、矛盾调解",
        ),
        Column(
            "duties_note", "职责说明", False, "如本村当前的中心工作，不超过 200 字", "人居环境整治"
        ),
        Column(
            "started_on",
            "任职日期",
            False,
            "如 2026-03-01；不填为导入当天",
            "2026-03-01",
            ("任职时间",),
        ),
    ),
}
TEXT_KEYS = frozenset({"village", "phone", "username"})


def _normal(text: object) -> str:
    value = str(text or "").strip().lower()
    value = value.replace("（", "(").replace("）", ")")
    return re.sub(r"[\s*＊]", "", value)


def escape(text: str) -> str:
    """Text as a cell: never a formula, no characters XML cannot hold."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- reading ----------------------------------------------------------------------------------


class CellProblem(str):
    """A cell we will not read (a formula, an error value); the row is refused."""


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, dict[str, Any]]]
    missing: list[str]  # required headers not found
    ignored: list[str]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith("="):
            return CellProblem("单元格是公式，请粘贴为数值")
        if value in EXCEL_ERRORS:
            return CellProblem(f"单元格是错误值 {value}")
        text = value.strip()
        if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
            text = text[1:]
        return text or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sheet(name: str, rows: Iterator[tuple[Any, ...]]) -> Sheet:
    columns = SHEETS[name]
    try:
        header = next(rows)
    except StopIteration:
        return Sheet(name, [], [], [])
    wanted: dict[str, str] = {}
    for c in columns:
        for alias in (c.header, *c.aliases):
            wanted.setdefault(_normal(alias), c.key)
    index: dict[str, int] = {}
    ignored: list[str] = []
    for i, cell in enumerate(header):
        key = wanted.get(_normal(cell))
        if key and key not in index:
            index[key] = i
        elif cell not in (None, ""):
            ignored.append(str(cell))
    missing = [c.header for c in columns if c.required and c.key not in index]
    out: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        out.append(
            (number, {k: _cell(values[i]) if i < len(values) else None for k, i in index.items()})
        )
    return Sheet(name, out, missing, ignored)


def read_workbook(path: Path) -> list[Sheet]:
    """The register sheets found in the workbook, in import order (网格 before 巷道 before
    三长, whatever their order in the file). A workbook with none of them is refused."""
    _check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Invalid(f"不是有效的 .xlsx 文件：{exc}", code="bad_file", field="file") from None
    try:
        by_name = {_normal(ws.title): ws for ws in wb.worksheets}
        sheets = [
            _sheet(name, by_name[_normal(name)].iter_rows(values_only=True))
            for name in SHEETS
            if _normal(name) in by_name
        ]
    finally:
        wb.close()
    if not sheets:
        raise Invalid(
            "文件中没有“网格”“巷道”“村民小组”“三长”工作表，请使用导入模板",
            code="no_register_sheets",
            field="file",
        )
    return sheets


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if (info.file_size > 1 << 20 and ratio > MAX_INFLATION) or total > MAX_UNPACKED:
                    raise Invalid(
                        ".xlsx 文件解压后异常巨大，拒绝读取", code="bad_file", field="file"
                    )
    except zipfile.BadZipFile:
        raise Invalid("不是有效的 .xlsx 文件", code="bad_file", field="file") from None


@contextmanager
def saved_upload(data: bytes, filename: str | None, *, limit: int) -> Iterator[Path]:
    name = (filename or "").lower()
    if not data:
        raise Invalid("请选择要导入的 .xlsx 文件", code="missing_file", field="file")
    if len(data) > limit:
        raise Invalid(f"文件超过 {limit // 1_000_000} MB", code="too_large", field="file")
    if name.endswith(".xls"):
        raise Invalid(
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx", code="bad_file", field="file"
        )
    if not data.startswith(b"PK"):
        raise Invalid("只能导入 .xlsx 文件", code="bad_file", field="file")
    with tempfile.TemporaryDirectory(prefix="jieyou-grid-") as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(data)
        yield path


# --- writing ----------------------------------------------------------------------------------

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _book(rows: dict[str, list[list[Any]]]) -> Workbook:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, columns in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append([c.header for c in columns])
        for i, c in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = Font(bold=True, color="C00000" if c.required else "000000")
            cell.fill = HEAD_FILL
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = 40 if c.key in ("boundary", "duties") else 16
            if c.key in TEXT_KEYS:
                ws.column_dimensions[letter].number_format = "@"
        for row in rows.get(name, []):
            ws.append([escape(v) if isinstance(v, str) else v for v in row])
            for i, c in enumerate(columns, start=1):
                if c.key in TEXT_KEYS:
                    ws.cell(row=ws.max_row, column=i).number_format = "@"
                elif c.key == "started_on":
                    ws.cell(row=ws.max_row, column=i).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    notes.append(["工作表", "列名", "必填", "说明", "示例"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, columns in SHEETS.items():
        for c in columns:
            notes.append([name, c.header, "是" if c.required else "", c.help, c.example])
    notes.append([])
    for line in (
        "表头为红色的列必填。各表可只填需要的部分；导入顺序为 网格 → 巷道 → 村民小组 → 三长。",
        "已有的网格、巷道、小组按名称对应，只更新填写了的列；同一文件重复导入不会重复添加。",
        "巷长、片长、组长每处只有一位现任：导入不同的人即为换届，原任自新任的任职日期起卸任，任职记录保留。",
        "有问题的行整行不导入，并列出工作表、行号、列和原因；其余行照常导入。",
    ):
        notes.append([line])
    for letter, width in (("A", 12), ("B", 12), ("C", 6), ("D", 60), ("E", 20)):
        notes.column_dimensions[letter].width = width
    return wb


def write_template(out: IO[bytes]) -> None:
    _book({}).save(out)


def write_register(rows: dict[str, list[list[Any]]], out: IO[bytes]) -> None:
    """A village's register in the template's layout (rows per sheet, columns in order)."""
    _book(rows).save(out)


def write_error_report(errors: list[Any], out: IO[bytes]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "导入问题"
    ws.append(["工作表", "行号", "列", "问题"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in errors:
        ws.append([e.sheet, e.row, e.column or "", escape(e.message)])
    ws.column_dimensions["D"].width = 80
    wb.save(out)


def as_date(value: Any) -> date | str | None:
    """A date cell, or text as typed (the schema says what is wrong with it)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | None):
        return value
    text = str(value).strip()
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return f"{y:04d}-{m:02d}-{d:02d}"
    return text
