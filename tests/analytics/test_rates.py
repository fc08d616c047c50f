"""Every figure's numerator and denominator on hand-made cases, through the real paths: the
API for submissions and actions, the resident's rating, the worker's tick for overdue marks,
督办 and the callback. Nine cases in October and November 2026 (11-02 is a Monday)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient

from jieyou.accounts.models import Role
from jieyou.db import Database
from jieyou.worker import tick
from tests.factories import CITY, WUSHAN, Staff, act, make_staff, submit

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


class Story:
    """Cases told in time order; each step runs at its own moment."""

    def __init__(self, client: TestClient, db: Database, admin: Staff) -> None:
        self.client, self.db, self.admin = client, db, admin
        self.codes: dict[str, str] = {}

    def submit(self, moment: datetime, **body: object) -> str:
        # A phone of its own: intake limits submissions per phone and day.
        body.setdefault("submitter", {"name": "李秀英", "phone": f"139{len(self.codes):08d}"})
        with time_machine.travel(moment, tick=False):
            created = submit(self.client, **body)
        self.codes[created["number"]] = created["query_code"]
        return str(created["number"])

    def act(self, moment: datetime, number: str, *actions: str, **body: object) -> None:
        defaults: dict[str, dict[str, object]] = {
            "assign": {"unit_code": f"C{WUSHAN}"},
            "resolve": {"outcome": "已调解", "reply": "已调解处理"},
            "reject": {"reason": "不属于受理范围"},
            "escalate": {"reason": "需上级协调"},
        }
        with time_machine.travel(moment, tick=False):
            for action in actions:
                r = act(
                    self.client, self.admin, number, action, **(body or defaults.get(action, {}))
                )
                assert r.status_code == 200, (action, r.text)

    def rate(self, moment: datetime, number: str, rating: str) -> None:
        with time_machine.travel(moment, tick=False):
            r = self.client.post(
                f"/api/v1/track/{number}/rating",
                json={"code": self.codes[number], "rating": rating, "comment": "评价"},
            )
        assert r.status_code == 200, r.text

    def tick(self, moment: datetime) -> None:
        tick(self.db, now=moment, deliver=False)


@pytest.fixture
def admin(db: Database) -> Staff:
    return make_staff(db, "root", Role.admin, CITY)


@pytest.fixture
def story(client: TestClient, db: Database, admin: Staff) -> Story:
    s = Story(client, db, admin)
    # I: October, accepted on time, resolved in November after 102 hours, rated satisfied.
    i = s.submit(at(10, 29, 9))
    s.act(at(10, 29, 10), i, "accept", "assign", "start")
    s.act(at(11, 2, 15), i, "resolve")
    # A: accepted within the hour, resolved after 25 hours, rated satisfied.
    a = s.submit(at(11, 2, 9))
    s.act(at(11, 2, 10), a, "accept", "assign", "start")
    # C: nobody accepts it in 24 hours: the worker marks it overdue and the township supervises.
    c = s.submit(at(11, 2, 9))
    s.rate(at(11, 3, 9, 30), i, "satisfied")
    s.act(at(11, 3, 10), a, "resolve")
    s.tick(at(11, 3, 10, 30))
    s.act(at(11, 3, 11), c, "accept", "assign", "start")
    # B: accepted an hour after its deadline, before any worker run noticed.
    b = s.submit(at(11, 3, 12))
    # D: rejected with a reason; E: closed into F as a duplicate; F: stays open.
    d = s.submit(at(11, 3, 14))
    e = s.submit(at(11, 3, 14))
    f = s.submit(at(11, 3, 14))
    s.act(at(11, 3, 14, 30), d, "reject")
    s.act(at(11, 3, 15), f, "accept")
    s.act(at(11, 3, 15), e, "merge", into=f)
    # H: escalated twice (to the county), resolved, closed by staff without a rating.
    h = s.submit(at(11, 3, 14))
    s.act(at(11, 3, 15), h, "accept", "escalate")
    s.act(at(11, 3, 15), h, "escalate", "assign", "start")
    s.rate(at(11, 4, 8), a, "satisfied")
    s.act(at(11, 4, 9), c, "resolve")
    s.act(at(11, 4, 13), b, "accept", "assign", "start")
    s.act(at(11, 4, 14), h, "resolve")
    s.act(at(11, 4, 14, 30), h, "confirm")
    # G: a 物业纠纷 (township tier) after triage; nobody rates it: closed as 未评价.
    g = s.submit(at(11, 5, 9))
    s.act(at(11, 5, 9, 10), g, "categorize", category_code="0101")
    s.act(at(11, 5, 9, 20), g, "accept", "assign", "start")
    # C is rated 不满意 (reopened), resolved again, then closed by staff over that rating.
    s.act(at(11, 5, 12), b, "resolve")
    s.rate(at(11, 5, 13), b, "basically_satisfied")
    s.rate(at(11, 5, 14), c, "unsatisfied")
    s.act(at(11, 6, 9), c, "resolve")
    s.act(at(11, 6, 10), g, "resolve")
    s.act(at(11, 7, 10), c, "confirm")
    s.tick(at(11, 9, 10))  # G is invited to rate
    s.tick(at(11, 16, 11))  # G closes unrated; F is overdue and supervised
    return s


def stats(client: TestClient, staff: Staff, what: str, **params: str) -> dict:
    r = client.get(f"/api/v1/stats/{what}", params=params, headers=staff.headers)
    assert r.status_code == 200, r.text
    return r.json()


def pair(rate: dict) -> tuple[int, int]:
    return rate["numerator"], rate["denominator"]


def test_every_rate_has_the_numerator_and_denominator_of_its_definition(story, client, admin):
    k = stats(client, admin, "summary", **NOVEMBER)["kpis"]
    # Received: every November submission, the merged duplicate included; I was October's.
    assert k["received"] == 8
    assert k["accepted"] == 6  # A C F H B G
    # 响应率: answered within the acceptance deadline ÷ due to be answered. D (rejected) and
    # E (merged) answered in time; B was late though no worker run saw it; C was marked late.
    assert pair(k["response_rate"]) == (6, 8)
    # 办结 in November: I A H B G C. On time: not B (accepted late), not C (overdue mark).
    assert k["resolved"] == 6
    assert pair(k["on_time_rate"]) == (4, 6)
    # 矛盾不上交: H went to the county; C stayed under the township's 督办.
    assert pair(k["grassroots_rate"]) == (5, 6)
    # 解决率: closed after resolution and not left 不满意, ÷ those plus the rejected D.
    # C was closed over the resident's 不满意; E (merged) is in neither.
    assert pair(k["resolution_rate"]) == (5, 7)
    assert k["rejected"] == 1 and k["merged"] == 1
    # 满意率: I A B ÷ I A B C; G (callback period ran out) and H (staff) are 未评价, apart.
    assert pair(k["satisfaction_rate"]) == (3, 4)
    assert k["unrated"] == 2
    assert k["satisfaction_rate"]["value"] == 0.75
    # Handling hours 24 25 25 48 96 102: three in [24, 36) → interpolated median 36.
    assert k["median_handling_hours"] == 36.0
    assert k["median_at_least"] is False
    # No mediation in this story: the rate is there, with nothing counted.
    assert pair(k["mediation_success_rate"]) == (0, 0)
    assert k["mediation_success_rate"]["value"] is None


def test_open_cases_and_categories(story, client, admin):
    summary = stats(client, admin, "summary", **NOVEMBER)
    assert summary["open"] == {"open": 1, "high_risk": 0, "overdue": 1}  # F, overdue since 11-13
    by_code = {c["code"]: c for c in summary["categories"]}
    assert by_code["08"]["received"] == 7 and by_code["01"]["received"] == 1
    assert summary["hotspots"][0]["region"]["name"] == "华塘镇"
    assert summary["hotspots"][0]["category_name"] == "政法"


def test_a_period_counts_what_happened_in_it(story, client, admin):
    k = stats(client, admin, "summary", **{"from": "2026-10-01", "to": "2026-10-31"})["kpis"]
    assert (k["received"], k["accepted"], k["resolved"]) == (1, 1, 0)
    assert pair(k["response_rate"]) == (1, 1)
    # A period across months adds the October rows to November's (months and days mixed).
    k = stats(client, admin, "summary", **{"from": "2026-10-29", "to": "2026-11-30"})["kpis"]
    assert (k["received"], k["resolved"]) == (9, 6)


def test_trend_counts_each_day_and_week(story, client, admin):
    days = stats(client, admin, "trend", **NOVEMBER)["points"]
    assert len(days) == 30
    by_day = {p["day"]: p for p in days}
    assert by_day["2026-11-03"]["received"] == 5  # B D E F H
    assert by_day["2026-11-06"]["resolved"] == 2  # C G
    weeks = stats(client, admin, "trend", grain="week", **NOVEMBER)["points"]
    assert weeks[0]["day"] == "2026-10-26" and weeks[0]["received"] == 0  # only 11-01 inside
    assert weeks[1]["day"] == "2026-11-02" and weeks[1]["received"] == 8
    months = stats(
        client, admin, "trend", grain="month", **{"from": "2026-10-15", "to": "2026-11-30"}
    )
    assert [(p["day"], p["received"]) for p in months["points"]] == [
        ("2026-10-01", 1),
        ("2026-11-01", 8),
    ]


def test_reopening_takes_a_resolution_back_until_it_is_resolved_again(client, db, admin):
    s = Story(client, db, admin)
    n = s.submit(at(11, 2, 9))
    s.act(at(11, 2, 10), n, "accept", "assign", "start")
    s.act(at(11, 3, 10), n, "resolve")
    assert stats(client, admin, "summary", **NOVEMBER)["kpis"]["resolved"] == 1
    s.rate(at(11, 4, 10), n, "unsatisfied")
    k = stats(client, admin, "summary", **NOVEMBER)["kpis"]
    assert k["resolved"] == 0 and k["median_handling_hours"] is None
    assert pair(k["resolution_rate"]) == (0, 0)  # reopened: not in a final state
    s.act(at(11, 5, 10), n, "resolve")
    s.rate(at(11, 5, 11), n, "satisfied")
    k = stats(client, admin, "summary", **NOVEMBER)["kpis"]
    assert k["resolved"] == 1 and pair(k["resolution_rate"]) == (1, 1)
    assert pair(k["satisfaction_rate"]) == (1, 1)  # the resident's last word


def test_a_corrected_category_moves_the_case_between_buckets(client, db, admin):
    s = Story(client, db, admin)
    n = s.submit(at(11, 2, 9))
    before = {
        c["code"]: c["received"] for c in stats(client, admin, "summary", **NOVEMBER)["categories"]
    }
    assert before == {"08": 1}
    s.act(at(11, 2, 10), n, "categorize", category_code="0201")
    after = {
        c["code"]: c["received"] for c in stats(client, admin, "summary", **NOVEMBER)["categories"]
    }
    assert after == {"02": 1}


def test_ranking_needs_a_minimum_number_of_cases(story, client, admin):
    by_unit = stats(client, admin, "ranking", by="unit", min_cases="3", **NOVEMBER)
    rows = {r["code"]: r for r in by_unit["rows"]}
    village = rows[f"C{WUSHAN}"]  # A B C D E F I: D rejected, E merged
    assert pair(village["resolution_rate"]) == (3, 5)  # I A B ÷ I A B C D
    assert village["rank"] == 1
    # The township centre (G) and the county centre (H) each solved their only case: a perfect
    # rate on one case does not put them above the village.
    assert rows["C431002101000"]["rank"] is None
    assert pair(rows["C431002101000"]["resolution_rate"]) == (1, 1)
    assert rows["C431002000000"]["rank"] is None
    assert by_unit["unranked"] == 2
    ranked = stats(client, admin, "ranking", by="unit", min_cases="1", **NOVEMBER)["rows"]
    # Equal rates on equal counts: by code.
    assert [r["code"] for r in ranked[:2]] == ["C431002000000", "C431002101000"]
    assert ranked[2]["rank"] == 3
    by_region = stats(client, admin, "ranking", sort="satisfaction", min_cases="1", **NOVEMBER)
    assert by_region["by"] == "region"
    assert by_region["rows"][0]["name"] == "北湖区" and by_region["rows"][0]["rank"] == 1
    assert pair(by_region["rows"][0]["satisfaction_rate"]) == (3, 4)
    assert len(by_region["rows"]) == 1  # the other ten counties have no cases
