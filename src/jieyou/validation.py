"""Pydantic validation errors rendered as plain Chinese sentences that name the field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Only "YYYY-MM-DD": pydantic would otherwise read a number as a Unix timestamp."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not ISO_DATE_RE.match(value):
        raise ValueError("日期应写作 2027-01-01")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} 不是有效的日期") from None


# A date in requests: body fields and query parameters alike.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

FIELD_LABELS = {
    "description": "诉求内容",
    "title": "标题",
    "region_code": "所在区划",
    "address": "地址",
    "submitter": "反映人",
    "phone": "手机号",
    "name": "姓名",
    "parties": "当事人",
    "category_code": "诉求类别",
    "id_number": "身份证号",
    "rating": "评价",
    "code": "查询码",
    # The grid registry, patrols and mediation.
    "households": "户数",
    "boundary": "四至范围",
    "person_name": "姓名",
    "duties": "职责",
    "duties_note": "职责说明",
    "place": "网格或巷道",
    "group_id": "村民小组",
    "grid_code": "所在网格",
    "lane_code": "巷道",
    "started_on": "任职日期",
    "ended_on": "卸任日期",
    "username": "系统账号",
}


def _where(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "请求体"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    match kind:
        case "missing":
            return "必须填写"
        case "string_too_short":
            return f"至少 {ctx.get('min_length')} 个字符"
        case "string_too_long":
            return f"最多 {ctx.get('max_length')} 个字符"
        case "string_pattern_mismatch":
            return "格式不正确"
        case "extra_forbidden":
            return "不是可接受的字段"
        case "value_error":
            return str(ctx.get("error", err.get("msg", "")))
        case "enum" | "literal_error":
            return f"取值应为 {ctx.get('expected', '')}"
        case "too_long":
            return f"最多 {ctx.get('max_length')} 项"
        case "greater_than_equal" | "less_than_equal" | "greater_than" | "less_than":
            return "超出允许范围"
        case _ if kind.endswith("_type") or kind.endswith("_parsing"):
            return "类型不正确"
        case _:
            return str(err.get("msg", "不正确"))


def describe_validation_errors(
    errors: Sequence[dict[str, Any]],
) -> tuple[int, str, str, list[dict[str, str]]]:
    """(status, code, message, per-field details). A body that is not JSON is a 400."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "malformed_json", "请求体不是合法的 JSON", []
    fields = []
    for err in errors:
        where = _where(err.get("loc", ()))
        last = where.rsplit(".", 1)[-1]
        label = FIELD_LABELS.get(last, where)
        fields.append({"field": where, "message": f"{label}：{_message(err)}"})
    message = "；".join(f["message"] for f in fields) or "请求内容不正确"
    return 422, "validation_error", message, fields
