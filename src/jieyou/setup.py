"""Bringing a database up to date: schema by migrations, then the reference data."""

from __future__ import annotations

from dataclasses import dataclass

from jieyou import migrate
from jieyou.db import Database
from jieyou.deadlines.service import load_rules
from jieyou.regions.service import load_divisions
from jieyou.routing.service import load_categories, load_units


@dataclass(frozen=True)
class InitReport:
    regions: int
    units: int
    categories: int


def load_reference_data(database: Database) -> InitReport:
    with database.unit_of_work() as session:
        regions = load_divisions(session)
        session.flush()
        units = load_units(session)
        categories = load_categories(session)
        session.flush()
        load_rules(session)
    return InitReport(regions=regions, units=units, categories=categories)


def initialise(database: Database) -> InitReport:
    """Create or upgrade the schema, then add whatever reference data is missing."""
    with database.engine.connect() as conn:
        migrate.upgrade(connection=conn)
        conn.commit()
    return load_reference_data(database)
