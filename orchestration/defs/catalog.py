"""Every asset and check of the code location, in one place (definitions.py and the CLI's
pipeline both build their Definitions from these lists)."""

from __future__ import annotations

from orchestration.defs.checks import ge_checks
from orchestration.defs.dbt import dbt_models
from orchestration.defs.docs import dbt_docs
from orchestration.defs.gate import checks_assets
from orchestration.defs.raw import raw_assets
from orchestration.defs.report import report_assets
from orchestration.defs.serving import serving_assets

# landing -> raw -> dbt (staging, intermediate, marts) -> checks -> serving (file, report), docs
ASSETS = [*raw_assets, dbt_models, *checks_assets, *serving_assets, *report_assets, dbt_docs]
CHECKS = [*ge_checks]
