"""Pydantic shapes for patrols, settlements, activities, campaigns and figures. The pages
build the same ``*Create`` models from their forms, so both surfaces refuse the same input."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from jieyou.cases.schemas import Mobile, Strict
from jieyou.patrol.models import ActivityKind, Finding, SettleMethod
from jieyou.timefmt import LocalDatetime
from jieyou.validation import IsoDate

LANE_CODE = r"^\d{16}$"
GRID_CODE = r"^\d{14}$"
PLACE_CODE = r"^\d{14}(\d{2})?$"


def _s(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Note = Annotated[str, _s(500)]
Text40 = Annotated[str, _s(40)]
Text60 = Annotated[str, _s(60)]
Text100 = Annotated[str, _s(100)]
Title = Annotated[str, _s(100, 4)]
Text200 = Annotated[str, _s(200)]
Text1000 = Annotated[str, _s(1000)]
Text2000 = Annotated[str, _s(2000)]
Text5000 = Annotated[str, _s(5000)]
Outcome = Annotated[str, _s(1000, 4)]
Count = Annotated[int, Field(ge=0, le=10_000)]


class OnSpotIn(Strict):
    """How the chief settled it there and then (小事不出巷)."""

    method: SettleMethod = Field(description="化解方式：mediation 调解 / persuasion 说服教育 …")
    outcome: Outcome = Field(description="化解结果：双方达成的一致、怎样落实")


class PatrolCaseIn(Strict):
    """Register what was found as a case (channel ``patrol``), handled by the chief."""

    resident_name: Text40 | None = None
    resident_phone: Mobile = Field(description="反映人（当事群众）手机号，用于回访")
    respondent_name: Text60 | None = None
    title: Text200 | None = None
    description: Text5000 | None = Field(
        default=None, description="纠纷情况；不填则用排查记录的情况说明"
    )
    category_code: str | None = Field(default=None, max_length=8)
    settle: OnSpotIn | None = Field(default=None, description="当场化解：填写则直接办结")


class PatrolCreate(Strict):
    lane_code: str = Field(pattern=LANE_CODE, description="巷道代码 (16 位)")
    patrolled_on: IsoDate | None = Field(default=None, description="排查日期，默认今天")
    households_visited: int = Field(ge=0, le=200, description="走访户数")
    finding: Finding = Field(description="nothing 无异常 / dispute 矛盾纠纷 / hazard / policy")
    note: Note = ""
    case: PatrolCaseIn | None = Field(default=None, description="登记为诉求（可当场化解）")


class SettlementCreate(Strict):
    case_number: str = Field(min_length=4, max_length=24, description="诉求编号")
    method: SettleMethod
    outcome: Outcome
    settled_on: IsoDate | None = Field(default=None, description="化解日期，默认今天")


class ActivityCreate(Strict):
    kind: ActivityKind = Field(description="publicity 宣传政策 / hygiene / village_rules …")
    held_on: IsoDate | None = Field(default=None, description="日期，默认今天")
    region_code: str = Field(pattern=PLACE_CODE, description="巷道或网格代码")
    topic: Text100 = ""
    attendance: int | None = Field(default=None, ge=0, le=100_000, description="参加人数")
    note: Note = ""

    @model_validator(mode="after")
    def _publicity_needs_topic(self) -> ActivityCreate:
        if self.kind == ActivityKind.publicity and (not self.topic or self.attendance is None):
            raise ValueError("宣传政策须填写主题 (topic) 和参加人数 (attendance)")
        return self


class CampaignCreate(Strict):
    title: Title
    description: Text2000 = ""
    starts_on: IsoDate | None = Field(default=None, description="开始日期，默认今天")
    due_on: IsoDate = Field(description="完成期限")
    region_code: str | None = Field(
        default=None, pattern=r"^\d{12}$", description="部署范围（乡镇或县），默认本人所在区划"
    )


class GridReportIn(Strict):
    grid_code: str = Field(pattern=GRID_CODE, description="网格代码 (14 位)")
    households_covered: Count
    disputes_found: Count
    hazards_found: Count = 0
    note: Text1000 = ""


# --- out -----------------------------------------------------------------------------------


class PatrolRead(BaseModel):
    id: int
    lane_code: str
    lane_name: str
    patrolled_on: date
    households_visited: int
    finding: str
    finding_label: str
    note: str
    recorded_by: str
    case_number: str | None
    case_status: str | None
    settled_on_spot: bool
    created_at: LocalDatetime


class SettlementRead(BaseModel):
    case_number: str
    case_status: str
    region_code: str
    settled_on: date
    method: str
    method_label: str
    outcome: str
    settled_by: str


class ActivityRead(BaseModel):
    id: int
    kind: str
    kind_label: str
    held_on: date
    region_code: str
    region_name: str
    topic: str
    attendance: int | None
    note: str
    recorded_by: str


class CompletionRead(BaseModel):
    code: str
    name: str
    grids_total: int
    grids_reported: int
    late: int
    households_covered: int
    disputes_found: int
    hazards_found: int
    patrols: int
    patrol_households: int
    patrol_disputes: int


class CampaignGridRead(BaseModel):
    grid_code: str
    grid_name: str
    village_name: str
    state: str
    reported_at: LocalDatetime | None
    reported_by: str | None
    households_covered: int | None
    disputes_found: int | None
    hazards_found: int | None
    note: str


class CampaignRead(BaseModel):
    id: int
    title: str
    description: str
    region_code: str
    region_name: str
    starts_on: date
    due_on: date
    state: str
    state_label: str
    grids_total: int
    grids_reported: int
    late: int


class CampaignDetail(CampaignRead):
    villages: list[CompletionRead]
    townships: list[CompletionRead]
    grids: list[CampaignGridRead]


class FigureRow(BaseModel):
    key: str
    name: str
    role: str | None = None
    village: str | None = None
    patrols: int
    households_visited: int
    disputes_found: int
    hazards_found: int
    disputes_handled: int
    settled_on_spot: int
    escalated: int
    publicity_sessions: int
    publicity_attendance: int
    other_activities: int


class FiguresRead(BaseModel):
    region_code: str
    region_name: str
    date_from: date
    date_to: date
    people: list[FigureRow]
    villages: list[FigureRow]
    total: FigureRow
