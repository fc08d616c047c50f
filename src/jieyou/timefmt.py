"""Times are stored in UTC and shown in the configured zone (Asia/Shanghai)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import PlainSerializer


@lru_cache
def local_zone() -> ZoneInfo:
    from jieyou.config import get_settings

    return ZoneInfo(get_settings().timezone)


def to_local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


def local_text(value: datetime | None) -> str:
    """For people: ``2026-11-27 10:05``."""
    return "" if value is None else to_local(value).strftime("%Y-%m-%d %H:%M")


# A datetime that serialises in local time with its offset, e.g. 2026-11-27T10:05:00+08:00.
LocalDatetime = Annotated[
    datetime, PlainSerializer(lambda v: to_local(v).isoformat(timespec="seconds"), return_type=str)
]
