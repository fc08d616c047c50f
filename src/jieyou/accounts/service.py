"""Creating staff users and tokens, and resolving a bearer token to a user."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ApiToken, Role, TokenScope, User
from jieyou.config import get_settings
from jieyou.db import utcnow
from jieyou.errors import Conflict, Invalid, NotFound, Unauthenticated
from jieyou.regions.models import Level, Region
from jieyou.regions.service import require_region
from jieyou.routing.models import Unit, UnitKind
from jieyou.routing.service import get_unit, require_unit

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
    Role.grid_worker: {Level.grid, Level.lane},
    Role.mediator: {Level.county, Level.township, Level.village},
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


MIN_PASSWORD = 10
MAX_PASSWORD = 128
PASSWORD_RULE = f"至少 {MIN_PASSWORD} 位，须同时含字母和数字，不能包含用户名"
# The passwords people reach for first; refused whatever their length.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "a123456789",
        "abc1234567",
        "abcd123456",
        "password123",
        "password1234",
        "qwerty123456",
        "admin123456",
        "admin12345",
        "woaini1314520",
        "1qaz2wsx3edc",
        "qwertyuiop123",
        "jieyou123456",
    }
)


def check_password(password: str, *, username: str | None = None) -> None:
    """The password rules: long enough, letters and digits, not the username, not common."""

    def refuse(code: str) -> Invalid:
        return Invalid(f"密码{PASSWORD_RULE}", code=code, field="password")

    if len(password) < MIN_PASSWORD:
        raise refuse("password_too_short")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"密码不能超过 {MAX_PASSWORD} 位", code="password_too_long", field="password")
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        raise refuse("password_too_simple")
    if username and username.strip().lower() in password.lower():
        raise refuse("password_contains_username")
    if password.lower() in COMMON_PASSWORDS:
        raise refuse("password_too_common")


def _role(value: Role | str) -> Role:
    if value not in Role.__members__:
        raise Invalid("请选择角色", code="bad_role", field="role")
    return Role(value)


def _placement(
    session: Session, role: Role, region_code: str, unit_code: str | None
) -> tuple[Region, Unit | None]:
    """The region and unit a user of ``role`` is placed at, checked against each other."""
    region = require_region(session, region_code)
    levels = ROLE_LEVELS.get(role)
    if levels is not None and Level(region.level) not in levels:
        allowed = "、".join(sorted(level.value for level in levels))
        raise Invalid(
            f"角色 {role.value} 的所属区划须为 {allowed} 级",
            code="role_region_mismatch",
            field="region_code",
        )
    unit: Unit | None = require_unit(session, unit_code) if unit_code else None
    if role == Role.department and (unit is None or unit.kind != UnitKind.department):
        raise Invalid(
            "职能部门用户须指定一个部门单位 (--unit)",
            code="department_needs_unit",
            field="unit_code",
        )
    if unit is not None and not unit.region_path.startswith(region.path[:4]):
        raise Invalid("所属单位不在所属区划内", code="unit_region_mismatch", field="unit_code")
    return region, unit


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
        raise Invalid(
            "用户名须以小写字母开头，3–40 位小写字母、数字或 _.-",
            code="bad_username",
            field="username",
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在", code="username_taken", field="username")
    role = _role(role)
    region, unit = _placement(session, role, region_code, unit_code)
    if password is not None:
        check_password(password, username=username)
    user = User(
        username=username,
        display_name=_display_name(display_name) or username,
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


def _display_name(value: str | None) -> str | None:
    name = (value or "").strip()
    if len(name) > 40:
        raise Invalid("姓名不能超过 40 个字", code="name_too_long", field="display_name")
    return name or None


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在", code="unknown_user")
    return user


@dataclass(frozen=True)
class UserListItem:
    user: User
    region_name: str
    unit_code: str | None
    unit_name: str | None


def list_users(
    session: Session,
    *,
    role: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[UserListItem], int]:
    """One page of users (active or not) and the total; ``q`` matches username or name."""
    conditions: list[ColumnElement[bool]] = []
    if role:
        conditions.append(User.role == _role(role).value)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                User.username.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    stmt = (
        select(User, Region.name, Unit.code, Unit.name)
        .join(Region, Region.code == User.region_code)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(*conditions)
        .order_by(User.username)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    items = [UserListItem(u, rn, uc, un) for u, rn, uc, un in session.execute(stmt).all()]
    return items, total


def unit_code_of(session: Session, user: User) -> str | None:
    if user.unit_id is None:
        return None
    return session.scalar(select(Unit.code).where(Unit.id == user.unit_id))


def update_user(
    session: Session,
    *,
    username: str,
    display_name: str | None,
    role: Role | str,
    region_code: str,
    unit_code: str | None = None,
) -> User:
    user = get_user(session, username)
    new_role = _role(role)
    # Keeping the unit a user already has is allowed even if it was disabled since.
    current = unit_code_of(session, user)
    keep = unit_code is not None and unit_code == current
    region, unit = _placement(session, new_role, region_code, None if keep else unit_code)
    if keep:
        unit = get_unit(session, current or "")
        if new_role == Role.department and unit.kind != UnitKind.department:
            raise Invalid(
                "职能部门用户须指定一个部门单位", code="department_needs_unit", field="unit_code"
            )
        if not unit.region_path.startswith(region.path[:4]):
            raise Invalid("所属单位不在所属区划内", code="unit_region_mismatch", field="unit_code")
    user.display_name = _display_name(display_name) or user.username
    user.role = new_role.value
    user.region_code = region.code
    user.region_path = region.path
    user.unit_id = unit.id if unit else None
    session.flush()
    return user


def reset_password(session: Session, *, username: str, password: str) -> User:
    user = get_user(session, username)
    check_password(password, username=user.username)
    user.password_hash = hash_password(password)
    session.flush()
    # A new password signs the account out everywhere (a stolen session dies with the old one).
    from jieyou.accounts.sessions import revoke_user_sessions  # sessions imports this module

    revoke_user_sessions(session, user.id)
    return user


def disable_user(session: Session, *, username: str, actor: User | None = None) -> User:
    """Disable the account and sign it out everywhere at once; its API tokens stop working
    too (:func:`user_for_token` refuses inactive users)."""
    from jieyou.accounts.sessions import revoke_user_sessions  # sessions imports this module

    user = get_user(session, username)
    if actor is not None and actor.id == user.id:
        raise Invalid("不能停用自己的账号", code="cannot_disable_self")
    user.is_active = False
    revoke_user_sessions(session, user.id)
    session.flush()
    return user


def enable_user(session: Session, *, username: str) -> User:
    user = get_user(session, username)
    user.is_active = True
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    *,
    username: str,
    name: str = "",
    days: int | None = None,
    scope: TokenScope | str = TokenScope.full,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is shown once and stored only hashed.
    Every token expires (``limits.token_days`` unless ``days`` is given)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在", code="unknown_user")
    if scope not in TokenScope.__members__:
        allowed = "、".join(TokenScope)
        raise Invalid(f"令牌范围应为 {allowed}", code="bad_scope", field="scope")
    days = days if days is not None else get_settings().limits.token_days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise Invalid(f"有效期应为 1–{MAX_TOKEN_DAYS} 天", code="bad_days", field="days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now or utcnow()
    row = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        name=name[:60],
        created_at=now,
        expires_at=now + timedelta(days=days),
        scope=TokenScope(scope).value,
    )
    session.add(row)
    session.flush()
    return row, token


MAX_TOKEN_DAYS = 3650


def list_tokens(session: Session, *, username: str | None = None) -> list[tuple[ApiToken, str]]:
    stmt = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
    if username:
        stmt = stmt.where(User.username == username)
    return [(t, u) for t, u in session.execute(stmt.order_by(ApiToken.id))]


def revoke_tokens(
    session: Session,
    *,
    token_id: int | None = None,
    username: str | None = None,
    now: datetime | None = None,
) -> int:
    """Revoke one token by id, or every live token of a user; returns how many."""
    if (token_id is None) == (username is None):
        raise Invalid("请指定令牌编号或用户名（二选一）", code="token_or_user")
    stmt = select(ApiToken).where(ApiToken.revoked_at.is_(None))
    if token_id is not None:
        if session.get(ApiToken, token_id) is None:
            raise NotFound(f"令牌 {token_id} 不存在", code="unknown_token")
        stmt = stmt.where(ApiToken.id == token_id)
    else:
        user = get_user(session, username or "")
        stmt = stmt.where(ApiToken.user_id == user.id)
    rows = list(session.scalars(stmt))
    for row in rows:
        row.revoked_at = now or utcnow()
    session.flush()
    return len(rows)


def token_and_user(
    session: Session, token: str, *, now: datetime | None = None
) -> tuple[ApiToken, User]:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = now or utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise Unauthenticated("令牌无效、已过期或已吊销", code="invalid_token")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("该账号已停用", code="inactive_user")
    return row, user


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User:
    return token_and_user(session, token, now=now)[1]
