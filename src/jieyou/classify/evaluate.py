"""How good a model is on labelled examples: accuracy, macro-F1, per class, confusion, speed."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rich.console import Console
from rich.table import Table

from jieyou.classify.data import Example
from jieyou.classify.model import TextClassifier


class ClassScore(NamedTuple):
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    n: int
    accuracy: float
    macro_f1: float  # over the classes that occur in the examples
    per_class: dict[str, ClassScore]
    labels: list[str]  # order of the confusion matrix's rows (true) and columns (predicted)
    confusion: list[list[int]]
    predictions_per_second: float  # one batch, one thread
    model_version: str


def evaluate(model: TextClassifier, examples: Sequence[Example]) -> Report:
    """Predict every example in one batch, with numeric libraries held to one thread, so the
    speed is what one core delivers."""
    from threadpoolctl import threadpool_limits

    if not examples:
        raise ValueError("no examples to evaluate on")
    titles = [e.title for e in examples]
    texts = [e.text for e in examples]
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        predictions = model.predict(titles, texts)
        elapsed = time.perf_counter() - start

    # Labels the model does not know still count (as errors), after its own.
    labels = list(model.labels)
    labels += sorted({e.label for e in examples} - set(labels))
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for example, prediction in zip(examples, predictions, strict=True):
        confusion[index[example.label], index[prediction.label]] += 1

    per_class: dict[str, ClassScore] = {}
    for i, label in enumerate(labels):
        support = int(confusion[i].sum())
        predicted = int(confusion[:, i].sum())
        hits = int(confusion[i, i])
        precision = hits / predicted if predicted else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScore(precision, recall, f1, support)
    present = [s.f1 for s in per_class.values() if s.support]
    return Report(
        n=len(examples),
        accuracy=float(np.trace(confusion) / len(examples)),
        macro_f1=float(np.mean(present)),
        per_class=per_class,
        labels=labels,
        confusion=confusion.tolist(),
        predictions_per_second=len(examples) / elapsed if elapsed > 0 else float("inf"),
        model_version=model.version,
    )


def render(report: Report, console: Console) -> None:
    summary = Table(title=f"Model {report.model_version}", show_header=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    summary.add_row("examples", f"{report.n:,}")
    summary.add_row("accuracy", f"{report.accuracy:.4f}")
    summary.add_row("macro-F1", f"{report.macro_f1:.4f}")
    summary.add_row("predictions/s (one core)", f"{report.predictions_per_second:,.0f}")
    console.print(summary)

    classes = Table(title="Per class")
    classes.add_column("class")
    for name in ("precision", "recall", "F1", "support"):
        classes.add_column(name, justify="right")
    for label, s in report.per_class.items():
        scores = (f"{v:.3f}" for v in (s.precision, s.recall, s.f1))
        classes.add_row(label, *scores, str(s.support))
    console.print(classes)

    confusion = Table(title="Confusion (rows: true class, columns: predicted)")
    confusion.add_column("")
    for label in report.labels:
        confusion.add_column(label, justify="right")
    for i, (label, row) in enumerate(zip(report.labels, report.confusion, strict=True)):
        cells = [f"[bold]{v}[/bold]" if j == i else str(v) if v else "." for j, v in enumerate(row)]
        confusion.add_row(label, *cells)
    console.print(confusion)
