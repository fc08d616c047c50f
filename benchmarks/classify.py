"""Text classifier benchmark on the held-out split (test.csv), one core.

    uv run python benchmarks/classify.py [--data-dir ../shared/data/messages]

Side by side: the shipped model (loaded from disk), a plain character TF-IDF (1-3-grams) +
LinearSVC baseline, and fastText (supervised; on jieba words and on characters), the last two
trained here on train.csv with fixed, untuned settings. test.csv is only predicted, never
trained or tuned on. Prints one table: accuracy, macro-F1, batch predictions per second and
single-message latency (one thread: OMP/BLAS limited before numpy loads, threadpoolctl, fastText
thread=1), size on disk, load time in this process, and cold start (a new interpreter importing
what it needs and loading the model). fastText needs the bench group
(``uv sync --group bench --group dev``); without it its rows say so.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "messages"
LATENCY_SAMPLES = 300
BATCH_RUNS = 3
console = Console()


@dataclass
class Row:
    name: str
    accuracy: float | None = None
    macro_f1: float | None = None
    per_second: float | None = None
    latency_ms: float | None = None
    size_mb: float | None = None
    load_s: float | None = None
    cold_s: float | None = None
    note: str = ""


@dataclass
class Split:
    titles: list[str]
    texts: list[str]
    labels: list[str]


def read_split(path: Path) -> Split:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return Split([r["title"] for r in rows], [r["text"] for r in rows], [r["label"] for r in rows])


def scores(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return float(accuracy_score(truth, predicted)), float(
        f1_score(truth, predicted, average="macro")
    )


def speed(
    batch: Callable[[], Sequence[str]], one: Callable[[int], object]
) -> tuple[Sequence[str], float, float]:
    """Predictions, batch predictions per second (median of three runs: the machine may be
    shared) and median single-message latency in ms."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        one(0)  # warm-up
        rates = []
        for _ in range(BATCH_RUNS):
            start = time.perf_counter()
            predicted = batch()
            rates.append(len(predicted) / (time.perf_counter() - start))
        latencies = []
        for i in range(LATENCY_SAMPLES):
            t = time.perf_counter()
            one(i)
            latencies.append(time.perf_counter() - t)
    return predicted, statistics.median(rates), statistics.median(latencies) * 1000


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def cold_start(code: str) -> float:
    """Seconds for a new interpreter to run ``code`` (imports and load), minus a bare start."""

    def run(snippet: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", snippet], check=True, cwd=ROOT)
        return time.perf_counter() - start

    return max(run(code) - run("pass"), 0.0)


def ours(test: Split) -> Row:
    from jieyou.classify.model import TextClassifier
    from jieyou.classify.store import DEFAULT_MODEL_DIR

    row = Row("Jieyou")
    if not (DEFAULT_MODEL_DIR / "metadata.json").is_file():
        row.note = "no shipped model: run make model"
        return row
    start = time.perf_counter()
    model = TextClassifier.load(DEFAULT_MODEL_DIR)
    row.load_s = time.perf_counter() - start
    predicted, row.per_second, row.latency_ms = speed(
        lambda: [p.label for p in model.predict(test.titles, test.texts)],
        lambda i: model.predict_one(test.titles[i], test.texts[i]),
    )
    row.accuracy, row.macro_f1 = scores(test.labels, predicted)
    row.size_mb = size_mb(DEFAULT_MODEL_DIR)
    row.cold_s = cold_start(
        "from jieyou.classify.model import TextClassifier\n"
        "from jieyou.classify.store import DEFAULT_MODEL_DIR\n"
        "TextClassifier.load(DEFAULT_MODEL_DIR)"
    )
    row.note = f"{model.version}; CV macro-F1 {model.metadata['cv']['macro_f1']:.4f} (train.csv)"
    return row


# Types the baseline's skops file may hold beyond those skops trusts by default (scikit-learn's
# own estimators, numpy arrays): none. Anything else makes the load refuse.
BASELINE_TRUSTED: list[str] = []


def baseline(train: Split, test: Split, workdir: Path) -> Row:
    import skops.io as sio
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    row = Row("char TF-IDF+SVM")
    docs = [f"{t} {x}" for t, x in zip(train.titles, train.texts, strict=True)]
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2),
        LinearSVC(C=1.0),
    )
    pipeline.fit(docs, train.labels)
    path = workdir / "baseline.skops"
    sio.dump(pipeline, path)
    start = time.perf_counter()
    loaded = sio.load(path, trusted=BASELINE_TRUSTED)
    row.load_s = time.perf_counter() - start
    test_docs = [f"{t} {x}" for t, x in zip(test.titles, test.texts, strict=True)]
    predicted, row.per_second, row.latency_ms = speed(
        lambda: list(loaded.predict(test_docs)), lambda i: loaded.predict([test_docs[i]])
    )
    row.accuracy, row.macro_f1 = scores(test.labels, predicted)
    row.size_mb = size_mb(path)
    row.cold_s = cold_start(f"import skops.io as sio\nsio.load({str(path)!r}, trusted=[])")
    terms = len(pipeline[0].vocabulary_)
    # skops writes the vocabulary dict as JSON, one object per entry: most of the size.
    row.note = f"char 1-3-grams, min_df 2, LinearSVC C=1; skops file, {terms:,} terms"
    return row


def fasttext_rows(train: Split, test: Split, workdir: Path) -> list[Row]:
    try:
        import fasttext
    except ImportError:
        return [Row("fastText", note="not installed: uv sync --group bench --group dev")]
    from jieyou.classify.text import load_jieba, normalise

    lcut = load_jieba()

    def jieba_words(title: str, text: str) -> str:
        return " ".join(w for w in lcut(normalise(f"{title} {text}")) if w.strip())

    def characters(title: str, text: str) -> str:
        return " ".join(c for c in normalise(f"{title} {text}") if not c.isspace())

    rows = []
    for name, segment in (("words", jieba_words), ("chars", characters)):
        row = Row(f"fastText {name}")
        train_file = workdir / f"fasttext-{segment.__name__}.txt"
        lines = [
            f"__label__{label} {segment(title, text)}\n"
            for title, text, label in zip(train.titles, train.texts, train.labels, strict=True)
        ]
        # fastText reads the file in order and does not shuffle: train.csv is sorted by label.
        random.Random(0).shuffle(lines)
        train_file.write_text("".join(lines), encoding="utf-8")
        # Common settings for small corpora, fixed before looking at test.csv.
        model = fasttext.train_supervised(
            str(train_file),
            epoch=25,
            lr=0.5,
            wordNgrams=2,
            dim=50,
            bucket=200_000,
            minCount=1,
            thread=1,
            verbose=0,
        )
        path = workdir / f"fasttext-{segment.__name__}.bin"
        model.save_model(str(path))
        start = time.perf_counter()
        loaded = fasttext.load_model(str(path))
        row.load_s = time.perf_counter() - start

        def predict_one(i: int, loaded=loaded, segment=segment) -> str:
            # The C++ binding: fastText 0.9.2's Python predict breaks on numpy 2.
            text = segment(test.titles[i], test.texts[i]) + "\n"
            return loaded.f.predict(text, 1, 0.0, "strict")[0][1].removeprefix("__label__")

        def predict_all(loaded=loaded, segment=segment) -> list[str]:
            lines = [segment(t, x) + "\n" for t, x in zip(test.titles, test.texts, strict=True)]
            labels, _probs = loaded.f.multilinePredict(lines, 1, 0.0, "strict")
            return [found[0].removeprefix("__label__") for found in labels]

        predicted, row.per_second, row.latency_ms = speed(predict_all, predict_one)
        row.accuracy, row.macro_f1 = scores(test.labels, predicted)
        row.size_mb = size_mb(path)
        row.cold_s = cold_start(f"import fasttext\nfasttext.load_model({str(path)!r})")
        row.note = (
            f"{'jieba words' if name == 'words' else 'characters'} (segmenting counted in "
            "speed); epoch 25, lr 0.5, wordNgrams 2, dim 50, bucket 200k, thread 1"
        )
        rows.append(row)
    return rows


def render(rows: list[Row], test: Split) -> None:
    table = Table(title=f"Text classifiers on test.csv ({len(test.labels):,} messages, one core)")
    table.add_column("model")
    for name in ("acc", "macro-F1", "pred/s", "1 msg ms", "size MB", "load s", "cold s"):
        table.add_column(name, justify="right")

    def cell(value: float | None, fmt: str) -> str:
        return "—" if value is None else format(value, fmt)

    for r in rows:
        table.add_row(
            r.name,
            cell(r.accuracy, ".4f"),
            cell(r.macro_f1, ".4f"),
            cell(r.per_second, ",.0f"),
            cell(r.latency_ms, ".2f"),
            cell(r.size_mb, ".1f"),
            cell(r.load_s, ".2f"),
            cell(r.cold_s, ".2f"),
        )
    table.caption = (
        "pred/s: one batch (median of 3); 1 msg: median single prediction; load: in this process; "
        "cold: new interpreter, imports + load"
    )
    console.print(table)
    for r in rows:
        if r.note:
            console.print(f"  {r.name}: {r.note}")


def main() -> None:
    # Before anything imports numpy (all numeric imports are inside functions): one core means
    # one BLAS/OpenMP thread, here and in the cold-start subprocesses.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    train, test = read_split(args.data_dir / "train.csv"), read_split(args.data_dir / "test.csv")
    rows = [ours(test)]
    with tempfile.TemporaryDirectory(prefix="jieyou-bench-") as tmp:
        console.print("training the baseline ...")
        rows.append(baseline(train, test, Path(tmp)))
        console.print("training fastText ...")
        rows.extend(fasttext_rows(train, test, Path(tmp)))
    render(rows, test)


if __name__ == "__main__":
    main()
