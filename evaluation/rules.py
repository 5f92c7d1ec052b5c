"""The best single profile rule: an optimistic baseline for a learnt score.

A rule is one threshold on one profile field, `field < k` or `field >= k`, flagging the rows it
holds as inauthentic; a row whose field is unknown is never flagged. `best_single_rule` tries
every threshold between observed values of every field and keeps the one of the highest MCC on
the rows it is given: chosen in hindsight on the rows it is scored on, so it is an optimistic
baseline (what the best possible one-line rule would have scored), not a fair held-out model.

The fields are the same profile values `int_follower_signals` bins (followers, following,
following/followers, posts, listed, default avatar, bio length, longest handle digit run,
account age at the first observed follow), read here from the same marts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

import duckdb
import numpy as np
from numpy.typing import ArrayLike

from evaluation.sources import require_tables

PROFILES = "intermediate.int_account_profiles"
RELATIONSHIPS = "intermediate.int_follower_relationships"

# field -> SQL over profiles `p` and relationships `r` (null when unknown)
FIELDS: dict[str, str] = {
    "followers_count": "p.followers_count",
    "following_count": "p.following_count",
    "follow_ratio": "p.following_count * 1.0 / greatest(p.followers_count, 1)",
    "posts_count": "p.posts_count",
    "listed_count": "p.listed_count",
    "has_default_avatar": "cast(p.has_default_avatar as integer)",
    "bio_length": "length(p.bio)",
    "handle_digit_run": (
        "coalesce(list_max(list_transform(regexp_extract_all(p.handle, '[0-9]+'), "
        "lambda x: length(x))), case when p.handle is not null then 0 end)"
    ),
    "age_at_follow_days": "date_diff('day', p.created_at, r.first_observed_follow_at)",
}


class FieldMatrix(NamedTuple):
    values: np.ndarray  # (rows, fields) float64, nan = unknown
    y: np.ndarray  # (rows,) 0/1
    dataset: np.ndarray  # (rows,) object
    field_names: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    field: str
    op: str  # "<" or ">="
    threshold: float
    mcc: float

    def describe(self) -> str:
        k = f"{self.threshold:g}"
        if self.field == "has_default_avatar":
            return "default avatar" if self.op == ">=" else "own avatar"
        return f"{self.field} {self.op} {k}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "rule": self.describe()}


def field_matrix(con: duckdb.DuckDBPyConnection, labels_sql: str) -> FieldMatrix:
    """The profile fields of every labelled relationship of the mart, in the row order of
    `weights.signal_matrix` (dataset, platform, account_id, follower_id)."""
    from evaluation.weights import AUTHENTICITY

    require_tables(con, AUTHENTICITY, PROFILES, RELATIONSHIPS)
    names = tuple(FIELDS)
    cols = ", ".join(f"cast({sql} as double) as {name}" for name, sql in FIELDS.items())
    rel = con.execute(
        f"""
        with labelled as (
            select dataset, platform, account_id, follower_id, bool_or(label) as label
            from ({labels_sql}) as q group by all
        ),
        rows as (
            select l.*
            from (select distinct platform, account_id, follower_id from {AUTHENTICITY}) as a
            inner join labelled as l using (platform, account_id, follower_id)
        )
        select rows.dataset, cast(rows.label as double) as y, {cols}
        from rows
        left join {RELATIONSHIPS} as r using (platform, account_id, follower_id)
        left join {PROFILES} as p
            on p.platform = rows.platform and p.account_id = rows.follower_id
        order by rows.dataset, rows.platform, rows.account_id, rows.follower_id
        """
    ).fetchnumpy()
    n = len(rel["y"])
    values = np.full((n, len(names)), np.nan)
    for j, name in enumerate(names):
        column = np.ma.masked_invalid(np.ma.asarray(rel[name], dtype=np.float64))
        values[:, j] = column.filled(np.nan)
    return FieldMatrix(
        values,
        np.asarray(rel["y"], dtype=np.float64),
        np.asarray(rel["dataset"], dtype=object),
        names,
    )


def mcc(tp: ArrayLike, fp: ArrayLike, fn: ArrayLike, tn: ArrayLike) -> np.ndarray:
    """Matthews correlation, element-wise; 0 where a margin is empty."""
    tp, fp, fn, tn = (np.asarray(a, dtype=np.float64) for a in (tp, fp, fn, tn))
    margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (tp * tn - fp * fn) / np.sqrt(margins)
    return np.where(margins > 0, out, 0.0)


def _best_on_field(v: np.ndarray, y: np.ndarray) -> tuple[str, float, float]:
    """(op, threshold, mcc) of the best rule on one field; unknown values never flag."""
    known = ~np.isnan(v)
    pos_total, neg_total = float(y.sum()), float(len(y) - y.sum())
    vk, yk = v[known], y[known]
    if len(vk) == 0:
        return "<", 0.0, 0.0
    thresholds = np.unique(vk)
    order = np.argsort(vk, kind="stable")
    vs, ys = vk[order], yk[order]
    below = np.searchsorted(vs, thresholds, side="left")  # rows with v < threshold
    cum_pos = np.concatenate([[0.0], np.cumsum(ys)])
    pos_lt = cum_pos[below]
    neg_lt = below - pos_lt
    pos_known, neg_known = float(ys.sum()), float(len(ys) - ys.sum())
    best = ("<", float(thresholds[0]), -2.0)
    for op, tp, fp in (("<", pos_lt, neg_lt), (">=", pos_known - pos_lt, neg_known - neg_lt)):
        scores = mcc(tp, fp, pos_total - tp, neg_total - fp)
        i = int(np.argmax(scores))  # first (lowest) threshold among ties: deterministic
        if scores[i] > best[2]:
            best = (op, float(thresholds[i]), float(scores[i]))
    return best


def best_single_rule(values: np.ndarray, y: np.ndarray, field_names: tuple[str, ...]) -> Rule:
    """The one-field threshold rule of the highest MCC on these rows (ties: first field)."""
    best = Rule(field_names[0] if field_names else "", "<", 0.0, -2.0)
    for j, name in enumerate(field_names):
        op, k, score = _best_on_field(values[:, j], y)
        if score > best.mcc:
            best = Rule(name, op, k, score)
    return best


def apply_rule(rule: Rule, values: np.ndarray, field_names: tuple[str, ...]) -> np.ndarray:
    """Boolean flag per row (unknown never flags)."""
    v = values[:, field_names.index(rule.field)]
    with np.errstate(invalid="ignore"):
        flag = v < rule.threshold if rule.op == "<" else v >= rule.threshold
    return flag & ~np.isnan(v)
