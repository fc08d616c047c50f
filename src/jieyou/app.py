"""create_app(): routers, error handlers and middleware. Nothing runs at import time."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jieyou.alerts.api import router as alerts_router
from jieyou.cases.api import router as cases_router
from jieyou.config import Settings, get_settings
from jieyou.db import Database, get_database
from jieyou.errors import JieyouError, TooLarge
from jieyou.validation import describe_validation_errors

log = logging.getLogger("jieyou")


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413: by Content-Length up front, or by counting
    while reading. The body is read here (it is small) and replayed to the app, because an
    error raised from inside FastAPI's body parsing would be reported as a 400."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                await self._refuse(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"请求体过大，上限为 {self.max_bytes // 1000} KB"
        await error_response(413, TooLarge.code, message)(scope, receive, send)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="解忧 Jieyou",
        version="0.1.0",
        description="矛盾纠纷与群众诉求一站式受理、分流、跟踪与化解平台的 JSON API。",
    )
    app.state.database = database or get_database()
    app.state.settings = settings

    @app.exception_handler(JieyouError)
    async def _jieyou_error(_: Request, exc: JieyouError) -> JSONResponse:
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message, fields = describe_validation_errors(exc.errors())
        return error_response(status, code, message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {
            404: ("not_found", "请求的地址不存在"),
            405: ("method_not_allowed", "不支持该请求方法"),
        }
        code, message = codes.get(exc.status_code, ("http_error", str(exc.detail)))
        return error_response(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "服务器内部错误，请稍后再试")

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(cases_router)
    app.include_router(alerts_router)
    app.add_middleware(BodyLimit, max_bytes=settings.server.max_body_bytes)
    return app
