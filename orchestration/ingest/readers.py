"""Read one landing file into a temporary table of text columns, with DuckDB's own readers.

Every format ends in the same shape, the view `_landing_rows`:
`_source_row` (1-based record number), one VARCHAR column per contract column (NULL when the
file lacks it) and `_extra` (JSON of columns outside the contract, kept, not dropped). The record
as read (`_raw_text`) is only rendered for the few rows that end in quarantine, by the query in
`ReadResult.raw_text_sql`: turning every row into JSON text cost more than typing it. Records
that cannot even be split into columns (malformed CSV, invalid JSON) go to `_landing_rejects`
with a reason. Typing and validation happen afterwards in
SQL (validate.py), identically for every format. File paths are always bound as parameters,
never pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration.ingest.contract import columns
from orchestration.ingest.discovery import LandingFile

ROWS = "_landing_rows"
REJECTS = "_landing_rejects"

# The longest record (CSV record or JSON line) a file may hold. DuckDB's default is 2 MB; a bio
# or a comment of several megabytes is odd but within the contract, so it loads. A file with a
# longer record cannot be split into records at all and is quarantined whole, with that reason.
MAX_RECORD_BYTES = 16 * 1024 * 1024
_LIMIT = f"max_line_size={MAX_RECORD_BYTES}"
_CSV_OPTIONS = (
    "header=true, all_varchar=true, delim=',', quote='\"', escape='\"', "
    f"encoding='utf-8', strict_mode=true, allow_quoted_nulls=false, {_LIMIT}"
)
# Sniffing only needs the header; tolerate bad records there, they are caught by the real read.
_CSV_SNIFF_OPTIONS = (
    "header=true, all_varchar=true, delim=',', quote='\"', escape='\"', ignore_errors=true, "
    + _LIMIT
)
_LINES_OPTIONS = (
    "columns={'line': 'VARCHAR'}, header=false, delim='\\x01', quote='', escape='', "
    f"auto_detect=false, strict_mode=false, null_padding=false, {_LIMIT}"
)


class UnreadableFile(Exception):
    """The file as a whole cannot be read (corrupt gzip, not Parquet, unsupported format)."""


@dataclass(frozen=True)
class ReadResult:
    present_columns: frozenset[str]  # contract columns the file has
    extra_columns: tuple[str, ...]  # columns outside the contract
    # `_source_row, _raw_text` of the rows whose numbers the `{rows}` query selects
    raw_text_sql: str = ""

    def raw_text_of(self, rows: str) -> str:
        return self.raw_text_sql.format(rows=rows)


def _to_json_rows(table: str) -> str:
    """The records of a table read in file order, as JSON text, for some row numbers only."""
    return (
        "select rowid + 1 as _source_row, cast(to_json(t) as varchar) as _raw_text "
        f"from {table} t where rowid + 1 in ({{rows}})"
    )


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _select_contract(entity: str, source_cols: list[str]) -> tuple[str, ReadResult]:
    """Projection mapping a file's columns (matched case-insensitively) onto the contract."""
    by_name = {c.strip().lower(): c for c in source_cols}
    contract = [c.name for c in columns(entity)]
    parts = []
    for name in contract:
        src = by_name.get(name)
        parts.append(
            f"cast({_quote_ident(src)} as varchar) as {name}" if src else f"null::varchar as {name}"
        )
    extras = tuple(c for key, c in by_name.items() if key not in contract)
    if extras:
        pairs = ", ".join(f"{_sql_str(c)}, {_quote_ident(c)}" for c in extras)
        parts.append(f"json_object({pairs}) as _extra")
    else:
        parts.append("null::json as _extra")
    present = frozenset(n for n in contract if n in by_name)
    return ", ".join(parts), ReadResult(present, extras)


def _read_csv(con: duckdb.DuckDBPyConnection, f: LandingFile) -> ReadResult:
    path = str(f.path)
    source_cols = [
        r[0]
        for r in con.execute(
            f"describe select * from read_csv(?, {_CSV_SNIFF_OPTIONS})", [path]
        ).fetchall()
    ]
    if f.size == 0:
        source_cols = []
    projection, result = _select_contract(f.entity, source_cols)
    con.execute("drop table if exists _csv_rejects; drop table if exists _csv_reject_scans")
    con.execute(
        f"create or replace temp table _csv_rows as select * from read_csv(?, {_CSV_OPTIONS}, "
        "store_rejects=true, rejects_table='_csv_rejects', rejects_scan='_csv_reject_scans') t",
        [path],
    )
    con.execute(
        f"create or replace temp view {ROWS} as select rowid + 1 as _source_row, {projection} "
        "from _csv_rows t"
    )
    con.execute(
        f"create or replace temp table {REJECTS} as select line as _source_row, csv_line as _raw_text, "
        "'malformed CSV record: ' || lower(replace(error_type, '_', ' ')) || ' (' || error_message || ')' "
        "as _reason from _csv_rejects"
    )
    return ReadResult(result.present_columns, result.extra_columns, _to_json_rows("_csv_rows"))


def _read_jsonl(con: duckdb.DuckDBPyConnection, f: LandingFile) -> ReadResult:
    # Insertion order is preserved, so rowid + 1 is the line number (JSON lines hold no newline).
    con.execute(
        f"create or replace temp table _json_raw as select line from read_csv(?, {_LINES_OPTIONS})",
        [str(f.path)],
    )
    # Each line is parsed as few times as DuckDB allows: once to validate (a valid JSON text
    # that starts with `{` is an object), once to list its keys, once to extract every contract
    # column (json_extract_string with a list of paths parses the line once, not per column).
    con.execute(
        "create or replace temp table _json_lines as select _source_row, line, "
        "json_valid(line) and starts_with(ltrim(line, ' \t\r'), '{') as is_object "
        "from (select rowid + 1 as _source_row, "
        "case when starts_with(line, '\ufeff') then substr(line, 2) else line end as line "
        # ltrim strips the same blanks as trim, and trim scans a long line ~40x slower
        "from _json_raw) where ltrim(line) <> ''"
    )
    con.execute("drop table _json_raw")
    keys = {
        r[0]
        for r in con.execute(
            "select distinct unnest(json_keys(line)) from _json_lines where is_object"
        ).fetchall()
    }
    contract = [c.name for c in columns(f.entity)]
    extras = tuple(sorted(k for k in keys if k not in contract))
    paths = "[" + ", ".join(_sql_str("$." + _json_path_key(n)) for n in contract) + "]"
    parts = [f"_values[{i}] as {n}" for i, n in enumerate(contract, start=1)]
    if extras:  # only files with columns outside the contract pay for the merge patch
        removal = "{" + ", ".join(f'"{n}": null' for n in contract) + "}"
        parts.append(f"nullif(json_merge_patch(line, {_sql_str(removal)}), '{{}}'::json) as _extra")
    else:
        parts.append("null::json as _extra")
    con.execute(
        f"create or replace temp view {ROWS} as select _source_row, "
        f"{', '.join(parts)} from (select _source_row, line, "
        f"json_extract_string(line, {paths}) as _values from _json_lines where is_object)"
    )
    con.execute(
        f"create or replace temp table {REJECTS} as select _source_row, line as _raw_text, "
        "case when json_valid(line) then 'JSON line is not an object' else 'invalid JSON line' end as _reason "
        "from _json_lines where not is_object"
    )
    raw_text = (
        "select _source_row, line as _raw_text from _json_lines where _source_row in ({rows})"
    )
    return ReadResult(frozenset(n for n in contract if n in keys), extras, raw_text)


def _json_path_key(name: str) -> str:
    return '"' + name + '"'


def _read_parquet(con: duckdb.DuckDBPyConnection, f: LandingFile) -> ReadResult:
    path = str(f.path)
    source_cols = [
        r[0] for r in con.execute("describe select * from read_parquet(?)", [path]).fetchall()
    ]
    projection, result = _select_contract(f.entity, source_cols)
    # insertion order is kept, so rowid + 1 is the file's row number
    con.execute(
        "create or replace temp table _parquet_rows as select * from read_parquet(?)", [path]
    )
    con.execute(
        f"create or replace temp view {ROWS} as select rowid + 1 as _source_row, {projection} "
        "from _parquet_rows t"
    )
    con.execute(
        f"create or replace temp table {REJECTS} as "
        "select null::bigint as _source_row, null::varchar as _raw_text, null::varchar as _reason limit 0"
    )
    return ReadResult(result.present_columns, result.extra_columns, _to_json_rows("_parquet_rows"))


_READERS = {
    "csv": _read_csv,
    "csv.gz": _read_csv,
    "jsonl": _read_jsonl,
    "jsonl.gz": _read_jsonl,
    "parquet": _read_parquet,
}


# what the readers leave behind for one file: rows, their source and the rejects
_READ_TABLES = (
    "_csv_rows",
    "_csv_rejects",
    "_csv_reject_scans",
    "_parquet_rows",
    "_json_lines",
    REJECTS,
)


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop one file's read tables once its rows are staged (only the staged copy is kept)."""
    con.execute(
        f"drop view if exists {ROWS}; "
        + "".join(f"drop table if exists {table}; " for table in _READ_TABLES)
    )


def read_file(con: duckdb.DuckDBPyConnection, f: LandingFile) -> ReadResult:
    """Fill `_landing_rows` and `_landing_rejects` from one file, or raise UnreadableFile."""
    if f.file_format is None:
        raise UnreadableFile(
            f"unsupported file extension: {f.path.name} (expected one of csv, csv.gz, jsonl, jsonl.gz, parquet)"
        )
    try:
        return _READERS[f.file_format](con, f)
    except duckdb.Error as exc:
        raise UnreadableFile(f"unreadable {f.file_format} file: {_reason(exc)}") from exc


def _reason(exc: duckdb.Error) -> str:
    """One short line: DuckDB's messages may quote a whole (huge) record on their next lines."""
    text = str(exc).strip()
    if "Maximum line size" in text:
        return f"a record is longer than the {MAX_RECORD_BYTES // (1024 * 1024)} MiB limit"
    lowered = text.lower()
    if "unexpected end of gzip stream" in lowered:
        return "the gzip stream ends early: the file is truncated"
    if "gzip" in lowered:
        return f"not a valid gzip file ({text.splitlines()[0][:200]})"
    if "parquet" in lowered:
        return f"not a valid Parquet file ({text.splitlines()[0][:200]})"
    first = text.splitlines()[0] if text else type(exc).__name__
    return first[:300]
