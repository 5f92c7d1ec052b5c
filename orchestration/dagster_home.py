"""The Dagster instance folder, `DAGSTER_HOME` (default `data/dagster_home`), ready before use.

`truefans run --record` writes runs there and `truefans dev` (`make dev`) shows them. Dagster
refuses a `DAGSTER_HOME` that does not exist, and both sides must read the folder with the same
`dagster.yaml`: a UI started on a folder without one reads the default per-run event logs and never
sees the events a recorded run writes to the consolidated log. So every command that needs the
persistent instance calls `ensure_dagster_home()` first. No dagster import: `truefans dev` calls it
before it becomes `dagster dev`.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.settings import DATA_DIR

# A new DAGSTER_HOME gets the consolidated SQLite event log: one write per event instead of two
# (per-run and index databases), about 9 s less per demo run; `dagster dev` reads it the same.
INSTANCE_CONFIG = """\
telemetry:
  enabled: false
event_log_storage:
  module: dagster._core.storage.event_log
  class: ConsolidatedSqliteEventLogStorage
  config:
    base_dir: {history}
"""
# A folder that already holds Dagster's default per-run event logs (history/runs/) keeps them.
TELEMETRY_OFF = "telemetry:\n  enabled: false\n"


def ensure_dagster_home() -> Path:
    """Create `DAGSTER_HOME` and its `dagster.yaml` if missing; export its absolute path."""
    home = Path(os.environ.get("DAGSTER_HOME") or DATA_DIR / "dagster_home").resolve()
    os.environ["DAGSTER_HOME"] = str(home)  # dagster wants an absolute path
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        default_logs = (home / "history" / "runs").is_dir()
        config.write_text(
            TELEMETRY_OFF if default_logs else INSTANCE_CONFIG.format(history=home / "history")
        )
    return home
