"""Browser sessions of staff: sign in with a password, a random cookie token stored only as its
SHA-256 in ``user_sessions``, expiry and revocation, and the per-session CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts import throttle
from jieyou.accounts.models import User, UserSession
from jieyou.accounts.service import verify_password
from jieyou.db import utcnow
from jieyou.errors import Unauthenticated

# One message for every refusal, so the form does not tell which usernames exist.
BAD_LOGIN = "用户名或密码不正确"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, *, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.password_hash:
        # Spend the same time as a real check so timing does not reveal the username.
        verify_password(password, _dummy_hash())
        raise Unauthenticated(BAD_LOGIN, code="bad_login")
    if not verify_password(password, user.password_hash):
        raise Unauthenticated(BAD_LOGIN, code="bad_login")
    if not user.is_active:
        raise Unauthenticated("该账号已停用，请联系管理员", code="inactive_user")
    return user


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str | None,
    hours: float,
    user_agent: str | None,
    now: datetime | None = None,
) -> str | Unauthenticated:
    """Check the password and start a session; returns the cookie token, or the refusal.

    The refusal is returned, not raised, so that the failed attempt is committed and counts
    towards the account's and the address's limits (429 once over them, before the password
    is even looked at)."""
    account = username.strip().lower()[:40]
    throttle.check(session, throttle.LOGIN_ADDRESS, ip, now=now)
    throttle.check(session, throttle.LOGIN_ACCOUNT, account, now=now)
    try:
        user = authenticate(session, username=username, password=password)
    except Unauthenticated as exc:
        throttle.hit(session, throttle.LOGIN_ACCOUNT, account, now=now)
        throttle.hit(session, throttle.LOGIN_ADDRESS, ip, now=now)
        return exc
    throttle.clear(session, throttle.LOGIN_ACCOUNT, account)
    return start_session(session, user, hours=hours, ip=ip, user_agent=user_agent, now=now)[1]


_dummy: list[str] = []


def _dummy_hash() -> str:
    """Built on first use: hashing at import time would slow every start."""
    if not _dummy:
        from jieyou.accounts.service import hash_password

        _dummy.append(hash_password(secrets.token_urlsafe(16)))
    return _dummy[0]


def start_session(
    session: Session,
    user: User,
    *,
    hours: float,
    ip: str | None,
    user_agent: str | None,
    now: datetime | None = None,
) -> tuple[UserSession, str]:
    """Returns the row and the cookie token (shown to the browser once, stored hashed)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_hash=_digest(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=hours),
        ip=(ip or "")[:45] or None,
        user_agent=(user_agent or "")[:200] or None,
    )
    session.add(row)
    session.flush()
    return row, token


def session_user(
    session: Session, token: str, *, now: datetime | None = None
) -> tuple[User, UserSession] | None:
    """The signed-in user, or None when the token is unknown, expired or revoked, or the
    account was disabled since."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    now = now or utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


def end_session(session: Session, token: str, *, now: datetime | None = None) -> None:
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now or utcnow()
        session.flush()


def revoke_user_sessions(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    """Sign a user out everywhere (e.g. when the account is disabled)."""
    rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now or utcnow()
    session.flush()
    return len(rows)


def csrf_token(secret_key: str, session_row: UserSession) -> str:
    """Per-session CSRF token: derived, so nothing more is stored; a new session gets a new
    one."""
    return hmac.new(
        secret_key.encode(), f"csrf:{session_row.token_hash}".encode(), hashlib.sha256
    ).hexdigest()


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
