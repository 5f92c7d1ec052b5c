"""Every asset and check of the code location, in one place (definitions.py and the CLI's
pipeline both build their Definitions from these).

The assets are built by a function, not at import: the dbt assets need the dbt manifest, which
`build_assets` prepares first (parsed when missing or stale; see defs/dbt_project.py).
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.checks import ge_checks
from orchestration.defs.dbt import build_dbt_models, mart_keys
from orchestration.defs.dbt_project import dbt_project
from orchestration.defs.docs import build_dbt_docs
from orchestration.defs.gate import build_quality_gate
from orchestration.defs.raw import raw_assets
from orchestration.defs.report import report_assets
from orchestration.defs.serving import build_serving_marts

CHECKS = [*ge_checks]


def build_assets() -> list[dg.AssetsDefinition]:
    """landing -> raw -> dbt (staging, intermediate, marts) -> checks -> serving (file, report),
    docs; the dbt project's manifest is prepared first."""
    dbt_project.prepare_if_dev()
    dbt_models = build_dbt_models(dbt_project)
    marts = mart_keys(dbt_models)
    return [
        *raw_assets,
        dbt_models,
        build_quality_gate(marts),
        build_serving_marts(marts),
        *report_assets,
        build_dbt_docs(marts),
    ]
