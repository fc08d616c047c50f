"""What the grid API accepts. The same models check a form on a page and a row of an Excel
file, so a value is refused for the same reason wherever it comes from."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from jieyou.grid.models import DUTY_LABELS, Duty, Post
from jieyou.validation import IsoDate

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]")
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MAX_BOUNDARY = 500

# Field → how a person calls it, for messages on pages and in import reports.
FIELD_LABELS = {
    "name": "名称",
    "households": "户数",
    "boundary": "四至范围",
    "number": "组号",
    "grid_code": "所在网格",
    "post": "岗位",
    "place": "网格或巷道",
    "group_id": "村民小组",
    "person_name": "姓名",
    "phone": "联系电话",
    "username": "系统账号",
    "duties": "职责",
    "duties_note": "职责说明",
    "started_on": "任职日期",
    "ended_on": "卸任日期",
    "reason": "卸任原因",
}


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _no_control(value: str | None) -> str | None:
    if value is not None and _CONTROL.search(value):
        raise ValueError("含有不允许的控制字符")
    return value


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.replace(" ", "")
    if not PHONE_RE.match(value):
        raise ValueError("应为 11 位手机号或带区号的固定电话，如 0735-2881234")
    return value


Clean = [BeforeValidator(_blank_to_none), AfterValidator(_no_control)]
Name = Annotated[str, *Clean, Field(min_length=1, max_length=60, description="名称")]
GroupName = Annotated[str, *Clean, Field(min_length=1, max_length=40, description="小组名称")]
PersonName = Annotated[str, *Clean, Field(min_length=1, max_length=40, description="姓名")]


# Optional text: constraints sit on the inner str, since on the optional they would be
# applied to None too.
_Blank = BeforeValidator(_blank_to_none)
_Checked = AfterValidator(_no_control)
Text40 = Annotated[Annotated[str, _Checked, Field(max_length=40)] | None, _Blank]
Text100 = Annotated[Annotated[str, _Checked, Field(max_length=100)] | None, _Blank]
Text200 = Annotated[Annotated[str, _Checked, Field(max_length=200)] | None, _Blank]
Text500 = Annotated[Annotated[str, _Checked, Field(max_length=MAX_BOUNDARY)] | None, _Blank]
GridCodeText = Annotated[Annotated[str, Field(pattern=r"^\d{14}$")] | None, _Blank]
PlaceText = Annotated[Annotated[str, Field(pattern=r"^\d{14}(\d{2})?$")] | None, _Blank]


Boundary = Annotated[Text500, Field(default=None, description="四至范围")]
Phone = Annotated[
    Annotated[str, AfterValidator(_phone), Field(max_length=20)] | None,
    BeforeValidator(_blank_to_none),
    Field(default=None, description="联系电话：手机或带区号的固话"),
]
GridHouseholds = Annotated[int | None, Field(default=None, ge=0, le=100_000, description="户数")]
LaneHouseholds = Annotated[int, Field(ge=1, le=500, description="户数（巷长包户的户数）")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GridIn(_In):
    name: Name
    households: GridHouseholds = None
    boundary: Boundary = None


class GridPatch(_In):
    """Only the fields sent change; ``boundary: null`` clears it."""

    name: Name | None = None
    households: GridHouseholds = None
    boundary: Boundary = None


class LaneIn(_In):
    name: Name
    households: LaneHouseholds
    boundary: Boundary = None


class LanePatch(_In):
    name: Name | None = None
    households: Annotated[int | None, Field(default=None, ge=1, le=500)] = None
    boundary: Boundary = None


class GroupIn(_In):
    name: GroupName
    number: Annotated[int | None, Field(default=None, ge=1, le=999, description="组号")] = None
    households: Annotated[int | None, Field(default=None, ge=0, le=10_000)] = None
    grid_code: Annotated[GridCodeText, Field(default=None, description="所在网格的 14 位代码")] = (
        None
    )
    boundary: Boundary = None


class GroupPatch(_In):
    name: GroupName | None = None
    number: Annotated[int | None, Field(default=None, ge=1, le=999)] = None
    households: Annotated[int | None, Field(default=None, ge=0, le=10_000)] = None
    grid_code: Annotated[GridCodeText, Field(default=None)] = None
    boundary: Boundary = None


def _duties(value: Any) -> Any:
    # A form sends labels or codes, possibly as one "环境卫生、矛盾调解" string.
    if isinstance(value, str):
        value = [v for v in re.split(r"[、,，;；\s]+", value) if v]
    if isinstance(value, list):
        by_label = {label: duty.value for duty, label in DUTY_LABELS.items()}
        return [by_label.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def _unique(value: list[Duty] | None) -> list[Duty] | None:
    if value is None:
        return None
    if not value:
        raise ValueError("至少选择一项职责")
    return [d for d in Duty if d in value]  # the article's order, each once


class AssignmentIn(_In):
    post: Post = Field(
        description=(
            "岗位：grid_chief 片长、group_chief 组长、lane_chief 巷长（邻长）、grid_worker 网格员"
        )
    )
    place: Annotated[
        PlaceText,
        Field(default=None, description="网格（片长、网格员）或巷道（巷长）的代码"),
    ] = None
    group_id: Annotated[
        int | None, Field(default=None, ge=1, le=2_147_483_647, description="村民小组（组长）")
    ] = None
    person_name: PersonName
    phone: Phone = None
    username: Annotated[Text40, Field(default=None, description="本人的系统账号（可选）")] = None
    duties: Annotated[
        list[Duty] | None,
        BeforeValidator(_duties),
        AfterValidator(_unique),
        Field(
            default=None,
            description="职责代码；不填为全部五项：环境卫生、政策宣传、矛盾调解、村规民约、中心工作",
        ),
    ] = None
    duties_note: Annotated[
        Text200, Field(default=None, description="职责说明，如本村当前的中心工作")
    ] = None
    started_on: IsoDate | None = Field(default=None, description="任职日期，默认今天；不能晚于今天")


class EndIn(_In):
    ended_on: IsoDate | None = Field(default=None, description="卸任日期，默认今天")
    reason: Annotated[Text100, Field(default=None, description="卸任原因")] = None


def _message(err: Any) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "missing" or (kind == "string_type" and err.get("input") is None):
        return "请填写"
    if kind in ("string_too_long", "too_long"):
        return f"不能超过 {ctx.get('max_length')} 个字"
    if kind == "string_too_short":
        return "请填写"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "应为整数"
    if kind == "enum":
        return "不是可选的取值"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "")))
    if kind == "extra_forbidden":
        return "不是可接受的字段"
    return str(err.get("msg", "不正确"))


def error_messages(exc: ValidationError) -> dict[str, str]:
    """field → a Chinese sentence, for pages and import reports (the API renders its own)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
        key = loc[0] if loc else "_"
        message = _message(err)
        out[key] = f"{out[key]}；{message}" if key in out else message
    return out
