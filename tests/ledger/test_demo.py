"""The demo ledger goes through the real services and leaves every state and a valid chain."""

from __future__ import annotations

from sqlalchemy import func, select

from jieyou.accounts.models import Role, User
from jieyou.cases.models import Case
from jieyou.cases.service import verify_all_chains
from jieyou.ledger.demo import load_ledger_demo
from jieyou.ledger.repository import batch_summaries
from tests.ledger.helpers import at


def test_demo_batches_span_the_counties_in_every_state(db, tmp_path):
    report = load_ledger_demo(db, seed=7, items=60, now=at(2026, 11, 27, 9, 0), upload_dir=tmp_path)
    assert len(report.batches) == 2 and report.items == 60 + 10
    with db.unit_of_work(write=False) as s:
        viewer = User(id=-1, username="v", role=Role.admin.value, region_path="4310")
        summaries = {b.id: b for b in batch_summaries(s, viewer, now=at(2026, 11, 27, 9, 0))}
        counties = s.scalar(
            select(func.count(func.distinct(func.substr(Case.region_path, 1, 6)))).where(
                Case.kind == "rectification"
            )
        )
        statuses = set(s.scalars(select(Case.status).where(Case.kind == "rectification")))
        checked, breaks = verify_all_chains(s)
    city = summaries[report.batches[0]].figures
    assert city.total == 60 and 0 < city.rectified < city.total
    assert city.overdue > 0 and city.awaiting > 0
    assert counties == 11
    assert statuses == {"assigned", "in_progress", "resolved", "closed"}
    assert breaks == [] and checked >= 70
    # Loading again adds nothing.
    again = load_ledger_demo(db, seed=7, items=60, now=at(2026, 11, 27, 9, 0), upload_dir=tmp_path)
    assert again.batches == []
