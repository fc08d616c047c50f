"""Alembic environment. The URL comes from the caller (jieyou.migrate) or from settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from jieyou.db import make_engine
from jieyou.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from jieyou.config import get_settings

    return get_settings().database.url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from jieyou.migrate import foreign_keys_off

    engine = make_engine(_url())
    with engine.connect() as conn, foreign_keys_off(conn):
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
