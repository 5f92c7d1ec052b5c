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

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
import sqlalchemy as sa
import yaml
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.checkpoint.actions import ValidationAction
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.data_context import AbstractDataContext

from orchestration.quality import duckdb_plugin
from orchestration.quality.teardown import silence_native_teardown_report

silence_native_teardown_report()

DEFAULT_PROJECT_ROOT = Path(__file__).resolve().parents[2] / "expectations"
GX_DIR_NAME = "gx"
DATASOURCE_NAME = "truefans_warehouse"
DOCS_SITE = "local_site"


def artifacts_dir_for(warehouse: Path) -> Path:
    """Where a warehouse's validation results and Data Docs go: `quality/` beside it."""
    return Path(warehouse).parent / "quality"


def data_docs_index(warehouse: Path) -> Path:
    """The Data Docs home page of a warehouse (exists once a check ran with docs on)."""
    return artifacts_dir_for(warehouse) / "data_docs" / DOCS_SITE / "index.html"


# SUMMARY keeps unexpected-value samples LIMIT-ed in SQL (never COMPLETE: unbounded fetches).
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 10}
_MAX_SAMPLE = 10
# Rows of a failed UnexpectedRowsExpectation kept in its result (fetched with LIMIT in DuckDB).
_MAX_UNEXPECTED_ROWS = 5
UNEXPECTED_ROWS = "unexpected_rows_expectation"
# GE severities: "critical" fails the check with Dagster ERROR (blocks publishing); anything
# else ("warning", "info") fails it with WARN (reported only).
CRITICAL = "critical"
# Caps DuckDB's own memory (hash tables for uniqueness checks etc.); larger work spills to
# "<warehouse>.tmp/". Override per call with ``duckdb_config``.
DEFAULT_DUCKDB_CONFIG: dict[str, Any] = {"memory_limit": "1GB"}

MetadataValue = str | int | float


@dataclass(frozen=True)
class ValidationSummary:
    """Outcome of one suite run against one table (plain data, JSON-able)."""

    suite_name: str
    table: str  # "schema.table"
    success: bool
    evaluated: int
    successful: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    data_docs_path: str | None = None

    @property
    def failed_critical(self) -> list[dict[str, Any]]:
        """Failed expectations of severity ``critical``: the check fails with ERROR."""
        return [r for r in self.failed if r["severity"] == CRITICAL]

    @property
    def failed_warning(self) -> list[dict[str, Any]]:
        """Failed expectations of any other severity (``warning``, ``info``): WARN."""
        return [r for r in self.failed if r["severity"] != CRITICAL]

    @property
    def severity(self) -> str | None:
        """The worst failed severity: ``"critical"``, ``"warning"`` or None when all passed."""
        if self.failed_critical:
            return CRITICAL
        return "warning" if self.failed else None

    def as_metadata(self) -> dict[str, MetadataValue]:
        """Flat, JSON-able metadata for a Dagster ``AssetCheckResult``."""
        meta: dict[str, MetadataValue] = {
            "suite": self.suite_name,
            "table": self.table,
            "success": self.success,
            "severity": self.severity or "none",
            "evaluated": self.evaluated,
            "successful": self.successful,
            "failed": len(self.failed),
            "failed_critical": len(self.failed_critical),
            "failed_warning": len(self.failed_warning),
            "success_percent": round(100.0 * self.successful / self.evaluated, 2)
            if self.evaluated
            else 100.0,
            "failed_expectations": "\n".join(_describe(r) for r in self.failed),
            "failed_critical_expectations": "\n".join(_describe(r) for r in self.failed_critical),
            "failed_warning_expectations": "\n".join(_describe(r) for r in self.failed_warning),
        }
        for r in self.results:
            if r["expectation_type"] == "expect_table_row_count_to_be_between":
                if isinstance(r["observed_value"], int):
                    meta["row_count"] = r["observed_value"]
                break
        if self.data_docs_path:
            meta["data_docs_path"] = self.data_docs_path
        return meta


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
) -> ValidationSummary:
    """Validate ``schema.table`` of the DuckDB file ``warehouse`` with the suite ``suite_name``.

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
    summary = _summarize(suite_name, f"{schema}.{table}", suite, result, docs_path)
    _attach_unexpected_rows(warehouse, schema, table, summary, config)
    return summary


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


def _summarize(
    suite_name: str,
    table: str,
    suite: gx.ExpectationSuite,
    result: ExpectationSuiteValidationResult,
    docs_path: str | None,
) -> ValidationSummary:
    order = {e.id: i for i, e in enumerate(suite.expectations)}
    ordered = sorted(
        result.results,
        key=lambda r: order.get(
            r.expectation_config.id if r.expectation_config else None, len(order)
        ),
    )
    rows = [_result_row(r) for r in ordered]
    failed = [r for r in rows if not r["success"]]
    return ValidationSummary(
        suite_name=suite_name,
        table=table,
        success=bool(result.success) and not failed,
        evaluated=len(rows),
        successful=len(rows) - len(failed),
        failed=failed,
        results=rows,
        data_docs_path=docs_path,
    )


def _result_row(r: Any) -> dict[str, Any]:
    config = r.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id", "result_format")}
    res: dict[str, Any] = r.result or {}
    column = kwargs.get("column")
    columns = kwargs.get("column_list") or kwargs.get("column_set")
    if columns is None and "column_A" in kwargs:
        columns = [kwargs["column_A"], kwargs["column_B"]]
    severity = getattr(config, "severity", None)
    return _jsonable(
        {
            "expectation_type": config.type,
            "expectation_id": config.id,
            "check": (config.meta or {}).get("check"),
            "severity": getattr(severity, "value", severity) or CRITICAL,
            "description": config.description,
            "column": column,
            "columns": sorted(columns) if isinstance(columns, set) else columns,
            "success": bool(r.success),
            "kwargs": kwargs,
            "observed_value": res.get("observed_value"),
            "element_count": res.get("element_count"),
            "unexpected_count": res.get("unexpected_count"),
            "unexpected_percent": res.get("unexpected_percent"),
            "partial_unexpected_list": (res.get("partial_unexpected_list") or [])[:_MAX_SAMPLE],
            "unexpected_rows": None,  # filled for failed UnexpectedRowsExpectations
            "exception": _exception_message(r.exception_info),
        }
    )


def _attach_unexpected_rows(
    warehouse: Path, schema: str, table: str, summary: ValidationSummary, config: Mapping[str, Any]
) -> None:
    """Fetch a few rows of each failed ``UnexpectedRowsExpectation`` (they say *why*, e.g. the
    newest dump's row count against the median), LIMIT-ed inside DuckDB.

    GE's SUMMARY result keeps only the row count; COMPLETE would also return every unexpected
    value of the map expectations, so the sample is taken here, after GE closed its connections.
    """
    failed = [
        r for r in summary.failed if r["expectation_type"] == UNEXPECTED_ROWS and not r["exception"]
    ]
    if not failed:
        return
    batch = f'"{schema}"."{table}"'
    con = duckdb.connect(str(warehouse), read_only=True, config=dict(config))
    try:
        for row in failed:
            query = str(row["kwargs"]["unexpected_rows_query"]).format(batch=batch)
            try:
                cursor = con.execute(f"select * from ({query}) limit {_MAX_UNEXPECTED_ROWS}")
                names = [d[0] for d in cursor.description or []]
                rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            except duckdb.Error as exc:
                rows = [{"error": str(exc)[:300]}]
            row["unexpected_rows"] = _jsonable(rows)
    finally:
        con.close()


def _exception_message(info: Any) -> str | None:
    """GE puts either one exception dict or a {metric_id: exception dict} map here."""
    if not isinstance(info, dict) or not info:
        return None
    candidates = [info] if "raised_exception" in info else list(info.values())
    messages = [
        str(c.get("exception_message"))
        for c in candidates
        if isinstance(c, dict) and c.get("raised_exception")
    ]
    return "; ".join(messages) or None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def expectation_label(row: Mapping[str, Any]) -> str:
    """``expect_...(column)`` or ``unexpected_rows_expectation(<check name>)``."""
    target = (
        row.get("check") or row["column"] or ",".join(map(str, row["columns"] or [])) or "table"
    )
    return f"{row['expectation_type']}({target})"


def _describe(row: Mapping[str, Any]) -> str:
    parts = [f"[{row.get('severity', CRITICAL)}] {expectation_label(row)}"]
    if row["unexpected_count"] is not None:
        pct = row["unexpected_percent"]
        pct_text = f" ({pct:.4g}%)" if isinstance(pct, int | float) else ""
        parts.append(f"unexpected_count={row['unexpected_count']}{pct_text}")
        if row["partial_unexpected_list"]:
            parts.append(f"sample={json.dumps(row['partial_unexpected_list'])[:200]}")
    if row["expectation_type"] == UNEXPECTED_ROWS:
        if isinstance(row["observed_value"], int):
            parts.append(f"unexpected_rows={row['observed_value']}")
        if row.get("unexpected_rows"):
            parts.append(f"rows={json.dumps(row['unexpected_rows'])[:400]}")
    elif row["observed_value"] is not None:
        parts.append(f"observed={json.dumps(row['observed_value'])[:200]}")
    if row["exception"]:
        parts.append(f"error={row['exception'][:200]}")
    return " ".join(parts)
