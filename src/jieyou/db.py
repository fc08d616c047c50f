"""Engines, sessions and the unit of work.

One :class:`Database` per process wraps an engine and a session factory. Each boundary (HTTP
request, CLI command, job) opens exactly one unit of work with :meth:`Database.unit_of_work`,
which commits on success and rolls back on error. Services only ``flush``.

SQLite hazard: in WAL mode a deferred transaction that has read and then tries to write fails
with SQLITE_BUSY when another writer committed in between (the busy handler cannot help). Write
units of work therefore open with ``BEGIN IMMEDIATE``, read units with a plain ``BEGIN``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_OPTION = "jieyou_write"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on both engines (SQLite stores naive text, so we re-attach UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    if is_sqlite(url):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if memory else None,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


LATER = "jieyou_write_later"


def record_later(session: Session, row: Base) -> None:
    """Add ``row`` now in a write unit; after the read, in a read-only one."""
    if session.info.get(WRITE_OPTION, True):
        session.add(row)
    else:
        session.info.setdefault(LATER, []).append(row)


class Database:
    """An engine plus session factories for reading and for writing."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, pool_size=pool_size)
        self.dialect = self.engine.dialect.name
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # SQLite has one writer at a time. Threads of this process queue here, in order, instead
        # of sleep-polling in SQLite's busy handler (which wrecks throughput and tail latency);
        # other processes still meet busy_timeout.
        self._write_lock: threading.Lock | None = threading.Lock() if is_sqlite(url) else None

    @classmethod
    def bound_to(cls, connection: Connection) -> Database:
        """A Database whose sessions run inside ``connection``'s open transaction, each unit of
        work as a savepoint. The test suite uses it to roll every test back."""
        self = cls.__new__(cls)
        self.url = str(connection.engine.url)
        self.engine = connection.engine
        self.dialect = connection.dialect.name
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        self._read = self._write = factory
        self._write_lock = None
        return self

    def session(self, *, write: bool = False) -> Session:
        session = (self._write if write else self._read)()
        session.info[WRITE_OPTION] = write
        return session

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """Commit on success, roll back on any error; the boundary owns this.

        A read-only unit may still have to leave a record (the access log of a case read in
        full): :func:`record_later` keeps such rows, and they are written in a short write
        unit once the read has succeeded."""
        lock = self._write_lock if write else None
        if lock is not None:
            lock.acquire()
        session = self.session(write=write)
        later: list[Base] = []
        try:
            yield session
            if write:
                session.commit()
            else:
                later = session.info.get(LATER, [])
            # A read-only unit just closes: objects stay readable (close() does not expire).
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            if lock is not None:
                lock.release()
        if later:
            with self.unit_of_work(write=True) as writer:
                writer.add_all(later)

    def dispose(self) -> None:
        self.engine.dispose()


_database: Database | None = None


def get_database() -> Database:
    """The process-wide database, built from settings on first use."""
    global _database
    if _database is None:
        from jieyou.config import get_settings

        settings = get_settings()
        _database = Database(
            settings.database.url,
            echo=settings.database.echo,
            pool_size=settings.database.pool_size,
        )
    return _database


def set_database(database: Database | None) -> None:
    """Install a database for this process (the CLI's --database option and tests)."""
    global _database
    _database = database
