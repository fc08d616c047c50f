"""Running Alembic from code (``jieyou init``, ``make migrate``, the test suite)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

_HERE = Path(__file__).resolve().parent


def script_location() -> Path:
    # A wheel carries the scripts inside the package; a checkout keeps them at the top.
    for candidate in (_HERE / "migrations", _HERE.parents[1] / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("Alembic migrations not found")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, *, connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(url, connection), "head")
