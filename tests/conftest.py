"""Test harness: every database test runs on SQLite, and on PostgreSQL when
JIEYOU_TEST_DATABASE_URL is set. The schema is built by the migrations once per engine; each
test runs inside a transaction that is rolled back."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, make_url, text

from jieyou.app import create_app
from jieyou.config import Settings
from jieyou.db import WRITE_OPTION, Database, set_database
from jieyou.setup import initialise

PG_URL = os.environ.get("JIEYOU_TEST_DATABASE_URL")
# Tests submit many cases from one address and one phone; the throttling tests lower these.
os.environ.setdefault("JIEYOU_LIMITS__SUBMISSIONS_PER_PHONE", "1000000")
os.environ.setdefault("JIEYOU_LIMITS__SUBMISSIONS_PER_ADDRESS", "1000000")
ENGINES = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session", params=ENGINES)
def engine_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A migrated database with the reference data, shared by the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'jieyou.db'}"
    else:
        assert PG_URL is not None
        url = PG_URL
    database = Database(url)
    initialise(database)
    yield database
    database.dispose()


@pytest.fixture
def connection(engine_db: Database) -> Iterator[Connection]:
    conn = engine_db.engine.connect().execution_options(**{WRITE_OPTION: True})
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture
def db(connection: Connection) -> Iterator[Database]:
    """The database as the app and the CLI see it, rolled back after the test."""
    database = Database.bound_to(connection)
    set_database(database)
    yield database
    set_database(None)


@pytest.fixture
def settings() -> Settings:
    return Settings(environment="test", secret_key="test-secret-key")


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=db)) as c:
        yield c


@pytest.fixture(params=ENGINES)
def scratch(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    """A database of the test's own, for what the rolled-back ``db`` cannot show: committed
    data and real concurrent transactions (two workers, two requests racing)."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'scratch.db'}")
        initialise(database)
        yield database
        database.dispose()
        return
    assert PG_URL is not None
    name = f"jy_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        initialise(database)
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
