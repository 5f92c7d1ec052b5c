"""The data simulator (`simulator`): determinism, landing contract, ground truth.

Small worlds, generated once per module; every check reads the files back with DuckDB.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.contract import INTERACTION_KINDS
from simulator import SimConfig, generate
from simulator.cli_args import add_arguments, config_from_args

SMALL = SimConfig(seed=7, tracked=4, accounts=3_000, days=8, part_rows=400)
CONTRACT = {
    "accounts": (
        ["account_id", "platform", "observed_at"],
        [
            "handle",
            "display_name",
            "bio",
            "location",
            "lang",
            "created_at",
            "followers_count",
            "following_count",
            "posts_count",
            "listed_count",
            "has_default_avatar",
            "verified",
            "url",
        ],
    ),
    "follows": (["platform", "follower_id", "followee_id", "action", "event_at"], []),
    "follower_snapshots": (["platform", "followee_id", "follower_id", "snapshot_at"], []),
    "posts": (
        ["platform", "post_id", "account_id", "created_at"],
        ["kind", "text", "impressions", "reach"],
    ),
    "interactions": (
        ["platform", "post_id", "actor_id", "kind", "created_at"],
        ["interaction_id", "text", "client"],
    ),
    "tracked_accounts": (["platform", "account_id"], ["name", "home_country", "home_lang"]),
}
FORMATS = {"csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"}
_CSV = "header=true, all_varchar=true, delim=',', quote='\"', escape='\"', allow_quoted_nulls=false"


def _fmt(path: Path) -> str:
    return path.name.split(".", 1)[1]


def _reader(path: Path) -> str:
    fmt = _fmt(path)
    if fmt.startswith("csv"):
        return f"read_csv(?, {_CSV})"
    if fmt.startswith("jsonl"):
        return "read_json(?, format='newline_delimited', sample_size=-1)"
    return "read_parquet(?)"


def _connect(landing: Path) -> duckdb.DuckDBPyConnection:
    """Every entity as a table of text columns (+ `_file`, `_dump`), plus a ts() parser."""
    con = duckdb.connect()
    con.execute("set TimeZone='UTC'")
    con.execute(
        "create macro ts(v) as case when regexp_full_match(v, '-?[0-9]+') "
        "then to_timestamp(v::bigint) else v::timestamptz end"
    )
    con.execute("create table file_columns (entity varchar, file varchar, col varchar)")
    for entity, (req, opt) in CONTRACT.items():
        cols = req + opt
        con.execute(
            f"create table {entity} ({', '.join(c + ' varchar' for c in cols)}, "
            "_file varchar, _dump varchar)"
        )
        for f in sorted((landing / entity).glob("*/*")):
            reader = _reader(f)
            present = [
                r[0] for r in con.execute(f"describe select * from {reader}", [str(f)]).fetchall()
            ]
            con.executemany(
                "insert into file_columns values (?, ?, ?)", [[entity, f.name, c] for c in present]
            )
            sel = ", ".join(
                (f'"{c}"::varchar' if c in present else "null") + f" as {c}" for c in cols
            )
            con.execute(
                f"insert into {entity} select {sel}, ?, ? from {reader}",
                [f.name, f.parent.name, str(f)],
            )
    return con


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _run(base: Path, cfg: SimConfig) -> tuple[Path, Path, dict]:
    summary = generate(cfg, base / "landing", base / "truth", progress=False)
    return base / "landing", base / "truth", summary


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Path, dict, duckdb.DuckDBPyConnection]]:
    landing, truth, summary = _run(tmp_path_factory.mktemp("sim"), SMALL)
    con = _connect(landing)
    for name in (
        "follower_roles",
        "purchases",
        "like_farm_posts",
        "like_farm_actors",
        "daily_followers",
    ):
        con.execute(
            f"create table t_{name} as select * from read_csv(?, {_CSV})",
            [str(truth / f"{name}.csv")],
        )
    yield landing, truth, summary, con
    con.close()


def test_same_seed_is_byte_identical_and_other_seed_differs(tmp_path: Path, world) -> None:
    landing, truth, _, _ = world
    again_landing, again_truth, _ = _run(tmp_path / "again", SMALL)
    first = _tree_hashes(landing)
    assert len(first) > 50
    assert first == _tree_hashes(again_landing)
    assert _tree_hashes(truth) == _tree_hashes(again_truth)
    other_landing, _, _ = _run(tmp_path / "other", replace(SMALL, seed=8))
    assert _tree_hashes(other_landing) != first


def test_gzip_headers_hold_no_time_or_name(world) -> None:
    landing = world[0]
    gz = [p for p in landing.rglob("*.gz")]
    assert gz
    for p in gz:
        head = p.read_bytes()[:10]
        assert head[:3] == b"\x1f\x8b\x08" and head[3] == 0  # no FNAME/FEXTRA flags
        assert head[4:8] == b"\x00\x00\x00\x00"  # mtime 0
        gzip.decompress(p.read_bytes())


def test_layout_every_entity_and_format(world) -> None:
    landing, _, summary, _ = world
    files = [p for p in landing.rglob("*") if p.is_file()]
    entities = set()
    for p in files:
        entity, day, _name = p.relative_to(landing).parts
        assert entity in CONTRACT
        assert len(day) == 10 and day[4] == day[7] == "-"
        entities.add(entity)
    assert entities == set(CONTRACT)
    assert {_fmt(p) for p in files} == FORMATS
    for entity in set(CONTRACT) - {"tracked_accounts"}:  # daily entities use every format
        assert {_fmt(p) for p in (landing / entity).rglob("*.*")} == FORMATS, entity
    assert any("-part002." in p.name for p in files)  # large days split into parts
    assert summary["files"] == len(files)
    tracked_days = sorted(p.name for p in (landing / "tracked_accounts").iterdir())
    assert tracked_days == ["2026-01-01", "2026-01-08"]


def test_required_columns_present_and_values_valid(world) -> None:
    _, _, summary, con = world
    for entity, (req, _opt) in CONTRACT.items():
        n = con.execute(f"select count(*) from {entity}").fetchone()[0]
        assert n == summary["rows"][entity] > 0
        files = con.execute(
            "select count(distinct file) from file_columns where entity = ?", [entity]
        ).fetchone()[0]
        for col in req:
            with_col = con.execute(
                "select count(*) from file_columns where entity = ? and col = ?", [entity, col]
            ).fetchone()[0]
            assert with_col == files, f"{entity}.{col} missing from a file"
            nulls = con.execute(
                f"select count(*) from {entity} where {col} is null or {col} = ''"
            ).fetchone()[0]
            assert nulls == 0, f"{entity}.{col} has nulls"
    assert (
        con.execute(
            "select count(*) from follows where action not in ('follow', 'unfollow')"
        ).fetchone()[0]
        == 0
    )
    kinds = {r[0] for r in con.execute("select distinct kind from interactions").fetchall()}
    assert kinds <= set(INTERACTION_KINDS)
    assert {"like", "comment", "reply", "share", "repost", "save"} <= kinds
    neg = con.execute(
        "select count(*) from accounts where followers_count::bigint < 0 or following_count::bigint < 0 "
        "or posts_count::bigint < 0 or listed_count::bigint < 0"
    ).fetchone()[0]
    assert neg == 0
    assert (
        con.execute(
            "select count(*) from posts where impressions::bigint < 0 or reach::bigint < 0"
        ).fetchone()[0]
        == 0
    )
    for entity, col in (
        ("accounts", "observed_at"),
        ("follows", "event_at"),
        ("posts", "created_at"),
        ("interactions", "created_at"),
        ("follower_snapshots", "snapshot_at"),
    ):
        late = con.execute(
            f"select count(*) from {entity} where ts({col}) >= _dump::date + interval 1 day"
        ).fetchone()[0]
        assert late == 0, f"{entity}.{col} after its dump day"
    assert (
        con.execute(
            "select count(*) from accounts where lower(has_default_avatar) not in "
            "('true','false','1','0','yes','no')"
        ).fetchone()[0]
        == 0
    )


def test_timestamp_styles_and_optional_columns_vary(world) -> None:
    _, _, _, con = world
    styles = {
        r[0]
        for r in con.execute(
            "select distinct case when regexp_full_match(event_at, '[0-9]+') then 'unix' "
            "when event_at like '%Z' then 'z' when regexp_matches(event_at, '[+-][0-9]{2}:[0-9]{2}$') "
            "then 'offset' else 'other' end from follows where _file not like '%.parquet' and _file not like '%.jsonl%'"
            " union all select case when regexp_full_match(created_at, '[0-9]+') then 'unix' "
            "when created_at like '%Z' then 'z' else 'offset' end from interactions where _file like '%.csv%'"
        ).fetchall()
    }
    assert {"unix", "z", "offset"} <= styles
    with_id = con.execute(
        "select count(distinct file) from file_columns where entity='interactions' and col='interaction_id'"
    ).fetchone()[0]
    all_files = con.execute(
        "select count(distinct file) from file_columns where entity='interactions'"
    ).fetchone()[0]
    assert 0 < with_id < all_files
    ig_location = con.execute(
        "select count(*) from file_columns where entity='accounts' and file like '%instagram%' and col='location'"
    ).fetchone()[0]
    assert ig_location == 0
    assert (
        con.execute(
            "select count(*) from accounts where platform='twitter' and location is not null"
        ).fetchone()[0]
        > 0
    )
    assert con.execute("select count(*) from accounts where lang is null").fetchone()[0] > 0
    assert (
        con.execute(
            "select count(*) from posts where platform='twitter' and reach is not null"
        ).fetchone()[0]
        == 0
    )
    assert (
        con.execute(
            "select count(*) from posts where platform='instagram' and reach is not null"
        ).fetchone()[0]
        > 0
    )
    assert (
        con.execute(
            "select count(*) from posts where text like '%\n%' or text like '%\"%'"
        ).fetchone()[0]
        > 0
    )


def test_ids_are_strings_with_leading_zeros_and_64_bit(world) -> None:
    _, _, _, con = world
    assert con.execute("select count(*) from accounts where account_id like '0%'").fetchone()[0] > 0
    assert (
        con.execute("select count(*) from accounts where length(account_id) = 19").fetchone()[0] > 0
    )
    assert con.execute("select count(*) from posts where length(post_id) = 19").fetchone()[0] > 0
    dup = con.execute(
        "select count(*) from (select platform, account_id from accounts group by all "
        "having count(distinct handle) > 1)"
    ).fetchone()[0]
    assert dup == 0  # one id, one account
    dup_posts = con.execute(
        "select count(*) from (select platform, post_id from posts group by all having count(*) > 1)"
    ).fetchone()[0]
    assert dup_posts == 0


def test_truth_must_not_be_under_landing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(SMALL, tmp_path / "landing", tmp_path / "landing" / "truth", progress=False)
    with pytest.raises(ValueError):
        generate(SMALL, tmp_path / "same", tmp_path / "same", progress=False)


def test_truth_roles_cover_behaviours(world) -> None:
    _, truth, _, con = world
    roles = {r[0] for r in con.execute("select distinct role from t_follower_roles").fetchall()}
    assert {"bought", "follow_churner", "ghost", "fan", "off_market", "casual"} <= roles
    bad = con.execute(
        "select count(*) from t_follower_roles where (role = 'bought') <> (purchase_id is not null)"
    ).fetchone()[0]
    assert bad == 0
    manifest = json.loads((truth / "manifest.json").read_text())
    assert manifest["config"]["seed"] == SMALL.seed
    assert (truth / "README.md").read_text().startswith("# Simulator ground truth")


def test_bought_followers_arrive_inside_their_delivery_window(world) -> None:
    _, _, _, con = world
    rows = con.execute(
        "select p.purchase_id, count(*), "
        "count(*) filter (where ts(f.event_at) < p.delivery_start::timestamptz "
        "or ts(f.event_at) > p.delivery_end::timestamptz) "
        "from t_purchases p join t_follower_roles r using (purchase_id) "
        "join follows f on f.follower_id = r.follower_id and f.followee_id = r.account_id "
        "and f.action = 'follow' where p.kind = 'followers' group by all"
    ).fetchall()
    assert rows, "no bought follower in an event-sourced account"
    assert all(outside == 0 for _, _, outside in rows)
    sizes = con.execute(
        "select p.size::bigint, count(r.follower_id) from t_purchases p join t_follower_roles r using (purchase_id) group by all"
    ).fetchall()
    assert all(size == n for size, n in sizes)
    # bought accounts are thin (unless camouflaged) and never engage unless camouflaged
    thin = con.execute(
        "select count(*), count(*) filter (where a.followers_count::bigint < 30 and a.posts_count::bigint < 10 "
        "and coalesce(a.has_default_avatar in ('true','1','yes','True'), true) and coalesce(a.bio, '') = '') "
        "from accounts a join t_follower_roles r on a.account_id = r.follower_id "
        "where r.role = 'bought' and r.is_camouflaged = 'false'"
    ).fetchone()
    assert thin[0] > 0 and thin[0] == thin[1]
    engaged = con.execute(
        "select count(*) from interactions i join t_follower_roles r on i.actor_id = r.follower_id "
        "where r.role = 'bought' and r.is_camouflaged = 'false'"
    ).fetchone()[0]
    assert engaged == 0


def test_churners_unfollow_1_to_21_days_later_never_same_day(world) -> None:
    _, _, _, con = world
    lags = con.execute(
        """
        with ev as (
          select f.follower_id, f.followee_id, f.action, ts(f.event_at) as at from follows f
          join t_follower_roles r on r.follower_id = f.follower_id and r.account_id = f.followee_id
          where r.role = 'follow_churner'
        ), u as (
          select u.follower_id, u.followee_id, u.at as unf,
                 (select max(f.at) from ev f where f.follower_id = u.follower_id
                  and f.followee_id = u.followee_id and f.action = 'follow' and f.at < u.at) as fol
          from ev u where u.action = 'unfollow'
        )
        select count(*), min(epoch(unf) - epoch(fol)), max(epoch(unf) - epoch(fol)),
               count(*) filter (where unf::date = fol::date) from u
        """
    ).fetchone()
    n, lo, hi, same_day = lags
    assert n > 0
    assert lo > 86_400 and hi <= 21 * 86_400 and same_day == 0
    cycles = con.execute(
        "select count(*) from (select f.follower_id, f.followee_id from follows f join t_follower_roles r "
        "on r.follower_id = f.follower_id and r.account_id = f.followee_id "
        "where r.role = 'follow_churner' and action = 'follow' group by all having count(*) > 1)"
    ).fetchone()[0]
    assert cycles > 0  # some churners come back
    followed_back = con.execute(
        "select count(*) from follows b join t_follower_roles r on b.follower_id = r.account_id "
        "and b.followee_id = r.follower_id where r.role = 'follow_churner' and b.action = 'follow'"
    ).fetchone()[0]
    assert followed_back > 0


def test_like_farm_likes_fall_within_minutes(world) -> None:
    _, _, _, con = world
    rows = con.execute(
        "select t.post_id, t.likes::bigint, count(i.actor_id), "
        "epoch(max(ts(i.created_at))) - epoch(min(ts(i.created_at))), "
        "min(ts(i.created_at)) = any_value(t.first_like_at::timestamptz) "
        "from t_like_farm_posts t join t_like_farm_actors a using (platform, farm_id) "
        "join interactions i on i.platform = t.platform and i.post_id = t.post_id "
        "and i.actor_id = a.actor_id and i.kind = 'like' group by t.post_id, t.likes"
    ).fetchall()
    n_posts = con.execute("select count(*) from t_like_farm_posts").fetchone()[0]
    assert n_posts > 0 and len(rows) == n_posts
    for _post, likes, seen, spread, first_ok in rows:
        assert likes == seen and spread <= 600 and first_ok
    accounts = con.execute("select count(distinct account_id) from t_like_farm_posts").fetchone()[0]
    assert accounts >= 2
    follows = con.execute(
        "select count(*) from follows f join t_like_farm_actors a on f.follower_id = a.actor_id"
    ).fetchone()[0]
    assert follows == 0


def test_tracked_account_replies_to_commenters(world) -> None:
    _, _, _, con = world
    dialogs = con.execute(
        "select count(*) from interactions r join posts p on p.platform = r.platform and p.post_id = r.post_id "
        "join tracked_accounts t on t.account_id = r.actor_id "
        "where r.kind = 'reply' and p.account_id <> t.account_id and exists (select 1 from interactions c "
        "join posts tp on tp.post_id = c.post_id and tp.account_id = t.account_id "
        "where c.actor_id = p.account_id and c.kind in ('comment', 'reply'))"
    ).fetchone()[0]
    assert dialogs > 0


def test_daily_followers_equal_replayed_landing_data(world) -> None:
    _, truth, _, con = world
    manifest = json.loads((truth / "manifest.json").read_text())
    sources = {t["account_id"]: t["follow_source"] for t in manifest["tracked_accounts"]}
    assert set(sources.values()) == {"events", "snapshots"}
    con.execute("create or replace temp table days as select distinct date from t_daily_followers")
    replay = con.execute(
        """
        select t.account_id, t.date, t.followers::bigint,
          (select count(*) filter (where action = 'follow') - count(*) filter (where action = 'unfollow')
           from follows f where f.followee_id = t.account_id
           and ts(f.event_at) <= t.date::timestamptz + interval 86399 second) as replayed,
          (select count(*) from follower_snapshots s where s.followee_id = t.account_id
           and s._dump = t.date) as snapshot_rows,
          t.follows_gross::bigint, t.unfollows_gross::bigint,
          (select count(*) filter (where action = 'follow') from follows f where f.followee_id = t.account_id
           and ts(f.event_at)::date = t.date::date) as fg,
          (select count(*) filter (where action = 'unfollow') from follows f where f.followee_id = t.account_id
           and ts(f.event_at)::date = t.date::date) as ug
        from t_daily_followers t order by 1, 2
        """
    ).fetchall()
    assert len(replay) == SMALL.tracked * SMALL.days
    for account, _date, followers, replayed, snaps, fgross, ugross, fg, ug in replay:
        if sources[account] == "events":
            assert (followers, fgross, ugross) == (replayed, fg, ug)
        else:
            assert followers == snaps and fg == 0
    diffs = con.execute(
        """
        with s as (select followee_id, follower_id, _dump::date as d from follower_snapshots)
        select t.follows_gross::bigint, t.unfollows_gross::bigint,
          (select count(*) from s a where a.followee_id = t.account_id and a.d = t.date::date
             and not exists (select 1 from s b where b.followee_id = a.followee_id
             and b.follower_id = a.follower_id and b.d = a.d - 1)),
          (select count(*) from s b where b.followee_id = t.account_id and b.d = t.date::date - 1
             and not exists (select 1 from s a where a.followee_id = b.followee_id
             and a.follower_id = b.follower_id and a.d = b.d + 1))
        from t_daily_followers t where t.date > (select min(date) from t_daily_followers)
        and t.account_id in (select distinct followee_id from follower_snapshots)
        """
    ).fetchall()
    assert diffs and all((f, u) == (fs, us) for f, u, fs, us in diffs)


def test_event_and_snapshot_sources_share_one_history(tmp_path: Path) -> None:
    cfg = replace(SMALL, tracked=3, accounts=1_500, days=5)
    ev_landing, ev_truth, _ = _run(tmp_path / "events", replace(cfg, follow_source="events"))
    sn_landing, sn_truth, _ = _run(tmp_path / "snaps", replace(cfg, follow_source="snapshots"))
    for name in (
        "daily_followers.csv",
        "follower_roles.csv",
        "purchases.csv",
        "like_farm_posts.csv",
    ):
        assert (ev_truth / name).read_bytes() == (sn_truth / name).read_bytes(), name
    for entity in ("interactions", "posts", "accounts"):
        assert _tree_hashes(ev_landing / entity) == _tree_hashes(sn_landing / entity), entity
    assert not (ev_landing / "follower_snapshots").exists()
    assert (sn_landing / "follower_snapshots").exists()


def test_cli_arguments_map_onto_config() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert config_from_args(parser.parse_args([])) == SimConfig()
    args = parser.parse_args(
        [
            "--seed",
            "3",
            "--tracked",
            "2",
            "--accounts",
            "500",
            "--days",
            "4",
            "--start",
            "2025-06-01",
            "--camouflage",
            "0.5",
            "--slow-drip",
            "0.3",
            "--like-farms",
            "1",
            "--follow-source",
            "events",
        ]
    )
    cfg = config_from_args(args)
    assert (cfg.seed, cfg.tracked, cfg.accounts, cfg.days, cfg.start.isoformat()) == (
        3,
        2,
        500,
        4,
        "2025-06-01",
    )
    assert (cfg.camouflage, cfg.slow_drip, cfg.like_farms, cfg.follow_source) == (
        0.5,
        0.3,
        1,
        "events",
    )
    with pytest.raises(SystemExit):
        parser.parse_args(["--follow-source", "rumours"])
    with pytest.raises(ValueError):
        config_from_args(parser.parse_args(["--camouflage", "2"]))


def test_knobs_change_behaviour(tmp_path: Path) -> None:
    cfg = replace(
        SMALL, tracked=2, accounts=1_500, days=12, slow_drip=1.0, camouflage=1.0, buyers=1.0
    )
    _, truth, _ = _run(tmp_path / "knobs", cfg)
    con = duckdb.connect()
    spans = con.execute(
        "select min(epoch(delivery_end::timestamptz) - epoch(delivery_start::timestamptz)) "
        f"from read_csv(?, {_CSV}) where kind = 'followers'",
        [str(truth / "purchases.csv")],
    ).fetchall()[0][0]
    assert spans > 86_400  # slow drip: delivered over days, not hours
    camo = con.execute(
        f"select bool_and(is_camouflaged::boolean) from read_csv(?, {_CSV}) where role = 'bought'",
        [str(truth / "follower_roles.csv")],
    ).fetchall()[0][0]
    assert camo


def test_invalid_config_is_rejected() -> None:
    for bad in ({"tracked": 0}, {"camouflage": 1.5}, {"follow_source": "x"}, {"days": 0}):
        with pytest.raises(ValueError):
            SimConfig(**bad)


def test_jsonl_lines_are_objects_and_csv_quirks_exist(world) -> None:
    landing = world[0]
    jsonl = [p for p in landing.rglob("*.jsonl*")]
    omitted_null_keys = False
    for p in jsonl:
        raw = gzip.decompress(p.read_bytes()) if p.name.endswith(".gz") else p.read_bytes()
        for line in raw.decode("utf-8").splitlines():
            obj = json.loads(line)
            assert isinstance(obj, dict)
            omitted_null_keys |= p.parent.parent.name == "interactions" and "text" not in obj
    assert omitted_null_keys  # jsonl.gz omits null keys
    csvs = [p for p in landing.rglob("*.csv")]
    assert any(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in csvs)
    native = duckdb.execute(
        "select count(*) from parquet_schema(?) where logical_type like '%Timestamp%'",
        [[str(p) for p in landing.rglob("*.parquet")]],
    ).fetchall()[0][0]
    assert native > 0


def test_event_times_sit_on_their_dump_day_before_the_snapshot(world) -> None:
    _, _, _, con = world
    first = con.execute("select min(_dump) from follows").fetchone()[0]
    wrong_day = con.execute(
        "select count(*) from follows where ts(event_at)::date <> _dump::date "
        "and not (_dump = ? and ts(event_at) < ?::timestamptz)",
        [first, first],
    ).fetchone()[0]
    assert wrong_day == 0
    pre_start = con.execute(
        "select count(*) from follows where ts(event_at) < ?::timestamptz", [first]
    ).fetchone()[0]
    assert pre_start > 0  # the audience that pre-exists the start date
    at_snapshot = con.execute(
        "select count(*) from follows where strftime(ts(event_at), '%H:%M:%S') = '23:59:59'"
    ).fetchone()[0]
    assert at_snapshot == 0
    snap_time = con.execute(
        "select count(*) from follower_snapshots where ts(snapshot_at) <> "
        "_dump::timestamptz + interval 86399 second"
    ).fetchone()[0]
    assert snap_time == 0
    quick = con.execute(
        """
        with ev as (select follower_id, followee_id, action, ts(event_at) as at from follows)
        select count(*) from ev u where u.action = 'unfollow' and not exists (
          select 1 from ev f where f.follower_id = u.follower_id and f.followee_id = u.followee_id
          and f.action = 'follow' and f.at <= u.at - interval 1 day)
        """
    ).fetchone()[0]
    assert quick == 0  # every unfollow comes at least a day after a follow


def test_every_account_in_the_data_has_a_profile_by_then(world) -> None:
    _, _, _, con = world
    missing = con.execute(
        """
        with used as (
          select platform, follower_id as id, _dump from follows
          union all select platform, follower_id, _dump from follower_snapshots
          union all select platform, actor_id, _dump from interactions
          union all select platform, account_id, _dump from posts
        ), first_seen as (select platform, account_id as id, min(_dump) as d from accounts group by all)
        select count(*) from used u left join first_seen f using (platform, id)
        where f.d is null or f.d > u._dump
        """
    ).fetchone()[0]
    assert missing == 0
    tracked_daily = con.execute(
        "select count(distinct a._dump) from accounts a join tracked_accounts t using (platform, account_id)"
    ).fetchone()[0]
    assert tracked_daily == SMALL.days


def test_interactions_grow_with_audience(tmp_path: Path) -> None:
    small = _run(tmp_path / "s", replace(SMALL, accounts=1_500, days=3))[2]["rows"]["interactions"]
    large = _run(tmp_path / "l", replace(SMALL, accounts=6_000, days=3))[2]["rows"]["interactions"]
    assert large > 2 * small > 0


def test_existing_output_is_kept_unless_overwrite(tmp_path: Path) -> None:
    cfg = replace(SMALL, tracked=2, accounts=500, days=2)
    landing, truth, _ = _run(tmp_path, cfg)
    marker = landing / "interactions" / "keep.txt"
    marker.write_text("x")
    with pytest.raises(FileExistsError):
        generate(cfg, landing, truth, progress=False)
    assert marker.exists()
    summary = generate(replace(cfg, days=1), landing, truth, progress=False, overwrite=True)
    assert not marker.exists()
    assert sorted(p.name for p in (landing / "follows").iterdir()) == ["2026-01-01"]
    assert summary["files"] == sum(1 for p in landing.rglob("*") if p.is_file())


def test_event_times_step_around_the_snapshot_instant() -> None:
    import numpy as np

    from simulator.audience import after_snapshot, before_snapshot

    t = np.array([86_399, 86_400 + 86_399, 5, 86_398])
    assert before_snapshot(t).tolist() == [86_398, 2 * 86_400 - 2, 5, 86_398]
    assert after_snapshot(t).tolist() == [86_400, 2 * 86_400, 5, 86_398]


def test_tracked_handles_fold_accents_instead_of_losing_letters() -> None:
    from simulator.population import tracked_accounts

    handles = tracked_accounts(SimConfig(seed=1, tracked=12, accounts=100, days=2)).handles
    assert handles[:3] == ["alpen_kaserei", "brooklyn_roasters", "maison_lumiere"]
    assert "taqueria_luna" in handles and "alpen_kaserei2" in handles
    assert all(h.isascii() and h.replace("_", "").isalnum() for h in handles)
