"""Pydantic shapes of the mediation API (in and out)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from jieyou.cases.schemas import ID_NUMBER_RE, Strict
from jieyou.mediation.states import Guidance, Honoured, Speciality, VisitMethod
from jieyou.timefmt import LocalDatetime, local_zone
from jieyou.validation import IsoDate


def _text(max_length: int, min_length: int = 1) -> object:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Short = Annotated[str, _text(40)]
Line = Annotated[str, _text(200)]
Long = Annotated[str, _text(5000)]
RegionCode = Annotated[str, Field(pattern=r"^\d{12}(\d{2}){0,2}$", description="区划代码")]
Phone = Annotated[str, Field(pattern=r"^[0-9-]{7,20}$", description="电话（手机或座机）")]
Gender = Literal["male", "female"]


# --- the roster ---------------------------------------------------------------------------


class MediatorCreate(Strict):
    name: Short = Field(description="姓名")
    gender: Gender | None = None
    phone: Phone | None = None
    organisation: Annotated[str, _text(80)] = Field(description="所属人民调解委员会")
    title: Short | None = Field(default=None, description="职务，如 专职人民调解员")
    region_code: RegionCode = Field(description="调委会所在区划")
    regions: list[RegionCode] = Field(
        default_factory=list, max_length=30, description="服务区域；不填则为调委会所在区划"
    )
    specialities: list[Speciality] = Field(min_length=1, max_length=12, description="擅长领域")
    username: Short | None = Field(default=None, description="关联的调解员登录账号")
    is_active: bool = True
    note: Line | None = None


class MediatorUpdate(Strict):
    """Only the fields given change."""

    name: Short | None = None
    gender: Gender | None = None
    phone: Phone | None = None
    organisation: Annotated[str, _text(80)] | None = None
    title: Short | None = None
    regions: list[RegionCode] | None = Field(default=None, min_length=1, max_length=30)
    specialities: list[Speciality] | None = Field(default=None, min_length=1, max_length=12)
    username: Short | None = None
    is_active: bool | None = None
    note: Line | None = None


class RegionRef(BaseModel):
    code: str
    name: str


class MediatorRead(BaseModel):
    id: int
    name: str
    gender: str | None
    phone: str | None
    organisation: str
    title: str | None
    region: RegionRef
    regions: list[RegionRef]
    specialities: list[str]
    speciality_labels: list[str]
    username: str | None
    is_active: bool
    open_mediations: int = Field(description="在办的调解件数")
    note: str | None


class SuggestionRead(BaseModel):
    mediator: MediatorRead
    score: int
    reasons: list[str] = Field(description="推荐理由")


# --- a mediation ------------------------------------------------------------------------------


class PartyIn(Strict):
    side: Literal["applicant", "respondent"]
    name: Annotated[str, _text(60)]
    gender: Gender | None = None
    ethnicity: Annotated[str, _text(20)] | None = Field(default=None, description="民族，如 汉族")
    birth_date: IsoDate | None = None
    id_number: str | None = Field(default=None, description="身份证号（18 位）")
    phone: Phone | None = None
    address: Line | None = None
    representative: Annotated[str, _text(60)] | None = Field(
        default=None, description="委托代理人或法定代表人"
    )

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        v = v.strip().upper()
        if not ID_NUMBER_RE.match(v):
            raise ValueError("身份证号码应为 18 位")
        return v


class MediationStart(Strict):
    mediators: list[int] = Field(
        min_length=1, max_length=5, description="调解员编号，第一位主持调解"
    )
    facts: Long = Field(description="纠纷主要事实及争议事项")
    committee: Annotated[str, _text(80)] | None = Field(
        default=None, description="人民调解委员会；默认为主持调解员所在调委会"
    )
    parties: list[PartyIn] | None = Field(
        default=None, max_length=20, description="当事人；不填则取自诉求"
    )


class PartiesIn(Strict):
    parties: list[PartyIn] = Field(min_length=2, max_length=20)


def _local_naive(value: object) -> object:
    # A time typed on a form has no offset: it is local time, not UTC.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", value):
        return datetime.fromisoformat(value).replace(tzinfo=local_zone())
    return value


class SessionIn(Strict):
    held_at: datetime = Field(description="调解时间，如 2026-11-27T09:30 (北京时间)")
    place: Line = Field(description="调解地点")
    participants: Annotated[str, _text(500)] = Field(description="参加人员")
    summary: Long = Field(description="调解经过")
    agreed: Annotated[str, _text(5000, 0)] | None = Field(
        default=None, description="本次达成的共识（如有）"
    )

    @field_validator("held_at", mode="before")
    @classmethod
    def _held_at(cls, v: object) -> object:
        return _local_naive(v)

    @field_validator("held_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            return v.replace(tzinfo=local_zone())
        return v


class OutcomeIn(Strict):
    """``agreed`` needs terms, performance and its deadline; ``failed`` the reason and the
    guidance; ``withdrawn`` the reason."""

    result: Literal["agreed", "failed", "withdrawn"]
    terms: Annotated[str, _text(10000, 0)] | None = Field(default=None, description="协议内容")
    performance: Annotated[str, _text(2000, 0)] | None = Field(default=None, description="履行方式")
    performance_due: IsoDate | None = Field(default=None, description="履行期限")
    signed_on: IsoDate | None = Field(default=None, description="签订日期，默认今天")
    copies: int | None = Field(default=None, ge=2, le=10, description="协议份数")
    follow_up_due: IsoDate | None = Field(default=None, description="回访日期；默认履行期限后 7 天")
    failure_reason: Annotated[str, _text(5000, 0)] | None = None
    guidance: Guidance | None = None
    guidance_note: Annotated[str, _text(2000, 0)] | None = None
    reason: Annotated[str, _text(2000, 0)] | None = Field(default=None, description="撤回原因")


class FollowUpIn(Strict):
    visited_on: IsoDate = Field(description="回访日期")
    method: VisitMethod = VisitMethod.visit
    result: Honoured = Field(description="履行情况")
    note: Annotated[str, _text(2000, 0)] | None = None
    next_due: IsoDate | None = Field(default=None, description="未全部履行时的下次回访日期")


class PartyRead(BaseModel):
    side: str
    name: str
    gender: str | None
    ethnicity: str | None
    birth_date: str | None = Field(description="出生日期；遮挡时只留年份")
    id_number: str | None
    phone: str | None
    address: str | None
    representative: str | None


class MediatorRef(BaseModel):
    id: int
    name: str
    organisation: str
    is_lead: bool


class SessionRead(BaseModel):
    id: int
    held_at: LocalDatetime
    place: str
    participants: str
    summary: str
    agreed: str | None
    recorded_by: str | None


class FollowUpRead(BaseModel):
    id: int
    visited_on: date
    method: str
    result: str
    result_label: str
    note: str | None
    next_due: date | None
    recorded_by: str | None


class AgreementRead(BaseModel):
    terms: str
    performance: str
    performance_due: date | None
    signed_on: date | None
    copies: int


class MediationRead(BaseModel):
    number: str
    case_number: str
    case_title: str
    category_name: str | None
    region_name: str
    status: str
    status_label: str
    committee: str
    facts: str
    mediators: list[MediatorRef]
    parties: list[PartyRead]
    personal_data: Literal["full", "masked"]
    sessions: list[SessionRead]
    agreement: AgreementRead | None
    failure_reason: str | None
    guidance: str | None
    guidance_label: str | None
    guidance_note: str | None
    withdraw_reason: str | None
    follow_up_due: date | None
    follow_up_overdue: bool
    honoured: str | None
    follow_ups: list[FollowUpRead]
    started_at: LocalDatetime
    concluded_at: LocalDatetime | None
    available_actions: list[str] = Field(description="您在当前状态下可以执行的操作")
    documents: dict[str, str] = Field(description="调解协议书下载地址（可读全部信息者）")


class MediationListItem(BaseModel):
    id: int
    number: str
    case_number: str
    status: str
    status_label: str
    committee: str
    mediators: list[str]
    applicant: str = Field(description="申请人（姓名已遮挡）")
    region_name: str
    started_at: LocalDatetime
    concluded_at: LocalDatetime | None
    follow_up_due: date | None
    follow_up_overdue: bool
    honoured: str | None


class CaseMediationItem(BaseModel):
    """One mediation of a case, as the case's history lists it (no personal data)."""

    id: int
    number: str
    status: str
    status_label: str
    committee: str
    mediators: list[str]
    started_at: LocalDatetime
    concluded_at: LocalDatetime | None
    outcome: str = Field(description="结果摘要：调解中、达成协议、调解不成（告知途径）、撤回")
    guidance: str | None = Field(description="调解不成时告知当事人的途径")
    signed_on: date | None = Field(description="达成协议的签订日期")
    is_latest: bool = Field(description="本案当前（最近一次）的调解")


class MediationPage(BaseModel):
    total: int
    page: int
    page_size: int
    counts: dict[str, int] = Field(description="各状态件数及待回访件数 (follow_up_due)")
    items: list[MediationListItem]
