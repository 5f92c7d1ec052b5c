"""The bad-input corpus (bad_input_corpus.py) through ingestion and through the whole pipeline.

Per case, without dbt: good rows load exactly as their clean version does, bad rows are
quarantined with a reason, every file is logged with rows read = loaded + quarantined, nothing is
lost. All cases together, through Dagster and dbt: the marts equal those of the clean data.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from bad_input_corpus import CASES, CONTRACT_COLUMNS, Case, Context
from table_checksums import schema_checksums

from orchestration.ingest.loader import load_partition
from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings
from orchestration.warehouse import connect
from simulator import SimConfig, generate

INGEST_CONTEXT = Context("twitter", "1", "p1", "2026-01-05", "2026-01-03")


def _landing_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _load_everything(con: duckdb.DuckDBPyConnection, root: Path, days: list[str]) -> None:
    """Every entity folder of `root`, the given dump dates in the given order."""
    for entity_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for day in days:
            load_partition(con, root, entity_dir.name, dt.date.fromisoformat(day))


def _good_rows(con: duckdb.DuckDBPyConnection, entity: str) -> list[tuple]:
    cols = ", ".join(CONTRACT_COLUMNS[entity])
    return con.execute(f"select {cols} from raw.{entity} order by all").fetchall()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_loads_good_rows_and_quarantines_bad_ones(tmp_path: Path, case: Case) -> None:
    ctx = INGEST_CONTEXT
    dirty, clean = tmp_path / "dirty", tmp_path / "clean"
    case.write_dirty(dirty, ctx)
    case.write_clean(clean, ctx)
    dirty_con, clean_con = connect(tmp_path / "dirty.duckdb"), connect(tmp_path / "clean.duckdb")
    try:
        newest_first = [ctx.day, ctx.earlier_day]  # the older dump date always arrives late
        _load_everything(dirty_con, dirty, newest_first)
        clean.mkdir(exist_ok=True)  # a case without good rows writes no clean file
        _load_everything(clean_con, clean, newest_first)
        for entity in CONTRACT_COLUMNS:  # the raw tables exist even when nothing loaded
            load_partition(clean_con, clean, entity, dt.date.fromisoformat(ctx.day))

        log = dirty_con.execute(
            "select source_file, status, rows_read, rows_loaded, rows_quarantined from raw.load_log"
        ).fetchall()
        # every file is accounted for, and per file: read = loaded + quarantined
        assert {r[0] for r in log} == _landing_files(dirty)
        assert all(read == loaded + quarantined for _, _, read, loaded, quarantined in log)
        assert sum(r[1] == "unreadable" for r in log) == case.unreadable_files
        assert sum(r[1] == "duplicate" for r in log) == case.duplicate_files

        quarantine = dirty_con.execute(
            "select source_file, source_row, raw_text, reason from raw.quarantine"
        ).fetchall()
        assert len(quarantine) == case.quarantined
        reasons = [q[3] for q in quarantine]
        for fragment in case.reasons:
            assert any(fragment in reason for reason in reasons), (fragment, reasons)
        for source_file, source_row, raw_text, reason in quarantine:
            assert source_file and reason
            if source_row is not None:  # a row, not a whole file: its text is kept
                assert raw_text
        # rows quarantined per file agree with the quarantine table
        per_file = sum(r[4] for r in log) + case.unreadable_files
        assert per_file == len(quarantine)

        for entity in CONTRACT_COLUMNS:  # every table, not only the case's own entity
            expected = _good_rows(clean_con, entity)
            got = _good_rows(dirty_con, entity)
            copies = case.deliveries if entity == case.entity else 1
            assert len(got) == len(expected) * copies, entity
            assert sorted(set(got)) == expected, entity
        assert _good_rows(clean_con, case.entity) or not case.good(ctx)
    finally:
        dirty_con.close()
        clean_con.close()


def test_quoted_newlines_bom_and_huge_fields_keep_their_exact_text(tmp_path: Path) -> None:
    """The loaded values themselves, not only their count."""
    ctx = INGEST_CONTEXT
    by_name = {c.name: c for c in CASES}
    for name in ("quoted_newlines_and_commas", "multi_megabyte_field", "utf8_bom"):
        by_name[name].write_dirty(tmp_path / "landing", ctx)
    con = connect(tmp_path / "wh.duckdb")
    try:
        _load_everything(con, tmp_path / "landing", [ctx.day])
        bios = dict(con.execute("select account_id, bio from raw.accounts").fetchall())
        assert bios["corpus-quoted-0"] == 'line one\nline two, with "quotes", commas'
        assert len(bios["corpus-huge_field-0"]) == len(bios["corpus-huge_fieldj-0"]) == 5_400_000
        # the BOM is not part of the first column's name: `platform` was found and is required
        assert con.execute("select count(*) from raw.follows").fetchall() == [(6,)]
    finally:
        con.close()


def test_schema_drift_columns_are_kept_in_the_raw_layer(tmp_path: Path) -> None:
    ctx = INGEST_CONTEXT
    next(c for c in CASES if c.name == "schema_drift_extra_columns").write_dirty(
        tmp_path / "l", ctx
    )
    con = connect(tmp_path / "wh.duckdb")
    try:
        _load_everything(con, tmp_path / "l", [ctx.day])
        extras = con.execute(
            "select distinct _extra->>'source_system', _extra->>'Score' from raw.follows"
        ).fetchall()
        assert extras == [("crawler-2", "0.5")]
    finally:
        con.close()


# ---- all cases at once, through the pipeline -------------------------------------------------

BASE = SimConfig(seed=13, tracked=2, accounts=600, days=4)


def _context(landing: Path, scratch: Path) -> Context:
    """A tracked account of the base data and one of its posts (read through the raw layer)."""
    days = sorted({p.name for p in landing.glob("*/*") if p.is_dir()})
    con = connect(scratch)
    try:
        _load_everything(con, landing, days)
        platform, account_id, post_id = con.execute(
            "select t.platform, t.account_id, min(p.post_id) from raw.tracked_accounts t "
            "join raw.posts p using (platform, account_id) group by all order by all limit 1"
        ).fetchall()[0]
    finally:
        con.close()
    return Context(platform, account_id, post_id, days[-1], days[1])


# ids that only occur in rows the corpus expects quarantined
QUARANTINED_IDS = (
    "corpus-wrong_types-x",
    "corpus-negative-x",
    "corpus-future-x",
    "corpus-unknown_enum-x",
    "corpus-unknown_enum-y",
)


def _text_values_among(
    con: duckdb.DuckDBPyConnection, values: tuple[str, ...], schema: str | None = None
) -> list[str]:
    """Which of `values` occur inside any text column of any table (of `schema`)."""
    columns = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where data_type = 'VARCHAR' and not internal and (? is null or schema_name = ?)",
        [schema, schema],
    ).fetchall()
    found: set[str] = set()
    for table_schema, table, column in columns:
        for value in values:
            hit = con.execute(
                f'select count(*) from "{table_schema}"."{table}" where contains("{column}", ?)',
                [value],
            ).fetchone()
            if hit and hit[0]:
                found.add(value)
    return sorted(found)


@pytest.mark.slow
def test_marts_equal_those_of_the_clean_data(tmp_path: Path) -> None:
    base = tmp_path / "base"
    generate(BASE, base, tmp_path / "truth", progress=False)
    ctx = _context(base, tmp_path / "scratch.duckdb")
    dirty, clean = tmp_path / "dirty", tmp_path / "clean"
    shutil.copytree(base, dirty)
    shutil.copytree(base, clean)
    for case in CASES:
        case.write_dirty(dirty, ctx)
        case.write_clean(clean, ctx)

    checksums = {}
    for name, landing in (("dirty", dirty), ("clean", clean)):
        settings = Settings(
            landing=landing,
            warehouse=tmp_path / name / "warehouse.duckdb",
            threads=2,
            memory_limit="2GB",
            docs=False,
        )
        summary = run_pipeline(settings)
        # the small base data may draw volume warnings; nothing may fail with ERROR
        errors = [c for c in summary.checks_failed if c.severity == "ERROR"]
        assert summary.success and summary.published and not errors, errors
        checksums[name] = schema_checksums(settings.warehouse)

    assert checksums["dirty"] == checksums["clean"]
    touched = ("fct_followers_daily", "fct_post_engagement", "fct_follower_authenticity")
    assert all(checksums["clean"][t][0] > 0 for t in touched)

    with duckdb.connect(str(tmp_path / "dirty" / "serving.duckdb"), read_only=True) as con:
        assert _text_values_among(con, QUARANTINED_IDS) == []  # no quarantined row reached BI

    with duckdb.connect(str(tmp_path / "dirty" / "warehouse.duckdb"), read_only=True) as con:
        assert len(_text_values_among(con, QUARANTINED_IDS, schema="raw")) == len(QUARANTINED_IDS)
        (read, loaded, quarantined, unreadable) = con.execute(
            "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined), "
            "count(*) filter (where status = 'unreadable') from raw.load_log"
        ).fetchone()  # type: ignore[misc]
        (in_quarantine,) = con.execute("select count(*) from raw.quarantine").fetchone()  # type: ignore[misc]
    expected_quarantine = sum(c.quarantined for c in CASES)
    assert read == loaded + quarantined
    assert in_quarantine == quarantined + unreadable == expected_quarantine
    print(
        f"\ncorpus: {len(CASES)} cases, {read} rows read, {loaded} loaded, {quarantined} rows "
        f"quarantined, {unreadable} files quarantined whole, 0 lost"
    )


def test_docs_list_every_corpus_case() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "reliability.md").read_text()
    assert [c.name for c in CASES if f"| `{c.name}` |" not in doc] == []
