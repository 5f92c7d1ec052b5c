"""Landing files: every contract format, with deterministic bytes.

A `Frame` is a list of typed columns. `style_for(entity, day, platform)` decides, from those
three integers only, the file format and encoding quirks, so every format and timestamp style
appears in a default run and the same inputs always give the same bytes:

- formats rotate over csv, csv.gz, jsonl, jsonl.gz, parquet;
- timestamps: ISO 8601 UTC with `Z` (most files), ISO with a non-UTC offset (`+02:00` or
  `-03:00`, local wall time), integer Unix seconds (one file in ten), or, in some Parquet
  files, a native `timestamp[s, tz=UTC]` column;
- CSV booleans as true/false, 1/0, yes/no or True/False; some CSV files start with a BOM;
- jsonl.gz files omit null keys instead of writing `null`;
- interactions carry `interaction_id` in JSON and Parquet files only (null for likes).
gzip streams have mtime 0 and no file name; Parquet metadata holds no time either.
"""

from __future__ import annotations

import io
import os
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.ingest.contract import ENTITIES as CONTRACT_ENTITIES
from orchestration.ingest.contract import FORMATS as CONTRACT_FORMATS
from simulator.timefmt import iso_array

ColType = Literal["str", "int", "bool", "ts", "ref", "num"]
FORMATS: tuple[str, ...] = CONTRACT_FORMATS
ENTITIES: tuple[str, ...] = tuple(CONTRACT_ENTITIES)
_BOOLS = (("true", "false"), ("1", "0"), ("yes", "no"), ("True", "False"))
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Col:
    """One column. Heavy string work is deferred to the writer threads:
    `ts`: int64 Unix seconds; `ref`: int64 indices into the string array `source`;
    `num`: int64 numbers written as decimal strings (ids). `valid` (False = null) for these.
    """

    name: str
    type: ColType
    values: pa.Array | np.ndarray
    valid: np.ndarray | None = None
    source: pa.Array | None = None


Frame = list[Col]


@dataclass(frozen=True)
class Style:
    fmt: str
    ts: str  # z | offset | unix | native
    offset_minutes: int
    bools: tuple[str, str]
    omit_nulls: bool
    bom: bool
    interaction_id: bool


def style_for(entity: str, day: int, platform: int) -> Style:
    e = ENTITIES.index(entity)
    fmt = FORMATS[(day + 2 * e + 3 * platform) % len(FORMATS)]
    h = (7 * day + 3 * e + 5 * platform) % 10
    ts = "unix" if h == 0 else "offset" if h in (1, 2) else "z"
    if fmt == "parquet" and h in (3, 4):
        ts = "native"
    return Style(
        fmt=fmt,
        ts=ts,
        offset_minutes=120 if (day + e) % 3 else -180,
        bools=_BOOLS[(day + e + platform) % len(_BOOLS)],
        omit_nulls=fmt == "jsonl.gz",
        bom=fmt == "csv" and (day + platform) % 3 == 0,
        interaction_id=fmt in ("jsonl", "jsonl.gz", "parquet"),
    )


def _mask(valid: np.ndarray | None) -> np.ndarray | None:
    return None if valid is None else ~valid


def _encode(col: Col, style: Style) -> pa.Array:
    if col.type == "ts":
        secs = np.asarray(col.values, dtype=np.int64)
        valid = col.valid
        if style.ts == "unix":
            return pa.array(secs, type=pa.int64(), mask=None if valid is None else ~valid)
        if style.ts == "native":
            return pa.array(secs, type=pa.int64(), mask=None if valid is None else ~valid).cast(
                pa.timestamp("s", tz="UTC")
            )
        return iso_array(secs, style.offset_minutes if style.ts == "offset" else 0, valid)
    if col.type == "ref":
        assert col.source is not None
        return col.source.take(pa.array(col.values, mask=_mask(col.valid)))
    if col.type == "num":
        return pc.cast(pa.array(col.values, type=pa.int64(), mask=_mask(col.valid)), pa.string())
    values = col.values
    assert isinstance(values, pa.Array)
    if col.type == "bool" and style.fmt.startswith("csv"):
        return pc.if_else(values, style.bools[0], style.bools[1])
    return values


# Free-text columns may hold quotes, backslashes and newlines; all other string columns are
# generated ids, handles, urls, enums and timestamps that never need JSON escaping.
_FREE_TEXT = frozenset({"text", "bio", "name", "display_name", "location"})


def _escape(arr: pa.Array) -> pa.Array:
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        arr = pc.replace_substring(arr, old, new)
    return arr


def _json_text(name: str, arr: pa.Array) -> tuple[pa.Array, bool]:
    """Value text of one column, and whether it must be wrapped in double quotes."""
    if pa.types.is_string(arr.type):
        if name in _FREE_TEXT:  # few distinct values: escape the dictionary only
            enc = pc.dictionary_encode(arr)
            arr = _escape(enc.dictionary).take(enc.indices)
        return arr, True
    return pc.cast(arr, pa.string()), False  # integers, booleans (true/false)


def _jsonl_bytes(table: pa.Table, omit_nulls: bool) -> bytes:
    """One JSON object per line, built with a single element-wise join over all columns.

    Non-null columns contribute their text between literal key fragments (quotes included in
    the literals); nullable columns contribute a whole `,"key":value` piece that is `null`
    text, or, with omit_nulls, missing (a skipped null) when the value is null.
    """
    tokens: list[pa.Array | str] = []
    literal = "{"
    for i, (name, col) in enumerate(zip(table.column_names, table.columns, strict=True)):
        arr = col.combine_chunks()
        text, quoted = _json_text(name, arr)
        key = ("," if i else "") + f'"{name}":'
        if arr.null_count == 0:
            q = '"' if quoted else ""
            tokens += [literal + key + q, text]
            literal = q
            continue
        if quoted:
            text = pc.binary_join_element_wise('"', text, '"', "")
        if omit_nulls:
            piece = pc.binary_join_element_wise(key, text, "")
            if i == 0:
                raise ValueError("the first column must not hold nulls")
        else:
            piece = pc.binary_join_element_wise(key, pc.fill_null(text, "null"), "")
        tokens += [literal, piece]
        literal = ""
    tokens.append(literal + "}\n")
    lines = pc.binary_join_element_wise(*tokens, "", null_handling="skip")
    if len(lines) == 0:
        return b""
    offsets = np.frombuffer(
        lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4
    )
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def _gzip(data: bytes) -> bytes:
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip header: mtime 0, no file name
    return comp.compress(data) + comp.flush()


def encode(frame: Frame, style: Style) -> bytes:
    cols = [c for c in frame if style.interaction_id or c.name != "interaction_id"]
    table = pa.table({c.name: _encode(c, style) for c in cols})
    if style.fmt in ("csv", "csv.gz"):
        buf = io.BytesIO()
        pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=True))
        data = (_BOM if style.bom else b"") + buf.getvalue()
        return _gzip(data) if style.fmt == "csv.gz" else data
    if style.fmt in ("jsonl", "jsonl.gz"):
        data = _jsonl_bytes(table, style.omit_nulls)
        return _gzip(data) if style.fmt == "jsonl.gz" else data
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def frame_len(frame: Frame) -> int:
    return len(frame[0].values) if frame else 0


def slice_frame(frame: Frame, start: int, stop: int) -> Frame:
    out = []
    for c in frame:
        valid = None if c.valid is None else c.valid[start:stop]
        out.append(Col(c.name, c.type, c.values[start:stop], valid, c.source))
    return out


class FileWriter:
    """Encodes and writes files on a small thread pool (pyarrow, zlib and file I/O release the
    GIL), so one day's files are written while the next day is generated. A file's bytes
    depend only on its frame and style, never on scheduling. At most two days are in flight.
    """

    def __init__(self, landing: Path, part_rows: int, workers: int | None = None) -> None:
        self.landing, self.part_rows = landing, part_rows
        self.pool = ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1))
        self.in_flight: list[Future[int]] = []
        self.files = 0
        self.bytes = 0

    def submit_day(self, jobs: list[tuple[str, int, str, int, str, Frame]]) -> dict[str, int]:
        """Queue one day's frames `(entity, day, dump_date, platform, platform_name, frame)`;
        first waits for the previous day's files. Returns rows per entity."""
        self.wait()
        rows: dict[str, int] = {}
        for entity, day, dump_date, platform, platform_name, frame in jobs:
            n = frame_len(frame)
            if n == 0:
                continue
            rows[entity] = rows.get(entity, 0) + n
            style = style_for(entity, day, platform)
            folder = self.landing / entity / dump_date
            folder.mkdir(parents=True, exist_ok=True)
            parts = max(1, -(-n // self.part_rows))
            stem = f"{entity}-{platform_name}-{dump_date.replace('-', '')}"
            for k in range(parts):
                lo, hi = k * n // parts, (k + 1) * n // parts
                name = stem + (f"-part{k + 1:03d}" if parts > 1 else "") + "." + style.fmt
                part = slice_frame(frame, lo, hi)
                self.in_flight.append(self.pool.submit(_write, folder / name, part, style))
        return rows

    def wait(self) -> None:
        for fut in self.in_flight:
            self.bytes += fut.result()
            self.files += 1
        self.in_flight = []

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _write(path: Path, frame: Frame, style: Style) -> int:
    data = encode(frame, style)
    path.write_bytes(data)
    return len(data)
