"""`jieyou demo`: staff for every role, cases in every state, through the real services."""

from __future__ import annotations

from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.cli import app as cli
from jieyou.demo.service import load_demo


def test_demo_gives_every_role_a_login_and_cases_in_many_states(db, client):
    report = load_demo(db, cases=60, seed=11)
    assert {login.role for login in report.logins} == {r.value for r in Role}
    counties = {login.region_name for login in report.logins if login.role == "county"}
    assert len(counties) >= 2
    states = dict(part.split(" ") for part in report.states.split(", "))
    assert sum(int(n) for n in states.values()) == 60
    assert len(states) >= 5

    tokens = {login.username: login.token for login in report.logins}
    for username in ("admin", "huatang", "wushan"):
        r = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {tokens[username]}"})
        assert r.status_code == 200
        assert r.json()["total"] > 0, username

    verify = CliRunner().invoke(cli, ["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "60 cases" in verify.output


def test_demo_if_empty_leaves_existing_data_alone(db):
    load_demo(db, cases=5, seed=1)
    again = load_demo(db, cases=5, seed=1, if_empty=True)
    assert again.cases == 0 and again.logins == []


def test_demo_history_never_lies_in_the_future(db):
    from sqlalchemy import func, select

    from jieyou.cases.models import CaseEvent
    from jieyou.db import utcnow

    load_demo(db, cases=40, seed=5)
    with db.unit_of_work(write=False) as s:
        latest = s.scalar(select(func.max(CaseEvent.at)))
    assert latest is not None and latest <= utcnow()
