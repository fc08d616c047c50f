"""JSON routes for the working-day calendar: read a year (staff), enter a year (admin).

The shapes live here because this is the only API of the routing package so far."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.deps import UnitOfWork
from jieyou.errors import NotPermitted
from jieyou.routing.calendar_service import (
    MAKE_UP_DEFAULT,
    MAX_ENTRIES,
    MAX_NAME,
    MAX_SOURCE,
    MAX_YEAR,
    MIN_YEAR,
    Holiday,
    MakeUpDay,
    YearCalendar,
    get_year_calendar,
    set_year_calendar,
)
from jieyou.timefmt import LocalDatetime
from jieyou.validation import IsoDate

router = APIRouter(prefix="/api/v1", tags=["calendars"])

Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR, description="公历年份，如 2027")]


DayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HolidayIn(Strict):
    name: DayName = Field(description="如 元旦、春节")
    start: IsoDate
    end: IsoDate


class MakeUpDayIn(Strict):
    name: DayName = MAKE_UP_DEFAULT
    date: IsoDate


class CalendarWrite(Strict):
    source: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SOURCE)] | None
    ) = Field(default=None, description="依据，默认“国务院办公厅关于某年部分节假日安排的通知”")
    holidays: list[HolidayIn] = Field(max_length=MAX_ENTRIES)
    workdays: list[MakeUpDayIn] = Field(default_factory=list, max_length=MAX_ENTRIES)


class HolidayRead(BaseModel):
    name: str
    start: dt.date
    end: dt.date


class MakeUpDayRead(BaseModel):
    name: str
    date: dt.date


class CalendarRead(BaseModel):
    year: int
    status: str = Field(description="entered 已录入 / builtin 内置 / missing 未录入（按周末计算）")
    status_label: str
    source: str | None
    entered_by: str | None
    entered_at: LocalDatetime | None
    holidays: list[HolidayRead]
    workdays: list[MakeUpDayRead]


def _read(cal: YearCalendar) -> CalendarRead:
    return CalendarRead(
        year=cal.year,
        status=cal.status.value,
        status_label=cal.status_label,
        source=cal.source,
        entered_by=cal.entered_by,
        entered_at=cal.entered_at,
        holidays=[HolidayRead(name=h.name, start=h.start, end=h.end) for h in cal.holidays],
        workdays=[MakeUpDayRead(name=w.name, date=w.day) for w in cal.workdays],
    )


@router.get("/calendars/{year}", response_model=CalendarRead)
async def read_calendar(year: Year, work: UnitOfWork) -> CalendarRead:
    """A year's holidays and make-up working days, and where they come from."""
    return await work.staff(lambda s, actor: _read(get_year_calendar(s, year)))


@router.put("/calendars/{year}", response_model=CalendarRead)
async def write_calendar(year: Year, body: CalendarWrite, work: UnitOfWork) -> CalendarRead:
    """Enter (or replace) a year from the State Council's notice. Admin only."""

    def run(s: Session, actor: User) -> CalendarRead:
        if actor.role != Role.admin:
            raise NotPermitted("只有系统管理员可以录入工作日历", code="admin_only")
        set_year_calendar(
            s,
            year=year,
            source=body.source,
            holidays=[Holiday(h.start, h.end, h.name) for h in body.holidays],
            workdays=[MakeUpDay(w.date, w.name) for w in body.workdays],
            actor=actor,
        )
        return _read(get_year_calendar(s, year))

    return await work.staff(run)
