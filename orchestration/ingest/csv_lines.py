"""CSV files line by line: the header, mixed line endings, and where each record starts.

DuckDB's CSV reader is strict (RFC 4180) and fast, but three things it does not give:

- the header of a file whose records mix line-ending styles (its sniffer gives up on them):
  `header_names` parses the first line(s) with Python's csv module instead;
- a read of such a file: `normalised_copy` streams a copy whose record ends are all `\\n`
  (line breaks inside quoted fields are kept as they are), read like any other file;
- the file line a record starts on and its text as written: records may span lines (quoted
  line breaks), and the rejects table numbers a record by records and blank lines before it,
  not by file lines. `LINE_MAP_SQL` rebuilds the file's records from its raw lines (a line
  starts a record when the quotes before it are balanced), only for files with rows to
  quarantine. Clean files never pay for it.
"""

from __future__ import annotations

import csv
import gzip
import tempfile
from pathlib import Path

import duckdb

LINES = "_csv_lines"
UNITS = "_csv_units"
RECORDS = "_csv_records"

_CHUNK = 8 << 20  # bytes per block of the normalised copy
# what DuckDB's strict reader says when a file's line endings change style midway
_MIXED_ENDINGS = "reached an invalid state"


class HeaderError(ValueError):
    """The first record of the file is not a CSV header."""


def header_names(first_lines: list[str | None]) -> list[str]:
    """Column names of the header record (which may span lines), DuckDB's way: blank names
    become `columnN` and repeated names (case-insensitively) get `_1`, `_2`... suffixes."""
    text: list[str] = []
    for line in first_lines:
        text.append(line or "")
        if "\n".join(text).count('"') % 2 == 0:
            break
    else:
        raise HeaderError("the header has an unterminated quoted name")
    try:
        names = next(csv.reader(["\n".join(text)], strict=True))
    except csv.Error as exc:
        raise HeaderError(f"the header is not valid CSV ({exc})") from exc
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        name = raw if raw.strip() else f"column{i}"
        candidate, n = name, 0
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def normalised_copy(src: Path, gz: bool, dst: Path) -> None:
    """Copy `src` (gunzipped) to `dst` with every record end (`\\r\\n`, `\\r`, `\\n` outside
    quotes) written as `\\n`; quoted fields are copied byte for byte. Streams in blocks, so
    line numbers stay those of the original. A quote inside an unquoted field (not RFC 4180)
    throws the quote count off: the copy may then still mix styles, and its read fails."""
    inside = False
    carry = b""
    with gzip.open(src, "rb") if gz else src.open("rb") as fin, dst.open("wb") as fout:
        while block := fin.read(_CHUNK):
            block, carry = carry + block, b""
            if block.endswith(b"\r"):  # may be the first half of \r\n
                block, carry = block[:-1], b"\r"
            parts = block.split(b'"')
            first = 1 if inside else 0  # parts at even offsets from `first` are outside quotes
            parts[first::2] = [
                p.replace(b"\r\n", b"\n").replace(b"\r", b"\n") for p in parts[first::2]
            ]
            inside ^= len(parts) % 2 == 0  # an odd number of quotes in the block
            fout.write(b'"'.join(parts))
        fout.write(b"\n" if carry and not inside else carry)


def _quotes(expr: str) -> str:
    return f"length(coalesce({expr}, '')) - length(replace(coalesce({expr}, ''), '\"', ''))"


# Statements building the line map of one file from `LINES` (its raw lines, in order: rowid + 1
# is the file line) and `_csv_rejects`:
# - `UNITS`: what DuckDB counts as lines: the header, each record, each blank line between
#   records; its `unit` is the `line` of DuckDB's rejects table;
# - `RECORDS`: the records DuckDB accepted, numbered as they are in the rows table (`record`),
#   with the file lines they span.
LINE_MAP_SQL = (
    f"""
create or replace temp table {UNITS} as
with counted as (
  select rowid + 1 as line_no, line is null as blank,
    coalesce(sum({_quotes("line")}) over (
      order by rowid rows between unbounded preceding and 1 preceding), 0) as quotes_before
  from {LINES}
), starts as (
  select line_no, blank from counted where quotes_before % 2 = 0
)
select row_number() over (order by line_no) as unit, line_no as first_line,
  coalesce(lead(line_no) over (order by line_no), (select count(*) from {LINES}) + 1) - 1
    as last_line,
  blank
from starts
""",
    f"""
create or replace temp table {RECORDS} as
select row_number() over (order by unit) as record, first_line, last_line
from {UNITS}
where unit > 1 and not blank and unit not in (select line from _csv_rejects)
""",
)

# The map is trustworthy when it finds exactly the records DuckDB read: as many accepted
# records, and a record (not a blank line) at each rejected line.
CONSISTENT_SQL = f"""
select (select count(*) from {RECORDS}) = (select count(*) from _csv_rows)
  and not exists (
    select 1 from _csv_rejects j left join {UNITS} u on u.unit = j.line
    where u.unit is null or u.blank
  )
"""


def _text_sql(table: str, key: str, keys: str) -> str:
    """`key, first_line, raw_text` of the spans of `table` whose `key` is in `keys`: the
    lines as written (without their line ends), joined by `\n`."""
    return f"""
select r.{key}, r.first_line,
  string_agg(coalesce(l.line, ''), chr(10) order by l.line_no) as raw_text
from {table} r
join (select rowid + 1 as line_no, line from {LINES}) l
  on l.line_no between r.first_line and r.last_line
where r.{key} in ({keys})
group by all
"""


def records_text_sql(rows: str) -> str:
    """`_record, source_row, raw_text` of the accepted records `rows` selects: the file line
    each starts on and its text as written."""
    return (
        "select record as _record, first_line as source_row, raw_text "
        f"from ({_text_sql(RECORDS, 'record', rows)})"
    )


def rejects_text_sql() -> str:
    """`line` (DuckDB's), `source_row`, `raw_text` of the rejected records."""
    return (
        "select unit as line, first_line as source_row, raw_text "
        f"from ({_text_sql(UNITS, 'unit', 'select line from _csv_rejects')})"
    )


_NO_REJECTS_TEXT = (
    "select null::bigint as line, null::bigint as source_row, null::varchar as raw_text limit 0"
)


class CsvRead:
    """One CSV file as DuckDB reads it: the file itself, or its normalised copy when it mixes
    line-ending styles; and, built on first use, its line map."""

    def __init__(self, path: Path, gz: bool, lines_options: str) -> None:
        self.path, self._source, self._gz = str(path), path, gz
        self._lines_options = lines_options
        self._copy: tempfile.TemporaryDirectory[str] | None = None
        self._mapped: bool | None = None  # None: not built; else whether it can be trusted

    def load(self, con: duckdb.DuckDBPyConnection, read_sql: str) -> None:
        """Run `read_sql` (one `?`: the path) on the file, or on its normalised copy."""
        try:
            con.execute(read_sql, [self.path])
        except duckdb.InvalidInputException as exc:
            if _MIXED_ENDINGS not in str(exc):
                raise
            self._copy = tempfile.TemporaryDirectory(prefix="truefans-csv-")
            copy = Path(self._copy.name) / "normalised.csv"
            try:
                normalised_copy(self._source, self._gz, copy)
            except (OSError, EOFError):
                raise exc from None
            self.path = str(copy)
            con.execute(read_sql, [self.path])

    def _line_map(self, con: duckdb.DuckDBPyConnection) -> bool:
        if self._mapped is None:
            con.execute(
                f"create or replace temp table {LINES} as select line "
                f"from read_csv(?, {self._lines_options})",
                [self.path],
            )
            for statement in LINE_MAP_SQL:
                con.execute(statement)
            (self._mapped,) = con.execute(CONSISTENT_SQL).fetchone()  # type: ignore[misc]
        return bool(self._mapped)

    def rejects_sql(self, con: duckdb.DuckDBPyConnection) -> str:
        """`_source_row, _raw_text, _reason` of the records DuckDB could not split into columns."""
        (n,) = con.execute("select count(*) from _csv_rejects").fetchone()  # type: ignore[misc]
        located = rejects_text_sql() if n and self._line_map(con) else _NO_REJECTS_TEXT
        return (
            "select coalesce(t.source_row, j.line) as _source_row, "
            "coalesce(t.raw_text, j.csv_line) as _raw_text, 'malformed CSV record: ' || "
            "lower(replace(j.error_type, '_', ' ')) || ' (' || j.error_message || ')' as _reason "
            f"from _csv_rejects j left join ({located}) t using (line)"
        )

    def locate(self, con: duckdb.DuckDBPyConnection, rows: str) -> str:
        """`_record, source_row, raw_text` of the accepted records (`_csv_rows` row numbers)
        that `rows` selects. Without a trustworthy line map (a quote inside an unquoted field
        throws the quote count off), the record number and the record as JSON."""
        if self._line_map(con):
            return records_text_sql(rows)
        return (
            "select rowid + 1 as _record, rowid + 1 as source_row, "
            f"cast(to_json(t) as varchar) as raw_text from _csv_rows t where rowid + 1 in ({rows})"
        )

    def close(self) -> None:
        if self._copy is not None:
            self._copy.cleanup()
            self._copy = None
