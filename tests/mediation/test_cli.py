"""``jieyou mediation mediators`` and ``jieyou mediation agreement``."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select
from typer.testing import CliRunner

from jieyou.accounts.models import AccessLog
from jieyou.cli import app
from tests.mediation.helpers import add_mediator, agreement_body, post, session_body, start

runner = CliRunner()


def test_the_roster_as_a_table(client, world, monkeypatch):
    from rich.console import Console

    from jieyou.mediation import cli

    monkeypatch.setattr(cli, "console", Console(width=250))
    add_mediator(
        client,
        world.county,
        name="黄海涛",
        organisation="北湖区道路交通事故人民调解委员会",
        region_code="431002000000",
        specialities=["traffic"],
    )
    r = runner.invoke(app, ["mediation", "mediators"])
    assert r.exit_code == 0, r.output
    assert "何秀英" in r.output and "黄海涛" in r.output and "邻里纠纷" in r.output
    r = runner.invoke(app, ["mediation", "mediators", "--speciality", "traffic"])
    assert "黄海涛" in r.output and "何秀英" not in r.output


def test_the_agreement_written_to_a_file_and_logged(client, db, world, tmp_path):
    w = world
    m = start(client, w.village, w.number, [w.mediator_id]).json()
    post(client, w.village, w.number, "sessions", session_body())
    post(client, w.village, w.number, "outcome", agreement_body())
    out = tmp_path / "协议书.docx"
    r = runner.invoke(
        app, ["mediation", "agreement", w.number, "--out", str(out), "--user", "wushan"]
    )
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "李秀英" in text and "人民调解协议书" in text
    pdf = tmp_path / "a.pdf"
    r = runner.invoke(app, ["mediation", "agreement", m["number"], "--out", str(pdf)])
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes().startswith(b"%PDF")
    with db.unit_of_work(write=False) as s:
        channels = set(s.scalars(select(AccessLog.channel).where(AccessLog.channel.like("cli.%"))))
    assert channels == {"cli.docx", "cli.pdf"}


def test_the_agreement_refuses_what_it_cannot_write(client, world, tmp_path):
    w = world
    assert (
        runner.invoke(
            app, ["mediation", "agreement", w.number, "--out", str(tmp_path / "a.txt")]
        ).exit_code
        == 2
    )
    r = runner.invoke(app, ["mediation", "agreement", w.number, "--out", str(tmp_path / "a.pdf")])
    assert r.exit_code == 2 and "尚未启动人民调解" in r.output
    assert (
        runner.invoke(
            app, ["mediation", "agreement", "JY20990101999999", "--out", str(tmp_path / "a.pdf")]
        ).exit_code
        == 2
    )
