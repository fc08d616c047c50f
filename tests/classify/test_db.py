"""Training examples from cases whose category staff confirmed."""

from __future__ import annotations

from sqlalchemy import update
from typer.testing import CliRunner

from jieyou.cases.models import Case
from jieyou.classify.cli import model_app
from jieyou.classify.data import Example, examples_from_db
from tests.factories import submit


def confirm(db, number: str, code: str) -> None:
    with db.unit_of_work() as s:
        s.execute(
            update(Case)
            .where(Case.number == number)
            .values(category_code=code, category_confirmed=True)
        )


def test_confirmed_cases_are_examples_labelled_with_the_first_level_name(client, db):
    wages = submit(client, title="拖欠工资", description="工地老板拖欠三个月工资。")["number"]
    road = submit(client, title="路灯不亮", description="村口道路路灯坏了一个月。")["number"]
    first_level = submit(client, title="劳动合同", description="公司不签劳动合同。")["number"]
    submit(client, title="未确认", description="类别还没有人确认。")
    confirm(db, wages, "0201")  # 劳资欠薪 under 02 劳动和社会保障
    confirm(db, road, "0702")  # 道路出行 under 07 交通运输
    confirm(db, first_level, "02")  # a first-level code is its own first level

    with db.unit_of_work(write=False) as s:
        examples = examples_from_db(s)

    assert sorted(examples, key=lambda e: e.title) == sorted(
        [
            Example("拖欠工资", "工地老板拖欠三个月工资。", "劳动和社会保障"),
            Example("路灯不亮", "村口道路路灯坏了一个月。", "交通运输"),
            Example("劳动合同", "公司不签劳动合同。", "劳动和社会保障"),
        ],
        key=lambda e: e.title,
    )


def test_train_from_db_refuses_too_few_confirmed_cases(client, db):
    confirm(db, submit(client)["number"], "0802")
    result = CliRunner().invoke(model_app, ["train", "--from-db", "--no-cv"])
    assert result.exit_code == 1
    assert "read 1 confirmed cases" in result.output
    assert "at least 20 examples" in result.output
