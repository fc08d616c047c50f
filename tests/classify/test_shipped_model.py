"""The model shipped in the package: present, complete, sensible on messages written here."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from jieyou.classify import store
from jieyou.classify.data import load_labelled
from jieyou.classify.evaluate import evaluate
from jieyou.classify.model import TextClassifier

# The licensed benchmark split, present on development machines only.
TEST_SPLIT = Path(__file__).resolve().parents[3] / "shared" / "data" / "messages" / "test.csv"

LABELS = {"城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护", "卫生计生", "交通运输"}

# Written for this test; each names one department's business plainly, in the training data's
# taxonomy. There, buses are city services (公交 in titles: 36 of 46 城乡建设) and lifts are
# special equipment under market regulation (电梯: 96 of 105 商贸旅游), so "公交车司机态度恶劣"
# is 城乡建设, not 交通运输, and taxis stand for transport here.
MESSAGES = [
    (
        "公司拖欠农民工工资",
        "我们十几个农民工在工地干了半年，老板一直拖欠工资不发，多次讨要无果，请劳动监察部门帮忙。",
        {"劳动和社会保障"},
    ),
    (
        "出租车司机拒载绕路",
        "晚上在火车站打出租车，司机挑客拒载，上车后又故意绕路，希望交通运输部门加强管理。",
        {"交通运输"},
    ),
    (
        "化工厂夜间偷排废气污水",
        "附近的化工厂每天夜里排放刺鼻的废气，河里也有黑色污水，居民不敢开窗，请环保部门查处。",
        {"环境保护"},
    ),
    (
        "学校强制学生周末补课收费",
        "孩子所在的初中强制学生参加周末补课，每学期收取补课费八百元，家长意见很大，请教育局调查。",
        {"教育文体"},
    ),
    (
        "医院乱收费",
        "我母亲在人民医院住院治疗，出院结算时发现多收了很多检查费用，医生还开了大量不必要的药。",
        {"卫生计生"},
    ),
    (
        "超市销售过期食品拒不退货",
        "在小区门口的超市买的牛奶已经过期半个月，找商家退货被拒绝，请市场监管部门处理。",
        {"商贸旅游"},
    ),
    (
        "小区物业不作为",
        "物业公司收了物业费却不打扫卫生，楼道灯坏了也不修，业主多次反映没人管。",
        {"城乡建设"},
    ),
    ("小区电梯经常困人", "电梯经常坏，维修不及时，老人孩子被困过好几次。", {"商贸旅游"}),
    ("小区垃圾堆积臭气熏天", "", {"环境保护", "城乡建设"}),
    # Real Chenzhou names, which the training data never has.
    (
        "郴州市北湖区华塘镇某厂拖欠工资",
        "桂阳县的工人在北湖区华塘镇某厂上班，工资三个月没发。",
        {"劳动和社会保障"},
    ),
]


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    found = store.default_model()
    assert found is not None, "no shipped model: run `make model`"
    return found


def test_the_shipped_model_has_seven_labels_and_a_version(model):
    assert set(model.labels) == LABELS
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}-[0-9a-f]{8}", model.version)
    assert model.metadata["n_train"] > 1000
    assert model.metadata["cv"]["macro_f1"] > 0.9


def test_default_model_is_loaded_once(model):
    assert store.default_model() is model


@pytest.mark.parametrize(("title", "text", "expected"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_plain_messages_get_the_obvious_class(model, title, text, expected):
    p = model.predict_one(title, text)
    assert p.label in expected, p.top
    assert 0.0 <= p.confidence <= 1.0
    assert len(p.top) == 3
    assert p.top[0] == (p.label, p.confidence)
    assert p.top[0][1] >= p.top[1][1] >= p.top[2][1]


def test_the_model_directory_holds_plain_data_only():
    files = {p.name for p in store.DEFAULT_MODEL_DIR.iterdir()}
    assert files == {"metadata.json", "vocabulary.txt", "weights.npz"}
    assert sum(p.stat().st_size for p in store.DEFAULT_MODEL_DIR.iterdir()) < 50_000_000
    # Every array reads without pickle.
    with np.load(store.DEFAULT_MODEL_DIR / "weights.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype == np.float32 for name in arrays.files)


def test_default_model_is_none_when_nothing_is_shipped(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "DEFAULT_MODEL_DIR", tmp_path)
    store.default_model.cache_clear()
    try:
        assert store.default_model() is None
    finally:
        store.default_model.cache_clear()


@pytest.mark.skipif(not TEST_SPLIT.is_file(), reason="the benchmark split is not on this machine")
def test_macro_f1_on_the_benchmark_split_is_at_least_0_92(model):
    report = evaluate(model, load_labelled(TEST_SPLIT))
    assert report.n == 2664
    assert report.macro_f1 >= 0.92
