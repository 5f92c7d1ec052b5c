"""Leave-one-dataset-out (LODO): does a weight configuration transfer to a set it never saw?

Each real labelled set (Cresci 2015, SRF 2017, InstaFake 2019) and the simulator (both its
platforms as one set) is held out in turn: the weights are fitted on every other set with one
`Config`, the held-out rows are scored exactly as dbt scores them (`weights.score`, flagged at
P >= 0.5), and the MCC is set next to the best single profile rule chosen in hindsight on the
same rows (`rules.best_single_rule`, an optimistic baseline). `learn-weights` evaluates the
`CANDIDATES` this way and deploys the one of the best mean LODO MCC over the real sets.

A configuration only changes how the seed's weights are fitted, never the SQL: a dropped field's
bins weigh 0; a tied group of bins is fitted as one column (their OR: the bins of one field never
fire together) and every member gets that one weight, which is how a single threshold rule
(e.g. followers < 30) becomes a feature of the model; pooled means only the `*` weights.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from evaluation import rules
from evaluation.crossval import confusion_at
from evaluation.metrics import ClassMetrics
from evaluation.weights import (
    FALLBACK,
    INTERCEPT,
    PLATFORMS,
    SIGNAL_BINS_SEED,
    SignalMatrix,
    WeightRow,
    describe,
    fit_logistic,
    score,
    subset,
)

GENERATED = "generated"


@dataclass(frozen=True)
class Config:
    """How the weights are fitted (see the module docstring)."""

    name: str
    per_platform: bool = True
    l2: float = 1.0
    real_weight: float = 2.0  # a real set's total weight, a generated set's being 1
    balance_classes: bool = False  # within each set, fakes and the rest weigh half each
    drop_fields: tuple[str, ...] = ()
    ties: tuple[tuple[str, ...], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@functools.cache
def signal_fields() -> dict[str, str]:
    """Signal -> the profile field it bins (seed authenticity_signal_bins)."""
    with SIGNAL_BINS_SEED.open(encoding="utf-8", newline="") as f:
        return {row["signal"]: row["field"] for row in csv.DictReader(f)}


def set_of(dataset: str) -> str:
    """The LODO set of a dataset: the generated platforms are one set, the simulator."""
    return GENERATED if dataset.startswith("generated") else dataset


def groups(names: Sequence[str], config: Config) -> list[tuple[str, ...]]:
    """The fitted columns: tied groups first (members present), then every other kept signal."""
    fields = signal_fields()
    kept = [n for n in names if fields.get(n) not in config.drop_fields]
    out: list[tuple[str, ...]] = []
    tied: set[str] = set()
    for tie in config.ties:
        members = tuple(n for n in tie if n in kept)
        if members:
            out.append(members)
            tied.update(members)
    out.extend((n,) for n in kept if n not in tied)
    return out


def sample_weights(dataset: np.ndarray, y: np.ndarray, config: Config) -> np.ndarray:
    """Every generated dataset the same total, every real one `real_weight` times that, split
    half/half between the classes with `balance_classes`; the grand total is the row count."""
    per_row = np.zeros(len(y))
    for name in np.unique(dataset).tolist():
        share = 1.0 if str(name).startswith("generated") else config.real_weight
        mask = dataset == name
        if config.balance_classes:
            for label in (0.0, 1.0):
                part = mask & (y == label)
                if part.any():
                    per_row[part] = share / 2 / part.sum()
        else:
            per_row[mask] = share / mask.sum()
    return per_row * len(y) / per_row.sum() if per_row.sum() > 0 else per_row


def fit(matrix: SignalMatrix, config: Config) -> list[WeightRow]:
    """Seed rows: one fit per platform (with `per_platform`) and always the pooled `*` fit.

    The `*` fit carries every signal of the matrix (0 for a dropped or never-fired one); a
    platform fit only the signals of its groups that fired in it. A one-class fit is skipped.
    """
    cols = groups(matrix.signal_names, config)
    index = {n: j for j, n in enumerate(matrix.signal_names)}
    G = np.zeros((len(matrix.y), len(cols)))
    for k, g in enumerate(cols):  # a group fires when any member does
        G[:, k] = np.clip(matrix.X[:, [index[n] for n in g]].sum(axis=1), 0.0, 1.0)
    fits = [(p, matrix.platform == p) for p in PLATFORMS] if config.per_platform else []
    fits.append((FALLBACK, np.ones(len(matrix.y), dtype=bool)))
    out: list[WeightRow] = []
    for platform, mask in fits:
        y = matrix.y[mask]
        if len(y) == 0 or y.min() == y.max():
            continue
        X = G[mask]
        fired_group = X.sum(axis=0)
        keep = np.flatnonzero(fired_group > 0)
        w = sample_weights(matrix.dataset[mask], y, config)
        coef = fit_logistic(X[:, keep], y, w, config.l2)
        out.append(WeightRow(platform, INTERCEPT, float(coef[0]), len(y), describe(INTERCEPT)))
        weight_of = {
            n: c for j, c in zip(keep.tolist(), coef[1:].tolist(), strict=True) for n in cols[j]
        }
        fired = matrix.X[mask].sum(axis=0).astype(np.int64)
        for name in matrix.signal_names:
            if name in weight_of or platform == FALLBACK:
                rows = int(fired[index[name]])
                out.append(
                    WeightRow(platform, name, float(weight_of.get(name, 0.0)), rows, describe(name))
                )
    return sorted(out, key=lambda r: (r.platform, r.signal))


@dataclass(frozen=True)
class HeldOut:
    """One LODO fold: the model fitted without `held_out`, and the best rule on its rows."""

    held_out: str
    model: ClassMetrics
    rule: rules.Rule

    @property
    def margin(self) -> float:
        return self.model.mcc - self.rule.mcc

    def as_dict(self) -> dict[str, object]:
        return {
            "held_out": self.held_out,
            "mcc": self.model.mcc,
            **{k: v for k, v in self.model.as_dict().items() if k in ("tp", "fp", "fn", "tn")},
            "best_rule": self.rule.describe(),
            "best_rule_mcc": self.rule.mcc,
            "margin": self.margin,
        }


def lodo(matrix: SignalMatrix, fields: rules.FieldMatrix | None, config: Config) -> list[HeldOut]:
    """Every set held out in turn (sorted, the simulator last); `fields` in the row order of
    `matrix` gives the best-rule baseline (none without it)."""
    sets = np.array([set_of(str(d)) for d in matrix.dataset], dtype=object)
    names = sorted(set(sets.tolist()), key=lambda s: (s == GENERATED, s))
    out: list[HeldOut] = []
    if len(names) < 2:
        return out
    for name in names:
        held = sets == name
        fitted = fit(subset(matrix, ~held), config)
        prob = score(fitted, subset(matrix, held))
        model = confusion_at(name, matrix.y[held], prob)
        if fields is not None:
            rule = rules.best_single_rule(fields.values[held], fields.y[held], fields.field_names)
        else:
            rule = rules.Rule("", "<", 0.0, 0.0)
        out.append(HeldOut(name, model, rule))
    return out


def real_mean(results: Sequence[HeldOut]) -> float:
    """Mean LODO MCC over the real sets (the simulator left out); 0 with none."""
    real = [r.model.mcc for r in results if r.held_out != GENERATED]
    return float(np.mean(real)) if real else 0.0


# Mean LODO MCCs closer than this are a tie (about one standard error of an MCC on the ~1,000
# rows of the smallest real set); a tie goes to the better in-sample MCC on the generated sets.
TIE = 0.01


@dataclass
class Ranked:
    config: Config
    results: list[HeldOut] = field(default_factory=list)
    generated_in_sample: float = 0.0  # mean in-sample MCC of the generated datasets

    @property
    def mean(self) -> float:
        return real_mean(self.results)


def _generated_in_sample(matrix: SignalMatrix, config: Config) -> float:
    gen = np.array([set_of(str(d)) == GENERATED for d in matrix.dataset])
    if not gen.any():
        return 0.0
    prob = score(fit(matrix, config), subset(matrix, gen))
    names = matrix.dataset[gen]
    return float(
        np.mean(
            [
                confusion_at(d, matrix.y[gen][names == d], prob[names == d]).mcc
                for d in np.unique(names).tolist()
            ]
        )
    )


def choose(
    matrix: SignalMatrix, fields: rules.FieldMatrix | None, candidates: Sequence[Config]
) -> list[Ranked]:
    """Every candidate's LODO, the chosen one first: the best mean real-set LODO MCC, where
    candidates within TIE of it count as tied and the better generated in-sample MCC wins
    (then candidate order). The rest follow by mean LODO MCC."""
    ranked = [
        Ranked(c, lodo(matrix, fields, c), _generated_in_sample(matrix, c)) for c in candidates
    ]
    order = sorted(range(len(ranked)), key=lambda i: (-round(ranked[i].mean, 12), i))
    if not order:
        return []
    top = ranked[order[0]].mean
    tied = [i for i in order if ranked[i].mean >= top - TIE]
    chosen = min(tied, key=lambda i: (-round(ranked[i].generated_in_sample, 12), i))
    return [ranked[chosen], *(ranked[i] for i in order if i != chosen)]
