"""The case template shared by import and export: its columns, what each accepts, and the
blank workbook ``jieyou import template`` writes.

One row is one case. The header row names the columns (our names, or another layout's names
through a mapping file, see :mod:`jieyou.transfer.reader`); their order does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jieyou.cases.states import STATUS_LABELS


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # Chinese name, for people
    required: bool
    limit: int | None  # most characters accepted
    help: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        "原系统编号",
        True,
        64,
        "原系统里这件诉求的编号，每行唯一。再次导入同一编号的行会被跳过（不会重复导入）。"
        "导出时为原编号，没有原编号的为本系统的诉求编号。",
    ),
    Column(
        "submitted_at",
        "反映时间",
        True,
        None,
        "Excel 日期时间，或文本 2023-05-01 14:30、2023/5/1 14:30、2023-05-01T14:30:00+08:00；"
        "不带时区的按北京时间。不能晚于导入时。",
    ),
    Column("title", "标题", False, 200, "不填时取描述的第一行。"),
    Column("description", "诉求内容", True, 5000, "5 至 5000 字。"),
    Column(
        "region_code",
        "区划代码",
        True,
        16,
        "12 位行政区划代码（市、县、乡镇、村），或 14/16 位网格、巷道代码。请把本列设为文本格式，"
        "否则 Excel 会把长数字改掉。",
    ),
    Column("address", "详细地址", False, 200, ""),
    Column(
        "phone",
        "联系电话",
        True,
        20,
        "11 位大陆手机号，或带区号的固定电话（0735-2345678）。",
    ),
    Column("name", "反映人姓名", False, 40, ""),
    Column(
        "category",
        "诉求类别",
        False,
        40,
        "类别代码（0802）或名称（邻里纠纷、政法）。不填时由系统按内容分类，"
        "把握不足的未结诉求进入待分类。",
    ),
    Column(
        "status",
        "状态",
        True,
        12,
        "、".join(f"{s.value} 或 {label}" for s, label in STATUS_LABELS.items()) + "。",
    ),
    Column(
        "resolved_at",
        "办结时间",
        False,
        None,
        "已办结、已归档的必填，不早于反映时间；不予受理的可填处理时间；未办结的不填。",
    ),
    Column(
        "outcome",
        "办理结果",
        False,
        5000,
        "已办结、已归档的必填；不予受理的可填理由。",
    ),
)

NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
REQUIRED: frozenset[str] = frozenset(c.name for c in COLUMNS if c.required)
# Columns Excel must keep as text: long digit strings lose their last digits as numbers.
TEXT_COLUMNS = ("external_id", "region_code", "phone", "category")
DATE_COLUMNS = ("submitted_at", "resolved_at")
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATA_SHEET = "诉求"
HELP_SHEET = "说明"


def write_template(path: Path) -> None:
    """A blank workbook: the header row on the first sheet (text and date formats set for the
    columns that need them), and a sheet describing each column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    ws.append(list(NAMES))
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index).font = Font(bold=True)
        ws.column_dimensions[letter].width = 40 if column.name == "description" else 18
        fmt = (
            "@"
            if column.name in TEXT_COLUMNS
            else DATE_FORMAT
            if column.name in DATE_COLUMNS
            else None
        )
        if fmt:
            # Rows 2… of the column: Excel applies the format to what people type or paste.
            ws.column_dimensions[letter].number_format = fmt
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(HELP_SHEET)
    notes.append(["列名", "中文名", "必填", "最多字数", "说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append(
            [
                column.name,
                column.label,
                "是" if column.required else "",
                column.limit or "",
                column.help,
            ]
        )
    notes.column_dimensions["E"].width = 100
    notes.append([])
    notes.append(["示例（不会被导入）"])
    notes.append(list(NAMES))
    notes.append(
        [
            "12345-2023-000123",
            "2023-05-01 14:30",
            "邻居违建挡住采光",
            "隔壁邻居在两家之间加盖了一层棚子，挡住了我家厨房的采光，协商两次未果。",
            "431002101201",
            "吴山村3组12号",
            "13907351234",
            "李秀英",
            "邻里纠纷",
            "已归档",
            "2023-05-09 10:00",
            "经村调委会调解，邻居拆除棚子，双方和解。",
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
