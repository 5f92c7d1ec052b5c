"""Expectation-suite helpers: one JSON file per suite in ``expectations/gx/expectations/``.

Conventions (checked by tests/test_quality_ge.py):
* suite name = ``<schema>_<table>`` (``raw_follows`` validates ``raw.follows``);
* the file is ``<suite name>.json``;
* ``meta.table`` holds ``"<schema>.<table>"``, so orchestration can find what each suite checks.

* the suite has a top-level ``"id"`` (any UUID): GE refuses to run a suite without one
  (expectation-level ids are optional).

Adding or changing a suite: edit :mod:`orchestration.quality.suite_specs` and run
``python -m orchestration.quality.author``; never edit the JSON by hand (a test compares the
committed files with what the specs generate).
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.quality.ge import DEFAULT_PROJECT_ROOT, GX_DIR_NAME


def suites_dir(project_root: Path | None = None) -> Path:
    return Path(project_root or DEFAULT_PROJECT_ROOT) / GX_DIR_NAME / "expectations"


def suite_tables(project_root: Path | None = None) -> dict[str, tuple[str, str]]:
    """Map every committed suite name to the ``(schema, table)`` it validates (``meta.table``)."""
    mapping: dict[str, tuple[str, str]] = {}
    for path in sorted(suites_dir(project_root).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        schema, _, table = str(data.get("meta", {}).get("table", "")).partition(".")
        if not (schema and table):
            raise ValueError(f"{path}: meta.table must be '<schema>.<table>'")
        mapping[data["name"]] = (schema, table)
    return mapping
