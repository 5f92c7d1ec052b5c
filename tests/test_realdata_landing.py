"""Real labelled data (Cresci 2015, SRF 2017, InstaFake 2019) converts to a landing dump that loads cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from landing_helpers import open_warehouse

from evaluation.realdata import (
    REAL_SETS,
    SRF_LABELLED,
    default_realdata_dir,
    write_real_landing,
)
from orchestration.ingest.loader import load_partition

REALDATA = default_realdata_dir()
DAY = dt.date(2024, 1, 1)
ENTITIES = ("tracked_accounts", "accounts", "follower_snapshots")
CRESCI_ROWS = 1_481 + 1_337  # E13 genuine + INT bought followers
SRF_ROWS = 975  # no duplicate usernames in the labelled file
INSTAFAKE_ROWS = 200 + 994  # fakeAccountData.json + realAccountData.json


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    if not (REALDATA / SRF_LABELLED).is_file():
        pytest.skip(f"real labelled data not available at {REALDATA} (set TRUEFANS_REALDATA)")
    tmp = tmp_path_factory.mktemp("realdata")
    landing, labels = tmp / "landing", tmp / "labels.csv"
    counts = write_real_landing(landing, labels, REALDATA, DAY)
    con = open_warehouse(tmp)
    results = {e: load_partition(con, landing, e, DAY) for e in ENTITIES}
    yield con, counts, results, labels
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]  # type: ignore[index]


def test_every_partition_loads_without_quarantine(loaded) -> None:
    con, _, results, _ = loaded
    for entity, result in results.items():
        assert result.rows_read > 0, entity
        assert result.rows_quarantined == 0, entity
        assert result.rows_read == result.rows_loaded, entity
    assert scalar(con, "select count(*) from raw.quarantine") == 0


def test_rows_per_set_match_the_sources(loaded) -> None:
    con, counts, _, _ = loaded
    assert counts["cresci2015/accounts"] == CRESCI_ROWS
    assert counts["srf2017/accounts"] == SRF_ROWS
    per_platform = dict(
        con.execute("select platform, count(*) from raw.accounts group by 1").fetchall()
    )
    assert counts["instafake2019/accounts"] == INSTAFAKE_ROWS
    assert per_platform == {"twitter": CRESCI_ROWS, "instagram": SRF_ROWS + INSTAFAKE_ROWS}
    snapshots = dict(
        con.execute(
            "select followee_id, count(distinct follower_id) from raw.follower_snapshots group by 1"
        ).fetchall()
    )
    assert snapshots == {
        s.audit_account_id: n
        for s, n in zip(REAL_SETS, (CRESCI_ROWS, SRF_ROWS, INSTAFAKE_ROWS), strict=True)
    }
    tracked = con.execute(
        "select platform, account_id, home_country, home_lang from raw.tracked_accounts order by 1"
    ).fetchall()
    assert tracked == sorted((s.platform, s.audit_account_id, None, None) for s in REAL_SETS)


def test_labels_cover_exactly_the_followers(loaded) -> None:
    con, counts, _, labels = loaded
    con.execute(
        "create or replace temp table labels as select * from read_csv(?, header=true, "
        "columns={'dataset': 'varchar', 'platform': 'varchar', 'account_id': 'varchar', "
        "'follower_id': 'varchar', 'is_fake': 'boolean'})",
        [str(labels)],
    )
    n_labels = scalar(con, "select count(*) from labels")
    assert (
        n_labels == counts["labels"] == scalar(con, "select count(*) from raw.follower_snapshots")
    )
    unmatched = scalar(
        con,
        "select count(*) from labels l anti join raw.follower_snapshots s on "
        "s.platform = l.platform and s.followee_id = l.account_id and s.follower_id = l.follower_id",
    )
    assert unmatched == 0
    fakes = dict(
        con.execute("select dataset, count(*) filter (is_fake) from labels group by 1").fetchall()
    )
    assert fakes == {"cresci2015": 1_337, "srf2017": 98, "instafake2019": 200}
    reals = dict(
        con.execute(
            "select dataset, count(*) filter (not is_fake) from labels group by 1"
        ).fetchall()
    )
    assert reals["instafake2019"] == 994


def test_unknown_stays_null_and_known_empty_stays_empty(loaded) -> None:
    con, *_ = loaded
    srf = con.execute(
        "select count(*) filter (bio is not null or created_at is not null or lang is not null "
        "or display_name is not null or verified is not null), "
        "count(*) filter (followers_count is null or has_default_avatar is null), "
        "count(*) filter (_extra->>'is_private' is null) "
        "from raw.accounts where platform = 'instagram' and account_id not like 'instafake-%'"
    ).fetchone()
    assert srf == (0, 0, 0)
    cresci = con.execute(
        "select count(*) filter (bio is null or location is null or created_at is null "
        "or verified is null or has_default_avatar is null), count(*) filter (bio = '') "
        "from raw.accounts where platform = 'twitter'"
    ).fetchone()
    assert cresci[0] == 0
    assert cresci[1] == 18 + 253  # descriptions the crawl returned empty: known, not unknown


def test_instafake_synthesised_fields_keep_the_published_values(loaded) -> None:
    """Handles and bios are neutral text with the published lengths and digit counts; counts,
    avatar and private flag are the published ones; fields InstaFake lacks stay null."""
    con, *_ = loaded
    path = REALDATA / "instafake_instagram" / "fakeAccountData.json"
    source = con.execute(
        "select count(*) filter (isFake = 1), sum(userFollowerCount), sum(usernameDigitCount), "
        "sum(usernameLength), sum(userBiographyLength), sum(1 - userHasProfilPic), "
        "sum(userIsPrivate) from read_json(?, format='array')",
        [str(path)],
    ).fetchone()
    landed = con.execute(
        "select count(*), sum(followers_count), "
        "sum(length(regexp_replace(handle, '[^0-9]', '', 'g'))), sum(length(handle)), "
        "sum(length(bio)), count(*) filter (has_default_avatar), "
        "count(*) filter ((_extra->>'is_private')::boolean), "
        "count(*) filter (created_at is not null or lang is not null or listed_count is not null "
        "or verified is not null) "
        "from raw.accounts where account_id like 'instafake-fake-%'"
    ).fetchone()
    assert landed[:7] == source
    assert landed[7] == 0
    runs = con.execute(
        "select count(*) from raw.accounts where account_id like 'instafake-%' and "
        "length(regexp_replace(handle, '[^0-9]', '', 'g')) > 0 and "
        "not regexp_full_match(handle, '[a-z]*[0-9]+')"
    ).fetchone()[0]
    assert runs == 0  # the digits are one run at the end


def test_missing_realdata_dir_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"E13_genuine_users\.csv"):
        write_real_landing(tmp_path / "landing", tmp_path / "labels.csv", tmp_path / "nowhere")
