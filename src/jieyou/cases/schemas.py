"""Pydantic shapes for the case API (in and out)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from jieyou.cases.models import Channel, PartyRole, Rating
from jieyou.timefmt import LocalDatetime

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not MOBILE_RE.match(digits):
        raise ValueError("手机号码格式不正确，应为 11 位大陆手机号")
    return digits


Mobile = Annotated[str, AfterValidator(normalise_mobile)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Submitter(Strict):
    name: Name | None = None
    phone: Mobile = Field(description="中国大陆手机号 (11 位)")


class PartyIn(Strict):
    role: PartyRole = PartyRole.respondent
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    phone: Mobile | None = None
    id_number: str | None = None
    address: Text200 | None = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        v = v.strip().upper()
        if not ID_NUMBER_RE.match(v):
            raise ValueError("身份证号码应为 18 位")
        return v


class CaseCreate(Strict):
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=5, max_length=5000)
    ]
    title: Text200 | None = None
    region_code: str = Field(pattern=r"^\d{12}(\d{2}){0,2}$", description="区划代码 (12/14/16 位)")
    address: Text200 | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    submitter: Submitter
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    category_code: str | None = Field(default=None, max_length=8)
    channel: Channel | None = Field(default=None, description="仅工作人员可设置")


class CaseCreated(BaseModel):
    number: str
    query_code: str
    status: str
    status_label: str


class UnitRef(BaseModel):
    code: str
    name: str


class PartyRead(BaseModel):
    role: str
    name: str
    phone: str | None
    id_number: str | None
    address: str | None


class PredictionRead(BaseModel):
    category_code: str | None
    category_name: str | None
    confidence: float | None
    top: list[tuple[str, str | None, float]]  # (code, name, probability)
    model_version: str | None


class DuplicateRead(BaseModel):
    number: str
    title: str
    status: str
    score: float
    link_status: str


class DeadlinesRead(BaseModel):
    accept_by: LocalDatetime | None
    contact_by: LocalDatetime | None
    resolve_by: LocalDatetime | None
    # The one that matters now: accept_by before acceptance, resolve_by after; None once done.
    current: LocalDatetime | None
    contacted_at: LocalDatetime | None
    # E.g. next year's holidays not entered yet: counted with weekends only.
    note: str | None
    is_paused: bool
    pause_reason: str | None
    # 督办: how many tiers above the case's own supervise it, and which centre.
    supervision_level: int
    supervisor_unit: UnitRef | None
    # An extension request waiting for a decision one tier up.
    pending_extension: dict[str, object] | None


class CaseRead(BaseModel):
    number: str
    status: str
    status_label: str
    channel: str
    kind: str
    title: str
    description: str
    region_code: str
    region_name: str
    address: str | None
    lat: float | None
    lng: float | None
    category_code: str | None
    category_name: str | None
    category_confirmed: bool
    needs_triage: bool
    prediction: PredictionRead | None
    risk_level: str
    risk_reasons: list[str]
    tier: str
    owner_unit: UnitRef
    suggested_unit: UnitRef | None
    assigned_unit: UnitRef | None
    assigned_user: str | None
    submitter: dict[str, str | None]
    parties: list[PartyRead]
    outcome: str | None
    reply: str | None
    rating: str | None
    rating_comment: str | None
    created_at: LocalDatetime
    updated_at: LocalDatetime
    accepted_at: LocalDatetime | None
    resolved_at: LocalDatetime | None
    closed_at: LocalDatetime | None
    duplicates: list[DuplicateRead]
    deadlines: DeadlinesRead
    is_overdue: bool
    # "full" for those who handle the case (and logged), "masked" for everyone else.
    personal_data: str
    available_actions: list[str]


class CaseListItem(BaseModel):
    number: str
    status: str
    status_label: str
    title: str
    region_code: str
    category_code: str | None
    risk_level: str
    tier: str
    owner_unit_code: str
    assigned_unit_code: str | None
    created_at: LocalDatetime
    updated_at: LocalDatetime
    deadline: LocalDatetime | None
    is_overdue: bool


class CasePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[CaseListItem]


class EventRead(BaseModel):
    seq: int
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    actor_kind: str
    actor: str
    at: LocalDatetime
    note: str | None
    data: dict[str, object]
    is_public: bool
    prev_hash: str
    hash: str


class ActionIn(Strict):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    outcome: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None = None
    reply: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None = None
    unit_code: str | None = Field(default=None, max_length=40)
    user: str | None = Field(default=None, max_length=40)
    category_code: str | None = Field(default=None, max_length=8, description="categorize")
    into: str | None = Field(default=None, max_length=24, description="merge: 保留办理的诉求编号")
    days: int | None = Field(default=None, ge=1, le=60, description="extend: 延期的工作日数")


class TimelineEntry(BaseModel):
    at: LocalDatetime
    action: str
    text: str


class TrackRead(BaseModel):
    number: str
    status: str
    status_label: str
    title: str
    category_name: str | None
    handling_unit: str
    created_at: LocalDatetime
    reply: str | None
    can_rate: bool
    rating: str | None
    merged_into: str | None = None
    timeline: list[TimelineEntry]


class TriageItem(BaseModel):
    number: str
    status: str
    title: str
    description: str
    region_code: str
    region_name: str
    category_code: str | None
    prediction: PredictionRead | None
    # From the words of the text (see jieyou.classify.keywords): (code, name, words found).
    keyword_suggestion: tuple[str, str | None, list[str]] | None
    risk_level: str
    created_at: LocalDatetime


class TriagePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[TriageItem]


class RatingIn(Strict):
    code: str | None = Field(
        default=None, min_length=1, max_length=12, description="查询码，也可放在 ?code="
    )
    rating: Rating
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
