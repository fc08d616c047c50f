"""create_app(): routers, error handlers and middleware. Nothing runs at import time."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jieyou.alerts.api import router as alerts_router
from jieyou.analytics.api import router as stats_router
from jieyou.cases.api import router as cases_router
from jieyou.config import Settings, get_settings
from jieyou.db import Database, get_database
from jieyou.deadlines.api import router as deadlines_router
from jieyou.errors import JieyouError, TooLarge
from jieyou.grid.api import router as grid_api_router
from jieyou.grid.pages import router as grid_pages_router
from jieyou.ledger.api import router as ledger_api_router
from jieyou.ledger.pages import router as ledger_pages_router
from jieyou.mediation.api import router as mediation_api_router
from jieyou.mediation.pages import router as mediation_pages_router
from jieyou.notify.api import router as notify_router
from jieyou.open311.api import router as open311_router
from jieyou.patrol.api import router as patrol_api_router
from jieyou.patrol.pages import router as patrol_pages_router
from jieyou.routing.api import router as calendar_api_router
from jieyou.validation import describe_validation_errors
from jieyou.web import errors as web_errors
from jieyou.web.admin import router as admin_router
from jieyou.web.apidocs import router as apidocs_router
from jieyou.web.boundary import LoginRequired
from jieyou.web.calendar import router as calendar_router
from jieyou.web.dashboard import router as dashboard_router
from jieyou.web.headers import SecurityHeaders
from jieyou.web.public import router as public_router
from jieyou.web.staff import router as staff_router
from jieyou.web.templating import HERE as WEB_DIR

log = logging.getLogger("jieyou")


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in {
        400: "请求格式错误（如 JSON 无法解析）",
        401: "需要令牌，或令牌无效、过期、已吊销",
        403: "无权执行该操作",
        404: "不存在，或不在您的范围内",
        409: "当前状态不允许（附可执行的操作）",
        413: "请求体过大",
        422: "字段不合要求（附字段名）",
        429: "过于频繁，请稍后再试（附 Retry-After）",
    }.items()
}


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document gives for ``path`` (templates matched by segment)."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods.update(m.upper() for m in operations)
    return sorted(methods)


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def _content_type(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value).split(b";")[0].strip().lower()
    return b""


def has_nul(body: bytes, content_type: bytes) -> bool:
    """A NUL character in a JSON or form body (raw, escaped or percent-encoded). Uploads
    (multipart) carry binary files and are not searched."""
    if content_type == b"application/json":
        return b"\\u0000" in body or b"\x00" in body
    if content_type == b"application/x-www-form-urlencoded":
        return b"%00" in body or b"\x00" in body
    return False


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413: by Content-Length up front, or by counting
    while reading. The body is read here (it is small) and replayed to the app, because an
    error raised from inside FastAPI's body parsing would be reported as a 400. Requests
    carrying a NUL character (query, path, JSON or form body) are refused with 422."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        form_paths: frozenset[str] = frozenset(),
        form_max: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Page forms that carry photos get their own, larger limit.
        self.form_paths = form_paths
        self.form_max = form_max

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Open311 refuses control characters itself, with the spec's error arrays.
        guard = not scope["path"].startswith("/open311/")
        if guard and (b"%00" in scope["query_string"] or "\x00" in scope["path"]):
            await self._nul(scope, receive, send)
            return
        limit = self.form_max if scope["path"] in self.form_paths else self.max_bytes
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await self._refuse(scope, receive, send, limit)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if guard and has_nul(body, _content_type(scope)):
            await self._nul(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _nul(self, scope: Scope, receive: Receive, send: Send) -> None:
        # PostgreSQL cannot store NUL in text, and no resident types one: refuse it up front
        # rather than fail deep inside a query.
        message = "请求中含有不允许的控制字符（\\u0000）"
        await error_response(422, "bad_character", message)(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        message = f"请求体过大，上限为 {limit // 1000} KB"
        if scope["path"] in self.form_paths:
            message = f"提交的内容过大（上限 {limit // 1_000_000} MB），请减少或压缩照片后再提交"
            page = f"<!doctype html><meta charset=utf-8><title>内容过大</title><p>{message}</p>"
            await HTMLResponse(page, status_code=413)(scope, receive, send)
            return
        await error_response(413, TooLarge.code, message)(scope, receive, send)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="解忧 Jieyou",
        version="0.1.0",
        description="矛盾纠纷与群众诉求一站式受理、分流、跟踪与化解平台的 JSON API。",
        # Every error has the same shape; declaring it keeps clients (and the schema fuzzing
        # in CI) honest about what an endpoint may answer.
        responses=ERROR_RESPONSES,
        # /docs is ours (web/apidocs.py): FastAPI's loads Swagger UI from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.database = database or get_database()
    app.state.settings = settings

    # Each handler answers JSON for the API and a page in Chinese for browsers (page routes).
    @app.exception_handler(JieyouError)
    async def _jieyou_error(request: Request, exc: JieyouError) -> Response:
        response: Response
        if not web_errors.is_page(request):
            response = JSONResponse({"error": exc.to_dict()}, status_code=exc.status)
        elif isinstance(exc, LoginRequired):
            return web_errors.login_redirect(request, exc)
        else:
            response = web_errors.error_page(request, exc.status, exc.message)
        if "retry_after" in exc.extra:
            response.headers["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        status, code, message, fields = describe_validation_errors(exc.errors())
        if web_errors.is_page(request):
            return web_errors.error_page(request, status, message)
        return error_response(status, code, message, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {
            404: ("not_found", "请求的地址不存在"),
            405: ("method_not_allowed", "不支持该请求方法"),
        }
        code, message = codes.get(exc.status_code, ("http_error", str(exc.detail)))
        response = (
            web_errors.error_page(request, exc.status_code, message)
            if web_errors.is_page(request)
            else error_response(exc.status_code, code, message)
        )
        # e.g. Allow on a 405 (RFC 9110 requires it): every method the path answers to, across
        # the routes that share it (Starlette names only the first route's).
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            allowed = allowed_methods(app, request.url.path)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if web_errors.is_page(request):
            return web_errors.error_page(request, 500, "服务器内部错误，请稍后再试")
        return error_response(500, "internal_error", "服务器内部错误，请稍后再试")

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(cases_router)
    app.include_router(alerts_router)
    app.include_router(deadlines_router)
    app.include_router(calendar_api_router)
    app.include_router(notify_router)
    app.include_router(open311_router)
    app.include_router(stats_router)
    app.include_router(ledger_api_router)
    app.include_router(grid_api_router)
    app.include_router(patrol_api_router)
    app.include_router(mediation_api_router)
    app.include_router(public_router)
    app.include_router(apidocs_router)
    app.include_router(staff_router)
    app.include_router(admin_router)
    app.include_router(calendar_router)
    app.include_router(dashboard_router)
    app.include_router(ledger_pages_router)
    app.include_router(grid_pages_router)
    app.include_router(patrol_pages_router)
    app.include_router(mediation_pages_router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.server.max_body_bytes,
        form_paths=frozenset({"/", "/desk/ledger/evidence"}),
        form_max=settings.web.max_form_bytes,
    )
    # Outermost: even a 413 from the body limit carries the headers.
    app.add_middleware(SecurityHeaders, https=settings.web.cookie_secure)
    return app
