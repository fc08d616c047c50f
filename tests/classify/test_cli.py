"""`jieyou model train|evaluate` through the Typer sub-app, on synthetic data."""

from __future__ import annotations

from typer.testing import CliRunner

from jieyou.classify.cli import model_app
from jieyou.classify.model import TextClassifier
from tests.classify.conftest import synthetic_examples, write_csv

runner = CliRunner()


def test_train_then_evaluate_a_model_from_a_csv(tmp_path):
    data = write_csv(tmp_path / "train.csv", synthetic_examples())
    out = tmp_path / "model"
    result = runner.invoke(model_app, ["train", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    model = TextClassifier.load(out)
    assert "read 72 examples" in result.output
    assert "cross-validation (5-fold): macro-F1" in result.output
    assert model.version in result.output

    held_out = write_csv(tmp_path / "test.csv", synthetic_examples(per_class=5, seed=99))
    result = runner.invoke(model_app, ["evaluate", "--data", str(held_out), "--model", str(out)])
    assert result.exit_code == 0, result.output
    for heading in ("accuracy", "macro-F1", "predictions/s", "Per class", "Confusion"):
        assert heading in result.output


def test_train_without_out_saves_under_var_models_by_version(tmp_path, monkeypatch):
    data = write_csv(tmp_path / "train.csv", synthetic_examples())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(model_app, ["train", "--data", str(data), "--no-cv"])
    assert result.exit_code == 0, result.output
    assert "cross-validation" not in result.output
    (saved,) = (tmp_path / "var" / "models").iterdir()
    assert TextClassifier.load(saved).version == saved.name


def test_evaluate_uses_the_shipped_model_by_default(tmp_path):
    data = write_csv(tmp_path / "test.csv", synthetic_examples(per_class=3))
    result = runner.invoke(model_app, ["evaluate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output


def test_train_refuses_too_few_examples_or_a_single_class(tmp_path):
    few = write_csv(tmp_path / "few.csv", synthetic_examples(per_class=5))
    result = runner.invoke(model_app, ["train", "--data", str(few), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "at least 20 examples" in result.output
    one = [e for e in synthetic_examples() if e.label == "交通运输"]
    single = write_csv(tmp_path / "one.csv", one)
    result = runner.invoke(model_app, ["train", "--data", str(single)])
    assert result.exit_code == 1
    assert "in 1" in result.output
    assert not (tmp_path / "m").exists()


def test_train_needs_exactly_one_source(tmp_path):
    data = write_csv(tmp_path / "train.csv", synthetic_examples())
    assert runner.invoke(model_app, ["train"]).exit_code == 2
    both = runner.invoke(model_app, ["train", "--data", str(data), "--from-db"])
    assert both.exit_code == 2
    assert "exactly one" in both.output


def test_a_broken_file_is_reported_not_raised(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("title,text,label\n拖欠工资,老板不发工资,\n", encoding="utf-8")
    result = runner.invoke(model_app, ["train", "--data", str(path)])
    assert result.exit_code == 1
    assert "row 2: no label" in result.output
