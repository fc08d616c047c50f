"""The operator's command line, end to end."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from jieyou.cli import app as cli
from tests.factories import BEIHU, HUATANG, submit

runner = CliRunner()


def test_init_creates_the_schema_and_reference_data_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = runner.invoke(cli, ["--database", url, "init"])
    assert first.exit_code == 0, first.output
    assert "added 2594 regions, 2750 units, 50 categories" in first.output
    again = runner.invoke(cli, ["--database", url, "init"])
    assert "added 0 regions, 0 units, 0 categories" in again.output
    engine = create_engine(url)
    with engine.connect() as conn:
        levels = dict(
            conn.execute(text("SELECT level, count(*) FROM regions GROUP BY level")).all()
        )
    engine.dispose()
    assert levels == {"city": 1, "county": 11, "township": 162, "village": 2420}


def test_users_add_and_tokens_create_give_working_api_access(client, db):
    r = runner.invoke(
        cli,
        [
            "users",
            "add",
            "huatang",
            "--role",
            "township",
            "--region",
            HUATANG,
            "--unit",
            f"C{HUATANG}",
            "--password",
            "S3cure-enough!",
        ],
    )
    assert r.exit_code == 0, r.output
    token = runner.invoke(cli, ["tokens", "create", "huatang"])
    assert token.exit_code == 0
    bearer = token.output.strip()
    assert bearer.startswith("jy_")
    number = submit(client)["number"]
    got = client.get(f"/api/v1/cases/{number}", headers={"Authorization": f"Bearer {bearer}"})
    assert got.status_code == 200
    # Only the hash is stored.
    with db.unit_of_work(write=False) as s:
        stored = s.scalars(text("SELECT token_hash FROM api_tokens")).all()
    assert bearer not in stored


def test_users_add_refuses_bad_input_clearly(db):
    ok = ["users", "add", "dept1", "--role", "department", "--region", BEIHU]
    r = runner.invoke(cli, [*ok, "--password", "long-enough-1"])
    assert r.exit_code == 1
    assert "须指定一个部门单位" in r.output
    r = runner.invoke(
        cli,
        [
            "users",
            "add",
            "town1",
            "--role",
            "township",
            "--region",
            BEIHU,
            "--password",
            "long-enough-1",
        ],
    )
    assert r.exit_code == 1 and "township" in r.output
    r = runner.invoke(
        cli,
        [
            "users",
            "add",
            "town2",
            "--role",
            "township",
            "--region",
            "431099000000",
            "--password",
            "x",
        ],
    )
    assert r.exit_code == 1 and "431099000000" in r.output
    runner.invoke(
        cli,
        [
            "users",
            "add",
            "same",
            "--role",
            "county",
            "--region",
            BEIHU,
            "--password",
            "long-enough-1",
        ],
    )
    r = runner.invoke(
        cli,
        [
            "users",
            "add",
            "same",
            "--role",
            "county",
            "--region",
            BEIHU,
            "--password",
            "long-enough-1",
        ],
    )
    assert r.exit_code == 1 and "已存在" in r.output
    r = runner.invoke(cli, ["tokens", "create", "ghost"])
    assert r.exit_code == 1
