"""Great Expectations on DuckDB: orchestration.quality (ge.py, duckdb_plugin.py, suites.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import great_expectations as gx
import pytest
import sqlalchemy as sa
import yaml

from orchestration.ingest.contract import LOAD_LOG_DDL
from orchestration.quality import duckdb_plugin
from orchestration.quality.ge import DEFAULT_PROJECT_ROOT, dump_date_filter, validate_table
from orchestration.quality.results import ValidationSummary
from orchestration.quality.suites import suite_tables

REPO = Path(__file__).resolve().parents[1]
SHA = "ab" * 32
# columns 1, not null 8 + 2 lineage, key 1, in set 1, sha length 1, row count 1, volume 1
RAW_FOLLOWS_EXPECTATIONS = 16
# columns 1, row count 1: what a mart guarantees by construction is dbt's (docs/quality.md)
MART_DAILY_EXPECTATIONS = 2

RAW_FOLLOWS = """
create table raw.follows (
  platform varchar, follower_id varchar, followee_id varchar, action varchar,
  event_at timestamp, _dump_date date, _source_file varchar, _source_row bigint,
  _file_sha256 varchar, _loaded_at timestamp, _extra json)
"""
FCT_FOLLOWERS_DAILY = """
create table marts.fct_followers_daily (
  platform varchar, account_id varchar, date date, followers bigint,
  follows_gross bigint, unfollows_gross bigint, net_follower_change bigint)
"""
GOOD_FOLLOWS = [
    ("instagram", "u1", "a1", "follow", "2026-01-01 10:00:00", 1),
    ("instagram", "u2", "a1", "follow", "2026-01-01 11:00:00", 2),
    ("instagram", "u1", "a1", "unfollow", "2026-01-01 12:00:00", 3),
    ("tiktok", "u3", "a2", "follow", "2026-01-01 13:00:00", 4),
]
GOOD_DAILY = [
    ("instagram", "a1", "2026-01-01", 1, 2, 1, 1),
    ("instagram", "a1", "2026-01-02", 1, 0, 0, 0),
    ("tiktok", "a2", "2026-01-01", 1, 1, 0, 1),
]


def make_warehouse(path: Path, *, bad: bool = False) -> Path:
    follows: list[tuple[object, ...]] = list(GOOD_FOLLOWS)
    daily = list(GOOD_DAILY)
    if bad:
        follows += [
            ("instagram", "u4", "a1", "retweet", "2026-01-01 14:00:00", 5),  # unknown action
            ("instagram", None, "a1", "follow", "2026-01-01 15:00:00", 6),  # null follower_id
        ]
        # The mart is empty: its key and ranges are dbt tests (docs/quality.md); its suite
        # checks the contract's columns and that it has rows.
        daily = []
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema raw; create schema marts")
        con.execute(RAW_FOLLOWS)
        con.execute(LOAD_LOG_DDL)  # the volume expectation reads the newest dump date here
        con.execute(FCT_FOLLOWERS_DAILY)
        con.executemany(
            "insert into raw.follows values (?, ?, ?, ?, ?::timestamp, date '2026-01-02',"
            " 'follows/2026-01-02/follows.csv', ?, ?, timestamp '2026-01-03 00:00:00', '{}')",
            [(*row, SHA) for row in follows],
        )
        if daily:
            con.executemany(
                "insert into marts.fct_followers_daily values (?, ?, ?, ?, ?, ?, ?)", daily
            )
    finally:
        con.close()
    return path


def duckdb_columns(schema: str, table: str, db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    finally:
        con.close()


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """A private copy of the committed GE context, so tests never write into the repo."""
    root = tmp_path / "expectations"
    shutil.copytree(
        DEFAULT_PROJECT_ROOT, root, ignore=shutil.ignore_patterns("uncommitted", "__pycache__")
    )
    return root


def committed_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "uncommitted" not in p.relative_to(root).parts
    }


def result_for(
    summary: ValidationSummary, expectation_type: str, column: str | None = None
) -> dict:
    (match,) = [
        r
        for r in summary.results
        if r["expectation_type"] == expectation_type and r["column"] == column
    ]
    return match


def test_trap_reproduced_with_plain_ge_and_sqlalchemy(tmp_path: Path) -> None:
    """Documents the upstream bug (GE #10738/#11579). If this starts failing after an upgrade,
    GE/duckdb-engine fixed it and duckdb_plugin may be removable."""
    db = str(make_warehouse(tmp_path / "w.duckdb"))
    # GE's own path: every metric comes back empty.
    context = gx.get_context(mode="ephemeral")
    ds = context.data_sources.add_sql("plain", connection_string=f"duckdb:///{db}")
    try:
        asset = ds.add_table_asset("t", table_name="follows", schema_name="raw")
        result = (
            asset.add_batch_definition_whole_table("all")
            .get_batch()
            .validate(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
        )
        assert result.success is False
        assert result.result == {}
    finally:
        ds.get_engine().dispose()
        ds.get_execution_engine().close()
    # The root cause in plain SQLAlchemy: rows fetched after the connection closed.
    for plugins, expected in (([], []), ([duckdb_plugin.PLUGIN_NAME], [(4,)])):
        duckdb_plugin.register()
        engine = sa.create_engine(f"duckdb:///{db}", plugins=plugins)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("select count(*) from raw.follows"))
        assert rows.fetchall() == expected
        engine.dispose()


def test_good_data_both_suites_succeed_with_real_observed_values(
    tmp_path: Path, project_root: Path
) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    raw = validate_table(db, "raw", "follows", "raw_follows", project_root=project_root)
    mart = validate_table(
        db, "marts", "fct_followers_daily", "marts_fct_followers_daily", project_root=project_root
    )
    for summary, rows in ((raw, len(GOOD_FOLLOWS)), (mart, len(GOOD_DAILY))):
        assert summary.success, summary.failed
        assert summary.evaluated == summary.successful == len(summary.results) > 0
        assert summary.failed == []
        for r in summary.results:
            assert r["exception"] is None, r
            if r["unexpected_count"] is None:  # aggregate expectation: needs an observed value
                assert r["observed_value"] not in (None, [], {}), r
            else:  # map expectation: really counted over the rows
                assert (r["unexpected_count"], r["element_count"]) == (0, rows), r
    assert raw.table == "raw.follows" and mart.table == "marts.fct_followers_daily"
    assert result_for(raw, "expect_table_row_count_to_be_between")["observed_value"] == 4
    assert result_for(mart, "expect_table_row_count_to_be_between")["observed_value"] == 3
    columns = result_for(mart, "expect_table_columns_to_match_set")["observed_value"]
    assert set(columns) == {c for c, *_ in duckdb_columns("marts", "fct_followers_daily", db)}
    assert raw.evaluated == RAW_FOLLOWS_EXPECTATIONS and mart.evaluated == MART_DAILY_EXPECTATIONS


def test_bad_data_fails_the_right_expectations_with_exact_counts(
    tmp_path: Path, project_root: Path
) -> None:
    db = make_warehouse(tmp_path / "w.duckdb", bad=True)
    raw = validate_table(db, "raw", "follows", "raw_follows", project_root=project_root)
    mart = validate_table(
        db, "marts", "fct_followers_daily", "marts_fct_followers_daily", project_root=project_root
    )
    assert not raw.success and not mart.success
    raw_failed = {(r["expectation_type"], r["column"]): r for r in raw.failed}
    assert {k: r["unexpected_count"] for k, r in raw_failed.items()} == {
        ("expect_column_values_to_be_in_set", "action"): 1,
        ("expect_column_values_to_not_be_null", "follower_id"): 1,
    }
    assert raw_failed[("expect_column_values_to_be_in_set", "action")][
        "partial_unexpected_list"
    ] == ["retweet"]
    assert raw_failed[("expect_column_values_to_not_be_null", "follower_id")][
        "unexpected_percent"
    ] == (pytest.approx(100 / 6))
    assert [(r["expectation_type"], r["observed_value"]) for r in mart.failed] == [
        ("expect_table_row_count_to_be_between", 0)
    ]
    assert (raw.evaluated, raw.successful) == (RAW_FOLLOWS_EXPECTATIONS, 14)
    assert (mart.evaluated, mart.successful) == (MART_DAILY_EXPECTATIONS, 1)
    meta = mart.as_metadata()
    assert meta["success"] is False and meta["failed"] == 1
    assert (meta["failed_critical"], meta["failed_warning"], meta["severity"]) == (1, 0, "critical")
    assert meta["failed_warning_expectations"] == ""
    assert "expect_table_row_count_to_be_between(table) observed=0" in str(
        meta["failed_expectations"]
    )


def test_as_metadata_is_flat_and_json_able(tmp_path: Path, project_root: Path) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    meta = validate_table(
        db, "raw", "follows", "raw_follows", project_root=project_root
    ).as_metadata()
    assert all(isinstance(v, str | int | float) for v in meta.values()), meta
    assert json.loads(json.dumps(meta)) == meta
    assert meta["row_count"] == 4 and meta["evaluated"] == RAW_FOLLOWS_EXPECTATIONS
    assert meta["success_percent"] == 100.0 and meta["severity"] == "none"


def test_committed_context_is_left_unmodified(tmp_path: Path) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    yml = DEFAULT_PROJECT_ROOT / "gx" / "great_expectations.yml"
    before_yml = yml.read_bytes()
    before = committed_files(DEFAULT_PROJECT_ROOT)
    summary = validate_table(db, "marts", "fct_followers_daily", "marts_fct_followers_daily")
    assert summary.success
    assert yml.read_bytes() == before_yml
    assert committed_files(DEFAULT_PROJECT_ROOT) == before
    assert str(tmp_path) not in yml.read_text(encoding="utf-8")


def test_connections_closed_and_file_opened_read_only(tmp_path: Path, project_root: Path) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    validate_table(db, "raw", "follows", "raw_follows", project_root=project_root)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest  # nothing written
    assert not db.with_name(db.name + ".wal").exists()
    # A lingering read-only connection in this process would make this raise
    # ("different configuration than existing connections"); another process would hit a lock.
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "insert into marts.fct_followers_daily values ('x', 'y', date '2026-01-05', 0, 0, 0, 0)"
        )
    finally:
        con.close()
    # ... also after a failed validation (table does not exist).
    with pytest.raises(Exception, match="nope"):
        validate_table(db, "raw", "nope", "raw_follows", project_root=project_root)
    duckdb.connect(str(db)).close()


def test_unknown_suite_and_missing_warehouse_raise(tmp_path: Path, project_root: Path) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(Exception, match="no_such_suite"):
        validate_table(db, "raw", "follows", "no_such_suite", project_root=project_root)
    with pytest.raises(FileNotFoundError):
        validate_table(tmp_path / "missing.duckdb", "raw", "follows", "raw_follows")


def test_build_docs_writes_index_with_suite_name(tmp_path: Path, project_root: Path) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    before = committed_files(project_root)
    summary = validate_table(
        db, "raw", "follows", "raw_follows", build_docs=True, project_root=project_root
    )
    expected = project_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert summary.data_docs_path == str(expected)
    assert "raw_follows" in expected.read_text(encoding="utf-8")
    assert summary.as_metadata()["data_docs_path"] == str(expected)
    assert committed_files(project_root) == before  # only uncommitted/ was written
    assert any(
        (project_root / "gx" / "uncommitted" / "validations" / "raw_follows").rglob("*.json")
    )
    assert validate_table(db, "raw", "follows", "raw_follows").data_docs_path is None


def test_committed_suites_follow_the_conventions() -> None:
    tables = suite_tables()
    assert tables["raw_follows"] == ("raw", "follows")
    assert tables["marts_fct_followers_daily"] == ("marts", "fct_followers_daily")
    suites_dir = DEFAULT_PROJECT_ROOT / "gx" / "expectations"
    for name, (schema, table) in tables.items():
        data = json.loads((suites_dir / f"{name}.json").read_text(encoding="utf-8"))
        assert data["name"] == name == f"{schema}_{table}"
        assert data.get("id"), f"{name}: GE cannot run a suite without an id"
        assert data["expectations"], name


SCALE_ROWS = 5_000_000
SCALE_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from orchestration.quality.ge import validate_table

    def status_kib(field: str) -> int | None:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def reset_peak() -> bool:
        # ru_maxrss is useless here: after vfork+exec Linux carries the parent's (pytest's)
        # high-water mark into the child. Reset this address space's own mark instead.
        try:
            Path("/proc/self/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def peak_bytes() -> int:
        hwm = status_kib("VmHWM")
        return hwm * 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    small, big = Path(sys.argv[1]), Path(sys.argv[2])
    cfg = {"memory_limit": "128MB"}
    validate_table(small, "marts", "fct_followers_daily", "marts_fct_followers_daily")  # warm-up
    reset = reset_peak()
    base = (status_kib("VmRSS") or 0) * 1024 if reset else peak_bytes()
    t = time.perf_counter()
    mart = validate_table(big, "marts", "fct_followers_daily", "marts_fct_followers_daily",
                          duckdb_config=cfg)
    raw = validate_table(big, "raw", "follows", "raw_follows", duckdb_config=cfg)
    seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "growth": peak_bytes() - base, "base": base,
                      "peak_reset": reset, "mart": mart.as_metadata(), "raw": raw.as_metadata()}))
    """
)


def test_scale_5m_rows_validates_in_duckdb_with_bounded_memory(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    small = make_warehouse(tmp_path / "small.duckdb")
    big = tmp_path / "big.duckdb"
    t0 = time.perf_counter()
    con = duckdb.connect(str(big))
    try:
        con.execute("create schema raw; create schema marts")
        con.execute(f"""
            create table marts.fct_followers_daily as select
              ['instagram', 'tiktok', 'youtube'][i % 3 + 1] as platform,
              'acct_' || (i // 3000) as account_id,
              date '2020-01-01' + ((i // 3) % 1000)::int as date,
              (i % 100000)::bigint as followers, (i % 7)::bigint as follows_gross,
              (i % 5)::bigint as unfollows_gross, ((i % 7) - (i % 5))::bigint as net_follower_change
            from range({SCALE_ROWS}) t(i)""")
        con.execute(f"""
            create table raw.follows as select
              ['instagram', 'tiktok', 'youtube'][i % 3 + 1] as platform,
              'user_' || i as follower_id, 'acct_' || (i % 5000) as followee_id,
              case when i % 4 = 0 then 'unfollow' else 'follow' end as action,
              timestamp '2024-01-01' + to_seconds(i) as event_at, date '2024-06-01' as _dump_date,
              'follows/2024-06-01/follows.csv' as _source_file, i as _source_row,
              '{SHA}' as _file_sha256, timestamp '2024-06-02' as _loaded_at, '{{}}'::json as _extra
            from range({SCALE_ROWS}) t(i)""")
        con.execute(LOAD_LOG_DDL)
    finally:
        con.close()
    generated = time.perf_counter() - t0

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-c", SCALE_CHILD, str(small), str(big)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    mb = 1024 * 1024
    record_property("ge_5m_seconds", round(out["seconds"], 2))
    record_property("ge_5m_peak_rss_growth_mb", round(out["growth"] / mb, 1))
    print(
        f"\n5M-row GE validation (2 suites): {out['seconds']:.2f}s, peak RSS growth "
        f"{out['growth'] / mb:.0f} MiB over a {out['base'] / mb:.0f} MiB baseline "
        f"(data generation {generated:.1f}s, peak reset: {out['peak_reset']})"
    )
    assert out["mart"]["success"] is True and out["mart"]["row_count"] == SCALE_ROWS
    assert out["raw"]["success"] is True and out["raw"]["row_count"] == SCALE_ROWS
    # Pulling just the mart into Python needs >= 5M rows x 7 cols x 8 bytes = 267 MiB (pandas
    # actually takes ~1.6 GB; raw.follows ~3.3 GB). Peak growth must stay well below that.
    floor_mib = SCALE_ROWS * 7 * 8 / mb
    assert out["growth"] / mb < 0.75 * floor_mib, out
    assert out["seconds"] < 30, out


def test_process_using_ge_exits_without_native_teardown_noise() -> None:
    """GE + duckdb-engine make DuckDB's bindings print 'nanobind: leaked ...' at exit; the GE
    layer silences that report so it never follows pytest's or the CLI's last line."""
    import subprocess
    import sys

    code = (
        "import orchestration.quality.ge, duckdb_engine, sys; sys.stderr.write('still visible\\n')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "nanobind" not in done.stderr
    assert "still visible" in done.stderr


def test_another_process_can_write_right_after_validation(
    tmp_path: Path, project_root: Path
) -> None:
    """dbt runs in a subprocess right after the raw GE check: no lock may outlive validate_table."""
    import subprocess
    import sys

    db = make_warehouse(tmp_path / "w.duckdb")
    for _ in range(3):
        validate_table(db, "raw", "follows", "raw_follows", project_root=project_root)
        code = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute('create or replace table t as select 1'); c.close()"
        done = subprocess.run(
            [sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr


def test_artifacts_dir_keeps_data_docs_beside_the_warehouse(
    tmp_path: Path, project_root: Path
) -> None:
    db = make_warehouse(tmp_path / "w.duckdb")
    summary = validate_table(
        db,
        "raw",
        "follows",
        "raw_follows",
        build_docs=True,
        project_root=project_root,
        artifacts_dir=tmp_path / "quality",
    )
    assert summary.data_docs_path == str(
        tmp_path / "quality" / "data_docs" / "local_site" / "index.html"
    )
    assert Path(summary.data_docs_path).is_file()
    assert not (project_root / "gx" / "uncommitted" / "data_docs").exists()


# --- suites authored in Python (orchestration/quality/suite_specs.py) ---------------------------

CONTRACT_MARTS = {
    "dim_tracked_accounts",
    "fct_followers_daily",
    "fct_engagement_daily",
    "fct_post_engagement",
    "fct_follow_churn",
    "fct_follower_authenticity",
    "fct_audience_quality",
    "fct_follower_bursts",
    "fct_lockstep_groups",
    "fct_lockstep_members",
}
NON_EMPTY_MARTS = {
    "dim_tracked_accounts",
    "fct_followers_daily",
    "fct_engagement_daily",
    "fct_follower_authenticity",
    "fct_audience_quality",
}


PER_ROW_EXPECTATIONS = {
    "expect_column_values_to_not_be_null",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
}


def suite_file(name: str) -> dict:
    path = DEFAULT_PROJECT_ROOT / "gx" / "expectations" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_committed_suites_are_exactly_what_the_specs_generate(tmp_path: Path) -> None:
    from orchestration.quality import author

    assert author.drift() == [], "run: python -m orchestration.quality.author"
    assert author.main(["--check"]) == 0
    # Deterministic: a fresh directory gets byte-identical files, and a second run changes none.
    fresh = tmp_path / "suites"
    assert len(author.write_suites(fresh)) == len(author.SPECS)
    assert author.write_suites(fresh) == []
    committed = DEFAULT_PROJECT_ROOT / "gx" / "expectations"
    assert {p.name: p.read_bytes() for p in fresh.glob("*.json")} == {
        p.name: p.read_bytes() for p in committed.glob("*.json")
    }
    # A hand edit (or a stale suite) is drift, and regenerating repairs it.
    (fresh / "raw_posts.json").write_text("{}", encoding="utf-8")
    (fresh / "raw_gone.json").write_text("{}", encoding="utf-8")
    assert author.drift(fresh) == ["raw_gone.json", "raw_posts.json"]
    assert author.write_suites(fresh) == ["raw_gone.json", "raw_posts.json"]
    assert author.drift(fresh) == []


def test_suites_cover_every_raw_table_and_contract_mart_with_severities() -> None:
    from orchestration.ingest.contract import ENTITIES

    tables = set(suite_tables().values())
    assert tables == {("raw", e) for e in ENTITIES} | {("marts", m) for m in CONTRACT_MARTS}
    for name, (_schema, table) in suite_tables().items():
        data = suite_file(name)
        expectations = data["expectations"]
        ids = [e["id"] for e in expectations]
        assert len(set(ids)) == len(ids), name
        by_type: dict[str, list[dict]] = {}
        for e in expectations:
            by_type.setdefault(e["type"], []).append(e)
            assert e["severity"] in ("critical", "warning"), (name, e)
        (columns,) = by_type["expect_table_columns_to_match_set"]
        assert columns["kwargs"]["exact_match"] is False
        if _schema == "marts":  # each rule once: the marts' per-row guarantees are dbt tests
            assert not set(by_type) & PER_ROW_EXPECTATIONS, name
        else:
            (unique,) = by_type["expect_compound_columns_to_be_unique"]
            not_null = {
                e["kwargs"]["column"] for e in by_type["expect_column_values_to_not_be_null"]
            }
            assert set(unique["kwargs"]["column_list"]) <= not_null, name
        (rows,) = by_type["expect_table_row_count_to_be_between"]
        assert rows["kwargs"]["min_value"] == (1 if table in NON_EMPTY_MARTS else 0), name
        sql = by_type.get("unexpected_rows_expectation", [])
        assert all("{batch}" in e["kwargs"]["unexpected_rows_query"] for e in sql), name
        assert all(e["description"] and e["meta"]["check"] for e in sql), name
        warnings = {e["meta"]["check"] for e in sql if e["severity"] == "warning"}
        assert warnings == ({"volume_drop"} if table in ("interactions", "follows") else set())
        assert all(
            e["severity"] == "critical"
            for e in expectations
            if e["type"] != "unexpected_rows_expectation"
        )

    def kwargs_of(suite: str, type_: str, column: str) -> dict:
        (match,) = [
            e["kwargs"]
            for e in suite_file(suite)["expectations"]
            if e["type"] == type_ and e["kwargs"].get("column") == column
        ]
        return match

    between = "expect_column_values_to_be_between"
    assert kwargs_of("raw_accounts", between, "followers_count") == {
        "column": "followers_count",
        "min_value": 0.0,
    }
    in_set = "expect_column_values_to_be_in_set"
    assert set(kwargs_of("raw_follows", in_set, "action")["value_set"]) == {"follow", "unfollow"}
    assert "quote" in kwargs_of("raw_interactions", in_set, "kind")["value_set"]


def test_the_mart_rules_left_to_dbt_are_dbt_tests_of_the_marts() -> None:
    """What the mart suites no longer say (docs/quality.md) is said by the marts' YAML: every
    mart has a key test, and the contract rules the suites used to hold are dbt tests."""
    marts = REPO / "dbt_project" / "models" / "marts"
    tests: dict[str, dict[str, set[str]]] = {}
    for mart in CONTRACT_MARTS:
        (model,) = yaml.safe_load((marts / f"{mart}.yml").read_text(encoding="utf-8"))["models"]
        per_column = tests.setdefault(mart, {})
        for test in model.get("data_tests", []):
            ((name, spec),) = test.items()
            args = spec.get("arguments", spec)
            for column in args.get("combination_of_columns", args.get("columns", [])):
                per_column.setdefault(column, set()).add(name)
        for column in model["columns"]:
            for test in column.get("data_tests", []):
                name = test if isinstance(test, str) else next(iter(test))
                per_column.setdefault(column["name"], set()).add(name)
    for mart in CONTRACT_MARTS:
        assert "unique_combination_of_columns" in set().union(*tests[mart].values()), mart
    expected = {
        ("fct_follower_authenticity", "authenticity_score"): "accepted_range",
        ("fct_follower_authenticity", "audience_class"): "accepted_values",
        ("fct_audience_quality", "audience_quality_score"): "accepted_range",
        ("fct_lockstep_groups", "kind"): "accepted_values",
        ("fct_post_engagement", "suspicious_engager_share"): "accepted_range",
        ("fct_followers_daily", "followers"): "accepted_range",
    }
    for (mart, column), test in expected.items():
        assert test in tests[mart].get(column, set()), (mart, column, test)


def test_every_suite_is_a_blocking_check_on_an_asset_of_the_definitions(tmp_path: Path) -> None:
    from orchestration.defs.checks import SUITES, ge_checks
    from orchestration.pipeline import definitions_for
    from orchestration.settings import Settings

    defs = definitions_for(
        Settings(tmp_path / "landing", tmp_path / "w.duckdb", threads=1, memory_limit="1GB")
    )
    graph = defs.resolve_asset_graph()
    assets = set(graph.get_all_asset_keys())
    checks = set(graph.asset_check_keys)
    assert {(b.schema, b.table, b.suite) for b in SUITES} == {
        (s, t, n) for n, (s, t) in suite_tables().items()
    }
    for binding in SUITES:
        assert binding.asset_key in assets, binding
        assert dg.AssetCheckKey(binding.asset_key, binding.check_name) in checks
    specs = [spec for check in ge_checks for spec in check.check_specs]
    assert len(specs) == len(SUITES) and all(spec.blocking for spec in specs)


def _summary(*severities: str) -> ValidationSummary:
    failed = [
        {
            "expectation_type": "expect_column_values_to_be_between",
            "severity": s,
            "column": "x",
            "columns": None,
        }
        for s in severities
    ]
    return ValidationSummary("s", "raw.t", not failed, 3, 3 - len(failed), failed=failed)


@pytest.mark.parametrize(
    ("severities", "passed", "severity"),
    [
        ((), True, None),
        (("warning",), False, "WARN"),
        (("warning", "info"), False, "WARN"),
        (("critical",), False, "ERROR"),
        (("warning", "critical"), False, "ERROR"),
    ],
)
def test_check_outcome_maps_expectation_severity_to_dagster(
    severities: tuple[str, ...], passed: bool, severity: str | None
) -> None:
    from orchestration.defs.checks import check_outcome

    outcome_passed, outcome_severity = check_outcome(_summary(*severities))
    assert outcome_passed is passed
    if severity:
        assert outcome_severity.value == severity


# --- the suites on a generated, pipeline-built warehouse ----------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """Generated dumps run through the real pipeline (raw, dbt, every check)."""
    from shared_build import pipeline_build

    build = pipeline_build(tmp_path_factory, "ge_demo")
    return build.settings, build.summary


def tampered(demo, tmp_path: Path, *statements: str) -> Path:
    """A copy of the demo warehouse with `statements` applied (the original stays good)."""
    settings, _ = demo
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(settings.warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return copy


def run_check(warehouse: Path, suite: str) -> dg.AssetCheckResult:
    """The Dagster asset check of `suite`, invoked directly on `warehouse`."""
    from orchestration.defs.checks import SUITES, build_ge_check
    from orchestration.defs.resources import WarehouseResource

    (binding,) = [b for b in SUITES if b.suite == suite]
    resource = WarehouseResource(
        warehouse_path=str(warehouse), landing_root=str(warehouse.parent), memory_limit="1GB"
    )
    result = build_ge_check(binding)(dg.build_asset_check_context(), warehouse=resource)
    assert isinstance(result, dg.AssetCheckResult)
    return result


def failures(result: dg.AssetCheckResult) -> dict[str, dict]:
    failed = result.metadata["failures"]
    assert isinstance(failed, dg.JsonMetadataValue)
    assert isinstance(failed.value, list)
    return {f["expectation"]: f for f in failed.value}


@pytest.mark.slow
def test_every_suite_passes_on_the_generated_warehouse(demo) -> None:
    settings, summary = demo
    assert summary.success
    ge = {c.name: c for c in summary.checks if c.name.startswith("ge_")}
    assert set(ge) == {f"ge_{name}" for name in suite_tables()}
    assert [c for c in ge.values() if not c.passed] == []
    # The cross-run / cross-table expectations really computed (0 unexpected rows, no error).
    for schema, table, suite in (
        ("raw", "interactions", "raw_interactions"),
        ("marts", "fct_engagement_daily", "marts_fct_engagement_daily"),
    ):
        result = validate_table(settings.warehouse, schema, table, suite)
        assert result.success and result.severity is None, result.failed
        sql = [r for r in result.results if r["expectation_type"] == "unexpected_rows_expectation"]
        assert sql and all(r["observed_value"] == 0 and not r["exception"] for r in sql)


@pytest.mark.slow
def test_a_mart_rate_above_one_is_an_error_named_in_metadata_and_data_docs(
    demo, tmp_path: Path
) -> None:
    db = tampered(
        demo,
        tmp_path,
        # the dump under-reported one post's reach: more engagements than accounts reached
        "update marts.fct_post_engagement set reach = engagements // 2,"
        " engagement_rate_by_reach = engagements / (engagements // 2)"
        " where post_id = (select min(post_id) from marts.fct_post_engagement where engagements > 3)",
    )
    result = run_check(db, "marts_fct_post_engagement")
    assert result.passed is False and result.severity == dg.AssetCheckSeverity.ERROR
    meta = result.metadata
    assert (meta["failed_critical"].value, meta["failed_warning"].value) == (1, 0)
    text = meta["failed_critical_expectations"].value
    assert isinstance(text, str)
    assert "unexpected_rows_expectation(reach_sanity)" in text
    found = failures(result)
    reach = found["unexpected_rows_expectation(reach_sanity)"]
    assert reach["severity"] == "critical" and reach["observed_value"] == 1
    assert reach["sample"][0]["engagement_rate_by_reach"] > 1
    assert "Reach sanity" in reach["description"]
    # Data Docs beside the warehouse show the failed validation.
    docs = Path(str(meta["data_docs_path"].value))
    assert docs.is_file() and docs.is_relative_to(tmp_path / "quality")
    pages = list((docs.parent / "validations" / "marts_fct_post_engagement").rglob("*.html"))
    assert len(pages) == 1
    assert "Reach sanity" in pages[0].read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_volume_drop_is_a_warning_only(demo, tmp_path: Path) -> None:
    newest = "(select max(_dump_date) from raw.interactions)"
    db = tampered(
        demo,
        tmp_path,
        f"delete from raw.interactions where _dump_date = {newest} and _source_row % 20 != 0",
    )
    result = run_check(db, "raw_interactions")
    assert result.passed is False and result.severity == dg.AssetCheckSeverity.WARN
    meta = result.metadata
    assert (meta["failed_critical"].value, meta["failed_warning"].value) == (0, 1)
    assert "unexpected_rows_expectation(volume_drop)" in str(
        meta["failed_warning_expectations"].value
    )
    (row,) = failures(result)["unexpected_rows_expectation(volume_drop)"]["sample"]
    assert row["previous_dump_dates"] >= 3 and row["ratio_to_median"] < 0.1
    # A dump date whose interactions are missing altogether counts as 0 rows (raw.load_log
    # knows the date). Still a warning: nothing in the data is wrong, it is only unusual.
    newest_date = duckdb.connect(str(db), read_only=True)
    try:
        (date,) = newest_date.execute(f"select {newest}").fetchone()  # type: ignore[misc]
    finally:
        newest_date.close()
    con = duckdb.connect(str(db))
    try:
        con.execute("delete from raw.interactions where _dump_date = ?", [date])
    finally:
        con.close()
    again = run_check(db, "raw_interactions")
    assert again.passed is False and again.severity == dg.AssetCheckSeverity.WARN
    (row,) = failures(again)["unexpected_rows_expectation(volume_drop)"]["sample"]
    assert row["newest_rows"] == 0 and row["newest_dump_date"] == str(date)


@pytest.mark.slow
def test_reconciliation_catches_tampered_marts(demo, tmp_path: Path) -> None:
    db = tampered(
        demo,
        tmp_path,
        # one current follower of one account silently dropped from the authenticity mart
        "update marts.fct_follower_authenticity set is_current_follower = false"
        " where rowid = (select min(rowid) from marts.fct_follower_authenticity"
        " where is_current_follower)",
        "update marts.fct_audience_quality set followers = followers + 7"
        " where date = (select min(date) from marts.fct_audience_quality)",
        # a group without a single member row
        "insert into marts.fct_lockstep_groups (platform, group_id, member_count, target_count,"
        " first_seen_at, last_seen_at, kind) values ('twitter', 'like-orphan', 5, 3,"
        " timestamp '2026-01-02 10:00', timestamp '2026-01-02 10:05', 'like')",
    )
    engagement = run_check(db, "marts_fct_engagement_daily")
    assert engagement.passed is False and engagement.severity == dg.AssetCheckSeverity.ERROR
    found = failures(engagement)
    assert set(found) == {"unexpected_rows_expectation(followers_vs_authenticity)"}
    (row,) = found["unexpected_rows_expectation(followers_vs_authenticity)"]["sample"]
    assert row["followers"] == row["current_followers"] + 1

    audience = run_check(db, "marts_fct_audience_quality")
    assert audience.severity == dg.AssetCheckSeverity.ERROR
    mismatch = failures(audience)["unexpected_rows_expectation(followers_vs_engagement_daily)"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        (first_day_rows,) = con.execute(
            "select count(*) from marts.fct_audience_quality"
            " where date = (select min(date) from marts.fct_audience_quality)"
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    assert mismatch["observed_value"] == first_day_rows > 0
    assert all(
        r["audience_quality_followers"] == r["engagement_daily_followers"] + 7
        for r in mismatch["sample"]
    )
    lockstep = run_check(db, "marts_fct_lockstep_groups")
    assert lockstep.severity == dg.AssetCheckSeverity.ERROR
    assert set(failures(lockstep)) == {"unexpected_rows_expectation(member_count_vs_members)"}
    (orphan,) = failures(lockstep)["unexpected_rows_expectation(member_count_vs_members)"]["sample"]
    assert (orphan["group_id"], orphan["member_count"], orphan["members"]) == (
        "like-orphan",
        5,
        None,
    )


@pytest.mark.slow
def test_a_stale_engagement_mart_fails_freshness(demo, tmp_path: Path) -> None:
    db = tampered(
        demo,
        tmp_path,
        "delete from marts.fct_engagement_daily"
        " where date = (select max(date) from marts.fct_engagement_daily)",
    )
    result = run_check(db, "marts_fct_engagement_daily")
    assert result.severity == dg.AssetCheckSeverity.ERROR
    (row,) = failures(result)["unexpected_rows_expectation(freshness)"]["sample"]
    assert row["days_behind"] == 1


# --- a run checks the raw partitions it loaded -------------------------------------------------


def test_a_filtered_batch_validates_only_the_partitions_it_names(
    tmp_path: Path, project_root: Path
) -> None:
    db = make_warehouse(tmp_path / "w.duckdb", bad=True)  # the bad rows are dump date 2026-01-02
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "insert into raw.follows select * replace (_dump_date + 1 as _dump_date) from"
            " raw.follows where action != 'retweet' and follower_id is not null"
        )
    finally:
        con.close()
    day = dt.date(2026, 1, 3)
    clean = validate_table(
        db,
        "raw",
        "follows",
        "raw_follows",
        project_root=project_root,
        row_filter=dump_date_filter(day, day),
    )
    assert clean.success, clean.failed
    assert result_for(clean, "expect_table_row_count_to_be_between")["observed_value"] == 4
    bad_day = dump_date_filter(dt.date(2026, 1, 2), dt.date(2026, 1, 2))
    bad = validate_table(
        db, "raw", "follows", "raw_follows", project_root=project_root, row_filter=bad_day
    )
    assert {(r["expectation_type"], r["unexpected_count"]) for r in bad.failed} == {
        ("expect_column_values_to_be_in_set", 1),
        ("expect_column_values_to_not_be_null", 1),
    }


def test_raw_suites_check_the_run_s_dump_dates_and_marts_suites_everything() -> None:
    from orchestration.defs.checks import SUITES, batch_filter
    from orchestration.defs.partitions import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG

    raw = next(b for b in SUITES if b.suite == "raw_interactions")
    mart = next(b for b in SUITES if b.schema == "marts")
    nightly = {PARTITION_TAG: "2026-02-01"}
    backfill = {RANGE_START_TAG: "2026-01-01", RANGE_END_TAG: "2026-01-30"}
    assert batch_filter(raw, nightly) == dump_date_filter(dt.date(2026, 2, 1), dt.date(2026, 2, 1))
    assert batch_filter(raw, backfill) == (
        "_dump_date between date '2026-01-01' and date '2026-01-30'"
    )
    assert batch_filter(raw, {}) is None  # no partitions (a check run on its own): everything
    assert batch_filter(mart, nightly) is None
