"""How well learnt weights classify: in-sample and k-fold cross-validated, per dataset."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from evaluation.metrics import ClassMetrics
from evaluation.weights import SignalMatrix, WeightRow, learn, score, subset


def confusion_at(
    name: str, y: np.ndarray, prob: np.ndarray, threshold: float = 0.5
) -> ClassMetrics:
    truth, pred = y > 0.5, prob >= threshold
    return ClassMetrics.from_counts(
        name,
        int(np.sum(truth & pred)),
        int(np.sum(~truth & pred)),
        int(np.sum(truth & ~pred)),
        int(np.sum(~truth & ~pred)),
    )


def in_sample(rows: Sequence[WeightRow], matrix: SignalMatrix) -> list[ClassMetrics]:
    prob = score(rows, matrix)
    return [
        confusion_at(d, matrix.y[matrix.dataset == d], prob[matrix.dataset == d])
        for d in np.unique(matrix.dataset).tolist()
    ]


def folds(y: np.ndarray, k: int = 5, seed: int = 0) -> np.ndarray:
    """Fold number per row, stratified by label, from a fixed seed."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(y), dtype=np.int64)
    for label in (0.0, 1.0):
        idx = np.flatnonzero(y == label)
        out[rng.permutation(idx)] = np.arange(len(idx)) % k
    return out


def cross_validate(
    matrix: SignalMatrix,
    dataset: str,
    k: int = 5,
    seed: int = 0,
    l2: float = 1.0,
    fitter: Callable[[SignalMatrix], list[WeightRow]] | None = None,
) -> ClassMetrics:
    """k-fold CV of one dataset: each fold is scored by weights learnt on every other row
    (the other folds plus all other datasets) by `fitter` (default `learn` with `l2`); the
    confusion is pooled over folds."""
    rows = np.flatnonzero(matrix.dataset == dataset)
    fold = folds(matrix.y[rows], k, seed)
    prob = np.zeros(len(rows))
    for f in range(k):
        held = rows[fold == f]
        if len(held) == 0:
            continue
        train = np.ones(len(matrix.y), dtype=bool)
        train[held] = False
        train_rows = subset(matrix, train)
        fitted = fitter(train_rows) if fitter else learn(train_rows, l2)
        prob[fold == f] = score(fitted, subset(matrix, held))
    return confusion_at(dataset, matrix.y[rows], prob)
