"""Chinese working days: which days count towards a deadline.

Three sources, in this order for any one year:

1. a year an admin entered from the State Council's notice (``calendar_years``/``calendar_days``;
   the days listed are the exceptions to Monday–Friday: holidays and make-up working days);
2. the ``chinese_calendar`` package, whose release knows 2004–2026;
3. otherwise weekends only — and the case page says so (:meth:`WorkCalendar.note_for`).

The notice for next year comes out in November or December while deadlines set in December
already reach into January, so from November 1 the platform warns while next year is missing
(:meth:`WorkCalendar.missing_next_year_warning`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.routing.models import CalendarDay, CalendarYear
from jieyou.timefmt import local_zone, to_local

END_OF_DAY = time(23, 59, 59)
WARN_FROM_MONTH = 11  # the notice usually appears in November; deadlines reach January from Dec


@lru_cache(maxsize=256)
def builtin_covers(year: int) -> bool:
    """Whether the installed ``chinese_calendar`` release knows ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _is_weekday(day: date) -> bool:
    return day.weekday() < 5


def local_date(value: date) -> date:
    """The Asia/Shanghai calendar date of an aware datetime; a plain date as it is."""
    if isinstance(value, datetime):
        return to_local(value).date() if value.tzinfo else value.date()
    return value


def end_of_local_day(day: date) -> datetime:
    """23:59:59 local time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, END_OF_DAY, tzinfo=local_zone()).astimezone(UTC)


def _years_label(years: Iterable[int]) -> str:
    return "、".join(str(y) for y in years)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days for deadline arithmetic, loaded once; every lookup is O(1) per day.

    ``entered`` holds the admin-entered years; ``exceptions`` maps each listed day of those
    years to whether it is a working day."""

    entered: frozenset[int] = frozenset()
    exceptions: dict[date, bool] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> WorkCalendar:
        """Two queries, whatever the span asked about later."""
        years = frozenset(session.scalars(select(CalendarYear.year)))
        rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
        return cls(entered=years, exceptions={day: is_workday for day, is_workday in rows})

    # --- which days work -------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        if day.year in self.entered:
            return self.exceptions.get(day, _is_weekday(day))
        if builtin_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        return _is_weekday(day)

    def covers(self, year: int) -> bool:
        """True when ``year``'s holidays are known (entered by an admin or built in)."""
        return year in self.entered or builtin_covers(year)

    def fallback_years(self, start: date, end: date) -> list[int]:
        """The years from ``start`` to ``end`` (either order) counted weekends-only."""
        first, last = sorted((local_date(start).year, local_date(end).year))
        return [y for y in range(first, last + 1) if not self.covers(y)]

    # --- deadline arithmetic ----------------------------------------------------------------

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end (23:59:59 local) of the ``days``-th working day after the local date of
        ``start``; ``days=0`` is the end of that day itself. Returned in UTC."""
        if start.tzinfo is None:
            raise ValueError("add_working_days needs an aware datetime")
        if days < 0:
            raise ValueError("days must not be negative")
        day = local_date(start)
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return end_of_local_day(day)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``[a, b)``; 0 when ``b <= a``. For shifting a deadline by a pause."""
        a, b = local_date(a), local_date(b)
        count = 0
        day = a
        while day < b:
            if self.is_workday(day):
                count += 1
            day += timedelta(days=1)
        return count

    # --- what people are told ---------------------------------------------------------------

    def note_for(self, start: date, end: date) -> str | None:
        """For the case page: a sentence when the span from ``start`` to ``end`` touches a year
        counted weekends-only, else None."""
        years = self.fallback_years(start, end)
        if not years:
            return None
        return f"{_years_label(years)}年法定节假日安排尚未录入，期限暂按周末休息计算"

    def missing_next_year_warning(self, today: date) -> str | None:
        """From November 1 on, a warning while next year's holidays are unknown."""
        today = local_date(today)
        nxt = today.year + 1
        if today.month < WARN_FROM_MONTH or self.covers(nxt):
            return None
        return (
            f"{nxt}年法定节假日安排尚未录入：国务院办公厅发布{nxt}年部分节假日安排的通知后，"
            f"请在“系统管理 → 工作日历”中录入，或运行 jieyou calendar import {nxt} 文件。"
            f"录入之前，落在{nxt}年的期限暂按周末休息计算。"
        )
