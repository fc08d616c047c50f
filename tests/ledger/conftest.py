"""The ledger's tests use the app with its routers, whether or not ``create_app`` includes
them yet (once it does, :func:`with_ledger` changes nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.app import create_app
from jieyou.config import Settings
from jieyou.db import Database
from jieyou.ledger.api import router as api_router
from jieyou.ledger.pages import router as pages_router
from tests.factories import BEIHU, HUATANG, LUTANG, make_staff
from tests.ledger.helpers import at, import_list, numbers, problem, rectify


def with_ledger(app: FastAPI) -> FastAPI:
    # FastAPI keeps an included router whole (``_IncludedRouter.original_router``); older
    # versions copied its routes in. Either way, include ours only once.
    included = {id(getattr(route, "original_router", None)) for route in app.routes}
    paths = {getattr(route, "path", "") for route in app.routes}
    if id(api_router) not in included and "/api/v1/ledger/batches" not in paths:
        app.include_router(api_router)
    if id(pages_router) not in included and "/desk/ledger" not in paths:
        app.include_router(pages_router)
    return app


def create(*args: Any, **kwargs: Any) -> FastAPI:
    return with_ledger(create_app(*args, **kwargs))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(environment="test", secret_key="test-secret-key")
    s.storage.upload_dir = str(tmp_path / "uploads")
    return s


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create(settings, database=db)) as c:
        yield c


@pytest.fixture
def beihu_list(client, db, tmp_path):
    """北湖区's list: four problems in 华塘镇 (two verified, one awaiting, one open) and one
    in 鲁塘镇 (open)."""
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    make_staff(db, "lutang", Role.township, LUTANG, unit=f"C{LUTANG}")
    rows = [
        problem("H1", area=1.25),
        problem("H2", area=2),
        problem("H3", area=0.5),
        problem("H4", area=None),
        problem("L1", township="鲁塘镇", village=None, area=3),
    ]
    r = import_list(client, county, rows)
    assert r.status_code == 201, r.text
    batch = r.json()["batch"]["id"]
    found = numbers(db, batch)
    now = at(2026, 9, 10, 10, 0)
    for ref in ("H1", "H2"):
        rectify(
            db, tmp_path, found[ref], handler="huatang", issuer="beihu", until="rectified", now=now
        )
    rectify(db, tmp_path, found["H3"], handler="huatang", issuer="beihu", until="awaiting", now=now)
    return county, batch, found
