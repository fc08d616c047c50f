"""The app the dashboard tests and the browser test serve."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from jieyou.app import create_app


def with_dashboard(app: FastAPI) -> FastAPI:
    return app


def create(*args: Any, **kwargs: Any) -> FastAPI:
    """``uvicorn tests.analytics.app:create --factory`` (the browser test)."""
    return create_app(*args, **kwargs)
