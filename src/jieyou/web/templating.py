"""Jinja2 set-up and the small display helpers the templates share."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jieyou.accounts.models import ROLE_LABELS
from jieyou.cases.states import ACTION_LABELS, STATUS_LABELS, Status
from jieyou.privacy import mask, mask_name
from jieyou.routing.models import TIER_LABELS
from jieyou.timefmt import local_text

HERE = Path(__file__).parent

RISK_LABELS = {"normal": "一般", "elevated": "关注", "high": "高风险", "critical": "紧急"}
RATING_LABELS = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "unsatisfied": "不满意",
}
CHANNEL_LABELS = {
    "web": "网上",
    "phone": "电话",
    "walk_in": "来访",
    "patrol": "网格巡查",
    "api": "系统接口",
    "open311": "Open311",
    "import": "导入",
}
PARTY_LABELS = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}


def _local(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return local_text(value)


@lru_cache
def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    env = t.env
    env.filters["mask"] = mask
    env.filters["mask_name"] = mask_name
    env.filters["localtime"] = _local
    env.globals.update(
        RISK_LABELS=RISK_LABELS,
        RATING_LABELS=RATING_LABELS,
        PARTY_LABELS=PARTY_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        STATUS_LABELS={s.value: label for s, label in STATUS_LABELS.items()},
        ACTION_LABELS={a.value: label for a, label in ACTION_LABELS.items()},
        ROLE_LABELS={r.value: label for r, label in ROLE_LABELS.items()},
        TIER_LABELS={t.value: label for t, label in TIER_LABELS.items()},
        STATUSES=[s.value for s in Status],
    )
    return t


def render(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    return templates().TemplateResponse(request, name, context, status_code=status)
