"""The dashboard's tests use the app with its routers (see tests/analytics/app.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jieyou.config import Settings
from jieyou.db import Database
from tests.analytics.app import create


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create(settings, database=db)) as c:
        yield c
