"""The migrations build exactly the schema the models describe (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jieyou.models import Base


def test_migrated_schema_matches_the_models(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrading_a_database_that_holds_cases_keeps_them(tmp_path):
    """SQLite alters tables by copying them; with events pointing at cases that must still
    work, and keep every row."""
    from sqlalchemy import text

    from jieyou.db import make_engine
    from jieyou.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.connect() as conn:
        upgrade(connection=conn, revision="0001")
    regions = (
        "INSERT INTO regions (code, path, name, level) "
        "VALUES ('431000000000', '4310', '郴州市', 'city')"
    )
    units = (
        "INSERT INTO units (id, code, name, kind, region_code, region_path, is_active) "
        "VALUES (1, 'C431000000000', '市中心', 'centre', '431000000000', '4310', 1)"
    )
    cases = (
        "INSERT INTO cases (id, number, query_code, kind, channel, status, title, description,"
        " region_code, region_path, risk_level, submitter_phone, tier, owner_unit_id,"
        " created_at, updated_at, event_count, last_event_hash) VALUES (1, 'JY1', 'ABCDEF',"
        " 'grievance', 'web', 'submitted', 't', 'd', '431000000000', '4310', 'low',"
        " '13900000000', 'city', 1, '2026-01-01', '2026-01-01', 1, 'h')"
    )
    events = (
        "INSERT INTO case_events (case_id, seq, action, to_status, actor_kind, actor_name, at,"
        " data, is_public, prev_hash, hash) VALUES (1, 1, 'submit', 'submitted', 'resident',"
        " 'resident', '2026-01-01', '{}', 1, 'p', 'h')"
    )
    with engine.begin() as conn:
        for sql in (regions, units, cases, events):
            conn.execute(text(sql))
    with engine.connect() as conn:
        upgrade(connection=conn)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT risk_level, needs_triage FROM cases WHERE id = 1")).one()
        n_events = conn.execute(text("SELECT count(*) FROM case_events")).scalar()
        fk = conn.execute(text("PRAGMA foreign_keys")).scalar()
    engine.dispose()
    assert tuple(row) == ("normal", 0)
    assert n_events == 1
    assert fk == 1  # switched back on for the pooled connection
