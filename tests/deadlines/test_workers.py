"""Several workers at once never act on the same case twice.

This needs committed data and real concurrent transactions, so it builds its own scratch
database (a file on SQLite, a new database on PostgreSQL) instead of the rolled-back one."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from jieyou.cases.intake import submit_case
from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.schemas import CaseCreate
from jieyou.deadlines.jobs import run_deadlines
from tests.factories import case_body

SH = ZoneInfo("Asia/Shanghai")
CASES = 60


def test_two_workers_never_escalate_the_same_case_twice(scratch):
    submitted = datetime(2026, 11, 2, 9, 0, tzinfo=SH)
    with scratch.unit_of_work() as s:
        for _ in range(CASES):
            submit_case(s, data=CaseCreate.model_validate(case_body()), actor=None, now=submitted)

    # Both past acceptance: each case is due one overdue mark per deadline and one 督办.
    now = datetime(2026, 11, 4, 9, 0, tzinfo=SH)
    start = threading.Barrier(2)
    reports = []
    failures: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            reports.append(run_deadlines(scratch, now=now, batch_size=7))
        except BaseException as exc:  # surfaced below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    assert sum(r.supervised for r in reports) == CASES

    with scratch.unit_of_work(write=False) as s:
        rows = s.execute(
            select(CaseEvent.case_id, CaseEvent.action, func.count())
            .where(CaseEvent.action.in_(["supervise", "overdue"]))
            .group_by(CaseEvent.case_id, CaseEvent.action)
        ).all()
        levels = Counter(s.scalars(select(Case.supervision_level)))
    per_action = Counter(action for _, action, _ in rows)
    assert per_action == {"supervise": CASES, "overdue": CASES}
    # Two overdue marks per case (acceptance and first contact), one 督办: never more.
    counts = {(case_id, action): n for case_id, action, n in rows}
    assert all(n == (2 if action == "overdue" else 1) for (_, action), n in counts.items())
    assert levels == {1: CASES}
