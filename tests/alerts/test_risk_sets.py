"""The risk detector on the labelled sets: their shape, the targets, and the learned model.

Sets (tests/data, columns id,text,label,kind,note; see docs/decisions/0004-risk-detector.md):
main and holdout (the first author), blind A, B (written for this round, before any change,
measured once, then used to generalise), D and E (written and measured once each during the
round, then used), and sealed C (never tuned on or trained on; measured once at the very end).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from jieyou.alerts import risk
from jieyou.alerts.risk import RISK_KINDS, RISK_LEVELS, assess

DATA = Path(__file__).resolve().parent.parent / "data"
MAIN = DATA / "risk_messages.csv"
HOLDOUT = DATA / "risk_messages_holdout.csv"
BLIND = {name: DATA / f"risk_blind_{name}.csv" for name in "abcde"}
ALL = [MAIN, HOLDOUT, *BLIND.values()]
HIGH_RISK = {"high", "critical"}


def load(*paths: Path) -> list[dict[str, str]]:
    rows = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            rows.extend(csv.DictReader(f))
    return rows


def is_hard_negative(row: dict[str, str]) -> bool:
    return row["label"] == "normal" and row["note"].startswith(
        ("trap", "negation", "past", "reported", "hazard", "hearsay", "resolved", "fiction")
    )


def score(rows: list[dict[str, str]]) -> tuple[float, float, list[str]]:
    """Recall on high-risk rows, false-alarm rate on the others, and the failing rows."""
    hits = alarms = 0
    failures = []
    positives = [r for r in rows if r["label"] in HIGH_RISK]
    negatives = [r for r in rows if r["label"] not in HIGH_RISK]
    for row in rows:
        predicted = assess("", row["text"]).level in HIGH_RISK
        if row["label"] in HIGH_RISK and not predicted:
            failures.append(f"missed {row['id']}: {row['text']}")
        elif row["label"] not in HIGH_RISK and predicted:
            failures.append(f"false alarm {row['id']}: {row['text']}")
        hits += predicted and row["label"] in HIGH_RISK
        alarms += predicted and row["label"] not in HIGH_RISK
    return hits / len(positives), alarms / len(negatives), failures


# --------------------------------------------------------------------------- shape


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_labelled_set_has_valid_rows(path: Path):
    rows = load(path)
    assert {r["label"] for r in rows} <= set(RISK_LEVELS)
    assert {r["kind"] for r in rows} <= {*RISK_KINDS, "none"}
    assert all(r["kind"] == "none" for r in rows if r["label"] == "normal")
    assert all(r["kind"] != "none" for r in rows if r["label"] != "normal")
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("name", "abc")
def test_blind_sets_have_the_promised_size(name: str):
    rows = load(BLIND[name])
    assert len(rows) >= 80
    assert sum(r["label"] in HIGH_RISK for r in rows) >= 30
    assert sum(is_hard_negative(r) for r in rows) >= 30
    high = {r["kind"] for r in rows if r["label"] in HIGH_RISK}
    assert high == set(RISK_KINDS) - {"emotion"}


def test_no_message_appears_in_two_sets():
    texts = [r["text"] for r in load(*ALL)]
    assert len(texts) == len(set(texts))


def test_main_set_keeps_its_shape():
    main = load(MAIN)
    high = [r for r in main if r["label"] in HIGH_RISK]
    assert len(main) >= 260
    assert len(high) >= 70
    assert sum("implicit" in r["note"] for r in high) >= 20
    assert sum(is_hard_negative(r) for r in main) >= 70


# --------------------------------------------------------------------------- targets


def test_main_set_meets_recall_and_false_alarm_targets():
    recall, false_alarms, failures = score(load(MAIN))
    assert recall >= 0.95, failures
    assert false_alarms <= 0.05, failures


def test_blind_sets_a_and_b_meet_the_targets():
    # A and B were blind once (recall 0.36 and 0.60 before this design); now they are tuned on.
    recall, false_alarms, failures = score(load(BLIND["a"], BLIND["b"]))
    assert recall >= 0.95, failures
    assert false_alarms <= 0.05, failures


def test_later_sets_d_and_e_meet_the_targets():
    recall, false_alarms, failures = score(load(BLIND["d"], BLIND["e"]))
    assert recall >= 0.95, failures
    assert false_alarms <= 0.05, failures


def test_holdout_stays_above_a_floor():
    recall, false_alarms, failures = score(load(HOLDOUT))
    assert recall >= 0.90, failures
    assert false_alarms <= 0.05, failures


def test_sealed_set_c_stays_above_a_loose_floor():
    # C was measured once, at the end, and is never tuned or trained on: a floor against
    # regressions, not a target. Its one blind figure is in the decision record.
    recall, false_alarms, failures = score(load(BLIND["c"]))
    assert recall >= 0.80, failures
    assert false_alarms <= 0.15, failures


def test_high_risk_rows_mostly_name_the_expected_kind():
    rows = [r for r in load(MAIN, BLIND["a"], BLIND["b"]) if r["label"] in HIGH_RISK]
    wrong = []
    for row in rows:
        assessment = assess("", row["text"])
        kinds = {s.kind for s in assessment.signals if s.level in HIGH_RISK}
        if row["kind"] not in kinds:
            wrong.append(f"{row['id']} ({row['kind']}): {assessment.reasons}")
    assert len(wrong) / len(rows) <= 0.08, wrong


def test_every_reason_quotes_words_the_resident_wrote():
    for row in load(MAIN, BLIND["a"], BLIND["b"]):
        text = "".join(row["text"].split())
        for signal in assess("", row["text"]).signals:
            assert signal.reason.endswith(f"“{signal.evidence}”"), signal
            for part in signal.evidence.split("…"):  # combined evidence quotes several
                assert part and "".join(part.split()) in text, signal


# --------------------------------------------------------------------------- the learned model


def test_model_is_plain_json_inside_the_package():
    path = risk.MODEL_PATH
    assert path.parent == Path(risk.__file__).parent  # shipped with the code, not read from tests/
    model = json.loads(path.read_text(encoding="utf-8"))
    assert set(model) >= {"bias", "weights", "kinds", "kind_weights", "alone", "backed"}
    assert "risk_blind_c.csv" not in model["trained_on"]  # the sealed set stays unseen
    assert all(isinstance(w, float) for w in model["weights"].values())
    assert path.stat().st_size < 400_000


def test_model_alone_separates_the_sets_it_was_trained_on():
    rows = load(MAIN, BLIND["a"], BLIND["b"])
    high = [risk.model_score("", r["text"]) or 0.0 for r in rows if r["label"] in HIGH_RISK]
    other = [risk.model_score("", r["text"]) or 0.0 for r in rows if r["label"] == "normal"]
    assert sum(s >= 0.5 for s in high) / len(high) >= 0.9
    assert sum(s >= 0.5 for s in other) / len(other) <= 0.05


def test_model_signal_reads_as_a_reason_quoting_the_text():
    text = "这段时间我把欠别人的钱都还清了，手机里的照片也删了，就剩这件事放不下。"
    assessment = assess("", text)
    assert assessment.level == "high"
    assert all(part in text for s in assessment.signals for part in s.evidence.split("…"))
