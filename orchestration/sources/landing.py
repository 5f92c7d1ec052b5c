"""Write adapter output as landing files, deterministically and atomically.

One batch is what one import found for one account on one dump date. Each entity becomes one
JSON-lines file `<root>/<entity>/<dump date>/<source>-<account>[-<part>].jsonl`: rows sorted,
keys sorted, no import time inside, so importing the same export again writes the same bytes
(the loader sees an unchanged partition: a no-op). A file appears by rename, never half-written.

`tracked_accounts`: the latest dump of that entity is the list in force (the contract), so a batch
that tracks an account writes the whole list in force plus that account, never the account
alone (which would drop every account imported before).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.ingest.contract import ENTITIES, columns
from orchestration.ingest.discovery import discover

Row = Mapping[str, object]


@dataclass
class LandingBatch:
    source: str  # adapter name, part of the file names
    account: str  # the account's handle or id, part of the file names
    dump_date: dt.date  # the day the extraction ran (export creation day, or the API pull day)
    rows: dict[str, list[Row]] = field(default_factory=dict)  # entity -> contract rows
    # a name part for several extractions of one account on one day (e.g. the snapshot time),
    # so a second pull the same day adds a file instead of replacing the first
    part: str = ""

    def add(self, entity: str, rows: Iterable[Row]) -> None:
        if entity not in ENTITIES:
            raise ValueError(f"unknown landing entity {entity!r}")
        self.rows.setdefault(entity, []).extend(rows)


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    rows: int
    status: str  # new | changed | unchanged


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "_", text.lower()).strip("._") or "account"


def file_name(batch: LandingBatch) -> str:
    parts = [_slug(batch.source), _slug(batch.account)] + (
        [_slug(batch.part)] if batch.part else []
    )
    return "-".join(parts) + ".jsonl"


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def render(entity: str, rows: Iterable[Row]) -> bytes:
    """JSON lines, one row each, sorted: the same rows always give the same bytes."""
    known = {c.name for c in columns(entity)}
    lines = set()
    for row in rows:
        clean = {k: _json_value(v) for k, v in row.items() if v is not None}
        missing = [c.name for c in columns(entity) if c.required and c.name not in clean]
        if missing:
            raise ValueError(f"{entity} row without required {', '.join(missing)}: {clean}")
        # ids are strings in the contract, whatever the source sent
        for key in ("account_id", "follower_id", "followee_id", "post_id", "actor_id"):
            if key in clean and key in known:
                clean[key] = str(clean[key])
        lines.add(json.dumps(clean, ensure_ascii=False, sort_keys=True))
    return "".join(line + "\n" for line in sorted(lines)).encode("utf-8")


def _write_atomically(path: Path, data: bytes) -> str:
    if path.exists():
        if path.read_bytes() == data:
            return "unchanged"
        status = "changed"
    else:
        status = "new"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return status


def tracked_in_force(root: Path) -> tuple[dt.date | None, list[dict[str, object]]]:
    """The latest `tracked_accounts` dump of a landing root and its rows (any contract format)."""
    found = [f for f in discover(root, ("tracked_accounts",)).files if f.file_format]
    if not found or not root.is_dir():
        return None, []
    latest = max(f.dump_date for f in found)
    rows: list[dict[str, object]] = []
    con = duckdb.connect()
    try:
        for f in (f for f in found if f.dump_date == latest):
            fmt = f.file_format or ""
            if fmt.startswith("csv"):
                rel = con.read_csv(str(f.path), header=True, all_varchar=True)
            elif fmt.startswith("jsonl"):
                rel = con.read_json(str(f.path), format="newline_delimited")
            else:
                rel = con.read_parquet(str(f.path))
            names = rel.columns
            rows += [dict(zip(names, r, strict=True)) for r in rel.fetchall()]
    finally:
        con.close()
    keep = {c.name for c in columns("tracked_accounts")}
    return latest, [{k: v for k, v in r.items() if k in keep and v is not None} for r in rows]


def write_batches(root: Path, batches: list[LandingBatch]) -> list[WrittenFile]:
    """Write every batch; rows for `tracked_accounts` are merged into the list in force."""
    written: list[WrittenFile] = []
    for batch in batches:
        for entity, rows in sorted(batch.rows.items()):
            if entity == "tracked_accounts":
                written.append(_write_tracked(root, batch, rows))
                continue
            path = root / entity / batch.dump_date.isoformat() / file_name(batch)
            data = render(entity, rows)
            written.append(WrittenFile(path, data.count(b"\n"), _write_atomically(path, data)))
    return written


def _write_tracked(root: Path, batch: LandingBatch, rows: list[Row]) -> WrittenFile:
    latest, in_force = tracked_in_force(root)
    key = lambda r: (str(r["platform"]), str(r["account_id"]))  # noqa: E731
    merged = {key(r): dict(r) for r in in_force}
    for r in rows:
        merged[key(r)] = {**merged.get(key(r), {}), **{k: v for k, v in r.items() if v is not None}}
    day = max(d for d in (latest, batch.dump_date) if d is not None)
    path = root / "tracked_accounts" / day.isoformat() / "tracked_accounts.jsonl"
    # other files of that day stay: their rows are in `merged` too, and staging keeps one row
    # per account of the latest dump
    data = render("tracked_accounts", merged.values())
    status = _write_atomically(path, data)
    return WrittenFile(path, data.count(b"\n"), status)
