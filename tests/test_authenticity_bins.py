"""The authenticity signals' bins live in one place, seed `authenticity_signal_bins`: the
weights seed, the learner's descriptions and the signals model must all follow it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from evaluation import weights
from orchestration.settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"
SIGNALS_MODEL = (
    DBT_PROJECT_DIR / "models" / "intermediate" / "authenticity" / "int_follower_signals.sql"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


BINS = _rows(SEEDS / "authenticity_signal_bins.csv")


def test_every_bin_has_a_learned_weight_with_its_description() -> None:
    """Adding or re-binning a signal means re-deriving the weights (DEVELOPERS.md): every bin
    has a pooled weight, every weight is of a bin, and its description is the bin's."""
    described = {b["signal"]: b["description"] for b in BINS}
    learned = [w for w in _rows(SEEDS / "authenticity_weights.csv") if w["signal"] != "(intercept)"]
    assert {w["signal"] for w in learned} <= set(described)
    assert {w["signal"] for w in learned if w["platform"] == weights.FALLBACK} == set(described)
    assert {w["signal"]: w["description"] for w in learned} == {
        w["signal"]: described[w["signal"]] for w in learned
    }


def test_the_learner_describes_signals_from_the_bins_seed() -> None:
    for b in BINS:
        assert weights.describe(b["signal"]) == b["description"]
    assert weights.describe(weights.INTERCEPT) == weights.INTERCEPT_DESCRIPTION
    assert weights.describe("no_such_signal") == "no_such_signal"


def test_every_binned_field_is_computed_by_the_signals_model() -> None:
    """A bin of a field the model does not compute would never fire."""
    computed = set(re.findall(r"'([a-z_]+)' as field|'([a-z_]+)': \[", SIGNALS_MODEL.read_text()))
    fields = {name for pair in computed for name in pair if name}
    assert {b["field"] for b in BINS} == fields
