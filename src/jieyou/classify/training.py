"""Fitting the classifier: NB-scaled one-vs-rest linear SVMs, then a temperature.

For each class k the features are scaled by the naive-Bayes log-count ratio r_k (how much more
often each term occurs in class k than outside it; Wang & Manning 2012, "NBSVM") and a linear
SVM separates k from the rest. The scaling is per feature, so (x * r_k) . w_k = x . (r_k * w_k):
the saved model is one (n_features x n_classes) weight matrix, and prediction one sparse product.

SVM scores are not probabilities. A single temperature beta, fitted on out-of-fold scores by
minimising the log loss of softmax(beta * scores), turns them into calibrated probabilities
without changing which class ranks first (Guo et al. 2017). Out-of-fold scores come from
stratified folds that keep near-duplicate messages (same first 80 characters) in one fold, as
the benchmark split does, with the vocabulary refitted inside each fold; the same scores give
the cross-validation figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC

from jieyou.classify.model import LinearModel, softmax
from jieyou.classify.text import FeatureConfig
from jieyou.classify.vectorise import Terms, Vectoriser


@dataclass(frozen=True)
class ClassifierConfig:
    """Chosen by cross-validation on train.csv (docs/decisions/0003-text-classifier.md)."""

    c: float = 1.0  # LinearSVC regularisation
    nb_alpha: float = 0.1  # smoothing of the NB log-count ratios
    seed: int = 0

    def to_dict(self) -> dict[str, float | int | str]:
        return {"kind": "nb-scaled one-vs-rest LinearSVC + temperature", **asdict(self)}


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    macro_f1: float
    accuracy: float
    fold_macro_f1: list[float]
    log_loss: float  # of the calibrated out-of-fold probabilities

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def fit_linear(
    x: sparse.csr_matrix, y: np.ndarray, n_classes: int, config: ClassifierConfig
) -> LinearModel:
    """One NB-scaled linear SVM per class; ``y`` holds class indices."""
    n_features = x.shape[1]
    weights = np.zeros((n_features, n_classes), dtype=np.float32)
    # A class absent from this (fold's) data can never win.
    bias = np.full(n_classes, -10.0, dtype=np.float32)
    for k in range(n_classes):
        positive = y == k
        if not positive.any() or positive.all():
            continue
        p = config.nb_alpha + np.asarray(x[positive].sum(axis=0)).ravel()
        q = config.nb_alpha + np.asarray(x[~positive].sum(axis=0)).ravel()
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        scaled = (x @ sparse.diags(ratio.astype(np.float32))).tocsr()
        svm = LinearSVC(C=config.c, max_iter=10_000, random_state=config.seed)
        svm.fit(scaled, positive)
        weights[:, k] = svm.coef_.ravel() * ratio
        bias[k] = svm.intercept_[0]
    return LinearModel(weights, bias)


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The inverse temperature beta minimising the log loss of softmax(beta * scores)."""

    def loss(log_beta: float) -> float:
        logp = log_softmax(np.exp(log_beta) * scores, axis=1)
        return float(-logp[np.arange(len(y)), y].mean())

    found = minimize_scalar(loss, bounds=(-4.0, 6.0), method="bounded")
    return float(np.exp(found.x))


def fit_blocks(
    blocks: Sequence[Terms],
    y: np.ndarray,
    n_classes: int,
    features: FeatureConfig,
    config: ClassifierConfig,
) -> tuple[Vectoriser, LinearModel]:
    vectoriser = Vectoriser.fit(blocks, features.block_weights(), min_df=features.min_df)
    return vectoriser, fit_linear(vectoriser.transform(blocks), y, n_classes, config)


def _take(blocks: Sequence[Terms], rows: np.ndarray) -> list[list[Sequence[str]]]:
    return [[docs[i] for i in rows] for docs in blocks]


def out_of_fold(
    blocks: Sequence[Terms],
    y: np.ndarray,
    groups: Sequence[str],
    n_classes: int,
    features: FeatureConfig,
    config: ClassifierConfig,
    *,
    folds: int,
    first_only: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Out-of-fold scores: (rows scored, their scores, their fold number), or None when the
    data is too small to split (a class with a single example). ``first_only`` scores one
    fold: a quick hold-out for calibration when no cross-validation is wanted."""
    smallest = int(np.bincount(y, minlength=n_classes).min())
    n_splits = min(folds, smallest, len(set(groups)))
    if n_splits < 2:
        return None
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=config.seed)
    rows, scores, fold_of = [], [], []
    for fold, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y, groups)):
        vectoriser, linear = fit_blocks(_take(blocks, train), y[train], n_classes, features, config)
        rows.append(test)
        scores.append(linear.scores(vectoriser.transform(_take(blocks, test))))
        fold_of.append(np.full(len(test), fold))
        if first_only:
            break
    return np.concatenate(rows), np.vstack(scores), np.concatenate(fold_of)


def cross_validation(
    y: np.ndarray, scores: np.ndarray, fold_of: np.ndarray, beta: float, n_classes: int
) -> CrossValidation:
    labels = list(range(n_classes))
    predicted = scores.argmax(axis=1)
    per_fold = [
        float(
            f1_score(
                y[fold_of == f],
                predicted[fold_of == f],
                labels=labels,
                average="macro",
                zero_division=0,
            )
        )
        for f in np.unique(fold_of)
    ]
    logp = np.log(np.clip(softmax(scores, beta)[np.arange(len(y)), y], 1e-15, 1.0))
    return CrossValidation(
        folds=len(per_fold),
        macro_f1=float(f1_score(y, predicted, labels=labels, average="macro", zero_division=0)),
        accuracy=float(accuracy_score(y, predicted)),
        fold_macro_f1=per_fold,
        log_loss=float(-logp.mean()),
    )
