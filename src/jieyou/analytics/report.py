"""The period report as an Excel workbook (openpyxl, written row by row): the KPI table with
each rate's numerator and denominator, the ranking, the categories and the case list with
personal data masked. From the dashboard, ``GET /api/v1/stats/report`` and ``jieyou report``.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from jieyou.analytics import repository as repo
from jieyou.analytics import service
from jieyou.analytics.repository import Period
from jieyou.analytics.schemas import Kpis, RankingRead, Rate
from jieyou.cases.states import STATUS_LABELS, Status
from jieyou.regions.models import Region
from jieyou.routing.models import TIER_LABELS, Tier
from jieyou.timefmt import local_text, local_zone
from jieyou.web.templating import RATING_LABELS, RISK_LABELS, mask

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CASE_ROWS = 100_000
# Phone and ID numbers a resident may have typed into a title.
LONG_NUMBER = re.compile(r"(?<!\d)\d{7,17}[\dXx]?(?!\d)")
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="A31F24")
TITLE = Font(bold=True, size=14)


def mask_text(value: str) -> str:
    return LONG_NUMBER.sub(lambda m: mask(m.group()), value)


def _cell(ws: WriteOnlyWorksheet, value: Any, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    return cell


def _header(ws: WriteOnlyWorksheet, names: list[str]) -> None:
    row = []
    for name in names:
        cell = _cell(ws, name, font=HEAD)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
        row.append(cell)
    ws.append(row)


def _widths(ws: WriteOnlyWorksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width


def _pct(r: Rate | None) -> str:
    return "—" if r is None or r.value is None else f"{r.value * 100:.1f}%"


KPI_ROWS: list[tuple[str, str, str]] = [
    ("受理量", "received", "期间提交的诉求，含后来合并的重复件"),
    ("已受理", "accepted", "期间受理的诉求"),
    ("已办结", "resolved", "期间办结的诉求；群众不满意重新办理的，再次办结前不计"),
    ("按期办结率", "on_time_rate", "办结且从未超过受理、办结期限 ÷ 办结"),
    (
        "响应率",
        "response_rate",
        "在受理期限内受理或答复（不予受理、合并） ÷ 应受理（已答复或已超期）",
    ),
    (
        "解决率",
        "resolution_rate",
        "办结归档且群众最后未表示不满意 ÷ 办结归档 + 不予受理（不含合并件）",
    ),
    ("满意率", "satisfaction_rate", "满意 + 基本满意 ÷ 参与评价；未评价另计"),
    ("未评价", "unrated", "办结归档时群众未评价（回访期满或工作人员归档）"),
    ("矛盾不上交", "grassroots_rate", "在村、乡镇两级办结（未被县级以上督办） ÷ 办结"),
    ("调解成功率", "mediation_success_rate", "期间调解结案中达成调解协议的 ÷ 调解结案（含撤回）"),
    ("办理时长中位数（小时）", "median_handling_hours", "提交至办结；按固定分档直方图插值"),
    ("不予受理", "rejected", "期间不予受理"),
    ("合并办理（重复件）", "merged", "期间作为重复件合并到其他诉求"),
]


def _kpi_sheet(wb: Workbook, region: Region, period: Period, k: Kpis, open_now: Any) -> None:
    ws = wb.create_sheet("指标")
    _widths(ws, [26, 14, 10, 10, 70])
    title = f"{region.name} {period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d} 矛盾纠纷排查化解情况"
    ws.append([_cell(ws, title, font=TITLE)])
    ws.append([f"生成时间 {local_text(datetime.now(local_zone()))}；个人信息已脱敏"])
    ws.append([])
    _header(ws, ["指标", "数值", "分子", "分母", "口径"])
    for label, name, note in KPI_ROWS:
        value = getattr(k, name)
        if isinstance(value, Rate) or name == "mediation_success_rate":
            rate: Rate | None = value
            ws.append(
                [
                    label,
                    _pct(rate),
                    rate.numerator if rate else None,
                    rate.denominator if rate else None,
                    note,
                ]
            )
        elif name == "median_handling_hours":
            shown = "—" if value is None else (f"≥{value:g}" if k.median_at_least else value)
            ws.append([label, shown, None, None, note])
        else:
            ws.append([label, value, None, None, note])
    ws.append([])
    ws.append([_cell(ws, "当前在办（生成时）", font=Font(bold=True))])
    ws.append(["在办", open_now.open, None, None, "待受理、已受理、已交办、办理中"])
    ws.append(["其中高风险、紧急", open_now.high_risk, None, None, "风险等级为高或紧急"])
    ws.append(["其中曾超期", open_now.overdue, None, None, "曾超过受理或办结期限"])


def _ranking_sheet(wb: Workbook, title: str, ranking: RankingRead) -> None:
    ws = wb.create_sheet(title)
    _widths(ws, [8, 28, 10, 10, 14, 10, 14, 10, 14])
    ws.append([f"按解决率排名；分母少于 {ranking.min_cases} 件的不排名次"])
    _header(
        ws,
        [
            "名次",
            "名称",
            "受理量",
            "响应率",
            "按时/应受理",
            "解决率",
            "解决/归档",
            "满意率",
            "满意/评价",
        ],
    )
    for row in ranking.rows:
        ws.append(
            [
                row.rank if row.rank is not None else "样本不足",
                row.name,
                row.received,
                _pct(row.response_rate),
                f"{row.response_rate.numerator}/{row.response_rate.denominator}",
                _pct(row.resolution_rate),
                f"{row.resolution_rate.numerator}/{row.resolution_rate.denominator}",
                _pct(row.satisfaction_rate),
                f"{row.satisfaction_rate.numerator}/{row.satisfaction_rate.denominator}",
            ]
        )


def _case_sheet(wb: Workbook, session: Session, region: Region, period: Period) -> None:
    ws = wb.create_sheet("诉求清单")
    columns = [
        ("编号", 20), ("提交时间", 17), ("县（市、区）", 12), ("乡镇（街道）", 14),
        ("村（社区）", 14), ("类别", 14), ("标题", 40), ("状态", 9), ("风险", 7),
        ("层级", 7), ("责任单位", 24), ("受理时间", 17), ("办结时间", 17), ("曾超期", 7),
        ("评价", 9), ("反映人", 9), ("联系电话", 14),
    ]  # fmt: skip
    _widths(ws, [w for _, w in columns])
    _header(ws, [name for name, _ in columns])
    names = repo.place_names(session, region.path)
    units = repo.unit_names(session)
    categories = repo.category_names(session)
    since, until = repo.window(period)
    rows = repo.cases_created(session, region.path, since, until, limit=MAX_CASE_ROWS + 1)
    for count, c in enumerate(rows, start=1):
        if count > MAX_CASE_ROWS:
            ws.append([f"仅列出前 {MAX_CASE_ROWS:,} 件，请缩短统计期间或缩小地区"])
            break
        path = c.region_path
        ws.append(
            [
                c.number,
                local_text(c.created_at),
                names.get(path[:6], ""),
                names.get(path[:9], "") if len(path) >= 9 else "",
                names.get(path[:12], "") if len(path) >= 12 else "",
                categories.get(c.category_code or "", "待分类"),
                mask_text(c.title),
                STATUS_LABELS.get(Status(c.status), c.status),
                RISK_LABELS.get(c.risk_level, c.risk_level),
                TIER_LABELS.get(Tier(c.tier), c.tier),
                units.get(c.owner_unit_id, ""),
                local_text(c.accepted_at),
                local_text(c.resolved_at),
                "是" if c.overdue_at else "",
                RATING_LABELS.get(c.rating or "", "未评价" if c.rating else ""),
                mask(c.submitter_name),
                mask(c.submitter_phone),
            ]
        )


def build_report(session: Session, region: Region, period: Period) -> tuple[str, bytes]:
    """(file name, workbook bytes) for ``region`` over ``period``."""
    summary = service.summary(session, region, period)
    wb = Workbook(write_only=True)
    _kpi_sheet(wb, region, period, summary.kpis, summary.open)
    if region.level in service.CHILD_LEVEL:
        _ranking_sheet(
            wb, "地区排名", service.ranking(session, region, period, by="region", limit=500)
        )
    _ranking_sheet(wb, "单位排名", service.ranking(session, region, period, by="unit", limit=500))
    ws = wb.create_sheet("类别")
    _widths(ws, [8, 20, 10, 10])
    _header(ws, ["代码", "类别", "受理量", "办结"])
    for c in summary.categories:
        ws.append([c.code, c.name, c.received, c.resolved])
    _case_sheet(wb, session, region, period)
    out = io.BytesIO()
    wb.save(out)
    name = f"jieyou-report-{region.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    return name, out.getvalue()


def xlsx_response(filename: str, content: bytes) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
