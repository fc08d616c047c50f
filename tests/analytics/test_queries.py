"""The stats endpoints and the dashboard read a bounded number of queries, however many cases
there are (STYLE: "the dashboard has a test that bounds its query count")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from jieyou.accounts.models import Role
from jieyou.db import Database
from tests.factories import CITY, Staff, make_staff, submit
from tests.web.helpers import login, make_user

PLACES = ["431002101201", "431002101202", "431021102003", "431021102004", "431081100201"]
CATEGORIES = ["0802", "0101", "0201", "0301", "0403"]
# Each bound: the token or session, the region, then the endpoint's own reads.
BOUNDS = {
    "/api/v1/stats/summary": 12,
    "/api/v1/stats/map": 12,
    "/api/v1/stats/trend?grain=week": 8,
    "/api/v1/stats/trend?grain=month&from=2026-01-15&to=2026-11-30": 10,
    "/api/v1/stats/ranking": 10,
    "/api/v1/stats/ranking?by=unit": 10,
}


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def cases(client: TestClient, n: int, offset: int) -> None:
    for i in range(n):
        submit(
            client,
            region_code=PLACES[(i + offset) % len(PLACES)],
            category_code=CATEGORIES[(i + offset) % len(CATEGORIES)],
            submitter={"name": "张三", "phone": f"1390000{offset + i:04d}"},
        )


def reads(client: TestClient, db: Database, staff: Staff, path: str) -> int:
    with counting(db) as statements:
        r = client.get(path, headers=staff.headers)
    assert r.status_code == 200, r.text
    return len(statements)


def test_stats_endpoints_read_a_bounded_number_of_queries(client: TestClient, db: Database):
    city = make_staff(db, "city", Role.city, CITY, f"C{CITY}")
    cases(client, 2, 0)
    few = {path: reads(client, db, city, path) for path in BOUNDS}
    cases(client, 12, 2)
    many = {path: reads(client, db, city, path) for path in BOUNDS}
    assert many == few
    for path, bound in BOUNDS.items():
        assert many[path] <= bound, (path, many[path])


def test_the_dashboard_reads_a_bounded_number_of_queries(client: TestClient, db: Database):
    make_user(db, "city_web", Role.city, CITY, f"C{CITY}")
    login(client, "city_web")
    cases(client, 2, 0)

    def page_and_data() -> tuple[int, int]:
        with counting(db) as page:
            assert client.get("/dashboard").status_code == 200
        with counting(db) as data:
            assert client.get("/dashboard/data?region=431002000000").status_code == 200
        return len(page), len(data)

    few = page_and_data()
    cases(client, 12, 2)
    many = page_and_data()
    assert many == few
    assert many[0] <= 30 and many[1] <= 40, many
