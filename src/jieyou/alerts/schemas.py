"""Shapes for the alert and notification API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from jieyou.timefmt import LocalDatetime


class AlertCaseRef(BaseModel):
    number: str
    title: str
    status: str


class AlertRead(BaseModel):
    id: int
    rule: str
    level: str
    title: str
    reasons: list[str]
    region_code: str
    region_name: str
    status: str
    created_at: LocalDatetime
    acknowledged_at: LocalDatetime | None
    closed_at: LocalDatetime | None
    note: str | None
    cases: list[AlertCaseRef]


class AlertPage(BaseModel):
    total: int
    items: list[AlertRead]


class AlertDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class NotificationRead(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    case_number: str | None
    alert_id: int | None
    created_at: LocalDatetime
    read_at: LocalDatetime | None
