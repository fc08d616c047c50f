"""``jieyou model ...``: train and evaluate the text classifier.

Also runnable on its own, which ``make model`` uses to rebuild the shipped model::

    python -m jieyou.classify.cli train --data ../shared/data/messages/train.csv \
        --out src/jieyou/classify/default_model
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from jieyou.classify.data import Example

model_app = typer.Typer(help="Text classifier: train and evaluate.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True)

MIN_EXAMPLES = 20
CV_FOLDS = 5


def _fail(message: str) -> NoReturn:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(code=1)


def _read_file(path: Path) -> list[Example]:
    from jieyou.classify.data import read_labelled

    try:
        read = read_labelled(path)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    blank = f" ({len(read.blank_rows)} blank rows passed over)" if read.blank_rows else ""
    console.print(f"read {len(read.examples):,} examples from {path}{blank}")
    return read.examples


def _read_db() -> list[Example]:
    from jieyou.classify.data import examples_from_db
    from jieyou.db import get_database

    with get_database().unit_of_work(write=False) as session:
        examples = examples_from_db(session)
    console.print(f"read {len(examples):,} confirmed cases from the database")
    return examples


@model_app.command("train")
def train_command(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Labelled .csv/.xlsx/.jsonl (title, text, label)"),
    ] = None,
    from_db: Annotated[
        bool, typer.Option("--from-db", help="Train on cases whose category staff confirmed")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to save (default var/models/<version>)")
    ] = None,
    no_cv: Annotated[
        bool, typer.Option("--no-cv", help=f"Skip the {CV_FOLDS}-fold cross-validation (quicker)")
    ] = False,
) -> None:
    """Train a model on a labelled file or on confirmed cases, then save it."""
    from jieyou.classify.model import TextClassifier
    from jieyou.classify.store import versioned_dir

    if (data is None) == (not from_db):
        raise typer.BadParameter("give exactly one of --data PATH or --from-db")
    examples = _read_file(data) if data is not None else _read_db()
    counts = Counter(e.label for e in examples)
    if len(examples) < MIN_EXAMPLES or len(counts) < 2:
        _fail(
            f"need at least {MIN_EXAMPLES} examples in at least 2 classes to train; "
            f"have {len(examples)} in {len(counts)}"
        )
    console.print("classes: " + ", ".join(f"{label} {n:,}" for label, n in sorted(counts.items())))
    model = TextClassifier.train(
        [e.title for e in examples],
        [e.text for e in examples],
        [e.label for e in examples],
        source=data.name if data is not None else "db",
        cv_folds=0 if no_cv else CV_FOLDS,
    )
    cv = model.metadata["cv"]
    if cv:
        folds = " ".join(f"{f:.3f}" for f in cv["fold_macro_f1"])
        console.print(
            f"cross-validation ({cv['folds']}-fold): macro-F1 {cv['macro_f1']:.4f} "
            f"(folds {folds}), accuracy {cv['accuracy']:.4f}"
        )
    target = out if out is not None else versioned_dir(model.version)
    model.save(target)
    console.print(f"n = {model.metadata['n_train']:,}; version {model.version}; saved to {target}")


@model_app.command("evaluate")
def evaluate_command(
    data: Annotated[Path, typer.Option("--data", help="Labelled .csv/.xlsx/.jsonl")],
    model_dir: Annotated[
        Path | None, typer.Option("--model", help="Model directory (default: the shipped one)")
    ] = None,
) -> None:
    """Accuracy, macro-F1, per-class scores, the confusion matrix and speed on labelled data."""
    from jieyou.classify.evaluate import evaluate, render
    from jieyou.classify.model import TextClassifier
    from jieyou.classify.store import default_model

    if model_dir is not None:
        try:
            model = TextClassifier.load(model_dir)
        except (ValueError, OSError) as exc:
            _fail(str(exc))
    else:
        shipped = default_model()
        if shipped is None:
            _fail("no model is shipped with this installation; give --model DIR")
        model = shipped
    examples = _read_file(data)
    if not examples:
        _fail(f"{data} has no examples")
    render(evaluate(model, examples), console)


if __name__ == "__main__":
    model_app()
