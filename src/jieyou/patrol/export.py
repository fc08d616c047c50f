"""The figures and a campaign as Excel workbooks (openpyxl, write-only, row by row), for the
township to hand upward. Built from the same read models as the pages and the API
(:class:`FiguresRead`, :class:`CampaignDetail`), so a workbook's numbers are the page's.

Numbers are written as numbers, dates and times as Excel dates in local time; text is escaped
so a spreadsheet never runs it as a formula, and free text (names, notes) has phone and other
long numbers masked — no chief's phone leaves in a workbook.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jieyou.patrol.figures import role_label
from jieyou.patrol.schemas import CampaignDetail, CompletionRead, FigureRow, FiguresRead
from jieyou.patrol.views import GRID_STATES
from jieyou.privacy import mask_text
from jieyou.timefmt import local_text, local_zone, to_local
from jieyou.transfer.exporter import escape_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VILLAGE_SHEET = "按村"
PEOPLE_SHEET = "按人员"
TOWNSHIP_SHEET = "按乡镇"
GRID_SHEET = "网格上报"
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="A31F24")
TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
TIME_FORMAT = "yyyy-mm-dd hh:mm"
RATE_FORMAT = "0.0%"
# Grids listed on the campaign's sheet: a county's campaign has a few thousand at most.
MAX_GRID_ROWS = 20_000
LATE_STATES = frozenset({"late", "missing"})
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

# (attribute of FigureRow, header, width)
FIGURE_COLUMNS: list[tuple[str, str, int]] = [
    ("patrols", "排查次数", 9),
    ("households_visited", "走访户数", 9),
    ("disputes_found", "发现纠纷", 9),
    ("hazards_found", "发现隐患", 9),
    ("disputes_handled", "处理纠纷", 9),
    ("settled_on_spot", "当场化解", 9),
    ("escalated", "上报", 7),
    ("publicity_sessions", "政策宣传", 9),
    ("publicity_attendance", "宣传人次", 9),
    ("other_activities", "其他履职", 9),
]
# (attribute of CompletionRead, header, width); 完成率 is computed and goes after 已上报.
COMPLETION_COLUMNS: list[tuple[str, str, int]] = [
    ("grids_total", "网格数", 8),
    ("grids_reported", "已上报", 8),
    ("late", "逾期", 7),
    ("households_covered", "排查户数", 9),
    ("disputes_found", "发现纠纷", 9),
    ("hazards_found", "发现隐患", 9),
    ("patrols", "日常排查", 9),
    ("patrol_households", "日常走访户数", 12),
    ("patrol_disputes", "日常发现纠纷", 12),
]
FIGURES_NOTE = (
    "处理纠纷：期间受理、办理、办结或上报过的诉求件数；村（社区）的数字为其人员之和；"
    "统计按本地日期，含起止两日。"
)
CAMPAIGN_NOTE = (
    "上报数字为各网格的专项排查报告；“日常”为期间巷长、网格员登记的排查记录；逾期含逾期未报。"
)


# --- cells ------------------------------------------------------------------------------------


def text(value: str | None) -> str:
    """Free text as a cell: phones and long numbers masked, never a formula."""
    return escape_cell(mask_text(value or ""))


def display_width(value: str) -> int:
    """Columns a string takes in Excel: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _fit(values: Sequence[str], *, least: int, most: int) -> int:
    return max(least, min(most, max((display_width(v) for v in values), default=0) + 2))


def _cell(ws: WriteOnlyWorksheet, value: Any, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    return cell


def _title(ws: WriteOnlyWorksheet, title: str, caption: str) -> None:
    ws.append([_cell(ws, escape_cell(title), font=TITLE)])
    ws.append([escape_cell(caption)])
    ws.append([])


def _header(ws: WriteOnlyWorksheet, names: list[str]) -> None:
    row = []
    for name in names:
        cell = _cell(ws, name, font=HEAD)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        row.append(cell)
    ws.append(row)


def _widths(ws: WriteOnlyWorksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _row(ws: WriteOnlyWorksheet, values: list[Any], *, bold: bool = False) -> None:
    ws.append([_cell(ws, v, font=BOLD if bold else None) for v in values])


def _rate(ws: WriteOnlyWorksheet, done: int, total: int, *, bold: bool = False) -> WriteOnlyCell:
    if not total:
        cell = _cell(ws, "—", font=BOLD if bold else None)
        cell.alignment = Alignment(horizontal="right")
        return cell
    cell = _cell(ws, done / total, font=BOLD if bold else None)
    cell.number_format = RATE_FORMAT
    return cell


def _local(value: datetime | None) -> datetime | None:
    """Local wall time without a zone: Excel has no time zones (openpyxl refuses them)."""
    return None if value is None else to_local(value).replace(tzinfo=None)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(*parts: str) -> str:
    """A download name from its parts, without characters a file system refuses."""
    return UNSAFE_FILENAME.sub("_", "-".join(p for p in parts if p)) + ".xlsx"


def _period(start: date, end: date) -> str:
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"


def _generated() -> str:
    return f"生成时间 {local_text(datetime.now(local_zone()))}"


# --- figures ----------------------------------------------------------------------------------


def _counts(row: FigureRow) -> list[int]:
    return [getattr(row, name) for name, _, _ in FIGURE_COLUMNS]


def figures_workbook(f: FiguresRead) -> bytes:
    """履职统计: sheet 按村 (a row per village and the total) and sheet 按人员 (a row per
    lane chief, grid worker or village cadre and the total)."""
    title = f"{f.region_name} 履职统计（{_period(f.date_from, f.date_to)}）"
    caption = (
        f"统计范围：{f.region_name}；统计期间：{_period(f.date_from, f.date_to)}；{_generated()}"
    )
    wb = Workbook(write_only=True)

    ws = wb.create_sheet(VILLAGE_SHEET)
    names = [text(v.name) for v in f.villages]
    _widths(ws, [_fit([*names, "村（社区）"], least=14, most=30), *(w for *_, w in FIGURE_COLUMNS)])
    ws.freeze_panes = "B5"
    _title(ws, title, caption)
    _header(ws, ["村（社区）", *(h for _, h, _ in FIGURE_COLUMNS)])
    for name, v in zip(names, f.villages, strict=True):
        _row(ws, [name, *_counts(v)])
    _row(ws, ["合计", *_counts(f.total)], bold=True)
    ws.append([])
    ws.append([FIGURES_NOTE])

    ws = wb.create_sheet(PEOPLE_SHEET)
    people = [(text(p.name), role_label(p.role or ""), text(p.village)) for p in f.people]
    _widths(
        ws,
        [
            _fit([p[0] for p in people], least=10, most=24),
            10,
            _fit([p[2] for p in people], least=12, most=24),
            *(w for *_, w in FIGURE_COLUMNS),
        ],
    )
    ws.freeze_panes = "B5"
    _title(ws, title, caption)
    _header(ws, ["姓名", "角色", "村（社区）", *(h for _, h, _ in FIGURE_COLUMNS)])
    for (name, role, village), p in zip(people, f.people, strict=True):
        _row(ws, [name, role, village, *_counts(p)])
    _row(ws, ["合计", "", "", *_counts(f.total)], bold=True)
    if not f.people:
        ws.append(["范围内没有巷长、网格员或村干部。"])
    return _save(wb)


def figures_filename(f: FiguresRead) -> str:
    return filename("履职统计", f.region_name, f"{f.date_from:%Y%m%d}", f"{f.date_to:%Y%m%d}")


# --- a campaign -------------------------------------------------------------------------------


def _completion_sheet(
    wb: Workbook, sheet: str, first: str, title: str, caption: str, rows: list[CompletionRead]
) -> None:
    ws = wb.create_sheet(sheet)
    names = [text(r.name) for r in rows]
    widths = [w for *_, w in COMPLETION_COLUMNS]
    _widths(ws, [_fit([*names, first], least=14, most=30), *widths[:2], 9, *widths[2:]])
    ws.freeze_panes = "B5"
    _title(ws, title, caption)
    headers = [h for _, h, _ in COMPLETION_COLUMNS]
    _header(ws, [first, *headers[:2], "完成率", *headers[2:]])
    total = {name: 0 for name, _, _ in COMPLETION_COLUMNS}
    for name, r in zip(names, rows, strict=True):
        values = [getattr(r, key) for key, _, _ in COMPLETION_COLUMNS]
        for key, value in zip(total, values, strict=True):
            total[key] += value
        ws.append([name, *values[:2], _rate(ws, r.grids_reported, r.grids_total), *values[2:]])
    sums = list(total.values())
    rate = _rate(ws, total["grids_reported"], total["grids_total"], bold=True)
    ws.append(
        [
            _cell(ws, "合计", font=BOLD),
            *(_cell(ws, v, font=BOLD) for v in sums[:2]),
            rate,
            *(_cell(ws, v, font=BOLD) for v in sums[2:]),
        ]
    )
    ws.append([])
    ws.append([CAMPAIGN_NOTE])


def campaign_workbook(c: CampaignDetail) -> bytes:
    """专项排查: sheet 按村 (completion by village, with the total), 按乡镇 for a campaign over
    several townships, and 网格上报 (each grid's report)."""
    title = c.title
    caption = (
        f"部署范围：{c.region_name}；期限：{_period(c.starts_on, c.due_on)}；"
        f"状态：{c.state_label}；已上报 {c.grids_reported}/{c.grids_total} 个网格；{_generated()}"
    )
    wb = Workbook(write_only=True)
    _completion_sheet(wb, VILLAGE_SHEET, "村（社区）", title, caption, c.villages)
    if c.townships:
        _completion_sheet(wb, TOWNSHIP_SHEET, "乡镇（街道）", title, caption, c.townships)

    ws = wb.create_sheet(GRID_SHEET)
    columns = [
        ("村（社区）", _fit([text(g.village_name) for g in c.grids], least=12, most=24)),
        ("网格", _fit([text(g.grid_name) for g in c.grids], least=10, most=24)),
        ("网格代码", 16), ("状态", 10), ("上报时间", 17), ("上报人", 10),
        ("排查户数", 9), ("发现纠纷", 9), ("发现隐患", 9), ("情况说明", 50), ("是否逾期", 9),
    ]  # fmt: skip
    _widths(ws, [w for _, w in columns])
    ws.freeze_panes = "C5"
    _title(ws, title, caption)
    _header(ws, [name for name, _ in columns])
    for g in c.grids[:MAX_GRID_ROWS]:
        at = _cell(ws, _local(g.reported_at))
        at.number_format = TIME_FORMAT
        note = _cell(ws, text(g.note))
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.append(
            [
                text(g.village_name),
                text(g.grid_name),
                g.grid_code,
                GRID_STATES.get(g.state, g.state),
                at,
                text(g.reported_by),
                g.households_covered,
                g.disputes_found,
                g.hazards_found,
                note,
                "是" if g.state in LATE_STATES else "否",
            ]
        )
    if len(c.grids) > MAX_GRID_ROWS:
        ws.append([f"仅列出前 {MAX_GRID_ROWS:,} 个网格"])
    return _save(wb)


def campaign_filename(c: CampaignDetail) -> str:
    return filename("专项排查", str(c.id), c.title)
