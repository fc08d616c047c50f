"""Checking one row of the template: every problem in the row, named, or a clean record.

A row is refused when any cell is wrong, and each problem names its column; rows are never
half imported. The rules follow the API's (``cases/schemas.py``): the same phone check, the
same lengths (description 5–5000 characters), plus what only a file can get wrong — formula
cells, Excel error values, control characters, bytes in another encoding, dates in the future
or out of order, a status that needs a date or an outcome it does not have.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.cases.schemas import normalise_mobile
from jieyou.cases.states import OPEN_STATUSES, STATUS_LABELS, Status
from jieyou.regions.models import Region
from jieyou.routing.models import Category, Unit, UnitKind
from jieyou.timefmt import local_zone
from jieyou.transfer.reader import CellError, Formula, Value
from jieyou.transfer.template import BY_NAME

MIN_DESCRIPTION = 5
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Excel serial numbers of 1990-01-01 and 2100-01-01: a number in a date column in this range
# is a date whose cell lost its format.
SERIAL_RANGE = (32874.0, 73051.0)


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str | None
    message: str

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        if self.column and self.column in BY_NAME:
            where += f" {self.column}（{BY_NAME[self.column].label}）"
        return f"{where}：{self.message}"


@dataclass(frozen=True, slots=True)
class RegionRef:
    code: str
    path: str
    level: str
    name: str


@dataclass(frozen=True, slots=True)
class CategoryRef:
    code: str
    name: str
    level: int
    department: str | None
    default_tier: str


@dataclass(frozen=True)
class Reference:
    """What validation and routing look up, loaded once per import."""

    regions: dict[str, RegionRef]
    categories: dict[str, CategoryRef]  # active ones, by code
    category_names: dict[str, str]  # name → code (active)
    centres: dict[str, tuple[int, str]]  # active centre/committee unit code → (id, name)

    @classmethod
    def load(cls, session: Session) -> Reference:
        regions = {
            code: RegionRef(code, path, level, name)
            for code, path, level, name in session.execute(
                select(Region.code, Region.path, Region.level, Region.name)
            )
        }
        categories = {
            c.code: CategoryRef(c.code, c.name, c.level, c.department, c.default_tier)
            for c in session.scalars(select(Category).where(Category.is_active.is_(True)))
        }
        names = {c.name: c.code for c in categories.values()}
        centres = {
            code: (unit_id, name)
            for code, unit_id, name in session.execute(
                select(Unit.code, Unit.id, Unit.name).where(
                    Unit.kind.in_([UnitKind.centre.value, UnitKind.committee.value]),
                    Unit.is_active.is_(True),
                )
            )
        }
        return cls(regions, categories, names, centres)


@dataclass(slots=True)
class Record:
    """A row that passed every check, in our terms."""

    row: int
    external_id: str
    submitted_at: datetime  # UTC
    title: str
    description: str
    region: RegionRef
    address: str | None
    phone: str
    name: str | None
    category: CategoryRef | None
    status: Status
    resolved_at: datetime | None  # UTC; for rejected: when it was rejected
    outcome: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


STATUSES: dict[str, Status] = {
    **{s.value: s for s in Status},
    **{label: s for s, label in STATUS_LABELS.items()},
}

# C0 controls except tab, newline and carriage return; DEL and C1; bidirectional overrides
# (text that displays differently from what it is).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LANDLINE_RE = re.compile(r"^(0\d{2,3})-?(\d{7,8})$")
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.(\d{1,6}))?\s*秒?)?\s*分?)?$"
)


def normalise_phone(value: str) -> str:
    """A mainland mobile (the API's rule) or a landline with its area code, as 0735-2345678."""
    compact = re.sub(r"[\s()（）]", "", value)
    try:
        return normalise_mobile(compact)
    except ValueError:
        pass
    landline = LANDLINE_RE.match(compact)
    if landline is None:
        raise ValueError("电话号码格式不正确，应为 11 位手机号或带区号的固定电话（0735-2345678）")
    return f"{landline.group(1)}-{landline.group(2)}"


class _Row:
    """Collects one row's problems while its cells are read."""

    def __init__(self, number: int, cells: dict[str, Value]) -> None:
        self.number = number
        self.cells = cells
        self.problems: list[Problem] = []

    def fail(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def text(self, column: str, *, multiline: bool = False) -> str | None:
        """The cell as clean text, or None when empty or refused."""
        value = self.cells.get(column)
        if value is None:
            return None
        if isinstance(value, Formula):
            self.fail(column, f"公式单元格（{_excerpt(value.text)}）不予导入，请改为文本或数值")
            return None
        if isinstance(value, CellError):
            self.fail(column, f"单元格为错误值 {_excerpt(value.text)}")
            return None
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, float):
            text = str(int(value)) if value.is_integer() else repr(value)
        elif isinstance(value, datetime):
            text = value.isoformat(sep=" ")
        else:
            text = str(value)
        text = text.strip()
        if not text:
            return None
        limit = BY_NAME[column].limit
        if limit is not None and len(text) > limit:
            self.fail(column, f"超过 {limit} 字（{len(text)} 字）")
            return None
        bad = _CONTROL.search(text) or (None if multiline else re.search(r"[\n\r\t]", text))
        if bad is not None:
            code = f"U+{ord(bad.group(0)):04X}"
            self.fail(column, f"含有控制字符（{code}），请删除后再导入")
            return None
        if "\ufffd" in text:
            self.fail(column, "含有无法识别的字符（文件编码有误？请存为 UTF-8 的 CSV 或 .xlsx）")
            return None
        return unicodedata.normalize("NFC", text) if not text.isascii() else text

    def moment(self, column: str, now: datetime) -> datetime | None:
        value = self.cells.get(column)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if not SERIAL_RANGE[0] <= float(value) <= SERIAL_RANGE[1]:
                self.fail(column, f"无法识别的时间 {value}")
                return None
            from openpyxl.utils.datetime import from_excel

            moment = from_excel(float(value))
        else:
            text = self.text(column)
            if text is None:
                return None
            parsed = parse_moment(text)
            if parsed is None:
                self.fail(
                    column,
                    f"无法识别的时间“{_excerpt(text)}”，应为 2023-05-01 14:30 或 2023/5/1 14:30",
                )
                return None
            moment = parsed
        if not isinstance(moment, datetime):
            self.fail(column, f"无法识别的时间 {moment}")
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone())
        moment = moment.astimezone(UTC)
        if moment > now:
            self.fail(column, f"时间 {_local(moment)} 晚于现在")
            return None
        if moment < EARLIEST:
            self.fail(column, f"时间 {_local(moment)} 早于 1990 年，不合理")
            return None
        return moment


def parse_moment(text: str) -> datetime | None:
    """ISO 8601 (with or without offset), ``2023/5/1 14:30``, ``2023年5月1日 14时30分``."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    m = _DATE_RE.match(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction = m.groups()
    try:
        return datetime(  # noqa: DTZ001 - naive on purpose: local time, zone added by caller
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None


def _local(moment: datetime) -> str:
    return moment.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


def _excerpt(text: str, limit: int = 30) -> str:
    text = _CONTROL.sub("?", text)
    return text if len(text) <= limit else text[:limit] + "…"


def title_from(description: str) -> str:
    """As intake does when the resident gives no title: the first line, 30 characters."""
    first = description.strip().splitlines()[0]
    return first[:30] + ("…" if len(first) > 30 else "")


def category_of(text: str, ref: Reference) -> CategoryRef | None:
    """By code (``0802``, or ``802`` as Excel turns it into a number) or by name (``邻里纠纷``,
    ``政法``, also ``政法/邻里纠纷``)."""
    if text.isdigit():
        code = text.zfill(len(text) + len(text) % 2)
        return ref.categories.get(code)
    for candidate in (text, re.split(r"\s*[/／>＞\-－—]\s*", text)[-1]):
        found = ref.category_names.get(candidate)
        if found is not None:
            return ref.categories[found]
    return None


def external_id_of(cells: dict[str, Value]) -> str | None:
    """The row's external id as :func:`validate_row` reads it, or None if it has none (or a
    bad one): enough to skip rows an earlier import stored before any other work."""
    return _Row(0, cells).text("external_id")


def validate_row(
    number: int, cells: dict[str, Any], ref: Reference, *, now: datetime
) -> Record | list[Problem]:
    row = _Row(number, cells)
    broken = cells.get("__broken__")
    if isinstance(broken, CellError):
        row.fail(None, broken.text)
    external_id = row.text("external_id")
    if external_id is None and "external_id" not in {p.column for p in row.problems}:
        row.fail("external_id", "不能为空（用于识别重复导入）")
    submitted_at = row.moment("submitted_at", now)
    if submitted_at is None and cells.get("submitted_at") in (None, ""):
        row.fail("submitted_at", "不能为空")
    description = row.text("description", multiline=True)
    if description is None:
        if not any(p.column == "description" for p in row.problems):
            row.fail("description", "不能为空")
    elif len(description) < MIN_DESCRIPTION:
        row.fail("description", f"至少 {MIN_DESCRIPTION} 个字")
    title = row.text("title")
    address = row.text("address")
    name = row.text("name")

    region: RegionRef | None = None
    region_code = row.text("region_code")
    if region_code is None:
        if not any(p.column == "region_code" for p in row.problems):
            row.fail("region_code", "不能为空")
    else:
        region = ref.regions.get(region_code)
        if region is None:
            plausible = region_code.isdigit() and len(region_code) in (12, 14, 16)
            hint = "" if plausible else "（应为 12/14/16 位数字，请把该列设为文本格式）"
            row.fail("region_code", f"区划代码 {region_code} 不存在{hint}")

    phone: str | None = None
    raw_phone = row.text("phone")
    if raw_phone is None:
        if not any(p.column == "phone" for p in row.problems):
            row.fail("phone", "不能为空")
    else:
        try:
            phone = normalise_phone(raw_phone)
        except ValueError as exc:
            row.fail("phone", f"{exc}：{_excerpt(raw_phone)}")

    category: CategoryRef | None = None
    raw_category = row.text("category")
    if raw_category is not None:
        category = category_of(raw_category, ref)
        if category is None:
            row.fail(
                "category",
                f"类别“{raw_category}”不存在或已停用（可填代码如 0802，或名称如 邻里纠纷）",
            )

    status: Status | None = None
    raw_status = row.text("status")
    if raw_status is None:
        if not any(p.column == "status" for p in row.problems):
            row.fail("status", "不能为空")
    else:
        status = STATUSES.get(raw_status) or STATUSES.get(raw_status.lower())
        if status is None:
            choices = "、".join(f"{s.value}/{label}" for s, label in STATUS_LABELS.items())
            row.fail("status", f"状态“{raw_status}”无法识别，可填：{choices}")

    resolved_at = row.moment("resolved_at", now)
    outcome = row.text("outcome", multiline=True)
    if status is not None:
        finished = status in (Status.resolved, Status.closed)
        if finished and resolved_at is None and cells.get("resolved_at") in (None, ""):
            row.fail("resolved_at", f"状态为{STATUS_LABELS[status]}时必填")
        if finished and outcome is None and cells.get("outcome") in (None, ""):
            row.fail("outcome", f"状态为{STATUS_LABELS[status]}时必填")
        if status in OPEN_STATUSES and cells.get("resolved_at") not in (None, ""):
            row.fail("resolved_at", f"状态为{STATUS_LABELS[status]}（未办结）时不应填写")
    if resolved_at is not None and submitted_at is not None and resolved_at < submitted_at:
        row.fail(
            "resolved_at", f"办结时间 {_local(resolved_at)} 早于反映时间 {_local(submitted_at)}"
        )

    if row.problems:
        return row.problems
    assert external_id is not None and submitted_at is not None and description is not None
    assert region is not None and phone is not None and status is not None
    return Record(
        row=number,
        external_id=external_id,
        submitted_at=submitted_at,
        title=title or title_from(description),
        description=description,
        region=region,
        address=address,
        phone=phone,
        name=name,
        category=category,
        status=status,
        resolved_at=resolved_at,
        outcome=outcome,
    )
