"""Pieces with no database: periods split into days and months, the histogram median, the
facts of a case in each state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from jieyou.analytics.facts import contributions, facts_of, handling_bucket
from jieyou.analytics.models import HANDLING_COLUMNS
from jieyou.analytics.repository import Period, split_period
from jieyou.analytics.service import median_hours, month_period


@pytest.mark.parametrize(
    ("start", "end", "days", "months"),
    [
        # Inside one month: days only.
        ("2026-11-03", "2026-11-20", [("2026-11-03", "2026-11-20")], None),
        # A whole month: the monthly row only.
        ("2026-11-01", "2026-11-30", [], ("2026-11-01", "2026-12-01")),
        # Whole months with days on both sides.
        (
            "2026-01-15",
            "2026-11-27",
            [("2026-01-15", "2026-01-31"), ("2026-11-01", "2026-11-27")],
            ("2026-02-01", "2026-11-01"),
        ),
        # Across New Year, ending on a month's last day.
        ("2025-12-31", "2026-02-28", [("2025-12-31", "2025-12-31")], ("2026-01-01", "2026-03-01")),
        # Two partial months, no whole one.
        ("2026-10-15", "2026-11-10", [("2026-10-15", "2026-11-10")], None),
    ],
)
def test_a_period_is_whole_months_and_days_either_side(start, end, days, months):
    d = date.fromisoformat
    parts = split_period(Period(d(start), d(end)))
    assert parts.days == [(d(a), d(b)) for a, b in days]
    assert parts.months == (None if months is None else (d(months[0]), d(months[1])))
    assert parts.weeks == []


def test_the_ends_of_a_period_use_whole_weeks_where_they_can():
    d = date.fromisoformat
    # 2026-01-15 is a Thursday; 2026-11-27 a Friday.
    parts = split_period(Period(d("2026-01-15"), d("2026-11-27")), weeks=True)
    assert parts.months == (d("2026-02-01"), d("2026-11-01"))
    # Mondays of whole weeks: 01-19 (01-26 runs into February), 11-02 to 11-16.
    assert parts.weeks == [(d("2026-01-19"), d("2026-01-19")), (d("2026-11-02"), d("2026-11-16"))]
    assert parts.days == [
        (d("2026-01-15"), d("2026-01-18")),
        (d("2026-01-26"), d("2026-01-31")),
        (d("2026-11-01"), d("2026-11-01")),
        (d("2026-11-23"), d("2026-11-27")),
    ]
    # Every day of the period is read exactly once.
    covered = []
    for a, b in parts.days:
        covered += [a + timedelta(days=i) for i in range((b - a).days + 1)]
    for a, b in parts.weeks:
        covered += [a + timedelta(days=i) for i in range((b - a).days + 7)]  # to b's Sunday
    first, after = parts.months
    covered += [first + timedelta(days=i) for i in range((after - first).days)]
    assert sorted(covered) == [d("2026-01-15") + timedelta(days=i) for i in range(317)]
    assert len(set(covered)) == len(covered)


def test_month_period_covers_the_whole_month():
    assert month_period("2026-02") == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert month_period("2026-12") == Period(date(2026, 12, 1), date(2026, 12, 31))


def hist(**buckets: int) -> dict[str, int]:
    return {name: buckets.get(name, 0) for name in HANDLING_COLUMNS}


def test_median_is_interpolated_inside_its_bucket():
    assert median_hours(hist()) == (None, False)
    # 4 cases in [24, 36): the median (2nd of 4) sits halfway: 24 + 2/4 × 12.
    assert median_hours(hist(h05=4)) == (30.0, False)
    # 1 in [0, 2), 3 in [48, 72): half = 2 → 48 + (2 − 1)/3 × 24.
    assert median_hours(hist(h00=1, h07=3)) == (56.0, False)
    # In the open-ended last bucket: its lower bound, marked "at least".
    assert median_hours(hist(h16=3)) == (1440.0, True)


def test_handling_buckets():
    assert [handling_bucket(h) for h in (0, 1.9, 2, 24, 35.9, 168, 5000)] == [0, 0, 1, 5, 5, 11, 16]


T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Chenzhou


def case(**fields: object) -> SimpleNamespace:
    base: dict[str, object] = {
        "status": "submitted",
        "township_path": "431002101",
        "category_code": "0802",
        "owner_unit_id": 7,
        "risk_level": "normal",
        "tier": "village",
        "supervision_level": 0,
        "rating": None,
        "created_at": T0,
        "accepted_at": None,
        "resolved_at": None,
        "closed_at": None,
        "overdue_at": None,
        "accept_by": T0 + timedelta(hours=24),
        "resolve_by": T0 + timedelta(days=9),
    }
    base.update(fields)
    return SimpleNamespace(**base)


def measures(c: SimpleNamespace) -> set[str]:
    return {m for _, m in contributions(facts_of(c))}


def test_a_new_case_is_received_and_open():
    facts = facts_of(case())
    assert facts.is_open and facts.created_day == date(2026, 11, 2)
    assert measures(case()) == {"received"}


def test_days_are_local_days():
    late = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # 01:00 on 11-03 in Chenzhou
    assert facts_of(case(created_at=late)).created_day == date(2026, 11, 3)


def test_closed_without_being_solved_never_counts_as_solved():
    rejected = case(status="rejected", closed_at=T0 + timedelta(hours=2))
    assert measures(rejected) == {
        "received",
        "responded",
        "responded_on_time",
        "concluded",
        "rejected",
    }
    merged = case(status="closed", closed_at=T0 + timedelta(hours=2))
    assert measures(merged) == {"received", "responded", "responded_on_time", "merged"}
    over_objection = case(
        status="closed",
        accepted_at=T0 + timedelta(hours=1),
        resolved_at=T0 + timedelta(days=2),
        closed_at=T0 + timedelta(days=3),
        rating="unsatisfied",
    )
    found = measures(over_objection)
    assert "concluded" in found and "rated" in found
    assert "solved" not in found and "satisfied" not in found


def test_unrated_is_counted_apart_from_satisfaction():
    unrated = case(
        status="closed",
        accepted_at=T0 + timedelta(hours=1),
        resolved_at=T0 + timedelta(days=2),
        closed_at=T0 + timedelta(days=10),
        rating="unrated",
    )
    found = measures(unrated)
    assert {"solved", "unrated"} <= found
    assert "rated" not in found


def test_supervision_above_the_township_is_not_grassroots():
    resolved = {
        "status": "resolved",
        "accepted_at": T0 + timedelta(hours=1),
        "resolved_at": T0 + timedelta(days=2),
    }
    assert facts_of(case(**resolved, supervision_level=1)).resolved_grassroots
    assert not facts_of(case(**resolved, supervision_level=2)).resolved_grassroots
    assert not facts_of(case(**resolved, tier="county")).resolved_grassroots
