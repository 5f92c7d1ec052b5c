"""The labelled matrices of the evaluation warehouses, and the deployed weight configuration.

`learn-weights` writes the configuration it chose next to the seed (`<seed>.config.json`, which
dbt ignores: seeds are CSV files) so that `truefans evaluate` reports the leave-one-dataset-out
figures of the weights actually deployed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from evaluation import lodo, rules, weights
from evaluation.candidates import DEFAULT
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import connection

DEFAULT_SEED = DBT_PROJECT_DIR / "seeds" / "authenticity_weights.csv"


def config_path(seed: Path) -> Path:
    return Path(seed).with_suffix(".config.json")


def save_config(config: lodo.Config, seed: Path) -> Path:
    path = config_path(seed)
    path.write_text(json.dumps(config.as_dict(), indent=2, sort_keys=True) + "\n")
    return path


def load_config(seed: Path = DEFAULT_SEED) -> lodo.Config:
    """The configuration the seed was fitted with; DEFAULT when none was written."""
    path = config_path(seed)
    if not path.is_file():
        return DEFAULT
    raw: dict[str, Any] = json.loads(path.read_text())
    raw["drop_fields"] = tuple(raw.get("drop_fields", ()))
    raw["ties"] = tuple(tuple(t) for t in raw.get("ties", ()))
    return lodo.Config(**raw)


def matrices(
    generated: tuple[Path, Path] | None, real: tuple[Path, Path] | None
) -> tuple[weights.SignalMatrix, rules.FieldMatrix]:
    """Signal and field matrices (same rows) of a generated (warehouse, truth) and a real
    (warehouse, labels) pair, either of which may be absent; without the real pair the field
    matrix is empty (nothing to hold out)."""
    parts: list[weights.SignalMatrix] = []
    fields: list[rules.FieldMatrix] = []
    pairs = []
    if generated is not None:
        pairs.append((generated[0], weights.generated_labels_sql(generated[1])))
    if real is not None:
        pairs.append((real[0], weights.real_labels_sql(real[1])))
    for warehouse, sql in pairs:
        with connection(Path(warehouse), read_only=True) as con:
            parts.append(weights.signal_matrix(con, sql))
            if real is not None:  # the best-rule baseline serves LODO, which needs real sets
                fields.append(rules.field_matrix(con, sql))
    names = fields[0].field_names if fields else tuple(rules.FIELDS)
    stacked = rules.FieldMatrix(
        np.vstack([f.values for f in fields]) if fields else np.zeros((0, len(names))),
        np.concatenate([f.y for f in fields]) if fields else np.zeros(0),
        np.concatenate([f.dataset for f in fields]) if fields else np.zeros(0, object),
        names,
    )
    return weights.combine(*parts), stacked


def evaluate_lodo(
    generated: tuple[Path, Path] | None,
    real: tuple[Path, Path] | None,
    seed: Path = DEFAULT_SEED,
) -> dict[str, Any]:
    """LODO of the deployed configuration on these warehouses, for `truefans evaluate`."""
    config = load_config(seed)
    matrix, fields = matrices(generated, real)
    results = lodo.lodo(matrix, fields, config)
    return {
        "config": config.as_dict(),
        "mean_real_mcc": lodo.real_mean(results),
        "held_out": [r.as_dict() for r in results],
    }
