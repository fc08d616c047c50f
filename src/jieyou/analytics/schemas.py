"""What the stats endpoints and the dashboard page return."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from jieyou.timefmt import LocalDatetime


class Rate(BaseModel):
    """A rate with what it is made of; ``value`` is null when nothing was counted."""

    value: float | None
    numerator: int
    denominator: int


class AreaRef(BaseModel):
    code: str
    name: str
    level: str


class Kpis(BaseModel):
    received: int = Field(description="受理量：期间提交的诉求（含后来合并的重复件）")
    accepted: int = Field(description="期间受理的诉求")
    resolved: int = Field(description="期间办结的诉求（重新办理的不计，直到再次办结）")
    rejected: int = Field(description="期间不予受理的诉求")
    merged: int = Field(description="期间作为重复件合并办理的诉求")
    unrated: int = Field(description="期间办结归档但群众未评价的诉求（不计入满意率）")
    on_time_rate: Rate = Field(description="按期办结率：按期办结 ÷ 办结")
    response_rate: Rate = Field(description="响应率：按时受理或答复 ÷ 应受理")
    resolution_rate: Rate = Field(
        description="解决率：办结归档且群众未表示不满意 ÷ 办结归档与不予受理"
    )
    satisfaction_rate: Rate = Field(description="满意率：满意与基本满意 ÷ 参与评价")
    grassroots_rate: Rate = Field(description="矛盾不上交：在村、乡镇两级办结 ÷ 办结")
    mediation_success_rate: Rate | None = Field(
        default=None,
        description="调解成功率：期间调解结案中达成调解协议的 ÷ 调解结案（含撤回）；"
        "只在地区合计中给出，排名各行为 null",
    )
    mediation_note: str = Field(default="", description="调解成功率的分子分母，供页面显示")
    median_handling_hours: float | None = Field(
        description="办理时长中位数（小时，提交至办结），由固定分档直方图插值得出"
    )
    median_at_least: bool = Field(
        default=False, description="中位数落在最后一档（≥ 1440 小时）时为 true，数值为该档下限"
    )


class OpenNow(BaseModel):
    open: int = Field(description="当前在办（待受理、已受理、已交办、办理中）")
    high_risk: int = Field(description="当前在办的高风险与紧急诉求")
    overdue: int = Field(description="当前在办且曾超过受理或办结期限的诉求")


class CategoryCount(BaseModel):
    code: str
    name: str
    received: int
    resolved: int


class Hotspot(BaseModel):
    region: AreaRef
    category_code: str
    category_name: str
    received: int


class SummaryRead(BaseModel):
    region: AreaRef
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    kpis: Kpis
    open: OpenNow
    categories: list[CategoryCount]
    hotspots: list[Hotspot]
    as_of: LocalDatetime


class AreaStat(BaseModel):
    region: AreaRef
    received: int
    resolved: int
    open: int
    high_risk: int
    overdue: int
    resolution_rate: Rate


class MapRead(BaseModel):
    region: AreaRef
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    whole: AreaStat = Field(description="the region itself")
    areas: list[AreaStat] = Field(description="its counties (city) or townships (county)")
    note: str = Field(
        default="无人口数据，按在办件数或风险着色（不按每万人口）",
        description="why the map is not coloured per 10,000 residents",
    )


class TrendPoint(BaseModel):
    day: date = Field(description="the day, or the first day of the week or month")
    received: int
    accepted: int
    resolved: int
    solved: int


class TrendRead(BaseModel):
    region: AreaRef
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    grain: str
    points: list[TrendPoint]


class RankingRow(BaseModel):
    rank: int | None = Field(description="null when the sort rate has fewer than min_cases")
    code: str
    name: str
    received: int
    response_rate: Rate
    resolution_rate: Rate
    satisfaction_rate: Rate


class RankingRead(BaseModel):
    region: AreaRef
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    by: str = Field(description="region: the areas one level down; unit: responsible units")
    sort: str
    min_cases: int
    rows: list[RankingRow]
    unranked: int = Field(description="how many had fewer than min_cases for the sort rate")


class AlertItem(BaseModel):
    """An open early-warning alert as the dashboard lists it (the full alert, with its cases,
    is at ``GET /api/v1/alerts``)."""

    id: int
    rule: str
    level: str
    title: str
    region_code: str
    region_name: str
    status: str
    created_at: LocalDatetime
