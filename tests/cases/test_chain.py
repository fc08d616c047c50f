"""The event history is append-only and hash-chained; `jieyou audit verify` finds tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.cli import app as cli
from tests.factories import CITY, act, make_staff, submit


def _case_with_history(client, db) -> str:
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client)["number"]
    act(client, admin, number, "accept")
    act(client, admin, number, "comment", note="已电话联系")
    act(client, admin, number, "assign", unit_code="C431002101201")
    return number


def _tamper(connection, sql: str, **params) -> None:
    """Change case_events behind the application's back, as a rogue DBA could: the
    append-only trigger has to be dropped first (inside the test's transaction)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only"))
    else:
        connection.execute(text("DROP TRIGGER case_events_no_update"))
        connection.execute(text("DROP TRIGGER case_events_no_delete"))
    connection.execute(text(sql), params)


def _verify():
    return CliRunner().invoke(cli, ["audit", "verify"])


def test_intact_history_verifies(client, db):
    _case_with_history(client, db)
    result = _verify()
    assert result.exit_code == 0, result.output
    assert "every event chain intact" in result.output


def test_the_database_refuses_to_update_or_delete_events(client, db, connection):
    _case_with_history(client, db)
    for sql in ("UPDATE case_events SET note = 'x'", "DELETE FROM case_events"):
        with pytest.raises(DBAPIError, match="append-only"), connection.begin_nested():
            connection.execute(text(sql))


def test_an_edited_event_is_named(client, db, connection):
    number = _case_with_history(client, db)
    _tamper(
        connection,
        "UPDATE case_events SET note = '无需处理' WHERE seq = 3 AND case_id = "
        "(SELECT id FROM cases WHERE number = :n)",
        n=number,
    )
    result = _verify()
    assert result.exit_code == 1
    assert f"case {number} event #3" in result.output
    assert "content does not match its hash" in result.output


def test_a_deleted_event_in_the_middle_is_named(client, db, connection):
    number = _case_with_history(client, db)
    _tamper(
        connection,
        "DELETE FROM case_events WHERE seq = 2 AND case_id = "
        "(SELECT id FROM cases WHERE number = :n)",
        n=number,
    )
    result = _verify()
    assert result.exit_code == 1
    assert f"case {number} event #3" in result.output
    assert "expected event #2" in result.output


def test_a_deleted_last_event_is_caught_by_the_case_head(client, db, connection):
    number = _case_with_history(client, db)
    _tamper(
        connection,
        "DELETE FROM case_events WHERE seq = 4 AND case_id = "
        "(SELECT id FROM cases WHERE number = :n)",
        n=number,
    )
    result = _verify()
    assert result.exit_code == 1
    assert f"case {number}" in result.output
    assert "case head" in result.output


def test_a_status_changed_without_an_event_is_caught(client, db, connection):
    number = _case_with_history(client, db)
    connection.execute(text("UPDATE cases SET status = 'closed' WHERE number = :n"), {"n": number})
    result = _verify()
    assert result.exit_code == 1
    assert "case status differs from its history" in result.output
