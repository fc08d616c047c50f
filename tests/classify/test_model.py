"""Training, prediction and storage of TextClassifier on synthetic data."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from jieyou.classify.model import TextClassifier
from jieyou.classify.text import normalise
from tests.classify.conftest import synthetic_examples


def train(examples, **kwargs) -> TextClassifier:
    return TextClassifier.train(
        [e.title for e in examples],
        [e.text for e in examples],
        [e.label for e in examples],
        source="synthetic",
        **kwargs,
    )


def test_train_save_load_round_trip_gives_identical_predictions(examples, tmp_path):
    model = train(examples)
    model.save(tmp_path / "m")
    loaded = TextClassifier.load(tmp_path / "m")

    titles = ["工资一直拖欠", "公交车晚点", "学校收费", "", "毫无关系的句子"]
    texts = ["老板不发工资", "", "补课收费太高", "", ""]
    assert loaded.predict(titles, texts) == model.predict(titles, texts)
    assert np.array_equal(loaded.probabilities(titles, texts), model.probabilities(titles, texts))
    assert loaded.version == model.version
    assert loaded.labels == model.labels == sorted({e.label for e in examples})


def test_metadata_records_version_provenance_cv_and_features(examples, tmp_path):
    model = train(examples)
    meta = model.metadata
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}-[0-9a-f]{8}", model.version)
    assert meta["version"] == model.version
    assert meta["labels"] == model.labels
    assert meta["n_train"] == len(examples)
    assert meta["source"] == "synthetic"
    assert meta["trained_at"].endswith("+00:00")
    assert meta["cv"]["folds"] == 5 and 0.0 <= meta["cv"]["macro_f1"] <= 1.0
    assert meta["features"]["ngram_max"] == 2
    assert meta["calibration"]["method"] == "temperature"
    model.save(tmp_path)
    saved = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert saved["version"] == model.version
    assert set(saved["files"]) == {"vocabulary.txt", "weights.npz"}


def test_same_data_gives_the_same_content_hash_in_the_version(examples):
    first, second = train(examples, cv_folds=0), train(examples, cv_folds=0)
    assert first.version.split("-")[1] == second.version.split("-")[1]


def test_without_cv_the_model_is_still_calibrated_but_has_no_figures(examples):
    model = train(examples, cv_folds=0)
    assert model.metadata["cv"] is None
    assert model.metadata["calibration"]["fitted_on"] == "one held-out fold"


def test_predictions_have_a_probability_and_three_sorted_alternatives(examples):
    model = train(examples)
    for p in model.predict(["拖欠工资的问题", "x"], ["关于拖欠工资和加班费用的情况", ""]):
        assert 0.0 <= p.confidence <= 1.0
        assert len(p.top) == 3
        assert p.top[0] == (p.label, p.confidence)
        assert [s for _, s in p.top] == sorted((s for _, s in p.top), reverse=True)
    assert (
        model.predict_one("拖欠工资的问题", "老板拖欠工资，劳动合同也不签").label
        == "劳动和社会保障"
    )
    assert model.predict([], []) == []


def test_top_has_fewer_entries_when_there_are_only_two_classes():
    two = [e for e in synthetic_examples() if e.label != "交通运输"]
    p = train(two, cv_folds=0).predict_one("拖欠工资", "")
    assert len(p.top) == 2
    assert sum(s for _, s in p.top) == pytest.approx(1.0)


def test_a_class_with_one_example_trains_uncalibrated():
    examples = synthetic_examples()
    lone = next(e for e in examples if e.label == "交通运输")
    model = train([*(e for e in examples if e.label != "交通运输"), lone])
    assert model.metadata["cv"] is None
    assert model.metadata["calibration"]["beta"] == 1.0


def test_training_refuses_a_single_class():
    one = [e for e in synthetic_examples() if e.label == "教育文体"]
    with pytest.raises(ValueError, match="at least 2 classes"):
        train(one)


def test_a_damaged_model_file_is_refused(examples, tmp_path):
    train(examples, cv_folds=0).save(tmp_path)
    weights = tmp_path / "weights.npz"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="does not match"):
        TextClassifier.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        TextClassifier.load(tmp_path / "nowhere")


def test_normalise_neutralises_anonymised_and_real_place_names():
    assert normalise("A市A1区K3县") == "市区县"
    assert normalise("郴州市北湖区华塘镇，苏仙区人民路街道") == "市区镇,区街道"
    assert normalise("桂阳的ＡＢＣ１２３") == "县的abc123"
    assert normalise("电话13907351234 见 https://example.cn/a?b=1") == "电话 见"
