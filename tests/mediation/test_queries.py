"""The mediation list and the roster cost the same few queries however long they are."""

from __future__ import annotations

from tests.cases.test_queries import count_queries
from tests.mediation.helpers import accepted_case, add_mediator, start


def _mediate(client, w, n: int) -> None:
    for _ in range(n):
        number = accepted_case(client, w.admin)
        assert start(client, w.village, number, [w.mediator_id]).status_code == 201


def test_the_list_costs_the_same_for_3_or_15_mediations(client, world, connection):
    w = world
    _mediate(client, w, 3)
    with count_queries(connection) as few:
        assert (
            len(client.get("/api/v1/mediations", headers=w.township.headers).json()["items"]) == 3
        )
    _mediate(client, w, 12)
    with count_queries(connection) as many:
        assert (
            len(client.get("/api/v1/mediations", headers=w.township.headers).json()["items"]) == 15
        )
    assert len(many) == len(few) <= 10


def test_the_roster_costs_the_same_for_1_or_10_mediators(client, world, connection):
    w = world
    with count_queries(connection) as few:
        assert len(client.get("/api/v1/mediators", headers=w.township.headers).json()) == 1
    for i in range(9):
        add_mediator(client, w.village, name=f"调解员{i}")
    with count_queries(connection) as many:
        assert len(client.get("/api/v1/mediators", headers=w.township.headers).json()) == 10
    assert len(many) == len(few) <= 10
