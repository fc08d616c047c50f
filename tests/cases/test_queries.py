"""Bounded query counts for the list and detail endpoints, and no stack traces on a 500."""

from __future__ import annotations

from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event

from jieyou.accounts.models import Role
from jieyou.app import create_app
from tests.factories import CITY, HUATANG, make_staff, submit


@contextmanager
def count_queries(connection):
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", before)


def test_case_list_costs_the_same_few_queries_for_5_or_40_cases(client, db, connection):
    town = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    for _ in range(5):
        submit(client)
    with count_queries(connection) as few:
        assert len(client.get("/api/v1/cases", headers=town.headers).json()["items"]) == 5
    for _ in range(35):
        submit(client)
    with count_queries(connection) as many:
        r = client.get("/api/v1/cases?page_size=40", headers=town.headers)
        assert len(r.json()["items"]) == 40
    assert len(many) == len(few) <= 5


def test_case_detail_query_count_is_bounded(client, db, connection):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client)["number"]
    with count_queries(connection) as statements:
        assert client.get(f"/api/v1/cases/{number}", headers=admin.headers).status_code == 200
    assert len(statements) <= 10


def test_unexpected_errors_are_a_json_500_without_internals(db, settings, monkeypatch):
    import jieyou.cases.views as views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(views, "track", boom)
    with TestClient(create_app(settings, database=db), raise_server_exceptions=False) as c:
        r = c.get("/api/v1/track/JY20261127000001", params={"code": "ABCDEF"})
    assert r.status_code == 500
    assert r.json() == {
        "error": {"code": "internal_error", "message": "服务器内部错误，请稍后再试"}
    }
    assert "hunter2" not in r.text
