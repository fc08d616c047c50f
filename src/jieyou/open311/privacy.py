"""What of a case may be published to anyone: GET requests needs no api_key, so nothing
personal may leave through it.

* No names, phone numbers, ID numbers or parties, and never the resident's own address.
* The place is the region down to the village (``address``: 北湖区华塘镇吴山村; ``address_id``:
  its code); grids and lanes (a lane is 6–15 households) are cut back to their village.
* Free text (the description, a reply, a reason for not accepting) is published only for
  matters about public places and services (路灯井盖, 污染, 垃圾, 道路 …), with the case's
  known names and address, phone and ID numbers, e-mail addresses, long digit runs and house
  numbers masked — and never for high or critical risk. Disputes are between people: their
  texts name neighbours, relatives and employers whom nothing marks as names (an Open311 post
  carries no parties), so for every other category the description is null and the
  status notes and history say only what happened, not what was written.
* lat/long likewise: for public matters they are rounded to 3 decimals (about 110 m
  north–south, 100 m east–west here) — a broken street lamp is a public place; for the rest
  they are null, since 100 m in a village is a handful of houses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jieyou.regions.models import PATH_LENGTH, Level, official_code

COORDINATE_DECIMALS = 3
# Categories about public places and services, whose texts are published (masked).
PUBLIC_MATTERS = frozenset(
    {
        "0103",  # 市政设施
        "0303",  # 文体设施
        "0501",  # 环境污染
        "0503",  # 垃圾处理
        "0602",  # 公共卫生
        "0702",  # 道路出行
    }
)
WITHHELD_RISK_LEVELS = frozenset({"high", "critical"})

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # E-mail addresses.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
    # Resident ID numbers (18 characters, the last may be X).
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "[证件号]"),
    # Mobile numbers, with or without +86 and separators: 139****1234.
    (
        re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)"),
        r"\1****\2",
    ),
    # Landlines with an area code: 0735-*******.
    (re.compile(r"(?<!\d)(0\d{2,3})[- ]?\d{7,8}(?!\d)"), r"\1-*******"),
    # Any other long run of digits (bank cards, QQ numbers, licence numbers).
    (re.compile(r"(?<![A-Za-z\d])\d{9,}"), "[数字]"),
    # House numbers: 3组12号, 5栋2单元301室.
    (re.compile(r"(?:\d+\s*(?:组|栋|幢|单元|楼|层|室|号))+"), "**"),
)


def mask_name(name: str) -> str:
    """王建国 → 王**."""
    return name[:1] + "*" * (len(name) - 1)


def redact(text: str | None, *, names: Iterable[str] = (), address: str | None = None) -> str:
    """``text`` with the case's known names and address and every number-like identifier
    masked. Longer names first, so 王建国 is masked before a 王建 could be."""
    if not text:
        return ""
    if address and len(address.strip()) >= 4:
        text = text.replace(address.strip(), "[地址]")
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(name, mask_name(name))
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def is_public_matter(category_code: str | None, risk_level: str) -> bool:
    """Whether a case's free text (masked) and rounded coordinates may be published."""
    return category_code in PUBLIC_MATTERS and risk_level not in WITHHELD_RISK_LEVELS


def place_codes(region_path: str) -> list[str]:
    """The codes of the county, township and village (as far as the path goes) containing
    the place; the city's own code for a case placed at the city."""
    levels = (Level.county, Level.township, Level.village)
    codes = [
        official_code(region_path[: PATH_LENGTH[level]])
        for level in levels
        if len(region_path) >= PATH_LENGTH[level]
    ]
    return codes or [official_code(region_path[: PATH_LENGTH[Level.city]])]


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)
