"""Checking one row of a problem list: every problem named with its row and column, or a
clean :class:`ProblemRow` ready to become a case.

A row is refused as a whole when any cell is wrong; nothing of it is stored. Places are given
by name (县市区, 乡镇, 村 as in every list we have seen) or by region code; the responsible
unit by its code, its name, or the name of the county or township it serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openpyxl.utils.datetime import from_excel
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.ledger.template import LABELS
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.routing.models import Tier, Unit, UnitKind
from jieyou.transfer.reader import CellError, Formula, Value

MIN_DESCRIPTION = 5
MAX_AREA = Decimal("1000000")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?$")
_UNIT_SUFFIXES = ("人民政府", "政府", "办事处", "综治中心", "矛盾纠纷调处化解中心")
# Excel serial numbers of 1990-01-01 and 2100-01-01: a number in a date column in this range
# is a date whose cell lost its format.
_SERIAL_RANGE = (32874.0, 73051.0)


def has_control(text: str) -> bool:
    """Control or direction-override characters (and U+FFFD, what a wrong encoding leaves):
    never in a real list, and PostgreSQL refuses NUL outright."""
    return bool(_CONTROL.search(text)) or "\ufffd" in text


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None  # the header as the template names it
    message: str

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}{' ' + self.column if self.column else ''}：{self.message}"


@dataclass(frozen=True, slots=True)
class ProblemRow:
    row: int
    ref: str
    source: str
    problem_type: str
    region_code: str
    region_path: str
    place_name: str
    address: str | None
    area_mu: Decimal | None
    description: str
    unit_id: int
    unit_code: str
    unit_name: str
    tier: Tier
    due_on: date

    @property
    def title(self) -> str:
        return f"{self.problem_type}：{self.address or self.place_name}"[:200]


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    path: str
    level: str
    name: str


@dataclass(frozen=True, slots=True)
class _Unit:
    id: int
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Reference:
    """Places and centres, loaded once per import."""

    regions: dict[str, _Region]  # by code (city … village)
    by_path: dict[str, _Region]
    by_name: dict[tuple[str, str], _Region]  # (parent path, name)
    centres: dict[str, _Unit]  # active centres by code
    centre_names: dict[str, _Unit]
    centre_at: dict[str, _Unit]  # by region path

    @classmethod
    def load(cls, session: Session) -> Reference:
        levels = [Level.city, Level.county, Level.township, Level.village]
        rows = session.execute(
            select(Region.code, Region.path, Region.level, Region.name).where(
                Region.level.in_([lv.value for lv in levels])
            )
        ).all()
        regions = {code: _Region(code, path, level, name) for code, path, level, name in rows}
        by_path = {r.path: r for r in regions.values()}
        by_name: dict[tuple[str, str], _Region] = {}
        for r in regions.values():
            parent = _parent_path(r.path)
            if parent is not None:
                by_name.setdefault((parent, r.name), r)
        units = session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.region_path).where(
                Unit.kind == UnitKind.centre.value, Unit.is_active.is_(True)
            )
        ).all()
        centres = {code: _Unit(uid, code, name, path) for uid, code, name, path in units}
        return cls(
            regions=regions,
            by_path=by_path,
            by_name=by_name,
            centres=centres,
            centre_names={u.name: u for u in centres.values()},
            centre_at={u.path: u for u in centres.values()},
        )


_PARENT_LENGTH = {6: 4, 9: 6, 12: 9}


def _parent_path(path: str) -> str | None:
    length = _PARENT_LENGTH.get(len(path))
    return path[:length] if length else None


def tier_of_path(path: str) -> Tier:
    for level in (Level.city, Level.county, Level.township, Level.village):
        if len(path) == PATH_LENGTH[level]:
            return Tier(level.value)
    return Tier.village


class _Row:
    """One row being checked; collects every problem before deciding."""

    def __init__(self, number: int, cells: dict[str, Value]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def fail(self, key: str | None, message: str) -> None:
        self.errors.append(RowError(self.number, LABELS.get(key or ""), message))

    def text(self, key: str, *, limit: int, required: bool = False) -> str | None:
        value = self.cells.get(key)
        if isinstance(value, Formula):
            self.fail(key, "不能是公式，请粘贴为数值")
            return None
        if isinstance(value, CellError):
            self.fail(key, f"单元格有错误值 {value.text}")
            return None
        if value is None or value == "":
            if required:
                self.fail(key, "必填")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = value.strftime("%Y-%m-%d") if isinstance(value, datetime) else str(value).strip()
        if not text:
            if required:
                self.fail(key, "必填")
            return None
        if has_control(text):
            self.fail(key, "含有无法识别的字符（文件编码有误？）")
            return None
        if len(text) > limit:
            self.fail(key, f"不能超过 {limit} 字（现为 {len(text)} 字）")
            return None
        return text


def _parse_date(value: Value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= float(value) <= _SERIAL_RANGE[1]:
            return from_excel(float(value)).date()
        return None
    if isinstance(value, str):
        match = _DATE.match(value.strip())
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def _parse_area(value: Value) -> Decimal | None:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().removesuffix("亩").strip().replace(",", "")
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError
    return number


def check_row(
    number: int,
    cells: dict[str, Value],
    *,
    ref_data: Reference,
    issuer_path: str,
    default_source: str,
    default_due: date | None,
    issued_on: date,
) -> ProblemRow | list[RowError]:
    """The row as a problem ready to store, or every reason it is refused."""
    row = _Row(number, cells)
    ref = row.text("ref", limit=40, required=True)
    source = row.text("source", limit=60) or default_source
    problem_type = row.text("problem_type", limit=40, required=True)
    address = row.text("address", limit=200)
    description = row.text("description", limit=5000, required=True)
    if description is not None and len(description) < MIN_DESCRIPTION:
        row.fail("description", f"至少 {MIN_DESCRIPTION} 个字")
    region = _place(row, ref_data, issuer_path)
    unit = _unit(row, ref_data, issuer_path, region)
    area = _area(row)
    due = _due(row, default_due, issued_on)
    if row.errors:
        return row.errors
    assert ref and problem_type and description and region and unit and due
    return ProblemRow(
        row=number,
        ref=ref,
        source=source,
        problem_type=problem_type,
        region_code=region.code,
        region_path=region.path,
        place_name=region.name,
        address=address,
        area_mu=area,
        description=description,
        unit_id=unit.id,
        unit_code=unit.code,
        unit_name=unit.name,
        tier=tier_of_path(unit.path),
        due_on=due,
    )


def _place(row: _Row, ref_data: Reference, issuer_path: str) -> _Region | None:
    code = row.text("region_code", limit=16)
    county = row.text("county", limit=60)
    township = row.text("township", limit=60)
    village = row.text("village", limit=60)
    region: _Region | None = None
    if code:
        region = ref_data.regions.get(code)
        if region is None:
            row.fail("region_code", f"区划代码 {code} 不存在")
            return None
    else:
        if not county or not township:
            row.fail("township", "请填写县市区和乡镇（街道），或区划代码")
            return None
        city = issuer_path[:4]
        found_county = ref_data.by_name.get((city, county))
        if found_county is None:
            row.fail("county", f"郴州市没有名为“{county}”的县市区")
            return None
        region = ref_data.by_name.get((found_county.path, township))
        if region is None:
            row.fail("township", f"{county}没有名为“{township}”的乡镇（街道）")
            return None
        if village:
            found = ref_data.by_name.get((region.path, village))
            if found is None:
                row.fail("village", f"{township}没有名为“{village}”的村（社区）")
                return None
            region = found
    if len(region.path) < PATH_LENGTH[Level.township]:
        row.fail("region_code" if code else "township", "问题须落到乡镇（街道）或村（社区）")
        return None
    if not region.path.startswith(issuer_path):
        row.fail("region_code" if code else "county", f"{region.name}不在下发单位的辖区内")
        return None
    return region


def _unit(row: _Row, ref_data: Reference, issuer_path: str, region: _Region | None) -> _Unit | None:
    given = row.text("unit", limit=80)
    below = {4: 6, 6: 9}.get(len(issuer_path))
    if below is None:
        row.fail("unit", "下发单位须为市级或县级中心")
        return None
    if region is None:
        return None
    if given is None:
        unit = ref_data.centre_at.get(region.path[:below])
        if unit is None:
            row.fail("unit", f"{region.name}没有可承办的下一级中心，请填写责任单位")
        return unit
    unit = ref_data.centres.get(given) or ref_data.centre_names.get(given)
    if unit is None:
        name = given
        for suffix in _UNIT_SUFFIXES:
            name = name.removesuffix(suffix)
        # A county or township by name: the one the problem lies in.
        for length in (PATH_LENGTH[Level.county], PATH_LENGTH[Level.township]):
            place = ref_data.by_path.get(region.path[:length])
            if place is not None and place.name == name:
                unit = ref_data.centre_at.get(place.path)
    if unit is None:
        row.fail("unit", f"找不到责任单位“{given}”（可填单位编码、单位名称或所在县市区、乡镇名称）")
        return None
    if len(unit.path) not in (PATH_LENGTH[Level.county], PATH_LENGTH[Level.township]):
        row.fail("unit", f"{unit.name}不是县级或乡镇级中心")
        return None
    if not region.path.startswith(unit.path):
        row.fail("unit", f"{unit.name}的辖区不含问题所在地{region.name}")
        return None
    if not (unit.path.startswith(issuer_path) and len(unit.path) > len(issuer_path)):
        row.fail("unit", f"{unit.name}不是下发单位的下级，不能由其销号")
        return None
    return unit


def _area(row: _Row) -> Decimal | None:
    value = row.cells.get("area")
    if value is None or value == "":
        return None
    if isinstance(value, Formula | CellError):
        row.text("area", limit=40)  # reports the formula or error value
        return None
    try:
        area = _parse_area(value)
    except (ValueError, InvalidOperation):
        row.fail("area", f"“{str(value)[:20]}”不是面积数字（单位亩）")
        return None
    if area is None:
        return None
    if area < 0 or area > MAX_AREA:
        row.fail("area", f"面积应在 0 至 {MAX_AREA} 亩之间")
        return None
    return area.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _due(row: _Row, default_due: date | None, issued_on: date) -> date | None:
    value = row.cells.get("due")
    if value is None or value == "":
        if default_due is None:
            row.fail("due", "必填（批次未设整改期限）")
        return default_due
    if isinstance(value, Formula | CellError):
        row.text("due", limit=40)
        return None
    due = _parse_date(value)
    if due is None:
        row.fail("due", f"“{str(value)[:20]}”不是日期，应如 2026-12-31")
        return None
    if due < issued_on:
        row.fail("due", f"整改期限 {due} 早于下发日期 {issued_on}")
        return None
    return due
