"""Risk detector on the labelled sets, and its speed on one core.

    uv run python benchmarks/risk.py [--seconds 3] [--rules-only] [extra.csv ...]
    uv run python benchmarks/risk.py --cv      # the learned model, each training file held out
    uv run python benchmarks/risk.py --train   # rewrite src/jieyou/alerts/risk_model.json

For each labelled file (tests/data/risk_*.csv, and any extra file with the same columns): recall
on high-risk messages (high or critical predicted as high or critical), the false-alarm rate
(normal or elevated predicted as high or critical), recall per kind, and the confusion table of
the four levels. Then assessments per second on one core for 100-500 character texts of two
mixes: "typical" (one labelled message padded with ordinary ones, so a third of the texts are
high risk) and "dense" (labelled messages of any kind joined, so almost every text carries
several signals: the worst case).
Targets: recall >= 0.95 and false alarms <= 5%; >= 5,000 assessments/s.

The learned second opinion is trained on TRAINING only. Sealed set C (risk_blind_c.csv) was
measured once and is never trained on (see docs/decisions/0004-risk-detector.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from jieyou.alerts import risk
from jieyou.alerts.risk import RISK_KINDS, RISK_LEVELS, assess

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
MAIN = DATA / "risk_messages.csv"
TRAINING = [
    MAIN,
    DATA / "risk_messages_holdout.csv",
    DATA / "risk_blind_a.csv",
    DATA / "risk_blind_b.csv",
    DATA / "risk_blind_d.csv",
    DATA / "risk_blind_e.csv",
]
SEALED = DATA / "risk_blind_c.csv"
HIGH_RISK = {"high", "critical"}
# The model's thresholds, chosen with --cv (see the decision record).
MODEL_ALONE = 0.6  # this score alone makes a text high, unless it reads as a question …
MODEL_ALONE_ELEVATED = 0.85  # … or the rules already found it elevated (emotion, complaints)
MODEL_BACKED = 0.4  # … and this one does when a cue (a means, a farewell, a crowd …) backs it
MODEL_C = 3.0  # inverse regularisation strength of both logistic regressions


@dataclass
class Scores:
    name: str
    rows: int
    recall: tuple[int, int]
    false_alarms: tuple[int, int]
    per_kind: dict[str, tuple[int, int, int]]  # kind -> (flagged, right kind, total)
    confusion: Counter[tuple[str, str]]


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def evaluate(path: Path) -> Scores:
    rows = load(path)
    confusion: Counter[tuple[str, str]] = Counter()
    hits = alarms = positives = 0
    per_kind = {kind: [0, 0, 0] for kind in RISK_KINDS if kind != "emotion"}
    for row in rows:
        assessment = assess("", row["text"])
        confusion[row["label"], assessment.level] += 1
        flagged = assessment.level in HIGH_RISK
        if row["label"] in HIGH_RISK:
            positives += 1
            hits += flagged
            kinds = {s.kind for s in assessment.signals if s.level in HIGH_RISK}
            counts = per_kind[row["kind"]]
            counts[0] += flagged
            counts[1] += row["kind"] in kinds
            counts[2] += 1
        else:
            alarms += flagged
    negatives = len(rows) - positives
    return Scores(
        path.name,
        len(rows),
        (hits, positives),
        (alarms, negatives),
        {kind: (a, b, c) for kind, (a, b, c) in per_kind.items()},
        confusion,
    )


def texts(first: list[str], padding: list[str], seed: int) -> list[str]:
    """500 texts of 100-500 characters: one message from `first`, then `padding` ones."""
    rng = random.Random(seed)
    out = []
    while len(out) < 500:
        target = rng.randint(100, 500)
        text = rng.choice(first)
        while len(text) < target:
            text += rng.choice(padding)
        out.append(text[:target])
    return out


def throughput(batch: list[str], seconds: float) -> tuple[float, float]:
    """Assessments per second of wall time and of this process's CPU time, pinned to one core
    where the OS allows. On a shared machine the CPU rate is the one that does not depend on
    what else runs there."""
    for text in batch:  # warm-up
        assess("标题", text)
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for text in batch:
            assess("标题", text)
        done += len(batch)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def ratio(pair: tuple[int, int]) -> str:
    part, whole = pair
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "–"


# --------------------------------------------------------------------------- the learned model


def train(paths: list[Path]) -> dict[str, object]:
    """Logistic regressions on the folded text's characters and bigrams: high risk or not, and
    (on high-risk rows) which kind. Plain numbers, so the package never unpickles anything."""
    import numpy as np  # training needs scikit-learn; assessing needs only the JSON
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [row for path in paths for row in load(path)]
    vectoriser = CountVectorizer(
        analyzer=lambda t: risk.gram_strings(risk.folded_text("", t)), binary=True, min_df=2
    )
    features = vectoriser.fit_transform([row["text"] for row in rows])
    is_high = np.array([row["label"] in HIGH_RISK for row in rows])
    binary = LogisticRegression(C=MODEL_C, max_iter=5000, class_weight="balanced")
    binary.fit(features, is_high)
    kinds = [kind for kind in RISK_KINDS if kind != "emotion"]
    by_kind = LogisticRegression(C=MODEL_C, max_iter=5000)
    by_kind.fit(features[is_high], [row["kind"] for row in rows if row["label"] in HIGH_RISK])
    order = [list(by_kind.classes_).index(kind) for kind in kinds]
    vocabulary = vectoriser.get_feature_names_out()
    weights = {
        gram: round(float(w), 4)
        for gram, w in zip(vocabulary, binary.coef_[0], strict=True)
        if abs(w) >= 1e-3
    }
    kind_weights = {}
    for j, gram in enumerate(vocabulary):
        ws = [round(float(by_kind.coef_[k][j]), 3) for k in order]
        if any(abs(w) >= 0.01 for w in ws):
            kind_weights[gram] = ws
    return {
        "about": "jieyou risk detector second opinion; benchmarks/risk.py --train",
        "trained_on": {path.name: len(load(path)) for path in paths},
        "alone": MODEL_ALONE,
        "alone_elevated": MODEL_ALONE_ELEVATED,
        "backed": MODEL_BACKED,
        "bias": round(float(binary.intercept_[0]), 4),
        "weights": weights,
        "kinds": kinds,
        "kind_bias": [round(float(by_kind.intercept_[k]), 3) for k in order],
        "kind_weights": kind_weights,
    }


def use_model(model: dict[str, object] | None, path: Path) -> None:
    """Point the detector at another model file (None: the rules alone)."""
    if model is not None:
        path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    risk.MODEL_PATH = path if model is not None else path.with_suffix(".absent")
    risk._model.cache_clear()


def cross_validate(console: Console) -> None:
    """Each training file held out in turn: the model trained on the others, then the file
    scored by the model alone and by the whole detector. Rules were tuned on every training
    file, so only the model-alone columns are out-of-sample."""
    table = Table(title="Leave one file out (model trained on the other training files)")
    for column in ("held out", "model ≥ alone: recall", "false alarms", "detector: recall", "FA"):
        table.add_column(column, justify="right")
    scratch = Path("/tmp/jieyou_risk_cv_model.json")
    for held in TRAINING:
        use_model(train([p for p in TRAINING if p != held]), scratch)
        rows = load(held)
        positives = [r for r in rows if r["label"] in HIGH_RISK]
        negatives = [r for r in rows if r["label"] not in HIGH_RISK]

        def alone(row: dict[str, str]) -> bool:
            return risk.read("", row["text"]).score >= MODEL_ALONE

        r = evaluate(held)
        table.add_row(
            held.name,
            ratio((sum(map(alone, positives)), len(positives))),
            ratio((sum(map(alone, negatives)), len(negatives))),
            ratio(r.recall),
            ratio(r.false_alarms),
        )
    use_model(None, scratch)
    risk.MODEL_PATH = Path(risk.__file__).with_name("risk_model.json")
    risk._model.cache_clear()
    console.print(table)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("extra", nargs="*", type=Path, help="more CSV files to score")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of the speed run")
    parser.add_argument("--rules-only", action="store_true", help="without the learned model")
    parser.add_argument("--train", action="store_true", help="retrain risk_model.json")
    parser.add_argument("--cv", action="store_true", help="cross-validate the learned model")
    parser.add_argument("--speed", action="store_true", help="only the speed table")
    args = parser.parse_args()
    console = Console(width=140)

    if args.train:
        model = train(TRAINING)
        risk.MODEL_PATH.write_text(
            json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        console.print(f"wrote {risk.MODEL_PATH} ({len(model['weights'])} weights)")  # type: ignore[arg-type]
        return
    if args.cv:
        cross_validate(console)
        return
    if args.rules_only:
        use_model(None, Path("/tmp/jieyou_risk_rules_only.json"))

    files = [] if args.speed else [*TRAINING, SEALED, *args.extra]
    results = [evaluate(path) for path in files if path.exists()]
    if results:
        report(console, results, args.rules_only)
    speed(console, args.seconds)


def report(console: Console, results: list[Scores], rules_only: bool) -> None:
    summary = Table(title="Risk detector on the labelled sets" + (" (rules only)" * rules_only))
    summary.add_column("file")
    for column in ("messages", "recall on high-risk", "false alarms"):
        summary.add_column(column, justify="right")
    for r in results:
        summary.add_row(r.name, str(r.rows), ratio(r.recall), ratio(r.false_alarms))
    console.print(summary)

    kinds = Table(title="Recall per kind: flagged high/critical (and with a signal of that kind)")
    kinds.add_column("kind")
    for r in results:
        kinds.add_column(r.name.removeprefix("risk_").removesuffix(".csv"), justify="right")
    for kind in results[0].per_kind:
        cells = []
        for r in results:
            flagged, right, total = r.per_kind[kind]
            cells.append(f"{flagged}/{total} ({right})" if total else "–")
        kinds.add_row(kind, *cells)
    console.print(kinds)

    for r in results:
        confusion = Table(title=f"{r.name}: label (rows) × predicted (columns)")
        confusion.add_column("label")
        for level in RISK_LEVELS:
            confusion.add_column(level, justify="right")
        for label in RISK_LEVELS:
            confusion.add_row(label, *(str(r.confusion[label, level]) for level in RISK_LEVELS))
        console.print(confusion)


def speed(console: Console, seconds: float) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rows = load(MAIN)
    everything = [row["text"] for row in rows]
    ordinary = [row["text"] for row in rows if row["label"] == "normal"]
    table = Table(title="Speed on one core")
    for column in ("texts", "mean length", "assessments/s (wall)", "per CPU second"):
        table.add_column(column, justify="right")
    for name, batch in (
        ("typical", texts(everything, ordinary, seed=4)),
        ("dense", texts(everything, everything, seed=5)),
    ):
        wall, cpu = throughput(batch, seconds)
        mean = f"{sum(map(len, batch)) / len(batch):.0f} chars"
        table.add_row(name, mean, f"{wall:,.0f}", f"{cpu:,.0f}")
    console.print(table)


if __name__ == "__main__":
    main()
