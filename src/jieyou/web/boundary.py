"""The page boundary: like :mod:`jieyou.deps`, one unit of work per request in one worker
thread, but the actor comes from the session cookie, and every POST carries a CSRF token.

* Staff pages: the token is derived from the session (``accounts.sessions.csrf_token``).
* Public forms (the resident's, the login form): double-submit — a random ``jy_csrf`` cookie
  set when the form is shown must equal the hidden field.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jieyou.accounts import throttle
from jieyou.accounts.models import User, UserSession
from jieyou.accounts.sessions import csrf_matches, csrf_token, session_user
from jieyou.config import Settings
from jieyou.db import Database
from jieyou.errors import JieyouError, NotFound

T = TypeVar("T")
SESSION_COOKIE = "jy_session"
ANON_CSRF_COOKIE = "jy_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(JieyouError):
    """A staff page without a valid session: browsers are sent to the login page."""

    code = "login_required"
    status = 401


class CsrfRejected(JieyouError):
    code = "csrf_failed"
    status = 403

    def __init__(self) -> None:
        super().__init__("页面已过期或来源不明，请返回上一页刷新后重新提交", code=self.code)


@dataclass(frozen=True)
class Staff:
    """The signed-in user and what the templates need about the session."""

    user: User
    csrf: str


class PageWork:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.database: Database = request.app.state.database
        self.settings: Settings = request.app.state.settings
        self.write = request.method not in SAFE_METHODS
        self.token = request.cookies.get(SESSION_COOKIE)

    async def public(self, fn: Callable[[Session], T], *, csrf: str | None = None) -> T:
        """A resident's page. POSTs must pass the double-submit check."""
        if self.write:
            check_anon_csrf(self.request, csrf)
        return await run_in_threadpool(self._run_public, fn)

    @property
    def client(self) -> str | None:
        return self.request.client.host if self.request.client else None

    async def resident(
        self, number: str, fn: Callable[[Session], T], *, csrf: str | None = None
    ) -> T:
        """A page for the holder of a query code: throttled per case and per address, and a
        wrong code counts (see ``jieyou.deps.Work.resident``)."""

        def run(session: Session) -> T:
            throttle.guard_query_code(session, number=number, ip=self.client)
            return fn(session)

        try:
            return await self.public(run, csrf=csrf)
        except NotFound as exc:
            if exc.code == "case_not_found":
                await run_in_threadpool(
                    throttle.count_code_failure, self.database, number=number, ip=self.client
                )
            raise

    async def staff(self, fn: Callable[[Session, Staff], T], *, csrf: str | None = None) -> T:
        """Signed-in staff only (else :class:`LoginRequired`); POSTs need the session's CSRF."""
        if self.token is None:
            raise LoginRequired("请先登录")
        return await run_in_threadpool(self._run_staff, fn, csrf)

    async def maybe_staff(self, fn: Callable[[Session, Staff | None], T]) -> T:
        """For pages that look different when signed in (the header), reads only."""
        return await run_in_threadpool(self._run_maybe, fn)

    def _run_public(self, fn: Callable[[Session], T]) -> T:
        with self.database.unit_of_work(write=self.write) as session:
            return fn(session)

    def _resolve(self, session: Session) -> tuple[User, UserSession] | None:
        return session_user(session, self.token) if self.token else None

    def _run_staff(self, fn: Callable[[Session, Staff], T], csrf: str | None) -> T:
        with self.database.unit_of_work(write=self.write) as session:
            found = self._resolve(session)
            if found is None:
                raise LoginRequired("登录已过期，请重新登录")
            user, row = found
            expected = csrf_token(self.settings.secret_key, row)
            if self.write and not csrf_matches(expected, csrf):
                raise CsrfRejected()
            return fn(session, Staff(user, expected))

    def _run_maybe(self, fn: Callable[[Session, Staff | None], T]) -> T:
        with self.database.unit_of_work(write=self.write) as session:
            found = self._resolve(session)
            staff = None
            if found is not None:
                staff = Staff(found[0], csrf_token(self.settings.secret_key, found[1]))
            return fn(session, staff)


def get_page_work(request: Request) -> PageWork:
    return PageWork(request)


Pages = Annotated[PageWork, Depends(get_page_work)]


# --- double-submit CSRF for forms shown to people who are not signed in ---------------------


def anon_csrf(request: Request) -> str:
    """The token to put in the form: the cookie's, or a new one (set it with
    :func:`remember_anon_csrf`)."""
    return request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(24)


def remember_anon_csrf(request: Request, response: Response, token: str) -> None:
    if request.cookies.get(ANON_CSRF_COOKIE) != token:
        settings: Settings = request.app.state.settings
        response.set_cookie(
            ANON_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=settings.web.cookie_secure,
            path="/",
        )


def check_anon_csrf(request: Request, given: str | None) -> None:
    cookie = request.cookies.get(ANON_CSRF_COOKIE)
    if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
        raise CsrfRejected()


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.web.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.web.cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
