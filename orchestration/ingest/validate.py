"""Type and validate `_landing_rows` in one set-based SQL pass.

Each contract column becomes a typed value and, where the text breaks the contract, a
human-readable reason. A row with no reason goes to the raw table, a row with reasons to the
quarantine table; nothing else happens to it. All SQL is generated from contract.py.
"""

from __future__ import annotations

from orchestration.ingest.contract import FUTURE_TOLERANCE_DAYS, Column, columns
from orchestration.ingest.readers import ROWS

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def typed_expr(col: Column) -> str:
    """SQL turning the text column into its contract type (NULL when unparsable)."""
    v = f"nullif(trim({col.name}), '')"
    if col.type == "timestamp":
        return (
            f"case when regexp_full_match({v}, '-?[0-9]+(\\.[0-9]+)?') "
            f"then try(timezone('UTC', to_timestamp(cast({v} as double)))) "
            f"else timezone('UTC', try_cast({v} as timestamptz)) end"
        )
    if col.type == "integer":
        # Only whole numbers: DuckDB would round '10.5' to 11 and read '0x10' or '1_000'.
        # '10.0' (a Parquet double holding a count) is the integer 10.
        return (
            f"case when regexp_full_match({v}, '[+-]?[0-9]+(\\.0+)?') "
            f"then try_cast(regexp_replace({v}, '\\.0+$', '') as bigint) end"
        )
    if col.type == "boolean":
        return f"case when lower({v}) in {_in(_TRUE)} then true when lower({v}) in {_in(_FALSE)} then false end"
    if col.type == "enum":
        return f"lower({v})"
    if col.name == "platform":
        return f"lower({v})"
    # free text keeps its exact value (ids with leading zeros, bios with spaces)
    return col.name


def reason_exprs(col: Column, present: frozenset[str]) -> list[str]:
    """SQL expressions yielding a reason string when the column breaks the contract, else NULL."""
    name = col.name
    raw = f"nullif(trim({name}), '')"
    shown = f"left({name}, 80)"
    out: list[str] = []
    if col.required and name not in present:
        return [_lit(f"required column missing from file: {name}")]
    if col.required:
        out.append(f"case when {raw} is null then {_lit('required value missing: ' + name)} end")
    if col.type == "timestamp":
        out.append(
            f"case when {raw} is not null and _t_{name} is null then "
            f"{_lit('not a timestamp: ' + name + '=')} || {shown} end"
        )
        out.append(
            f"case when _t_{name} > cast(? as timestamp) + interval {FUTURE_TOLERANCE_DAYS + 1} day then "
            f"{_lit('timestamp in the future: ' + name + '=')} || cast(_t_{name} as varchar) || "
            f"' is more than {FUTURE_TOLERANCE_DAYS} day after the dump date' end"
        )
    elif col.type == "integer":
        out.append(
            f"case when {raw} is not null and _t_{name} is null then "
            f"{_lit('not an integer: ' + name + '=')} || {shown} end"
        )
        out.append(
            f"case when _t_{name} < 0 then {_lit('negative count: ' + name + '=')} || cast(_t_{name} as varchar) end"
        )
    elif col.type == "boolean":
        out.append(
            f"case when {raw} is not null and _t_{name} is null then "
            f"{_lit('not a boolean: ' + name + '=')} || {shown} end"
        )
    elif col.type == "enum":
        expected = " or ".join(col.accepted)
        out.append(
            f"case when {raw} is not null and _t_{name} not in {_in(col.accepted)} then "
            f"{_lit('unknown ' + name + ' ')} || {_lit(chr(39))} || {shown} || {_lit(chr(39))} || "
            f"{_lit(' (expected ' + expected + ')')} end"
        )
    return out


def validation_sql(entity: str, present: frozenset[str], table: str) -> tuple[str, int]:
    """SQL creating `table` (temporary) and the number of dump-date parameters it binds.

    Columns: each contract column typed, then `_source_row, _extra, _reason`.
    """
    cols = columns(entity)
    typed = ", ".join(f"{typed_expr(c)} as _t_{c.name}" for c in cols)
    reasons: list[str] = []
    for c in cols:
        reasons.extend(reason_exprs(c, present))
    n_params = sum(r.count("cast(? as timestamp)") for r in reasons)
    final = ", ".join(f"_t_{c.name} as {c.name}" for c in cols)
    sql = f"""
create or replace temp table {table} as
with typed as (
  select _source_row, _extra, {", ".join(c.name for c in cols)}, {typed}
  from {ROWS}
)
select {final}, _source_row, _extra,
  nullif(concat_ws('; ', {", ".join(reasons)}), '') as _reason
from typed
"""
    return sql, n_params
