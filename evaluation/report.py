"""Rich tables for `truefans evaluate` and `truefans learn-weights`."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from evaluation.metrics import ClassMetrics
from evaluation.weights import WeightRow

CLASS_TITLES = {
    "bought": "bought followers (is_bought)",
    "follow_churner": "follow-for-follow churners (is_follow_churner)",
    "suspicious": "bought or churning followers (is_suspicious)",
    "like_farm_post": "posts boosted by a like farm (is_like_farm_target)",
    "lockstep_actor": "like-farm accounts (member of a like lockstep group)",
}


def console() -> Console:
    # piped output (make, CI logs) gets a fixed width instead of rich's 80-column fallback
    return Console(width=None if sys.stdout.isatty() else 120)


def _num(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _hours(value: object) -> str:
    return "–" if value is None else f"{float(value):.1f} h"  # type: ignore[arg-type]


def classes_table(classes: Sequence[Mapping[str, Any]], title: str) -> Table:
    table = Table(title=title)
    table.add_column("class")
    for col in ("positives", "tp", "fp", "fn", "tn", "precision", "recall", "F1", "MCC"):
        table.add_column(col, justify="right")
    table.add_column("outside universe", justify="right")
    for c in classes:
        table.add_row(
            CLASS_TITLES.get(str(c["name"]), str(c["name"])),
            *(_num(c[k]) for k in ("support", "tp", "fp", "fn", "tn")),
            *(_num(c[k]) for k in ("precision", "recall", "f1", "mcc")),
            _num(c["missing"]),
        )
    return table


def bursts_table(b: Mapping[str, Any]) -> Table:
    table = Table(title="Follower purchases found by suspected bursts (delivery ± 1 day)")
    cols = ("purchases", "found", "median error", "max error", "within 24 h")
    for col in (*cols, "suspected bursts", "false bursts"):
        table.add_column(col, justify="right")
    within = b["share_within_24h"]
    table.add_row(
        _num(b["purchases"]),
        _num(b["found"]),
        _hours(b["median_date_error_hours"]),
        _hours(b["max_date_error_hours"]),
        "–" if within is None else f"{within:.0%}",
        _num(b["suspected_bursts"]),
        _num(b["false_bursts"]),
    )
    return table


def purchase_kinds_table(kinds: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Per kind of follower purchase: found (burst dated within 1 day), bought")
    table.add_column("kind")
    cols = ("purchases", "found", "max error", "bought", "tp", "fp", "fn")
    for col in (*cols, "precision", "recall", "F1"):
        table.add_column(col, justify="right")
    for k in kinds:
        b = k["bought"]
        table.add_row(
            str(k["kind"]),
            _num(k["purchases"]),
            _num(k["found"]),
            _hours(k["max_date_error_hours"]),
            *(_num(b[c]) for c in ("support", "tp", "fp", "fn", "precision", "recall", "f1")),
        )
    return table


def real_table(datasets: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Real labelled followers: is_suspicious vs is_fake")
    table.add_column("dataset")
    table.add_column("platform")
    for col in ("labelled", "fake", "not in mart", "precision", "recall", "F1", "MCC"):
        table.add_column(col, justify="right")
    table.add_column("reference", overflow="fold")
    for d in datasets:
        table.add_row(
            str(d["name"]),
            str(d.get("platform") or "–"),
            _num(d["tp"] + d["fp"] + d["fn"] + d["tn"]),
            _num(d["support"]),
            _num(d["missing"]),
            *(_num(d[k]) for k in ("precision", "recall", "f1", "mcc")),
            str(d.get("paper_reference") or "–"),
        )
    return table


def weights_table(rows: Sequence[WeightRow]) -> Table:
    table = Table(title="Learnt weights (log-odds of an inauthentic follower)")
    table.add_column("platform")
    table.add_column("signal")
    table.add_column("weight", justify="right")
    table.add_column("rows fired", justify="right")
    table.add_column("description")
    for r in rows:
        colour = "red" if r.weight > 0 else "green"
        weight = (
            f"[{colour}]{r.weight:+.3f}[/]" if r.signal != "(intercept)" else f"{r.weight:+.3f}"
        )
        table.add_row(r.platform, r.signal, weight, f"{r.rows_fired:,}", r.description)
    return table


def fit_table(in_sample: Sequence[ClassMetrics], cv: Mapping[str, ClassMetrics]) -> Table:
    table = Table(title="Fit quality at P(inauthentic) >= 0.5 (CV: 5 folds, seed 0)")
    table.add_column("dataset")
    for col in ("rows", "fake", "precision", "recall", "MCC in-sample", "MCC cross-validated"):
        table.add_column(col, justify="right")
    for m in in_sample:
        held = cv.get(m.name)
        table.add_row(
            m.name,
            _num(m.tp + m.fp + m.fn + m.tn),
            _num(m.support),
            _num(m.precision),
            _num(m.recall),
            _num(m.mcc),
            "–" if held is None else _num(held.mcc),
        )
    return table


def lodo_table(held_out: Sequence[Mapping[str, Any]], title: str) -> Table:
    """Leave-one-dataset-out MCC next to the best single rule chosen on the same rows."""
    table = Table(title=title)
    table.add_column("held out")
    for col in ("rows", "fake", "LODO MCC"):
        table.add_column(col, justify="right")
    table.add_column("best single rule (in hindsight)")
    for col in ("rule MCC", "margin"):
        table.add_column(col, justify="right")
    for h in held_out:
        rows = int(h["tp"]) + int(h["fp"]) + int(h["fn"]) + int(h["tn"])
        table.add_row(
            str(h["held_out"]),
            _num(rows),
            _num(int(h["tp"]) + int(h["fn"])),
            _num(float(h["mcc"])),
            str(h["best_rule"]),
            _num(float(h["best_rule_mcc"])),
            f"{float(h['margin']):+.3f}",
        )
    return table


def candidates_table(ranked: Sequence[Any], top: int = 10) -> Table:
    """The best `top` candidate configurations by mean real-set LODO MCC (chosen first)."""
    table = Table(title=f"Weight configurations by leave-one-dataset-out MCC (best {top})")
    table.add_column("configuration", overflow="fold")
    table.add_column("mean real", justify="right")
    names = [h.held_out for h in ranked[0].results] if ranked else []
    for name in names:
        table.add_column(name, justify="right")
    table.add_column("generated in-sample", justify="right")
    for i, r in enumerate(ranked[:top]):
        label = ("[bold]chosen:[/] " if i == 0 else "") + r.config.name
        table.add_row(
            label,
            _num(r.mean),
            *(_num(h.model.mcc) for h in r.results),
            _num(r.generated_in_sample),
        )
    return table
