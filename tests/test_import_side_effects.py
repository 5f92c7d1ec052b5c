"""Importing a module has no side effects: no PATH change, no dbt run, no manifest written.

Every module of orchestration/, simulator/ and evaluation/ is imported in a fresh interpreter
that looks like a `dagster dev` code server (DAGSTER_IS_DEV_CLI set, the venv not on PATH): the
conditions under which the code location used to edit PATH and parse the dbt project at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

PROBE = r"""
import builtins, importlib, io, json, os, pkgutil, subprocess, sys

started, written = [], []
_popen_init = subprocess.Popen.__init__
_open = io.open

def recording_open(file, mode="r", *a, **k):
    if any(flag in mode for flag in "wax+"):
        written.append(str(file))
    return _open(file, mode, *a, **k)

builtins.open = io.open = recording_open

def recording_init(self, args, *a, **k):
    started.append(str(args))
    _popen_init(self, args, *a, **k)

subprocess.Popen.__init__ = recording_init
path_before = os.environ["PATH"]
modules = []
for package in ("orchestration", "simulator", "evaluation"):
    root = importlib.import_module(package)
    modules.append(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
        modules.append(info.name)
print(json.dumps({"path": os.environ["PATH"], "before": path_before, "started": started,
                  "written": written, "modules": modules}))
"""


def test_importing_every_module_changes_nothing(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": "/usr/bin:/bin",
        "DAGSTER_IS_DEV_CLI": "1",
        "DAGSTER_HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"orchestration.definitions", "orchestration.defs.dbt_project"} <= set(report["modules"])
    assert {"simulator.runner", "evaluation.command"} <= set(report["modules"])
    assert report["path"] == report["before"] == "/usr/bin:/bin"
    assert [c for c in report["started"] if "dbt" in c] == [], "importing ran dbt"
    # Other tests may parse the shared project meanwhile: watch this process's own writes.
    assert [f for f in report["written"] if str(DBT_PROJECT_DIR) in f] == []
