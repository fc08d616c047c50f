"""Interactive API docs at ``/docs``, served entirely from our own origin.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; the
Content-Security-Policy (web/headers.py) refuses both, and a government network may not reach a
CDN at all. Swagger UI is vendored by scripts/vendor.sh and started by static/docs.js.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>解忧 Jieyou API 文档</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
