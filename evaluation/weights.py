"""Learn the authenticity signal weights (the dbt seed `authenticity_weights.csv`).

Scoring in dbt: logit = weight('(intercept)') + Σ weight(signal) over the follower's fired
signals, P(inauthentic) = 1 / (1 + exp(−logit)). Weights come per platform (`instagram`,
`twitter`) and pooled (`*`, used for a platform without rows of its own; a signal missing
from the rows used weighs 0). Each is an L2-regularised logistic regression fitted by
Newton/IRLS on a 0/1 signal matrix in which every labelled dataset carries the same total
sample weight.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np

from evaluation.sources import (
    AUTHENTICITY,
    read_labels_csv,
    read_truth_csv,
    require_tables,
)
from orchestration.settings import DBT_PROJECT_DIR

SIGNALS = "intermediate.int_follower_signals"
INTERCEPT = "(intercept)"
PLATFORMS: tuple[str, ...] = ("instagram", "twitter")
FALLBACK = "*"
SEED_COLUMNS = ("platform", "signal", "weight", "rows_fired", "description")

# The bins of int_follower_signals, with their descriptions, are the seed
# authenticity_signal_bins (one place for a signal's bins); a signal not there is described by
# its own name.
SIGNAL_BINS_SEED = DBT_PROJECT_DIR / "seeds" / "authenticity_signal_bins.csv"
INTERCEPT_DESCRIPTION = "baseline log-odds of an inauthentic follower when nothing is known"


@functools.cache
def signal_descriptions(path: Path = SIGNAL_BINS_SEED) -> dict[str, str]:
    """Signal -> description, read from the bins seed (on first use, not at import)."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        bins = {row["signal"]: row["description"] for row in csv.DictReader(f)}
    return {INTERCEPT: INTERCEPT_DESCRIPTION, **bins}


class SignalMatrix(NamedTuple):
    X: np.ndarray  # (rows, signals) 0/1 float64
    y: np.ndarray  # (rows,) 0/1 float64, 1 = inauthentic
    dataset: np.ndarray  # (rows,) object: dataset name per row
    platform: np.ndarray  # (rows,) object
    signal_names: tuple[str, ...]


@dataclass(frozen=True)
class WeightRow:
    platform: str
    signal: str
    weight: float
    rows_fired: int
    description: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def describe(signal: str) -> str:
    return signal_descriptions().get(signal, signal)


def generated_labels_sql(truth_dir: Path) -> str:
    """Generator truth as labels: bought = 1, every other role 0; dataset generated-<platform>."""
    roles = read_truth_csv(Path(truth_dir) / "follower_roles.csv")
    return (
        "select 'generated-' || platform as dataset, platform, account_id, follower_id, "
        f"role = 'bought' as label from {roles}"
    )


def real_labels_sql(labels_csv: Path) -> str:
    return (
        "select dataset, platform, account_id, follower_id, is_fake as label "
        f"from {read_labels_csv(Path(labels_csv))}"
    )


def signal_matrix(con: duckdb.DuckDBPyConnection, labels_sql: str) -> SignalMatrix:
    """Every labelled relationship of the mart as a row (all zeros when no signal fired).

    `labels_sql` yields (dataset, platform, account_id, follower_id, label boolean); labelled
    relationships absent from the mart are left out. Rows are ordered by dataset and key.
    """
    require_tables(con, AUTHENTICITY, SIGNALS)
    con.execute(
        f"""
        create or replace temp table _signal_rows as
        select row_number() over (
                   order by l.dataset, r.platform, r.account_id, r.follower_id
               ) - 1 as i,
               l.dataset, r.platform, r.account_id, r.follower_id, l.label
        from (select distinct platform, account_id, follower_id from {AUTHENTICITY}) as r
        inner join (
            select dataset, platform, account_id, follower_id, bool_or(label) as label
            from ({labels_sql}) as q group by all
        ) as l using (platform, account_id, follower_id)
        """
    )
    con.execute(
        f"""
        create or replace temp table _signal_names as
        select signal, row_number() over (order by signal) - 1 as j
        from (
            select distinct s.signal
            from {SIGNALS} as s inner join _signal_rows using (platform, account_id, follower_id)
            where s.signal is not null
        )
        """
    )
    rows = con.execute(
        "select dataset, platform, cast(label as double) as y from _signal_rows order by i"
    ).fetchnumpy()
    names = tuple(
        r[0] for r in con.execute("select signal from _signal_names order by j").fetchall()
    )
    pairs = con.execute(
        f"""
        select distinct r.i, n.j
        from {SIGNALS} as s
        inner join _signal_rows as r using (platform, account_id, follower_id)
        inner join _signal_names as n using (signal)
        """
    ).fetchnumpy()
    X = np.zeros((len(rows["y"]), len(names)), dtype=np.float64)
    X[np.asarray(pairs["i"], dtype=np.int64), np.asarray(pairs["j"], dtype=np.int64)] = 1.0
    con.execute("drop table _signal_rows")
    con.execute("drop table _signal_names")
    return SignalMatrix(
        X,
        np.asarray(rows["y"], dtype=np.float64),
        np.asarray(rows["dataset"], dtype=object),
        np.asarray(rows["platform"], dtype=object),
        names,
    )


def combine(*matrices: SignalMatrix) -> SignalMatrix:
    """Stack matrices, aligning columns on the union of their signal names (sorted)."""
    names = tuple(sorted({n for m in matrices for n in m.signal_names}))
    index = {n: j for j, n in enumerate(names)}
    blocks = []
    for m in matrices:
        block = np.zeros((m.X.shape[0], len(names)))
        block[:, [index[n] for n in m.signal_names]] = m.X
        blocks.append(block)
    return SignalMatrix(
        np.vstack(blocks) if blocks else np.zeros((0, 0)),
        np.concatenate([m.y for m in matrices]) if matrices else np.zeros(0),
        np.concatenate([m.dataset for m in matrices]) if matrices else np.zeros(0, object),
        np.concatenate([m.platform for m in matrices]) if matrices else np.zeros(0, object),
        names,
    )


def subset(m: SignalMatrix, mask: np.ndarray) -> SignalMatrix:
    return SignalMatrix(m.X[mask], m.y[mask], m.dataset[mask], m.platform[mask], m.signal_names)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    l2: float = 1.0,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> np.ndarray:
    """Coefficients [intercept, w_1 .. w_k] minimising weighted log-loss + l2/2 · Σ w_j².

    Newton steps with step halving; identical (X row, y) pairs are merged first (summing
    their weights), which is exact and makes 0/1 signal matrices small. Deterministic.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n, k = X.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    keys, inverse = np.unique(np.column_stack([X, y]), axis=0, return_inverse=True)
    weights = np.bincount(inverse.ravel(), weights=w, minlength=len(keys))
    A = np.column_stack([np.ones(len(keys)), keys[:, :k]])
    t = keys[:, k]
    penalty = np.full(k + 1, float(l2))
    penalty[0] = 0.0

    def loss(beta: np.ndarray) -> float:
        z = A @ beta
        return float(weights @ (np.logaddexp(0.0, z) - t * z) + 0.5 * penalty @ (beta * beta))

    beta = np.zeros(k + 1)
    current = loss(beta)
    for _ in range(max_iter):
        p = _sigmoid(A @ beta)
        grad = A.T @ (weights * (p - t)) + penalty * beta
        hessian = (A * (weights * p * (1.0 - p))[:, None]).T @ A + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, grad)
        scale = 1.0
        while scale > 1e-6:
            candidate = beta - scale * step
            value = loss(candidate)
            if value <= current:
                break
            scale /= 2
        else:
            break
        beta, current = candidate, value
        if np.max(np.abs(scale * step)) < tol:
            break
    return beta


# Real labelled sets weigh REAL_WEIGHT times a generated one: the simulator's profiles are our
# own assumptions, the labelled accounts are evidence (measured effect in docs/evaluation.md).
REAL_WEIGHT = 2.0


def dataset_weights(dataset: np.ndarray) -> np.ndarray:
    """Per-row weights giving every generated dataset the same total and every real one
    REAL_WEIGHT times that; the grand total is the row count."""
    names, inverse, counts = np.unique(dataset, return_inverse=True, return_counts=True)
    share = np.array([1.0 if str(n).startswith("generated") else REAL_WEIGHT for n in names])
    per_row = (share / counts)[inverse.ravel()]
    return per_row * len(dataset) / per_row.sum()


def learn(matrix: SignalMatrix, l2: float = 1.0) -> list[WeightRow]:
    """One fit per platform of PLATFORMS present, plus the pooled `*` fit.

    A fit whose rows are all one class is skipped (its platform falls back to `*`); signals
    that never fire within a fit are left out of it (weight 0, no row).
    """
    out: list[WeightRow] = []
    fits = [(p, matrix.platform == p) for p in PLATFORMS]
    fits.append((FALLBACK, np.ones(len(matrix.y), dtype=bool)))
    for platform, mask in fits:
        y = matrix.y[mask]
        if len(y) == 0 or y.min() == y.max():
            continue
        X = matrix.X[mask]
        fired = X.sum(axis=0).astype(np.int64)
        keep = np.flatnonzero(fired > 0)
        coef = fit_logistic(X[:, keep], y, dataset_weights(matrix.dataset[mask]), l2)
        out.append(WeightRow(platform, INTERCEPT, float(coef[0]), len(y), describe(INTERCEPT)))
        for j, c in zip(keep.tolist(), coef[1:].tolist(), strict=True):
            name = matrix.signal_names[j]
            out.append(WeightRow(platform, name, float(c), int(fired[j]), describe(name)))
    return sorted(out, key=lambda r: (r.platform, r.signal))


def score(rows: Sequence[WeightRow], matrix: SignalMatrix) -> np.ndarray:
    """P(inauthentic) per row, exactly as dbt applies the seed."""
    prob = np.zeros(len(matrix.y))
    have = {r.platform for r in rows}
    for platform in np.unique(matrix.platform).tolist():
        use = platform if platform in have else FALLBACK
        table = {r.signal: r.weight for r in rows if r.platform == use}
        w = np.array([table.get(n, 0.0) for n in matrix.signal_names])
        mask = matrix.platform == platform
        prob[mask] = _sigmoid(table.get(INTERCEPT, 0.0) + matrix.X[mask] @ w)
    return prob


def write_seed(rows: Sequence[WeightRow], path: Path) -> None:
    """The seed CSV: sorted by platform and signal, weights with 4 decimals, `\\n` endings."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(SEED_COLUMNS)
        for r in sorted(rows, key=lambda r: (r.platform, r.signal)):
            weight = round(r.weight, 4) + 0.0  # + 0.0 turns -0.0 into 0.0
            writer.writerow([r.platform, r.signal, f"{weight:.4f}", r.rows_fired, r.description])
