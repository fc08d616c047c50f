"""Deadline rules in and out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jieyou.cases.models import RiskLevel
from jieyou.routing.models import Tier


class DeadlineRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Empty matches any value; a first-level category also matches its children.
    category_code: str | None = Field(default=None, max_length=8)
    tier: Tier | None = None
    risk_level: RiskLevel | None = None
    accept_hours: float | None = Field(default=None, gt=0, le=24 * 30)
    contact_hours: float | None = Field(default=None, gt=0, le=24 * 30)
    resolve_working_days: int | None = Field(default=None, ge=1, le=365)
    note: str | None = Field(default=None, max_length=200)


class DeadlineRuleRead(DeadlineRuleIn):
    id: int


class DeadlineRulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[DeadlineRuleIn] = Field(min_length=1, max_length=500)
