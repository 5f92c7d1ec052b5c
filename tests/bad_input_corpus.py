"""The bad-input corpus: every kind of broken or odd landing file the reliability tests feed in.

Generated, never hand-edited: each case writes its files into a landing root for one dump date
(`write_dirty`) and, beside it, the same good rows as a plain, well-formed CSV (`write_clean`).
Loading the dirty version must load exactly the good rows, quarantine the bad ones with a reason a
person understands, and give the same marts as loading the clean version.

The good rows reference the tracked account and a post of the base data (`Context`), so they reach
the marts: new followers, new interactions, profiles.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

CONTRACT_COLUMNS = {
    "follows": ("platform", "follower_id", "followee_id", "action", "event_at"),
    "interactions": ("platform", "post_id", "actor_id", "kind", "created_at", "text"),
    "accounts": (
        "account_id",
        "platform",
        "observed_at",
        "handle",
        "bio",
        "followers_count",
        "following_count",
    ),
    "posts": ("platform", "post_id", "account_id", "created_at", "kind", "impressions", "reach"),
}


@dataclass(frozen=True)
class Context:
    """Where the corpus rows land: a platform, a tracked account, one of its posts, a dump date."""

    platform: str
    account_id: str
    post_id: str
    day: str  # dump date, YYYY-MM-DD
    earlier_day: str  # an older dump date that already has data

    def at(self, hour: int, day: str | None = None) -> str:
        return f"{day or self.day}T{hour:02d}:00:00Z"


def csv_text(header: tuple[str, ...], rows: Sequence[tuple[object, ...]], bom: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def jsonl_text(records: Sequence[dict[str, object] | str]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def put(root: Path, entity: str, day: str, name: str, data: str | bytes) -> Path:
    path = root / entity / day / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def put_parquet(root: Path, entity: str, day: str, name: str, select_sql: str) -> Path:
    path = root / entity / day / name
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"copy ({select_sql}) to ? (format parquet)", [str(path)])
    finally:
        con.close()
    return path


Rows = list[tuple[object, ...]]


@dataclass(frozen=True)
class Case:
    """One kind of bad input: what it writes, the good rows it holds, what must happen."""

    name: str
    entity: str
    what_happens: str  # for docs/reliability.md
    good: Callable[[Context], Rows]  # rows (CONTRACT_COLUMNS order) that must load
    dirty: Callable[[Path, Context], None]  # writes the case's files
    quarantined: int  # rows (or whole files) that must go to raw.quarantine
    reasons: tuple[str, ...] = ()  # each must appear in some quarantine reason
    unreadable_files: int = 0
    duplicate_files: int = 0
    on_earlier_day: bool = False  # the good rows belong to ctx.earlier_day's dump
    deliveries: int = 1  # raw holds each good row this many times (staging keeps one)

    def write_dirty(self, root: Path, ctx: Context) -> None:
        """The case's files, each name prefixed with the case name (cases share a landing root)."""
        scratch = root.parent / f".corpus-{self.name}"
        self.dirty(scratch, ctx)
        for path in sorted(p for p in scratch.rglob("*") if p.is_file()):
            rel = path.relative_to(scratch)
            target = root / rel.parent / f"{self.name}--{rel.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
        shutil.rmtree(scratch)

    def write_clean(self, root: Path, ctx: Context) -> None:
        """The good rows as one plain CSV, in the dump date they belong to."""
        rows = self.good(ctx)
        if rows:
            day = ctx.earlier_day if self.on_earlier_day else ctx.day
            header = CONTRACT_COLUMNS[self.entity]
            put(root, self.entity, day, f"corpus-{self.name}.csv", csv_text(header, rows))


# ---- good rows -------------------------------------------------------------------------------


def _follows(ctx: Context, case: str, n: int = 3, day: str | None = None) -> Rows:
    return [
        (ctx.platform, f"corpus-{case}-{i}", ctx.account_id, "follow", ctx.at(8 + i, day))
        for i in range(n)
    ]


def _likes(ctx: Context, case: str, n: int = 3) -> Rows:
    return [
        (ctx.platform, ctx.post_id, f"corpus-{case}-{i}", "like", ctx.at(9 + i), None)
        for i in range(n)
    ]


def _accounts(ctx: Context, case: str, n: int = 2, bio: str = "hello") -> Rows:
    return [
        (f"corpus-{case}-{i}", ctx.platform, ctx.at(6), f"fan{i}", bio, 120 + i, 80)
        for i in range(n)
    ]


def _follows_csv(rows: Rows, bom: bool = False) -> str:
    return csv_text(CONTRACT_COLUMNS["follows"], rows, bom=bom)


def _records(entity: str, rows: Rows) -> list[dict[str, object]]:
    return [
        {k: v for k, v in zip(CONTRACT_COLUMNS[entity], row, strict=True) if v is not None}
        for row in rows
    ]


# ---- dirty writers ---------------------------------------------------------------------------


def _corrupt_gzip(root: Path, ctx: Context) -> None:
    put(root, "follows", ctx.day, "corrupt.csv.gz", b"\x1f\x8b\x08\x00garbage, not deflate")
    put(root, "follows", ctx.day, "good.csv", _follows_csv(_follows(ctx, "corrupt_gzip")))


def _truncated(root: Path, ctx: Context) -> None:
    body = jsonl_text(_records("interactions", _likes(ctx, "truncated", 4)))
    put(root, "interactions", ctx.day, "cut.jsonl", body[: body.rindex("{") + 25])  # last line cut
    text = csv_text(CONTRACT_COLUMNS["interactions"], _likes(ctx, "truncated-gz", 10))
    whole = gzip.compress(text.encode(), mtime=0)
    put(root, "interactions", ctx.day, "cut.csv.gz", whole[: len(whole) // 2])


def _invalid_json(root: Path, ctx: Context) -> None:
    records: list[dict[str, object] | str] = list(
        _records("interactions", _likes(ctx, "invalid_json"))
    )
    records.insert(1, '{"platform": "x", "post_id": ')
    records.insert(2, "[1, 2, 3]")
    put(root, "interactions", ctx.day, "i.jsonl", jsonl_text(records))


def _wrong_types(root: Path, ctx: Context) -> None:
    rows = _accounts(ctx, "wrong_types")
    bad = [
        ("corpus-wrong_types-x", ctx.platform, ctx.at(6), "x", "", "many", 3),
        ("corpus-wrong_types-y", ctx.platform, ctx.at(6), "y", "", "10.5", 3),
        ("corpus-wrong_types-z", ctx.platform, "last tuesday", "z", "", 1, 3),
    ]
    put(root, "accounts", ctx.day, "a.csv", csv_text(CONTRACT_COLUMNS["accounts"], [*rows, *bad]))


def _missing_column(root: Path, ctx: Context) -> None:
    rows = _follows(ctx, "missing_column_bad")
    header = CONTRACT_COLUMNS["follows"][:-1]  # no event_at
    put(root, "follows", ctx.day, "no-event-at.csv", csv_text(header, [r[:-1] for r in rows]))
    put(root, "follows", ctx.day, "good.csv", _follows_csv(_follows(ctx, "missing_column")))


def _null_required(root: Path, ctx: Context) -> None:
    rows = _follows(ctx, "null_required")
    bad = [
        (ctx.platform, "", ctx.account_id, "follow", ctx.at(5)),
        (ctx.platform, "z", "", "follow", ""),
    ]
    put(root, "follows", ctx.day, "f.csv", _follows_csv([*rows, *bad]))


def _negative(root: Path, ctx: Context) -> None:
    rows = _accounts(ctx, "negative")
    bad = [("corpus-negative-x", ctx.platform, ctx.at(6), "x", "", -5, 3)]
    records = _records("accounts", [*rows, *bad])
    put(root, "accounts", ctx.day, "a.jsonl", jsonl_text(records))


def _future(root: Path, ctx: Context) -> None:
    rows = _likes(ctx, "future")
    bad = [(ctx.platform, ctx.post_id, "corpus-future-x", "like", "2099-01-01T00:00:00Z", None)]
    put(
        root,
        "interactions",
        ctx.day,
        "i.csv",
        csv_text(CONTRACT_COLUMNS["interactions"], [*rows, *bad]),
    )


def _unknown_enum(root: Path, ctx: Context) -> None:
    rows = _follows(ctx, "unknown_enum")
    bad = [(ctx.platform, "corpus-unknown_enum-x", ctx.account_id, "block", ctx.at(7))]
    put(root, "follows", ctx.day, "f.csv", _follows_csv([*rows, *bad]))
    bad_kind = [(ctx.platform, ctx.post_id, "corpus-unknown_enum-y", "poke", ctx.at(7), None)]
    put(
        root, "interactions", ctx.day, "i.csv", csv_text(CONTRACT_COLUMNS["interactions"], bad_kind)
    )


def _delivered_twice(root: Path, ctx: Context) -> None:
    body = _follows_csv(_follows(ctx, "delivered_twice", day=ctx.earlier_day))
    put(root, "follows", ctx.earlier_day, "extract.csv", body)
    put(root, "follows", ctx.day, "extract.csv", body)  # the next dump re-sends it


def _renamed(root: Path, ctx: Context) -> None:
    body = _follows_csv(_follows(ctx, "renamed"))
    put(root, "follows", ctx.day, "extract.csv", body)
    put(root, "follows", ctx.day, "extract (1).csv", body)


def _mixed_endings(root: Path, ctx: Context) -> None:
    """CRLF lines, then lines appended with LF (one of them bad); the same as gzip."""
    for name, case in (("mixed.csv", "mixed_endings"), ("mixed.csv.gz", "mixed_endings-gz")):
        crlf = csv_text(CONTRACT_COLUMNS["follows"], _follows(ctx, case)).replace("\n", "\r\n")
        bad = (ctx.platform, f"corpus-{case}-x", ctx.account_id, "block", ctx.at(7))
        appended = csv_text(("x",), [_follows(ctx, case + "-lf", n=1)[0], bad]).split("\n", 1)[1]
        data = (crlf + appended).encode()
        put(
            root,
            "follows",
            ctx.day,
            name,
            gzip.compress(data, mtime=0) if name.endswith(".gz") else data,
        )


def _mixed_good(ctx: Context) -> Rows:
    return [
        *_follows(ctx, "mixed_endings"),
        *_follows(ctx, "mixed_endings-lf", n=1),
        *_follows(ctx, "mixed_endings-gz"),
        *_follows(ctx, "mixed_endings-gz-lf", n=1),
    ]


def _bom(root: Path, ctx: Context) -> None:
    put(root, "follows", ctx.day, "bom.csv", _follows_csv(_follows(ctx, "bom"), bom=True))
    records = _records("follows", _follows(ctx, "bom-json"))
    put(root, "follows", ctx.day, "bom.jsonl", "\ufeff" + jsonl_text(records))


def _bom_good(ctx: Context) -> Rows:
    return _follows(ctx, "bom") + _follows(ctx, "bom-json")


def _quoted(root: Path, ctx: Context) -> None:
    rows = _accounts(ctx, "quoted", bio='line one\nline two, with "quotes", commas')
    put(root, "accounts", ctx.day, "a.csv", csv_text(CONTRACT_COLUMNS["accounts"], rows))


def _schema_drift(root: Path, ctx: Context) -> None:
    header = (*CONTRACT_COLUMNS["follows"], "source_system", "Score")
    rows = [(*r, "crawler-2", 0.5) for r in _follows(ctx, "schema_drift")]
    put(root, "follows", ctx.day, "drift.csv", csv_text(header, rows))


def _empty(root: Path, ctx: Context) -> None:
    for name in ("empty.csv", "empty.jsonl", "empty.csv.gz"):
        data = gzip.compress(b"", mtime=0) if name.endswith(".gz") else b""
        put(root, "follows", ctx.day, name, data)


def _header_only(root: Path, ctx: Context) -> None:
    put(root, "follows", ctx.day, "header.csv", _follows_csv([]))


def _parquet_types(root: Path, ctx: Context) -> None:
    p, a, d = ctx.platform, ctx.account_id, ctx.day
    put_parquet(
        root,
        "posts",
        ctx.day,
        "posts.parquet",
        f"select '{p}' as platform, 'corpus-post-' || i as post_id, '{a}' as account_id, "
        f"timestamp '{d} 07:00:00' + i * interval 1 minute as created_at, 'post' as kind, "
        "case i when 3 then 'n/a' else cast(100 + i as varchar) end as impressions, "
        "case i when 4 then 10.5 else 50.0 + i end as reach from range(5) t(i)",
    )


def _parquet_good(ctx: Context) -> Rows:
    return [
        (
            ctx.platform,
            f"corpus-post-{i}",
            ctx.account_id,
            f"{ctx.day}T07:0{i}:00Z",
            "post",
            100 + i,
            int(50 + i),
        )
        for i in range(3)
    ]


def _late_older_date(root: Path, ctx: Context) -> None:
    put(root, "follows", ctx.earlier_day, "late.csv", _follows_csv(_late_good(ctx)))


def _late_good(ctx: Context) -> Rows:
    return _follows(ctx, "late_older_date", day=ctx.earlier_day)


def _huge_field(root: Path, ctx: Context) -> None:
    put(root, "accounts", ctx.day, "a.csv", csv_text(CONTRACT_COLUMNS["accounts"], _huge_good(ctx)))
    put(
        root, "accounts", ctx.day, "a.jsonl", jsonl_text(_records("accounts", _huge_good(ctx, "j")))
    )


def _huge_good(ctx: Context, suffix: str = "") -> Rows:
    return _accounts(ctx, "huge_field" + suffix, n=1, bio="long bio " * 600_000)  # 5.4 MB


def _numeric_ids(root: Path, ctx: Context) -> None:
    put(root, "follows", ctx.day, "ids.csv", _follows_csv(_ids_good(ctx)[:2]))
    number = json.dumps(
        {
            "platform": ctx.platform,
            "follower_id": "__ID__",
            "followee_id": ctx.account_id,
            "action": "follow",
            "event_at": ctx.at(12),
        }
    ).replace('"__ID__"', "18446744073709551615")
    put(root, "follows", ctx.day, "ids.jsonl", number + "\n")


def _ids_good(ctx: Context) -> Rows:
    return [
        (ctx.platform, "000123", ctx.account_id, "follow", ctx.at(10)),
        (ctx.platform, "9223372036854775807", ctx.account_id, "follow", ctx.at(11)),
        (ctx.platform, "18446744073709551615", ctx.account_id, "follow", ctx.at(12)),
    ]


CASES: tuple[Case, ...] = (
    Case(
        "corrupt_gzip",
        "follows",
        "the file is quarantined whole (not a valid gzip file); the good file beside it loads",
        lambda c: _follows(c, "corrupt_gzip"),
        _corrupt_gzip,
        1,
        ("not a valid gzip file",),
        unreadable_files=1,
    ),
    Case(
        "truncated_file",
        "interactions",
        "a JSON-lines file cut mid-line: its complete lines load, the cut line is quarantined; a gzip cut in half is quarantined whole (the gzip stream ends early)",
        lambda c: _likes(c, "truncated", 3),
        _truncated,
        2,
        ("invalid JSON line", "truncated"),
        unreadable_files=1,
    ),
    Case(
        "invalid_json_line",
        "interactions",
        "the bad lines (broken JSON, an array) are quarantined, the others load",
        lambda c: _likes(c, "invalid_json"),
        _invalid_json,
        2,
        ("invalid JSON line", "JSON line is not an object"),
    ),
    Case(
        "wrong_types",
        "accounts",
        "text in a count, a fractional count and a word for a timestamp are quarantined (never rounded or guessed)",
        lambda c: _accounts(c, "wrong_types"),
        _wrong_types,
        3,
        (
            "not an integer: followers_count=many",
            "not an integer: followers_count=10.5",
            "not a timestamp: observed_at=last tuesday",
        ),
    ),
    Case(
        "missing_required_column",
        "follows",
        "every row of the file without `event_at` is quarantined; other files load",
        lambda c: _follows(c, "missing_column"),
        _missing_column,
        3,
        ("required column missing from file: event_at",),
    ),
    Case(
        "null_required_value",
        "follows",
        "rows with an empty required value are quarantined, naming the column",
        lambda c: _follows(c, "null_required"),
        _null_required,
        2,
        ("required value missing: follower_id", "required value missing: followee_id"),
    ),
    Case(
        "negative_count",
        "accounts",
        "a negative count is quarantined",
        lambda c: _accounts(c, "negative"),
        _negative,
        1,
        ("negative count: followers_count=-5",),
    ),
    Case(
        "future_timestamp",
        "interactions",
        "a timestamp more than a day after the dump date is quarantined",
        lambda c: _likes(c, "future"),
        _future,
        1,
        ("timestamp in the future: created_at=2099-01-01",),
    ),
    Case(
        "unknown_action_or_kind",
        "follows",
        "an unknown follow `action` and an unknown interaction `kind` are quarantined, listing the accepted values",
        lambda c: _follows(c, "unknown_enum"),
        _unknown_enum,
        2,
        ("unknown action 'block' (expected follow or unfollow)", "unknown kind 'poke'"),
    ),
    Case(
        "same_file_delivered_twice",
        "follows",
        "the same file in two dump dates loads into both raw partitions; staging keeps each event once (its first delivery)",
        lambda c: _follows(c, "delivered_twice", day=c.earlier_day),
        _delivered_twice,
        0,
        on_earlier_day=True,
        deliveries=2,
    ),
    Case(
        "same_file_renamed",
        "follows",
        "the same bytes under a second name in one folder are logged as a duplicate and load once",
        lambda c: _follows(c, "renamed"),
        _renamed,
        0,
        duplicate_files=1,
    ),
    Case(
        "mixed_line_endings",
        "follows",
        "a CSV (and a gzipped one) of CRLF lines with LF lines appended loads; only its bad row is quarantined, with its file line and text",
        _mixed_good,
        _mixed_endings,
        2,
        ("unknown action 'block'",),
    ),
    Case(
        "utf8_bom",
        "follows",
        "a UTF-8 byte-order mark (CSV and JSON lines) is skipped; the first column keeps its name",
        _bom_good,
        _bom,
        0,
    ),
    Case(
        "quoted_newlines_and_commas",
        "accounts",
        "RFC 4180 quoted fields keep their newlines, commas and quotes",
        lambda c: _accounts(c, "quoted", bio='line one\nline two, with "quotes", commas'),
        _quoted,
        0,
    ),
    Case(
        "schema_drift_extra_columns",
        "follows",
        "unknown columns are kept in `_extra` (JSON) in the raw layer and ignored downstream",
        lambda c: _follows(c, "schema_drift"),
        _schema_drift,
        0,
    ),
    Case(
        "empty_file",
        "follows",
        "empty files (CSV, JSON lines, gzip of nothing) load zero rows, logged; two empty files have the same (empty) bytes, so the second is logged as a duplicate",
        lambda c: [],
        _empty,
        0,
        duplicate_files=1,
    ),
    Case(
        "header_only_file",
        "follows",
        "a CSV with only its header loads zero rows, logged",
        lambda c: [],
        _header_only,
        0,
    ),
    Case(
        "parquet_wrong_column_type",
        "posts",
        "Parquet columns of another type are read as text and validated like CSV: 'n/a' and 10.5 in counts are quarantined, 50.0 is the count 50",
        _parquet_good,
        _parquet_types,
        2,
        ("not an integer: impressions=n/a", "not an integer: reach=10.5"),
    ),
    Case(
        "older_dump_date_late",
        "follows",
        "a file for an older dump date arriving after newer ones loads into its own partition; the next run rebuilds from that date",
        _late_good,
        _late_older_date,
        0,
        on_earlier_day=True,
    ),
    Case(
        "multi_megabyte_field",
        "accounts",
        "a 5.4 MB bio (CSV and JSON lines) loads intact; records over 16 MiB would quarantine their file whole",
        lambda c: _huge_good(c) + _huge_good(c, "j"),
        _huge_field,
        0,
    ),
    Case(
        "numeric_looking_ids",
        "follows",
        "ids with leading zeros and 64-bit ids (also a bare JSON number) stay exact strings",
        _ids_good,
        _numeric_ids,
        0,
    ),
)
