"""Reading a Great Expectations validation result: the summary the asset checks report, with
the failed expectations described and a few unexpected rows fetched from DuckDB (with LIMIT)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
from great_expectations.core import ExpectationSuiteValidationResult

_MAX_SAMPLE = 10
# Rows of a failed UnexpectedRowsExpectation kept in its result (fetched with LIMIT in DuckDB).
_MAX_UNEXPECTED_ROWS = 5
UNEXPECTED_ROWS = "unexpected_rows_expectation"
# GE severities: "critical" fails the check with Dagster ERROR (blocks publishing); anything
# else ("warning", "info") fails it with WARN (reported only).
CRITICAL = "critical"

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


def summarize(
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


def attach_unexpected_rows(
    warehouse: Path, batch: str, summary: ValidationSummary, config: Mapping[str, Any]
) -> None:
    """Fetch a few rows of each failed ``UnexpectedRowsExpectation`` (they say *why*, e.g. the
    newest dump's row count against the median), LIMIT-ed inside DuckDB.

    GE's SUMMARY result keeps only the row count; COMPLETE would also return every unexpected
    value of the map expectations, so the sample is taken here, after GE closed its connections.
    ``batch``: what ``{batch}`` stands for, the quoted table or a subquery of its rows.
    """
    failed = [
        r for r in summary.failed if r["expectation_type"] == UNEXPECTED_ROWS and not r["exception"]
    ]
    if not failed:
        return
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
