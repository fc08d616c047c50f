"""The request boundary: one unit of work per request, and the acting user.

An endpoint hands its work to :class:`Work` as one function; that function runs in a single
worker thread inside one unit of work (commit on success, roll back on error), with the actor
resolved from the bearer token in the same transaction. One thread hop per request keeps the
time a SQLite writer holds its lock short; commit happens before the response is sent, so a
client never sees a 2xx for a change that failed to commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jieyou.accounts import throttle
from jieyou.accounts.models import TokenScope, User
from jieyou.accounts.service import token_and_user
from jieyou.db import Database
from jieyou.errors import NotFound, NotPermitted, Unauthenticated

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization 头应为 “Bearer <令牌>”", code="bad_authorization")
    return token.strip()


class Work:
    def __init__(
        self, database: Database, *, write: bool, token: str | None, client: str | None = None
    ) -> None:
        self.database = database
        self.write = write
        self.token = token
        # The caller's address (uvicorn --proxy-headers makes it the real one behind a proxy).
        self.client = client

    async def public(self, fn: Callable[[Session, User | None], T]) -> T:
        """Open to anyone; ``actor`` is the staff user if a valid token was sent."""
        return await self._in_thread(fn, False)

    async def staff(self, fn: Callable[[Session, User], T]) -> T:
        """Staff only: 401 without a valid token."""
        return await self._in_thread(fn, True)

    async def resident(self, number: str, fn: Callable[[Session], T]) -> T:
        """Public work for the holder of a case's query code: refused (429) once the case or
        the address has guessed too often; a wrong code counts against both."""

        def run(session: Session, _actor: User | None) -> T:
            throttle.guard_query_code(session, number=number, ip=self.client)
            return fn(session)

        try:
            return await self._in_thread(run, False)
        except NotFound as exc:
            if exc.code == "case_not_found":
                await run_in_threadpool(
                    throttle.count_code_failure, self.database, number=number, ip=self.client
                )
            raise

    async def read_first(self, fn: Callable[[Session], T]) -> T:
        """Read-only work ahead of the request's own unit of work (no write lock held), e.g.
        the CPU-heavy reading of a submission before it is stored."""
        return await run_in_threadpool(self._read, fn)

    async def _in_thread(self, fn: Callable[[Session, User], T], required: bool) -> T:
        return await run_in_threadpool(self._run, fn, required)

    def _read(self, fn: Callable[[Session], T]) -> T:
        with self.database.unit_of_work(write=False) as session:
            return fn(session)

    def _run(self, fn: Callable[[Session, User], T], required: bool) -> T:
        if required and self.token is None:
            raise Unauthenticated(
                "需要登录：请在 Authorization 头中提供令牌", code="token_required"
            )
        with self.database.unit_of_work(write=self.write) as session:
            actor = None
            if self.token:
                row, actor = token_and_user(session, self.token)
                self._check_scope(TokenScope(row.scope), staff=required)
            return fn(session, actor)  # type: ignore[arg-type]

    def _check_scope(self, scope: TokenScope, *, staff: bool) -> None:
        """A read token only reads; a submit token only submits (public endpoints)."""
        if scope == TokenScope.read and self.write:
            raise NotPermitted("该令牌只读，不能修改数据", code="token_read_only")
        if scope == TokenScope.submit and staff:
            raise NotPermitted("该令牌仅可用于提交诉求", code="token_submit_only")


def get_work(request: Request) -> Work:
    return Work(
        request.app.state.database,
        write=request.method not in SAFE_METHODS,
        token=_bearer(request),
        client=request.client.host if request.client else None,
    )


UnitOfWork = Annotated[Work, Depends(get_work)]
