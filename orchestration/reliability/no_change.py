"""A run with nothing new to do: no landing file added, changed or removed since the last publish.

After every publish, `record_publish` writes beside the warehouse what that publish reflects
(`<warehouse>.published.json`): the landing files of the dump dates the run covered (relative
path, size, modification time in ns), the code fingerprint (the dbt project, the Great
Expectations suites, the orchestration package and the `TRUEFANS_*` settings that change
results), the run id and the serving version. `unchanged_since_publish` compares the landing
root and the code of a new run against it; when nothing differs and the serving file is still
the one that publish wrote, the run has nothing to add: `truefans run` and the nightly schedule
skip dbt, the checks and the publish, and report what is published (`truefans run --force`
runs anyway).

Files are compared by their stat, not their content: a file rewritten with the same size and
the same modification time is not seen (tools that copy with `cp -p` / `rsync -t` keep both).
Any difference only means a normal run, which compares every file's SHA-256 and reloads what
changed. A run that is not skipped deletes the record first, so a run that fails or is killed
part-way never leaves one behind: the next run does the whole work again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.discovery import LandingRootMissing, discover
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT, Settings

STATE_SUFFIX = ".published.json"
# inputs of the results: what the dbt project, the suites and the Python code do
CODE_ROOTS = (
    DBT_PROJECT_DIR / "models",
    DBT_PROJECT_DIR / "macros",
    DBT_PROJECT_DIR / "seeds",
    DBT_PROJECT_DIR / "snapshots",
    DBT_PROJECT_DIR / "tests",
    DBT_PROJECT_DIR / "dbt_project.yml",
    DBT_PROJECT_DIR / "profiles.yml",
    REPO_ROOT / "expectations",
    REPO_ROOT / "orchestration",
)
CODE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".json", ".py", ".md"}
# settings that change how fast a run goes or where it writes, not what the marts hold (the
# paths are compared on their own: the record lives beside its warehouse)
NEUTRAL_SETTINGS = {
    "TRUEFANS_DUCKDB_THREADS",
    "TRUEFANS_DUCKDB_MEMORY_LIMIT",
    "TRUEFANS_DBT_THREADS",
    "TRUEFANS_FAIL_ON_WARN",
    "TRUEFANS_RECORD_RUNS",
    "TRUEFANS_WAREHOUSE",
    "TRUEFANS_LANDING",
    "TRUEFANS_SERVING",
    "TRUEFANS_REPORT_DIR",
    # set by every run for its dbt (defs/dbt_project.py REPROCESS_ENV, reliability/dbt_child.py
    # PARENT_ENV), not by the user
    "TRUEFANS_REPROCESS_FROM",
    "TRUEFANS_DBT_PARENT_PID",
}

FileStat = tuple[str, int, int]  # relative path, bytes, mtime in ns


def state_path(warehouse: Path) -> Path:
    return warehouse.parent / f"{warehouse.name}{STATE_SUFFIX}"


def _stats_by_date(landing: Path, dates: set[dt.date] | None) -> dict[str, list[FileStat]]:
    """Per dump date found (ISO), the sorted stat of its landing files; `dates`: only those."""
    try:
        files = discover(landing, dump_dates=dates).files
    except LandingRootMissing:
        return {}
    by_date: dict[str, list[FileStat]] = {}
    for f in files:
        stat = f.path.stat()
        by_date.setdefault(f.dump_date.isoformat(), []).append(
            (f.relative_path, stat.st_size, stat.st_mtime_ns)
        )
    return {d: sorted(stats) for d, stats in by_date.items()}


def landing_stats(landing: Path, dates: Iterable[str]) -> dict[str, list[FileStat]]:
    """Per dump date (ISO) of `dates`, the stat of every landing file of that date, sorted."""
    wanted = {dt.date.fromisoformat(d) for d in dates}
    found = _stats_by_date(landing, wanted)
    return {d.isoformat(): found.get(d.isoformat(), []) for d in wanted}


def landing_stats_between(landing: Path, first: str, last: str) -> dict[str, list[FileStat]]:
    """Per dump date (ISO) with files from `first` to `last`, the stat of its files, sorted:
    one listing of the landing root."""
    return {d: s for d, s in _stats_by_date(landing, None).items() if first <= d <= last}


def _code_files() -> list[Path]:
    files: list[Path] = []
    for root in CODE_ROOTS:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files += [
                p
                for p in root.rglob("*")
                if p.is_file()
                and p.suffix in CODE_SUFFIXES
                and not {"uncommitted", "__pycache__", "target"} & set(p.parts)
            ]
    return sorted(files)


def code_fingerprint(environ: Mapping[str, str] | None = None) -> str:
    """SHA-256 of the code and of the result-changing `TRUEFANS_*` settings."""
    environ = os.environ if environ is None else environ
    digest = hashlib.sha256()
    for path in _code_files():
        digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in sorted(environ):
        if name.startswith("TRUEFANS_") and name not in NEUTRAL_SETTINGS:
            digest.update(f"{name}={environ[name]}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class PublishState:
    landing_root: str
    code: str
    run_id: str
    serving_version: int
    landing: dict[str, list[FileStat]]  # dump date -> file stats the publish reflects

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PublishState:
        raw = json.loads(text)
        landing = {d: [tuple(s) for s in stats] for d, stats in raw["landing"].items()}
        return cls(
            raw["landing_root"], raw["code"], raw["run_id"], int(raw["serving_version"]), landing
        )


def read_state(warehouse: Path) -> PublishState | None:
    try:
        return PublishState.from_json(state_path(warehouse).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none, or unreadable: a normal run


def forget(warehouse: Path) -> None:
    """Before a run that is not skipped: if it fails part-way, the next run does the work again."""
    state_path(warehouse).unlink(missing_ok=True)


def record_publish(
    warehouse: Path, landing: Path, first: str, last: str, run_id: str, serving_version: int
) -> PublishState:
    """After a publish of a run over the dump dates `first` to `last`: the landing files of those
    dates, merged with those of the dump dates earlier publishes into the same warehouse
    reflected (their raw rows stay loaded)."""
    previous = read_state(warehouse)
    reflected = dict(previous.landing) if previous and previous.landing_root == str(landing) else {}
    reflected |= landing_stats_between(landing, first, last)
    state = PublishState(str(landing), code_fingerprint(), run_id, serving_version, reflected)
    path = state_path(warehouse)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(state.to_json(), encoding="utf-8")
    temporary.replace(path)  # atomic: a reader sees the old record or the new one
    return state


def unchanged_since_publish(
    warehouse: Path,
    landing: Path,
    dates: list[str],
    published: tuple[int, str | None] | None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """Why a run over `dates` has nothing to do (a sentence), or None when it must run.

    `published`: the serving file's latest (version, run id), None when there is no serving file.
    """
    state = read_state(warehouse)
    if state is None or published is None or not warehouse.is_file() or not dates:
        return None
    if published != (state.serving_version, state.run_id) or state.landing_root != str(landing):
        return None
    current = landing_stats(landing, dates)
    if any(not current[d] or state.landing.get(d) != current[d] for d in dates):
        return None
    if code_fingerprint(environ) != state.code:
        return None
    files = sum(len(current[d]) for d in dates)
    span = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    return (
        f"no landing file added, changed or removed for {span} ({files:,} files) and no code or "
        f"setting changed since run {state.run_id} published version {state.serving_version}"
    )


def skip_reason(settings: Settings, dates: list[str]) -> str | None:
    """Why a run over `dates` would change nothing, against the serving file's latest publish
    (`truefans run` and the nightly schedule ask), or None."""
    from orchestration.serving.info import ServingError, read_serving_info

    try:
        latest = read_serving_info(settings.serving_path).latest
    except ServingError:
        return None
    return unchanged_since_publish(
        settings.warehouse, settings.landing, dates, (latest.version, latest.run_id)
    )
