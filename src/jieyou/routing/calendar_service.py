"""Entering a year's holiday arrangement, reading it back, and the plain-text notice format.

An admin copies the State Council's notice into lines like::

    元旦 2027-01-01 2027-01-03
    春节 2027-02-05 2027-02-13
    调休上班 2027-02-14

A line with two dates is a holiday range; a line with one date is a make-up working day when
its name ends in 上班 (调休上班, 上班, 国庆节调休上班), otherwise a one-day holiday. Blank
lines and lines starting with ``#`` are skipped. :func:`set_year_calendar` replaces the
year's days in one flush.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

import chinese_calendar
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.db import utcnow
from jieyou.errors import Invalid
from jieyou.routing.calendar import builtin_covers
from jieyou.routing.models import CalendarDay, CalendarYear

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_NAME = 20
MAX_SOURCE = 200
MAX_ENTRIES = 100
MAKE_UP_SUFFIX = "上班"
MAKE_UP_DEFAULT = "调休上班"

BUILTIN_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def default_source(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


class Holiday(NamedTuple):
    start: date
    end: date
    name: str


class MakeUpDay(NamedTuple):
    day: date
    name: str


class CalendarStatus(StrEnum):
    entered = "entered"  # an admin entered the notice; wins over the built-in data
    builtin = "builtin"  # the chinese_calendar package knows the year
    missing = "missing"  # counted weekends-only


STATUS_LABELS = {
    CalendarStatus.entered: "已录入",
    CalendarStatus.builtin: "内置",
    CalendarStatus.missing: "未录入（按周末计算）",
}


@dataclass(frozen=True)
class YearCalendar:
    year: int
    status: CalendarStatus
    holidays: list[Holiday] = field(default_factory=list)
    workdays: list[MakeUpDay] = field(default_factory=list)
    source: str | None = None
    entered_by: str | None = None  # username
    entered_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# --- reading --------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间", code="calendar_year_out_of_range", field="year"
        )


def _ranges(days: Sequence[tuple[date, str]]) -> list[Holiday]:
    """Consecutive days with the same name, folded into ranges."""
    out: list[Holiday] = []
    for day, name in sorted(days):
        last = out[-1] if out else None
        if last and last.name == name and last.end + timedelta(days=1) == day:
            out[-1] = last._replace(end=day)
        else:
            out.append(Holiday(day, day, name))
    return out


def _builtin(year: int) -> YearCalendar:
    def zh(name: str) -> str:
        return BUILTIN_NAMES.get(name, name)

    off = [(d, zh(n)) for d, n in chinese_calendar.holidays.items() if d.year == year]
    on = sorted((d, n) for d, n in chinese_calendar.workdays.items() if d.year == year)
    return YearCalendar(
        year=year,
        status=CalendarStatus.builtin,
        holidays=_ranges(off),
        workdays=[MakeUpDay(d, f"{zh(n)}{MAKE_UP_DEFAULT}") for d, n in on],
        source=f"内置（chinese_calendar {chinese_calendar.__version__}）",
    )


def get_year_calendar(session: Session, year: int) -> YearCalendar:
    """The year as deadlines see it: entered, built in, or missing (weekends only)."""
    _check_year(year)
    row = session.get(CalendarYear, year)
    if row is None:
        return (
            _builtin(year) if builtin_covers(year) else YearCalendar(year, CalendarStatus.missing)
        )
    days = session.execute(
        select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.name)
        .where(CalendarDay.year == year)
        .order_by(CalendarDay.day)
    ).all()
    username = (
        session.scalar(select(User.username).where(User.id == row.entered_by_id))
        if row.entered_by_id is not None
        else None
    )
    return YearCalendar(
        year=year,
        status=CalendarStatus.entered,
        holidays=_ranges([(d, n) for d, w, n in days if not w]),
        workdays=[MakeUpDay(d, n) for d, w, n in days if w],
        source=row.source,
        entered_by=username,
        entered_at=row.entered_at,
    )


def calendar_overview(session: Session, *, today: date) -> list[YearCalendar]:
    """Last year to next year, plus every entered year, without their days (the list page)."""
    rows = {r.year: r for r in session.scalars(select(CalendarYear))}
    years = sorted(set(range(today.year - 1, today.year + 2)) | set(rows))
    out = []
    for year in years:
        row = rows.get(year)
        if row is not None:
            out.append(
                YearCalendar(
                    year, CalendarStatus.entered, source=row.source, entered_at=row.entered_at
                )
            )
        elif builtin_covers(year):
            out.append(YearCalendar(year, CalendarStatus.builtin, source="内置"))
        else:
            out.append(YearCalendar(year, CalendarStatus.missing))
    return out


# --- validating and storing -----------------------------------------------------------------

# Where an entry came from, for messages: ("holidays" | "workdays", index) → "第 3 行".
Where = Callable[[str, int], str]


def _by_item(kind: str, index: int) -> str:
    return f"{'节假日' if kind == 'holidays' else '调休上班日'}第 {index + 1} 项"


@dataclass
class _Problems:
    where: Where
    fields: list[dict[str, str]] = field(default_factory=list)

    def add(self, kind: str, index: int, name: str, message: str) -> None:
        self.fields.append(
            {"field": f"{kind}.{index}.{name}", "message": f"{self.where(kind, index)}：{message}"}
        )

    def raise_if_any(self) -> None:
        if self.fields:
            message = "；".join(f["message"] for f in self.fields[:10])
            raise Invalid(
                message, code="invalid_calendar", field=self.fields[0]["field"], fields=self.fields
            )


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _validate(
    year: int,
    holidays: Sequence[tuple[date, date, str]],
    workdays: Sequence[tuple[date, str]],
    where: Where,
) -> None:
    problems = _Problems(where)
    if not holidays:
        raise Invalid("请至少填写一个节假日", code="calendar_no_holidays", field="holidays")
    if len(holidays) + len(workdays) > MAX_ENTRIES:
        raise Invalid(f"最多 {MAX_ENTRIES} 项", code="calendar_too_long", field="holidays")
    taken: dict[date, tuple[str, int, str]] = {}

    def claim(day: date, kind: str, index: int, name: str, what: str) -> None:
        other = taken.get(day)
        if other is None:
            taken[day] = (kind, index, name)
            return
        o_kind, o_index, o_name = other
        if o_kind == kind == "holidays":
            message = f"{day} 已在“{o_name}”（{where(o_kind, o_index)}）中"
        elif o_kind == kind:
            message = f"{day} 重复（{where(o_kind, o_index)}）"
        else:
            message = f"{day} 不能既是节假日又是调休上班日（见{where(o_kind, o_index)}）"
        problems.add(kind, index, what, message)

    def check_name(kind: str, index: int, name: str) -> bool:
        if not name:
            problems.add(kind, index, "name", "请填写名称")
        elif len(name) > MAX_NAME:
            problems.add(kind, index, "name", f"名称不能超过 {MAX_NAME} 个字")
        else:
            return True
        return False

    def in_year(kind: str, index: int, what: str, day: date) -> bool:
        if day.year != year:
            problems.add(kind, index, what, f"{day} 不在 {year} 年内")
            return False
        return True

    for i, (start, end, raw_name) in enumerate(holidays):
        name = _clean_name(raw_name)
        check_name("holidays", i, name)
        start_ok = in_year("holidays", i, "start", start)
        end_ok = in_year("holidays", i, "end", end)
        if end < start:
            problems.add("holidays", i, "end", f"结束日期 {end} 早于开始日期 {start}")
        elif start_ok and end_ok:
            day = start
            while day <= end:
                claim(day, "holidays", i, name, "start")
                day += timedelta(days=1)
    for i, (day, raw_name) in enumerate(workdays):
        check_name("workdays", i, _clean_name(raw_name))
        if in_year("workdays", i, "date", day):
            claim(day, "workdays", i, _clean_name(raw_name), "date")
    problems.raise_if_any()


def _store(
    session: Session,
    *,
    year: int,
    source: str,
    holidays: Sequence[tuple[date, date, str]],
    workdays: Sequence[tuple[date, str]],
    actor: User | None,
) -> CalendarYear:
    session.execute(delete(CalendarDay).where(CalendarDay.year == year))
    row = session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year)
        session.add(row)
    row.source = source
    row.entered_by_id = actor.id if actor is not None else None
    row.entered_at = utcnow()
    session.flush()  # the year row before the days that point at it
    days: list[dict[str, object]] = []
    for start, end, name in holidays:
        day = start
        while day <= end:
            days.append({"day": day, "year": year, "is_workday": False, "name": _clean_name(name)})
            day += timedelta(days=1)
    days += [
        {"day": d, "year": year, "is_workday": True, "name": _clean_name(n)} for d, n in workdays
    ]
    session.execute(insert(CalendarDay), days)
    session.flush()
    return row


def _check_source(year: int, source: str | None) -> str:
    text = " ".join((source or "").split()) or default_source(year)
    if len(text) > MAX_SOURCE:
        raise Invalid(
            f"依据不能超过 {MAX_SOURCE} 个字", code="calendar_source_too_long", field="source"
        )
    return text


def set_year_calendar(
    session: Session,
    *,
    year: int,
    source: str | None,
    holidays: Sequence[tuple[date, date, str]],
    workdays: Sequence[tuple[date, str]],
    actor: User | None,
) -> CalendarYear:
    """Replace ``year``'s holidays and make-up working days (all or nothing).

    A holiday on a weekend or a make-up day on a weekday changes nothing, but is stored as
    entered: it is what the notice says. An empty ``source`` means the usual notice title."""
    _check_year(year)
    text = _check_source(year, source)
    _validate(year, holidays, workdays, _by_item)
    return _store(
        session, year=year, source=text, holidays=holidays, workdays=workdays, actor=actor
    )


# --- the plain-text notice ------------------------------------------------------------------

DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# "2027-01-01至2027-01-03", "2027-01-01 ~ 2027-01-03" → two date tokens.
RANGE_RE = re.compile(r"(?<=[\d日])\s*(?:至|到|~|～|—|–)\s*(?=\d)")
RANGE_WORDS = frozenset({"至", "到", "~", "～", "-", "—", "–"})


@dataclass
class _Parsed:
    holidays: list[Holiday] = field(default_factory=list)
    workdays: list[MakeUpDay] = field(default_factory=list)
    holiday_lines: list[int] = field(default_factory=list)
    workday_lines: list[int] = field(default_factory=list)

    def where(self, kind: str, index: int) -> str:
        lines = self.holiday_lines if kind == "holidays" else self.workday_lines
        return f"第 {lines[index]} 行"


def _date(token: str) -> date | None:
    match = DATE_RE.match(token)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _parse_line(line: str) -> tuple[str, list[date]]:
    """(name, dates) of one line, or ValueError with the sentence to show."""
    name, *rest = RANGE_RE.sub(" ", re.sub(r"[：:，,]", " ", line)).split()
    if _date(name) is not None or not name:
        raise ValueError("缺少名称，应写作“名称 开始日期 结束日期”")
    dates: list[date] = []
    for token in rest:
        if token in RANGE_WORDS:
            continue
        day = _date(token)
        if day is None:
            raise ValueError(f"“{token}”不是有效的日期，日期应写作 2027-01-01")
        dates.append(day)
    if len(dates) not in (1, 2):
        raise ValueError(f"应有一个或两个日期，这一行有 {len(dates)} 个")
    if is_make_up_name(name) and len(dates) != 1:
        raise ValueError("调休上班日每行只写一个日期")
    return name, dates


def is_make_up_name(name: str) -> bool:
    return name.endswith(MAKE_UP_SUFFIX)


def _parse(text: str) -> _Parsed:
    parsed = _Parsed()
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()
        if not line or line.startswith("#"):
            continue
        try:
            name, dates = _parse_line(line)
        except ValueError as exc:
            errors.append(f"第 {number} 行：{exc}")
            continue
        if is_make_up_name(name):
            parsed.workdays.append(MakeUpDay(dates[0], name))
            parsed.workday_lines.append(number)
        else:
            parsed.holidays.append(Holiday(dates[0], dates[-1], name))
            parsed.holiday_lines.append(number)
    if errors:
        raise Invalid("；".join(errors[:10]), code="invalid_notice", field="text", lines=errors)
    if not parsed.holidays and not parsed.workdays:
        raise Invalid(
            "没有读到任何节假日：每行写“名称 开始日期 结束日期”", code="empty_notice", field="text"
        )
    return parsed


def parse_notice_text(text: str) -> tuple[list[Holiday], list[MakeUpDay]]:
    """Holidays and make-up working days from the plain-text format; errors name the line."""
    parsed = _parse(text)
    return parsed.holidays, parsed.workdays


def notice_text(calendar: YearCalendar) -> str:
    """A year in the plain-text format, to edit and enter again."""
    lines = [
        f"{h.name} {h.start}"
        if h.start == h.end and not is_make_up_name(h.name)
        else f"{h.name} {h.start} {h.end}"
        for h in calendar.holidays
    ]
    lines += [
        f"{w.name if is_make_up_name(w.name) else MAKE_UP_DEFAULT} {w.day}"
        for w in calendar.workdays
    ]
    return "\n".join(lines)


def import_notice_text(
    session: Session, *, year: int, source: str | None, text: str, actor: User | None
) -> CalendarYear:
    """:func:`set_year_calendar` from the plain-text format, naming lines in every message."""
    _check_year(year)
    parsed = _parse(text)
    source_text = _check_source(year, source)
    try:
        _validate(year, parsed.holidays, parsed.workdays, parsed.where)
    except Invalid as exc:
        exc.extra["field"] = "text"
        raise
    return _store(
        session,
        year=year,
        source=source_text,
        holidays=parsed.holidays,
        workdays=parsed.workdays,
        actor=actor,
    )
