"""Service attributes (GeoReport v2 "service definitions"), defined as data, and the checking
of ``attribute[CODE]`` values a client posts.

Every service asks whether the matter is urgent; disputes (政法 08xx) also ask how many parties
are involved and when it happened; noise complaints (0502) ask at what times of day. Values are
checked against their datatype here; :mod:`jieyou.open311.service` records them on the case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from jieyou.timefmt import local_text, local_zone


class Datatype(StrEnum):
    string = "string"
    number = "number"
    datetime = "datetime"
    text = "text"
    singlevaluelist = "singlevaluelist"
    multivaluelist = "multivaluelist"


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    # Short Chinese label, used in the note on the case and in error messages.
    label: str
    datatype: Datatype
    description: str
    required: bool = False
    datatype_description: str | None = None
    values: tuple[Choice, ...] = ()
    # Numbers: integers only, and the accepted range.
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200


URGENT = Attribute(
    code="urgent",
    label="是否紧急",
    datatype=Datatype.singlevaluelist,
    description="情况是否紧急（可能激化、危及人身或财产安全）",
    values=(Choice("yes", "是，情况紧急"), Choice("no", "否")),
)
PARTIES = Attribute(
    code="parties",
    label="当事人数",
    datatype=Datatype.number,
    description="纠纷涉及的当事人数（含反映人）",
    required=True,
    datatype_description="整数，1–100000",
    integer=True,
    minimum=1,
    maximum=100_000,
)
OCCURRED_AT = Attribute(
    code="occurred_at",
    label="发生时间",
    datatype=Datatype.datetime,
    description="纠纷发生或最近一次发生的时间",
    datatype_description="ISO 8601，如 2026-11-20T14:00:00+08:00",
)
NOISE_TIMES = Attribute(
    code="noise_times",
    label="噪声时段",
    datatype=Datatype.multivaluelist,
    description="噪声出现的时段（可多选）",
    values=(
        Choice("day", "白天 (6:00–22:00)"),
        Choice("night", "夜间 (22:00–24:00)"),
        Choice("small_hours", "凌晨 (0:00–6:00)"),
    ),
)

# Which attributes a service carries, by the start of its code, in this order.
ATTRIBUTE_RULES: tuple[tuple[str, tuple[Attribute, ...]], ...] = (
    ("", (URGENT,)),
    ("08", (PARTIES, OCCURRED_AT)),
    ("0502", (NOISE_TIMES,)),
)


def attributes_for(service_code: str) -> list[Attribute]:
    """The attributes of one service, in the order they are shown (``order`` 1, 2, …)."""
    return [
        attribute
        for prefix, attributes in ATTRIBUTE_RULES
        if service_code.startswith(prefix)
        for attribute in attributes
    ]


AttributeValue = str | float | int | list[str]


class AttributeErrors(Exception):
    """One sentence per refused attribute (the caller answers 400 with all of them)."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def check_attributes(
    service_code: str, posted: Mapping[str, Sequence[str]]
) -> dict[str, AttributeValue]:
    """``posted`` maps each attribute code to the values sent for it (``attribute[CODE]`` or
    ``attribute[CODE][]``). Returns the typed values; raises :class:`AttributeErrors` naming
    every attribute that is missing, unknown or not of its datatype."""
    definitions = {a.code: a for a in attributes_for(service_code)}
    errors = [
        f"attribute[{code}]：服务 {service_code} 没有这一属性"
        for code in posted
        if code not in definitions
    ]
    values: dict[str, AttributeValue] = {}
    for attribute in definitions.values():
        sent = [v.strip() for v in posted.get(attribute.code, ()) if v.strip()]
        if not sent:
            if attribute.required:
                errors.append(f"attribute[{attribute.code}]（{attribute.label}）为必填项")
            continue
        try:
            values[attribute.code] = _typed(attribute, sent)
        except ValueError as exc:
            errors.append(f"attribute[{attribute.code}]（{attribute.label}）：{exc}")
    if errors:
        raise AttributeErrors(errors)
    return values


def _typed(attribute: Attribute, sent: list[str]) -> AttributeValue:
    if attribute.datatype == Datatype.multivaluelist:
        keys = {choice.key for choice in attribute.values}
        wrong = [v for v in sent if v not in keys]
        if wrong:
            raise ValueError(f"取值应为 {'、'.join(sorted(keys))} 之一，收到 {'、'.join(wrong)}")
        return list(dict.fromkeys(sent))
    if len(sent) > 1:
        raise ValueError("只能有一个取值")
    value = sent[0]
    match attribute.datatype:
        case Datatype.singlevaluelist:
            keys = {choice.key for choice in attribute.values}
            if value not in keys:
                raise ValueError(f"取值应为 {'、'.join(sorted(keys))} 之一")
            return value
        case Datatype.number:
            return _number(attribute, value)
        case Datatype.datetime:
            return parse_datetime(value).isoformat(timespec="seconds")
        case Datatype.string:
            if "\n" in value or "\r" in value:
                raise ValueError("不能换行")
            return _limited(attribute, value)
        case _:
            return _limited(attribute, value)


def _limited(attribute: Attribute, value: str) -> str:
    if len(value) > attribute.max_length:
        raise ValueError(f"最多 {attribute.max_length} 个字符")
    return value


def _number(attribute: Attribute, value: str) -> float | int:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("应为数字") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("应为数字")
    if attribute.integer and not number.is_integer():
        raise ValueError("应为整数")
    if attribute.minimum is not None and number < attribute.minimum:
        raise ValueError(f"不能小于 {attribute.minimum:g}")
    if attribute.maximum is not None and number > attribute.maximum:
        raise ValueError(f"不能大于 {attribute.maximum:g}")
    return int(number) if attribute.integer else number


EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def parse_datetime(value: str) -> datetime:
    """A W3C/ISO 8601 date or datetime; without an offset it is read as local time. Years
    outside 1900–2200 are refused: they mean a mistake, and arithmetic near year 1 or 9999
    overflows."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("应为 ISO 8601 日期时间，如 2026-11-20T14:00:00+08:00") from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"年份应在 {EARLIEST_YEAR}–{LATEST_YEAR} 之间")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment


def describe(attribute: Attribute, value: AttributeValue) -> str:
    """``label：value`` in words for the note on the case."""
    names = {choice.key: choice.name for choice in attribute.values}
    if isinstance(value, list):
        shown = "、".join(names.get(v, v) for v in value)
    elif attribute.datatype == Datatype.datetime:
        shown = local_text(datetime.fromisoformat(str(value)))
    else:
        shown = names.get(str(value), str(value))
    return f"{attribute.label}：{shown}"
