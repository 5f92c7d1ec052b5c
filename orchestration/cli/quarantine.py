"""What the run summary says about quarantined input: every file quarantined whole with its
reason, and the first reasons of each file with quarantined rows (the rest: `raw.quarantine`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
from rich.console import Console
from rich.markup import escape

REASONS_PER_FILE = 3
FILES_SHOWN = 10  # files with quarantined rows listed one by one; the others are counted
_WIDTH = 160  # a reason is cut to this many characters (the table keeps it whole)


@dataclass(frozen=True)
class QuarantinedFile:
    source_file: str
    rows: int  # rows of the file in quarantine
    first: list[tuple[int, str]] = field(default_factory=list)  # (line or row number, reason)


@dataclass
class QuarantineOverview:
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    files: list[QuarantinedFile] = field(default_factory=list)  # the first FILES_SHOWN
    rows: int = 0  # quarantined rows, all files
    files_with_rows: int = 0

    def __bool__(self) -> bool:
        return bool(self.unreadable or self.rows)


_UNREADABLE_SQL = """
select source_file, error from raw.load_log
where status = 'unreadable' and dump_date between ? and ?
order by source_file
"""

# one scan of the partitions' quarantine: per file its count and its first reasons by line
_ROWS_SQL = """
with q as (
    select source_file, source_row, reason,
        row_number() over (partition by source_file order by source_row) as n,
        count(*) over (partition by source_file) as total
    from raw.quarantine
    where dump_date between ? and ? and source_row is not null
)
select source_file, total, list({'line': source_row, 'reason': reason} order by source_row) as first
from q where n <= ?
group by source_file, total
order by source_file
"""


def overview(con: duckdb.DuckDBPyConnection, first: str, last: str) -> QuarantineOverview:
    out = QuarantineOverview()
    out.unreadable = [
        (f, e or "") for f, e in con.execute(_UNREADABLE_SQL, [first, last]).fetchall()
    ]
    rows = con.execute(_ROWS_SQL, [first, last, REASONS_PER_FILE]).fetchall()
    out.rows = sum(total for _, total, _ in rows)
    out.files_with_rows = len(rows)
    out.files = [
        QuarantinedFile(f, total, [(r["line"], r["reason"]) for r in firsts])
        for f, total, firsts in rows[:FILES_SHOWN]
    ]
    return out


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _cut(text: str) -> str:
    text = " ".join(text.split())  # a reason never breaks the summary's lines
    return escape(text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…")


def print_overview(q: QuarantineOverview, console: Console) -> None:
    """Nothing when nothing was quarantined; else a few lines per file."""
    if not q:
        return
    parts = []
    if q.rows:
        parts.append(f"{_n(q.rows, 'row')} from {_n(q.files_with_rows, 'file')}")
    if q.unreadable:
        parts.append(f"{_n(len(q.unreadable), 'file')} quarantined whole")
    console.print(f"[yellow]Quarantined[/]: {', '.join(parts)}")
    for source_file, reason in q.unreadable:
        console.print(f"  {escape(source_file)}: [red]whole file[/], {_cut(reason)}")
    for f in q.files:
        unit = "row" if f.source_file.endswith(".parquet") else "line"
        console.print(f"  {escape(f.source_file)}: {_n(f.rows, 'row')}")
        for line, reason in f.first:
            console.print(f"    {unit} {line}: {_cut(reason)}")
    hidden = q.files_with_rows - len(q.files)
    more = f"{_n(hidden, 'more file')} with quarantined rows; " if hidden > 0 else ""
    console.print(f"  ({more}every row with its line and text: raw.quarantine)")
