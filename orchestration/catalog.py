"""Every asset and check of the code location, in one place (definitions.py and the CLI's
pipeline both build their Definitions from these lists)."""

from __future__ import annotations

from orchestration.assets.checks import checks_assets
from orchestration.assets.dbt import dbt_models
from orchestration.assets.docs import dbt_docs
from orchestration.assets.raw import raw_assets
from orchestration.assets.report import report_assets
from orchestration.assets.serving import serving_assets
from orchestration.checks.ge_checks import ge_checks

# landing -> raw -> dbt (staging, intermediate, marts) -> checks -> serving (file, report), docs
ASSETS = [*raw_assets, dbt_models, *checks_assets, *serving_assets, *report_assets, dbt_docs]
CHECKS = [*ge_checks]
