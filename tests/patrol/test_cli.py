"""``jieyou patrol campaigns`` and ``jieyou patrol figures`` print Rich tables."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from jieyou.cli import app as cli
from jieyou.db import utcnow
from jieyou.patrol.service import local_today
from tests.patrol.conftest import W1, W1L1
from tests.patrol.helpers import dispute, patrol

runner = CliRunner()


def test_campaigns_lists_completion(client, area):
    due = str(local_today(utcnow()) + timedelta(days=5))
    cid = client.post(
        "/api/v1/campaigns",
        json={"title": "春节前矛盾纠纷专项排查", "due_on": due},
        headers=area["huatang"].headers,
    ).json()["id"]
    body = {"grid_code": W1, "households_covered": 21, "disputes_found": 1}
    client.post(f"/api/v1/campaigns/{cid}/reports", json=body, headers=area["gridw"].headers)
    r = runner.invoke(cli, ["patrol", "campaigns"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "春节前矛盾纠纷专项排查" in r.output and "1/3" in r.output and "进行中" in r.output
    other = runner.invoke(cli, ["patrol", "campaigns", "--region", "431002102000"])
    assert "no campaigns" in other.output


def test_figures_by_village_and_person(client, area):
    patrol(client, area["chief"], W1L1, households_visited=9)
    dispute(client, area["chief"], W1L1, settle=True)
    r = runner.invoke(
        cli, ["patrol", "figures", "--region", "431002101000"], env={"COLUMNS": "220"}
    )
    assert r.exit_code == 0, r.output
    assert "吴山村" in r.output and "何大姐" in r.output and "合计" in r.output
    row = next(line for line in r.output.splitlines() if "何大姐" in line)
    assert [c.strip() for c in row.split("│") if c.strip()][2:7] == ["2", "15", "1", "1", "1"]
    bad = runner.invoke(cli, ["patrol", "figures", "--region", "999", "--from", "2026-11-01"])
    assert bad.exit_code == 2 and "不存在" in bad.output
    bad = runner.invoke(cli, ["patrol", "figures", "--region", "431002101000", "--from", "x"])
    assert bad.exit_code == 2
