"""Rules the database itself keeps, whatever code writes to it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from jieyou.accounts.models import Role
from jieyou.grid import repository
from jieyou.grid.models import ChiefAssignment
from tests.factories import WUSHAN, make_lane, make_staff
from tests.grid.helpers import appoint


def _term(lane: str, name: str, ended: date | None = None) -> ChiefAssignment:
    return ChiefAssignment(
        post="lane_chief",
        region_code=lane,
        region_path=lane,
        person_name=name,
        duties=["hygiene"],
        started_on=date(2026, 1, 1),
        ended_on=ended,
    )


def test_a_lane_has_at_most_one_current_chief_but_keeps_every_ended_term(db):
    lane = make_lane(db, WUSHAN)
    with db.unit_of_work() as s:
        s.add_all([_term(lane, "甲", date(2026, 2, 1)), _term(lane, "乙", date(2026, 3, 1))])
        s.add(_term(lane, "丙"))
    with pytest.raises(IntegrityError), db.unit_of_work() as s:
        s.add(_term(lane, "丁"))
        s.flush()


def test_two_people_appointing_at_once_is_a_conflict_not_a_500(client, db, monkeypatch):

    wushan = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    lane = make_lane(db, WUSHAN)
    assert (
        appoint(client, wushan, post="lane_chief", place=lane, person_name="甲").status_code == 201
    )
    # The other request read the lane before the first one committed: it saw no chief.
    monkeypatch.setattr(repository, "current_holders", lambda *a, **k: [])
    r = appoint(client, wushan, post="lane_chief", place=lane, person_name="乙")
    assert r.status_code == 409 and r.json()["error"]["code"] == "concurrent_change"
