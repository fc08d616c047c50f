"""Errors on page routes become pages in Chinese; the JSON API keeps its JSON errors.

``app.py`` asks :func:`is_page` which kind a request is, and calls :func:`error_page` for
pages."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from jieyou.web.boundary import LoginRequired, clear_session_cookie
from jieyou.web.templating import render

NOT_PAGES = ("/api/", "/openapi.json", "/docs", "/redoc", "/healthz")

TITLES = {
    400: "请求有误",
    401: "需要登录",
    403: "无法完成操作",
    404: "页面不存在",
    405: "不支持该操作",
    409: "当前状态不允许该操作",
    413: "提交的内容过大",
    422: "填写的内容有误",
    500: "服务器出错了",
}


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def error_page(request: Request, status: int, message: str) -> Response:
    return render(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "出错了"), "message": message},
        status=status,
    )


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    target = request.url.path if request.method == "GET" else "/desk"
    if request.url.query and request.method == "GET":
        target += "?" + request.url.query
    response = RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    if request.cookies.get("jy_session"):
        clear_session_cookie(response)
    return response
