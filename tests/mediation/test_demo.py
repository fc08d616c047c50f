"""The demo roster and mediations: on 华塘镇's demo cases, every state, agreements with
follow-ups (one not honoured), huatang_mediator linked and able to read its mediations."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from jieyou.accounts.models import User
from jieyou.cases.models import Case
from jieyou.db import utcnow
from jieyou.demo.service import load_demo
from jieyou.mediation import views
from jieyou.mediation.demo import seed_mediation
from jieyou.mediation.models import Mediation, MediationFollowUp, Mediator
from jieyou.mediation.repository import success_counts


def test_the_demo_mediations(db):
    load_demo(db, cases=160, seed=11)
    now = utcnow()
    with db.unit_of_work() as s:
        counts = seed_mediation(s, rng=random.Random(5), now=now)
    assert counts["mediators"] == 15
    assert counts["open"] >= 2 and counts["agreed"] >= 5 and counts["failed"] >= 1
    with db.unit_of_work(write=False) as s:
        paths = set(
            s.scalars(select(Case.township_path).join(Mediation, Mediation.case_id == Case.id))
        )
        assert paths == {"431002101"}
        results = set(s.scalars(select(MediationFollowUp.result)))
        assert "not" in results and "fully" in results
        guidance = set(s.scalars(select(Mediation.guidance).where(Mediation.status == "failed")))
        assert guidance & {"litigation", "arbitration", "labour_arbitration"}
        luo = s.scalar(select(Mediator).where(Mediator.name == "罗建华"))
        user = s.scalar(select(User).where(User.username == "huatang_mediator"))
        assert luo is not None and user is not None and luo.user_id == user.id
        page = views.mediation_page(s, user, page_size=100, now=now)
        assert page.total == sum(counts[k] for k in ("open", "agreed", "failed", "withdrawn"))
        # The linked mediator reads in full the mediations naming him.
        first = s.scalar(select(Mediation).order_by(Mediation.id))
        case = s.get(Case, first.case_id)
        assert views.mediation_read(s, user, case, first, now=now).personal_data == "full"
        total, agreed = success_counts(
            s, path="431002101", since=now.replace(year=now.year - 1), until=now
        )
        assert total >= counts["agreed"] and agreed == counts["agreed"]
    # Running it again adds nothing.
    with db.unit_of_work() as s:
        again = seed_mediation(s, rng=random.Random(5), now=now)
        assert s.scalar(select(func.count()).select_from(Mediator)) == 15
        assert s.scalar(select(func.count()).select_from(Mediation)) == page.total
    assert again["open"] == again["agreed"] == again["sessions"] == 0
