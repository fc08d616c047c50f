"""The text classifier: train, predict, save, load.

A saved model is a directory of plain data, never pickle:

- ``metadata.json``: version, labels, when and on what it was trained, cross-validation
  figures, the feature and classifier settings, each block's size, and the SHA-256 of the two
  files below (checked on load);
- ``vocabulary.txt``: the terms, one a line, in column order, block after block;
- ``weights.npz``: ``idf`` (n_features), ``weights`` (n_features x n_classes), ``bias``
  (n_classes), all float32, read with ``allow_pickle=False``.

The version is ``<training date>-<first 8 hex of the SHA-256 of the model's content>``, so two
trainings that give the same model give the same version on the same day.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from jieyou.classify.text import BLOCKS, FeatureConfig, load_jieba, normalise, terms
from jieyou.classify.vectorise import Block, Vectoriser

if TYPE_CHECKING:
    from jieyou.classify.training import ClassifierConfig

FORMAT = 1
METADATA_FILE = "metadata.json"
VOCABULARY_FILE = "vocabulary.txt"
WEIGHTS_FILE = "weights.npz"
TOP_K = 3


@dataclass(frozen=True)
class Prediction:
    label: str  # class name, e.g. "城乡建设"
    confidence: float  # calibrated probability of ``label``
    top: list[tuple[str, float]]  # best first, up to 3 (label, probability)


@dataclass
class LinearModel:
    weights: np.ndarray  # float32, (n_features, n_classes)
    bias: np.ndarray  # float32, (n_classes,)

    def scores(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.weights) + self.bias


def softmax(scores: np.ndarray, beta: float) -> np.ndarray:
    """softmax(beta * scores) per row: calibrated probabilities."""
    z = beta * scores.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def near_duplicate_key(title: str, text: str) -> str:
    """Messages sharing this key stay in one fold (the benchmark split does the same)."""
    return normalise(text)[:80] or normalise(title)


class TextClassifier:
    version: str
    labels: list[str]
    metadata: dict[str, Any]

    def __init__(
        self,
        *,
        labels: list[str],
        features: FeatureConfig,
        vectoriser: Vectoriser,
        linear: LinearModel,
        beta: float,
        metadata: dict[str, Any],
    ) -> None:
        self.labels = labels
        self.features = features
        self.vectoriser = vectoriser
        self.linear = linear
        self.beta = beta
        self.metadata = metadata
        self.version = metadata["version"]

    # -- training -------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        titles: Sequence[str],
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        source: str,
        cv_folds: int = 5,
        features: FeatureConfig | None = None,
        classifier: ClassifierConfig | None = None,
    ) -> TextClassifier:
        """Fit on all the examples given. With ``cv_folds`` >= 2, stratified cross-validation
        (near-duplicates kept together) gives the figures in ``metadata["cv"]`` and the scores
        the temperature is fitted on; with ``cv_folds`` = 0 one held-out fifth calibrates and
        there are no figures (quicker). ``features`` and ``classifier`` default to the settings
        chosen by cross-validation on train.csv."""
        # scikit-learn takes a second to import; prediction never needs it.
        from jieyou.classify import training

        if not len(titles) == len(texts) == len(labels):
            raise ValueError("titles, texts and labels must have the same length")
        names = sorted(set(labels))
        if len(names) < 2:
            raise ValueError(f"need at least 2 classes to train, got {len(names)}")
        features = features or FeatureConfig()
        config = classifier or training.ClassifierConfig()
        index = {name: i for i, name in enumerate(names)}
        y = np.array([index[label] for label in labels])
        blocks = _blocks(titles, texts, features)
        groups = [near_duplicate_key(t, x) for t, x in zip(titles, texts, strict=True)]

        held_out = training.out_of_fold(
            blocks,
            y,
            groups,
            len(names),
            features,
            config,
            folds=cv_folds if cv_folds >= 2 else 5,
            first_only=cv_folds < 2,
        )
        beta, cv = 1.0, None
        calibrated_on = "nothing (a class has a single example): beta = 1"
        if held_out is not None:
            rows, scores, fold_of = held_out
            beta = training.fit_temperature(scores, y[rows])
            calibrated_on = "one held-out fold"
            if cv_folds >= 2:
                cv = training.cross_validation(y[rows], scores, fold_of, beta, len(names))
                calibrated_on = f"{cv.folds}-fold out-of-fold scores"

        vectoriser, linear = training.fit_blocks(blocks, y, len(names), features, config)
        counts = np.bincount(y, minlength=len(names))
        trained_at = datetime.now(UTC).replace(microsecond=0)
        metadata: dict[str, Any] = {
            "format": FORMAT,
            "labels": names,
            "trained_at": trained_at.isoformat(),
            "n_train": len(y),
            "class_counts": {name: int(n) for name, n in zip(names, counts, strict=True)},
            "source": source,
            "cv": cv.to_dict() if cv else None,
            "calibration": {
                "method": "temperature",
                "beta": beta,
                "fitted_on": calibrated_on,
            },
            "features": features.to_dict(),
            "classifier": config.to_dict(),
            "blocks": {name: b.size for name, b in zip(BLOCKS, vectoriser.blocks, strict=True)},
        }
        digest = _content_hash(vectoriser, linear, metadata)
        metadata["version"] = f"{trained_at:%Y.%m.%d}-{digest[:8]}"
        return cls(
            labels=names,
            features=features,
            vectoriser=vectoriser,
            linear=linear,
            beta=beta,
            metadata=metadata,
        )

    # -- prediction -----------------------------------------------------------------------

    def probabilities(self, titles: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """(n, n_classes) calibrated probabilities, columns in ``labels`` order."""
        if len(titles) != len(texts):
            raise ValueError("titles and texts must have the same length")
        x = self.vectoriser.transform(_blocks(titles, texts, self.features))
        return softmax(self.linear.scores(x), self.beta)

    def predict(self, titles: Sequence[str], texts: Sequence[str]) -> list[Prediction]:
        """One prediction per (title, text); either may be empty. Batches are much faster
        than one call per message."""
        if len(titles) != len(texts):
            raise ValueError("titles and texts must have the same length")
        if not titles:
            return []
        probs = self.probabilities(titles, texts)
        k = min(TOP_K, len(self.labels))
        order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
        out = []
        for row, best in zip(probs, order, strict=True):
            top = [(self.labels[i], float(row[i])) for i in best]
            out.append(Prediction(label=top[0][0], confidence=top[0][1], top=top))
        return out

    def predict_one(self, title: str, text: str) -> Prediction:
        return self.predict([title], [text])[0]

    # -- storage --------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        vocabulary = _vocabulary_bytes(self.vectoriser)
        weights = _weights_bytes(self.vectoriser, self.linear)
        (directory / VOCABULARY_FILE).write_bytes(vocabulary)
        (directory / WEIGHTS_FILE).write_bytes(weights)
        metadata = {
            **self.metadata,
            "files": {
                VOCABULARY_FILE: hashlib.sha256(vocabulary).hexdigest(),
                WEIGHTS_FILE: hashlib.sha256(weights).hexdigest(),
            },
        }
        # Written last: a directory with metadata.json is a complete model.
        text = json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (directory / METADATA_FILE).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TextClassifier:
        """Read a saved model (and jieba's dictionary if the model uses words, so the first
        prediction is not slow). Raises ``FileNotFoundError`` for a missing model and
        ``ValueError`` for a damaged one."""
        meta_path = directory / METADATA_FILE
        if not meta_path.is_file():
            raise FileNotFoundError(f"no model in {directory} (missing {METADATA_FILE})")
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        if metadata.get("format") != FORMAT:
            raise ValueError(f"{meta_path}: unsupported model format {metadata.get('format')!r}")
        raw = {}
        for name in (VOCABULARY_FILE, WEIGHTS_FILE):
            raw[name] = (directory / name).read_bytes()
            if hashlib.sha256(raw[name]).hexdigest() != metadata["files"][name]:
                raise ValueError(f"{directory / name} does not match {METADATA_FILE}")
        features = FeatureConfig.from_dict(metadata["features"])
        with np.load(io.BytesIO(raw[WEIGHTS_FILE]), allow_pickle=False) as arrays:
            idf, weights, bias = arrays["idf"], arrays["weights"], arrays["bias"]
        vocabulary = raw[VOCABULARY_FILE].decode("utf-8").split("\n")[:-1]
        sizes = [metadata["blocks"][name] for name in BLOCKS]
        if sum(sizes) != len(vocabulary) or weights.shape != (
            len(vocabulary),
            len(metadata["labels"]),
        ):
            raise ValueError(f"{directory}: vocabulary and weights do not fit together")
        blocks, start = [], 0
        for size, weight in zip(sizes, features.block_weights(), strict=True):
            columns = dict(zip(vocabulary[start : start + size], range(size), strict=True))
            blocks.append(Block(columns, idf[start : start + size], weight))
            start += size
        if features.title_words_weight > 0:
            load_jieba()
        return cls(
            labels=list(metadata["labels"]),
            features=features,
            vectoriser=Vectoriser(blocks),
            linear=LinearModel(weights, bias),
            beta=float(metadata["calibration"]["beta"]),
            metadata=metadata,
        )


def _blocks(
    titles: Sequence[str], texts: Sequence[str], features: FeatureConfig
) -> list[list[list[str]]]:
    """Per-message term blocks, transposed to one list of messages per block."""
    per_message = [terms(t or "", x or "", features) for t, x in zip(titles, texts, strict=True)]
    return [[m[b] for m in per_message] for b in range(len(BLOCKS))]


def _vocabulary_bytes(vectoriser: Vectoriser) -> bytes:
    return "".join(f"{t}\n" for t in vectoriser.terms_in_order()).encode("utf-8")


def _weights_bytes(vectoriser: Vectoriser, linear: LinearModel) -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        idf=np.concatenate([b.idf for b in vectoriser.blocks]).astype(np.float32),
        weights=linear.weights,
        bias=linear.bias,
    )
    return buffer.getvalue()


def _content_hash(vectoriser: Vectoriser, linear: LinearModel, metadata: dict[str, Any]) -> str:
    """Hash of what decides predictions (not of when or from where it was trained)."""
    h = hashlib.sha256()
    h.update(_vocabulary_bytes(vectoriser))
    for b in vectoriser.blocks:
        h.update(b.idf.tobytes())
    h.update(linear.weights.tobytes())
    h.update(linear.bias.tobytes())
    decisive = {k: metadata[k] for k in ("labels", "calibration", "features", "classifier")}
    h.update(json.dumps(decisive, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()
