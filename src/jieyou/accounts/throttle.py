"""Throttling: failed sign-ins, wrong query codes and submissions, counted in the database.

Counting in the database (not in process memory) means every app process and host sees the
same counts, and a restart forgets nothing. Only what is throttled writes a row: a failed
sign-in, a wrong query code, a submission — never an ordinary read.

Each limit is "at most N hits per key within a window"; over it, :func:`check` raises
:class:`TooManyRequests` with the seconds until the oldest hit leaves the window.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Hit
from jieyou.config import get_settings
from jieyou.db import Database, utcnow
from jieyou.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    bucket: str
    setting: str  # the field of LimitSettings holding N
    window: timedelta
    message: str  # {wait}: when to try again, e.g. "15 分钟"

    @property
    def max_hits(self) -> int:
        return int(getattr(get_settings().limits, self.setting))


MINUTE = timedelta(minutes=1)
LOGIN_ACCOUNT = Limit(
    "login_account",
    "login_failures_per_account",
    15 * MINUTE,
    "该账号登录失败次数过多，已暂时锁定，请 {wait}后再试或联系管理员",
)
LOGIN_ADDRESS = Limit(
    "login_address",
    "login_failures_per_address",
    15 * MINUTE,
    "登录失败次数过多，请 {wait}后再试",
)
CODE_CASE = Limit(
    "code_case",
    "code_failures_per_case",
    60 * MINUTE,
    "查询码错误次数过多，该诉求已暂停查询，请 {wait}后再试",
)
CODE_ADDRESS = Limit(
    "code_address",
    "code_failures_per_address",
    60 * MINUTE,
    "查询失败次数过多，请 {wait}后再试",
)
SUBMIT_ADDRESS = Limit(
    "submit_address",
    "submissions_per_address",
    60 * MINUTE,
    "提交过于频繁，请 {wait}后再试；紧急情况请拨打 110 或 12345",
)
SUBMIT_PHONE = Limit(
    "submit_phone",
    "submissions_per_phone",
    24 * 60 * MINUTE,
    "该手机号今天提交的诉求已达上限，请 {wait}后再试；已提交的诉求可凭编号查询进度",
)
ALL = (LOGIN_ACCOUNT, LOGIN_ADDRESS, CODE_CASE, CODE_ADDRESS, SUBMIT_ADDRESS, SUBMIT_PHONE)


def phone_key(phone: str) -> str:
    """Phone numbers are counted by digest: the table holds no personal data."""
    return hashlib.sha256(phone.strip().encode()).hexdigest()[:40]


def check(session: Session, limit: Limit, key: str | None, *, now: datetime | None = None) -> None:
    """Refuse with 429 if ``key`` already has ``limit.max_hits`` within the window."""
    if not key:
        return
    now = now or utcnow()
    since = now - limit.window
    count, oldest = session.execute(
        select(func.count(), func.min(Hit.at)).where(
            Hit.bucket == limit.bucket, Hit.key == key[:80], Hit.at > since
        )
    ).one()
    if count >= limit.max_hits:
        wait = max(1, int((oldest + limit.window - now).total_seconds()) + 1)
        raise TooManyRequests(
            limit.message.format(wait=_wait_text(wait)),
            code="too_many_requests",
            retry_after=wait,
        )


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} 分钟" if minutes <= 120 else f"{-(-minutes // 60)} 小时"


def hit(session: Session, limit: Limit, key: str | None, *, now: datetime | None = None) -> None:
    if key:
        session.add(Hit(bucket=limit.bucket, key=key[:80], at=now or utcnow()))
        session.flush()


def clear(session: Session, limit: Limit, key: str) -> None:
    """Forget ``key``'s hits, e.g. an account's failed sign-ins once it signs in."""
    session.execute(delete(Hit).where(Hit.bucket == limit.bucket, Hit.key == key[:80]))


def sweep(session: Session, *, now: datetime | None = None) -> int:
    """Delete hits older than the longest window (the worker does this)."""
    horizon = (now or utcnow()) - max(limit.window for limit in ALL)
    result = session.execute(delete(Hit).where(Hit.at < horizon))
    return int(getattr(result, "rowcount", 0) or 0)


# --- the query code ---------------------------------------------------------------------------


def guard_query_code(session: Session, *, number: str, ip: str | None) -> None:
    """Before a query code is compared: refuse a case number or an address that has been
    guessing (the code is 6 characters from 32; 10 tries an hour make guessing hopeless)."""
    check(session, CODE_CASE, number.strip().upper())
    check(session, CODE_ADDRESS, ip)


def count_code_failure(database: Database, *, number: str, ip: str | None) -> None:
    """A wrong code, counted in its own transaction (the request's rolled back)."""
    with database.unit_of_work() as session:
        hit(session, CODE_CASE, number.strip().upper())
        hit(session, CODE_ADDRESS, ip)


def guard_submission(session: Session, *, ip: str | None, phone: str) -> None:
    """A resident's submission: per address per hour and per phone number per day. The hits
    are written with the case, so a refused submission does not count."""
    check(session, SUBMIT_ADDRESS, ip)
    check(session, SUBMIT_PHONE, phone_key(phone))
    hit(session, SUBMIT_ADDRESS, ip)
    hit(session, SUBMIT_PHONE, phone_key(phone))
