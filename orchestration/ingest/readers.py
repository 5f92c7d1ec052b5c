"""Read one landing file into a temporary table of text columns, with DuckDB's own readers.

Every format ends in the same shape, the view `_landing_rows`:
`_source_row` (1-based record number: the raw tables' lineage), one VARCHAR column per contract
column (NULL when the file lacks it) and `_extra` (JSON of columns outside the contract, kept, not
dropped). Where a record is in its file (the line it starts on; the row number in Parquet) and its
text as written are only looked up for the few rows that end in quarantine, by the query
`ReadResult.locate` returns: keeping every row's text cost more than typing it. Records that
cannot even be split into columns (malformed CSV, invalid JSON) go to `_landing_rejects` with
their line, text and a reason. CSV specifics (the header, mixed line endings, the line map) are
in csv_lines.py. Typing and validation happen afterwards in
SQL (validate.py), identically for every format. File paths are always bound as parameters,
never pasted into SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from orchestration.ingest import csv_lines
from orchestration.ingest.contract import columns
from orchestration.ingest.discovery import LandingFile

ROWS = "_landing_rows"
REJECTS = "_landing_rejects"

# The longest record (CSV record or JSON line) a file may hold. DuckDB's default is 2 MB; a bio
# or a comment of several megabytes is odd but within the contract, so it loads. A file with a
# longer record cannot be split into records at all and is quarantined whole, with that reason.
MAX_RECORD_BYTES = 16 * 1024 * 1024
_LIMIT = f"max_line_size={MAX_RECORD_BYTES}"
# the contract's dialect, stated, not sniffed (the columns come from the header, csv_lines.py)
_CSV_OPTIONS = (
    "header=true, auto_detect=false, delim=',', quote='\"', escape='\"', comment='', "
    f"encoding='utf-8', strict_mode=true, allow_quoted_nulls=false, {_LIMIT}"
)
_LINES_OPTIONS = (
    "columns={'line': 'VARCHAR'}, header=false, delim='\\x01', quote='', escape='', "
    f"auto_detect=false, strict_mode=false, null_padding=false, {_LIMIT}"
)


class UnreadableFile(Exception):
    """The file as a whole cannot be read (corrupt gzip, not Parquet, unsupported format)."""


Locate = Callable[[duckdb.DuckDBPyConnection, str], str]


def _no_locate(con: duckdb.DuckDBPyConnection, rows: str) -> str:
    raise NotImplementedError


@dataclass(frozen=True)
class ReadResult:
    present_columns: frozenset[str]  # contract columns the file has
    extra_columns: tuple[str, ...]  # columns outside the contract
    # (con, a query selecting `_source_row`s) -> a query of `_record` (that `_source_row`),
    # `source_row` (the file line the record starts on; the row number in Parquet), `raw_text`
    locate: Locate = _no_locate
    close: Callable[[], None] = lambda: None  # the read's temporary files, if any


def _located_json(table: str) -> Locate:
    """Parquet rows (no lines, no text): the row number, and the row as JSON."""

    def locate(con: duckdb.DuckDBPyConnection, rows: str) -> str:
        return (
            "select rowid + 1 as _record, rowid + 1 as source_row, "
            f"cast(to_json(t) as varchar) as raw_text from {table} t where rowid + 1 in ({rows})"
        )

    return locate


def _located_json_line(con: duckdb.DuckDBPyConnection, rows: str) -> str:
    """JSON lines: the line number and the line itself."""
    return (
        "select _source_row as _record, _source_row as source_row, line as raw_text "
        f"from _json_lines where _source_row in ({rows})"
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


def _csv_read_sql(names: list[str]) -> str:
    cols = "{" + ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"create or replace temp table _csv_rows as select * from read_csv(?, columns={cols}, "
        f"{_CSV_OPTIONS}, store_rejects=true, rejects_table='_csv_rejects', "
        "rejects_scan='_csv_reject_scans') t"
    )


def _read_csv(con: duckdb.DuckDBPyConnection, f: LandingFile) -> ReadResult:
    # The header is parsed here and the records read with those columns: DuckDB's sniffer
    # gives up on a file that mixes line-ending styles (and could guess a comment character).
    first = con.execute(
        f"select line from read_csv(?, {_LINES_OPTIONS}) limit 100", [str(f.path)]
    ).fetchall()
    try:
        names = csv_lines.header_names([r[0] for r in first]) if first else []
    except csv_lines.HeaderError as exc:
        raise UnreadableFile(f"unreadable {f.file_format} file: {exc}") from exc
    projection, result = _select_contract(f.entity, names)
    con.execute("drop table if exists _csv_rejects; drop table if exists _csv_reject_scans")
    read = csv_lines.CsvRead(f.path, f.file_format == "csv.gz", _LINES_OPTIONS)
    if names:
        read.load(con, _csv_read_sql(names))
    else:  # an empty file
        con.execute(
            "create or replace temp table _csv_rows as select null::varchar as c limit 0; "
            "create or replace temp table _csv_rejects as select null::bigint as line, "
            "null::varchar as csv_line, null::varchar as error_type, "
            "null::varchar as error_message limit 0"
        )
    try:
        con.execute(
            f"create or replace temp view {ROWS} as select rowid + 1 as _source_row, "
            f"{projection} from _csv_rows t"
        )
        con.execute(f"create or replace temp table {REJECTS} as {read.rejects_sql(con)}")
    except BaseException:
        read.close()
        raise
    return ReadResult(result.present_columns, result.extra_columns, read.locate, read.close)


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
    return ReadResult(frozenset(n for n in contract if n in keys), extras, _located_json_line)


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
    return ReadResult(result.present_columns, result.extra_columns, _located_json("_parquet_rows"))


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
    csv_lines.LINES,
    csv_lines.UNITS,
    csv_lines.RECORDS,
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
