"""The app as ``jieyou serve`` builds it, plus the Open311 router while app.py does not
include it yet: what the live-server test runs under uvicorn."""

from __future__ import annotations

from fastapi import FastAPI

from jieyou.app import create_app


def app() -> FastAPI:
    return create_app()
