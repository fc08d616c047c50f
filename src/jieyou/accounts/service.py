"""Creating staff users and tokens, and resolving a bearer token to a user."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ApiToken, Role, User
from jieyou.db import utcnow
from jieyou.errors import Conflict, Invalid, NotFound, Unauthenticated
from jieyou.regions.models import Level
from jieyou.regions.service import require_region
from jieyou.routing.models import Unit, UnitKind
from jieyou.routing.service import require_unit

_hasher = PasswordHash.recommended()  # argon2id
USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{2,39}$")
TOKEN_PREFIX = "jy_"  # noqa: S105 - a prefix, not a secret

# The region level each role lives at (admin and department accept any level).
ROLE_LEVELS: dict[Role, set[Level]] = {
    Role.city: {Level.city},
    Role.county: {Level.county},
    Role.township: {Level.township},
    Role.village: {Level.village},
    Role.lane_chief: {Level.lane, Level.grid},
    Role.mediator: {Level.county, Level.township, Level.village},
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


def create_user(
    session: Session,
    *,
    username: str,
    role: Role,
    region_code: str,
    unit_code: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> User:
    if not USERNAME_RE.match(username):
        raise Invalid("用户名须以小写字母开头，3–40 位小写字母、数字或 _.-", code="bad_username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在", code="username_taken")
    region = require_region(session, region_code)
    levels = ROLE_LEVELS.get(role)
    if levels is not None and Level(region.level) not in levels:
        allowed = "、".join(sorted(level.value for level in levels))
        raise Invalid(f"角色 {role.value} 的所属区划须为 {allowed} 级", code="role_region_mismatch")
    unit: Unit | None = require_unit(session, unit_code) if unit_code else None
    if role == Role.department and (unit is None or unit.kind != UnitKind.department):
        raise Invalid("职能部门用户须指定一个部门单位 (--unit)", code="department_needs_unit")
    if unit is not None and not unit.region_path.startswith(region.path[:4]):
        raise Invalid("所属单位不在所属区划内", code="unit_region_mismatch")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role.value,
        region_code=region.code,
        region_path=region.path,
        unit_id=unit.id if unit else None,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, *, username: str, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is shown once and stored only hashed."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在", code="unknown_user")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        name=name,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(row)
    session.flush()
    return row, token


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = now or utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise Unauthenticated("令牌无效、已过期或已吊销", code="invalid_token")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("该账号已停用", code="inactive_user")
    return user
