"""Run Great Expectations suites against tables of the DuckDB warehouse.

The committed GE *file* context lives in ``<repo>/expectations/gx`` (config + one JSON file per
suite). At run time we build an *ephemeral* context from that config, with absolute store paths,
and add the warehouse datasource to it. That datasource is never written to
``great_expectations.yml``, so no machine-specific path is persisted (a ``FileDataContext``
rewrites the YAML on every datasource/asset change). Only run-time artifacts are written,
all under ``expectations/gx/uncommitted/`` (validation results and Data Docs, only when
``build_docs=True``).

All metrics are computed inside DuckDB; see :mod:`orchestration.quality.duckdb_plugin` for the
GE/DuckDB empty-result bug and its fix.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import great_expectations as gx
import sqlalchemy as sa
import yaml
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.checkpoint.actions import ValidationAction
from great_expectations.data_context import AbstractDataContext
from great_expectations.datasource.fluent.sql_datasource import QueryAsset, TableAsset

from orchestration.artifacts import DOCS_SITE
from orchestration.quality import duckdb_plugin
from orchestration.quality.results import ValidationSummary, attach_unexpected_rows, summarize
from orchestration.quality.teardown import silence_native_teardown_report

silence_native_teardown_report()

DEFAULT_PROJECT_ROOT = Path(__file__).resolve().parents[2] / "expectations"
GX_DIR_NAME = "gx"
DATASOURCE_NAME = "truefans_warehouse"

# SUMMARY keeps unexpected-value samples LIMIT-ed in SQL (never COMPLETE: unbounded fetches).
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 10}
# Caps DuckDB's own memory (hash tables for uniqueness checks etc.); larger work spills to
# "<warehouse>.tmp/". Override per call with ``duckdb_config``.
DEFAULT_DUCKDB_CONFIG: dict[str, Any] = {"memory_limit": "1GB"}


def validate_table(
    warehouse: Path,
    schema: str,
    table: str,
    suite_name: str,
    build_docs: bool = False,
    *,
    project_root: Path | None = None,
    artifacts_dir: Path | None = None,
    duckdb_config: Mapping[str, Any] | None = None,
    row_filter: str | None = None,
) -> ValidationSummary:
    """Validate ``schema.table`` of the DuckDB file ``warehouse`` with the suite ``suite_name``.

    ``row_filter``: a SQL condition (e.g. ``dump_date_filter(...)``); the batch is then only the
    rows that meet it (a query asset: DuckDB prunes the row groups outside it), else the table.

    The file is opened read-only and every connection is closed before returning. With
    ``build_docs=True`` the result is stored and Data Docs are updated (incrementally) under
    ``<project_root>/gx/uncommitted/data_docs/local_site/``. ``project_root`` defaults to the
    repository's ``expectations/`` directory. ``artifacts_dir`` replaces ``<gx>/uncommitted`` for
    run-time artifacts (results, Data Docs), e.g. a folder beside the warehouse, so that two
    warehouses never share (or race on) one Data Docs site. ``duckdb_config`` is passed to ``duckdb.connect``
    (defaults: ``DEFAULT_DUCKDB_CONFIG``; e.g. ``{"memory_limit": "2GB", "threads": 4}``).
    """
    warehouse = Path(warehouse).resolve()
    if not warehouse.is_file():
        raise FileNotFoundError(f"DuckDB warehouse not found: {warehouse}")
    gx_dir = Path(project_root or DEFAULT_PROJECT_ROOT).resolve() / GX_DIR_NAME
    context = _runtime_context(gx_dir, persist_results=build_docs, artifacts_dir=artifacts_dir)
    suite = context.suites.get(suite_name)  # raises DataContextError if missing

    duckdb_plugin.register()
    session = f"ge-{uuid.uuid4().hex}"
    config = {**DEFAULT_DUCKDB_CONFIG, **(duckdb_config or {})}
    connect_args = {"read_only": True, "config": config}
    try:
        datasource = context.data_sources.add_sql(
            name=DATASOURCE_NAME,
            connection_string=_duckdb_url(warehouse),
            # GE's stub (sources.pyi) leaves out SQLDatasource's `kwargs` field, which it accepts
            kwargs={  # type: ignore[call-arg]
                "connect_args": connect_args,
                "plugins": [duckdb_plugin.PLUGIN_NAME],
                # unqualified table names (GE's column-reflection fallback) resolve here
                duckdb_plugin.SEARCH_PATH_KWARG: schema,
                duckdb_plugin.SESSION_KWARG: session,
            },
        )
        asset: QueryAsset | TableAsset
        if row_filter:
            query = f"select * from {_quoted(schema, table)} where {row_filter}"
            asset = datasource.add_query_asset(name=f"{schema}.{table}", query=query)
        else:
            asset = datasource.add_table_asset(name=f"{schema}.{table}", table_name=table)
        batch_definition = asset.add_batch_definition_whole_table("whole_table")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(
                name=f"{suite_name}@{schema}.{table}", data=batch_definition, suite=suite
            )
        )
        # Docs are updated incrementally (this result + suite page + index), like a GE
        # checkpoint does; the checkpoint itself only lives in this run's in-memory store.
        actions: list[ValidationAction] = [
            UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE])
        ]
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"truefans-{session}",
                validation_definitions=[definition],
                actions=actions if build_docs else [],
                result_format=RESULT_FORMAT,
            )
        )
        (result,) = checkpoint.run().run_results.values()
        docs_path = _docs_index(context, gx_dir) if build_docs else None
    finally:
        duckdb_plugin.dispose_session(session)  # closes every DuckDB connection GE opened
    summary = summarize(suite_name, f"{schema}.{table}", suite, result, docs_path)
    batch = _quoted(schema, table)
    if row_filter:
        batch = f"(select * from {batch} where {row_filter})"
    attach_unexpected_rows(warehouse, batch, summary, config)
    return summary


def _quoted(schema: str, table: str) -> str:
    return f'"{schema}"."{table}"'


def dump_date_filter(first: dt.date, last: dt.date) -> str:
    """The rows of the dump dates `first` to `last` (the partitions a run loaded), as SQL."""
    return f"_dump_date between date '{first.isoformat()}' and date '{last.isoformat()}'"


def _duckdb_url(path: Path) -> str:
    """``duckdb:///<abs path>`` with URL-escaping (paths may contain spaces, '#', '?')."""
    return sa.engine.URL.create("duckdb", database=str(path)).render_as_string(hide_password=False)


def _artifact_path(gx_dir: Path, base_directory: str, artifacts_dir: Path | None) -> str:
    """Absolute store location: committed paths stay under gx_dir, `uncommitted/...` may move."""
    prefix = "uncommitted/"
    if artifacts_dir is not None and base_directory.startswith(prefix):
        return str(Path(artifacts_dir).resolve() / base_directory[len(prefix) :])
    return str(gx_dir / base_directory)


def _runtime_context(
    gx_dir: Path, *, persist_results: bool, artifacts_dir: Path | None = None
) -> AbstractDataContext:
    """Ephemeral context configured from the committed ``great_expectations.yml``.

    Filesystem stores keep their committed locations (made absolute); checkpoints and
    validation definitions are in memory (they are per-run wiring, not project content).
    Validation results go to disk only when Data Docs are requested.
    """
    config_path = gx_dir / "great_expectations.yml"
    config: dict[str, Any] = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.pop("config_variables_file_path", None)
    config.pop("plugins_directory", None)
    config.pop("fluent_datasources", None)
    in_memory = {"class_name": "InMemoryStoreBackend"}
    for name, store in config.get("stores", {}).items():
        backend = store.get("store_backend", {})
        if name in (config.get("checkpoint_store_name"), "validation_definition_store") or (
            name == config.get("validation_results_store_name") and not persist_results
        ):
            store["store_backend"] = dict(in_memory)
        elif "base_directory" in backend:
            backend["base_directory"] = _artifact_path(
                gx_dir, backend["base_directory"], artifacts_dir
            )
    for site in config.get("data_docs_sites", {}).values():
        backend = site.get("store_backend", {})
        if "base_directory" in backend:
            backend["base_directory"] = _artifact_path(
                gx_dir, backend["base_directory"], artifacts_dir
            )
    return gx.get_context(mode="ephemeral", project_config=config)


def _docs_index(context: AbstractDataContext, gx_dir: Path) -> str:
    sites = context.variables.data_docs_sites
    if not sites or DOCS_SITE not in sites:
        raise ValueError(f"{gx_dir}: no Data Docs site {DOCS_SITE!r} in the GE config")
    site = sites[DOCS_SITE]
    index = Path(site["store_backend"]["base_directory"]) / "index.html"
    if not index.is_absolute():
        index = gx_dir / index
    return str(index)
