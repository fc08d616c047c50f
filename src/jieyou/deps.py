"""Request-scoped dependencies: the unit of work and the acting user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.accounts.service import user_for_token
from jieyou.db import Database
from jieyou.errors import Unauthenticated

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit when the endpoint returns, roll back if it raises.

    ``scope="function"`` below makes the commit happen before the response is sent, so a
    client never sees a 2xx for a change that then failed to commit.
    """
    database: Database = request.app.state.database
    with database.unit_of_work(write=request.method not in SAFE_METHODS) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization 头应为 “Bearer <令牌>”", code="bad_authorization")
    return token.strip()


def optional_user(request: Request, session: DbSession) -> User | None:
    token = _bearer(request)
    return None if token is None else user_for_token(session, token)


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthenticated("需要登录：请在 Authorization 头中提供令牌", code="token_required")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
