"""Sources: adapters that turn what creators and brands actually have (platform exports, public
APIs) into landing files of LANDING_CONTRACT.md, so ingestion, quarantine and reconciliation stay
one mechanism. Each adapter is a module here with a `SOURCE` (see `base.py`); `registry.py` lists
them for the `truefans import` command and the Dagster assets."""
