"""`truefans import x-archive`: X/Twitter archives (fixtures in the real format under
tests/fixtures/x_archive/, zips built here) as landing files, their bad inputs, the Dagster asset,
and (slow) two archives a month apart through the whole pipeline."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from orchestration.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures" / "x_archive"
OWNER = "1390001112223334445"
FIRST_DAY, SECOND_DAY = "2023-02-18", "2023-03-20"
FIRST_FOLLOWERS = {
    "1601234567890123456",
    "2222",
    "987654321",
    "1500000000000000001",
    "44196397",
    "783214",
}
GONE = {"2222", "987654321"}  # not in the second archive


def zip_dir(folder: Path, zip_path: Path, prefix: str = "") -> Path:
    """The archive as X delivers it: a zip of `data/...` (optionally under a folder)."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return zip_path


def run_import(target: Path, landing: Path, *extra: str) -> int:
    return main(["import", "x-archive", str(target), "--landing", str(landing), *extra])


def rows(landing: Path, entity: str, day: str) -> list[dict[str, object]]:
    files = sorted((landing / entity / day).glob("*.jsonl"))
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_an_archive_lands_as_contract_rows(tmp_path: Path, capsys) -> None:
    landing = tmp_path / "landing"
    assert run_import(FIXTURES / "first", landing) == 0
    assert "x-archive: 4 files" in capsys.readouterr().out
    snapshot = rows(landing, "follower_snapshots", FIRST_DAY)
    # both parts (follower.js, follower-part1.js), at the manifest's generationDate
    assert {r["follower_id"] for r in snapshot} == FIRST_FOLLOWERS
    assert {(r["platform"], r["followee_id"], r["snapshot_at"]) for r in snapshot} == {
        ("twitter", OWNER, "2023-02-18T19:45:15.123000Z")
    }
    # one profile: the owner's. Followers are ids only: no accounts rows invented for them
    (owner,) = rows(landing, "accounts", FIRST_DAY)
    assert owner == {
        "platform": "twitter",
        "account_id": OWNER,
        "observed_at": "2023-02-18T19:45:15.123000Z",
        "handle": "tf_example",
        "display_name": "TrueFans Example",
        "created_at": "2011-05-03T09:26:14Z",
        "followers_count": 6,
        "following_count": 3,
        "bio": "Fixture account for TrueFans tests",
        "location": "Lisbon",
        "url": "https://t.co/abc123",
        "has_default_avatar": False,
        "verified": False,
    }
    posts = {r["post_id"]: r for r in rows(landing, "posts", FIRST_DAY)}
    assert {k: (p["kind"], p["created_at"]) for k, p in posts.items()} == {
        "1626999111222333444": ("post", "2023-02-18T19:30:15Z"),
        "1626999111222333555": ("reply", "2023-02-18T19:40:00Z"),
        "1580000000000000777": ("repost", "2022-10-12T08:05:09Z"),  # tweets-part1.js
    }
    first = posts["1626999111222333444"]
    assert first["text"] == "Fans & followers: thanks for 6 of you"  # HTML entities undone
    # string counts become numbers in extra columns; no interactions are made up from them
    assert (first["favorite_count"], first["retweet_count"]) == (12, 3)
    assert posts["1626999111222333555"]["in_reply_to_post_id"] == "1626000000000000001"
    assert not (landing / "interactions").exists()
    assert rows(landing, "tracked_accounts", FIRST_DAY) == [
        {"platform": "twitter", "account_id": OWNER, "name": "TrueFans Example"}
    ]
    assert b"owner@example.invalid" not in b"".join(tree(landing).values())  # no e-mail kept


def test_a_zip_gives_the_same_files_and_a_second_import_is_a_no_op(tmp_path: Path) -> None:
    from_dir, from_zip = tmp_path / "a", tmp_path / "b"
    assert run_import(FIXTURES / "first", from_dir) == 0
    archive = zip_dir(FIXTURES / "first", tmp_path / "twitter-2023-02-18-abc.zip")
    assert run_import(archive, from_zip) == 0
    assert tree(from_zip) == tree(from_dir)
    before = tree(from_zip)
    assert run_import(archive, from_zip) == 0
    assert tree(from_zip) == before


def test_import_reports_unchanged_files_on_re_import(tmp_path: Path, capsys) -> None:
    run_import(FIXTURES / "first", tmp_path)
    capsys.readouterr()
    run_import(FIXTURES / "first", tmp_path)
    out = capsys.readouterr().out
    assert "(0 new or changed)" in out
    assert [line.split()[0] for line in out.splitlines()[:-1]] == ["unchanged"] * 4


def test_files_are_found_by_name_and_without_manifest_the_newest_file_dates_it(
    tmp_path: Path,
) -> None:
    """An older layout: files at the top of a folder inside the zip, no manifest.js: the
    snapshot is dated by the newest file in the zip."""
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for i, path in enumerate(sorted((FIXTURES / "first" / "data").glob("*.js"))):
            if path.name != "manifest.js":
                info = zipfile.ZipInfo(f"my archive/{path.name}", (2021, 6, 1, 10, i, 0))
                out.writestr(info, path.read_bytes())
    assert run_import(archive, tmp_path / "landing") == 0
    snapshot = rows(tmp_path / "landing", "follower_snapshots", "2021-06-01")
    assert {r["follower_id"] for r in snapshot} == FIRST_FOLLOWERS
    assert {r["snapshot_at"] for r in snapshot} == {"2021-06-01T10:08:00Z"}  # 9 files: 0..8
    assert [p.name for p in (tmp_path / "landing" / "follower_snapshots").rglob("*.jsonl")] == [
        "x-archive-tf_example-100800.jsonl"
    ]


def test_an_older_tweet_js_and_unwrapped_items_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(FIXTURES / "first", folder)
    (folder / "data" / "tweets-part1.js").unlink()
    tweets = folder / "data" / "tweets.js"
    items = json.loads(tweets.read_text().split("=", 1)[1])
    tweets.unlink()
    (folder / "data" / "tweet.js").write_text(
        "window.YTD.tweet.part0 = " + json.dumps([i["tweet"] for i in items], indent=2)
    )
    (folder / "data" / "manifest.js").unlink()  # it would list tweets.js
    assert run_import(folder, tmp_path / "landing") == 0
    (posts,) = (tmp_path / "landing" / "posts").glob("*/*.jsonl")
    assert len(posts.read_text().splitlines()) == 2


def test_two_archives_a_month_apart_are_two_snapshots(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    assert run_import(FIXTURES / "first", landing) == 0
    assert run_import(FIXTURES / "second", landing) == 0
    first = {r["follower_id"] for r in rows(landing, "follower_snapshots", FIRST_DAY)}
    second = {r["follower_id"] for r in rows(landing, "follower_snapshots", SECOND_DAY)}
    assert first - second == GONE
    assert second - first == {"1633333333333333333"}
    # the list in force still tracks the one account
    assert rows(landing, "tracked_accounts", SECOND_DAY) == [
        {"platform": "twitter", "account_id": OWNER, "name": "TrueFans Example"}
    ]
    assert not (landing / "tracked_accounts" / FIRST_DAY / "tracked_accounts.jsonl").exists() or (
        rows(landing, "tracked_accounts", FIRST_DAY)
        == rows(landing, "tracked_accounts", SECOND_DAY)
    )


def _corrupt_entry(tmp_path: Path) -> Path:
    good = zip_dir(FIXTURES / "first", tmp_path / "good.zip")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("data/follower.js")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):  # inside the compressed bytes of follower.js
        data[i] ^= 0xFF
    bad = tmp_path / "crc.zip"
    bad.write_bytes(bytes(data))
    return bad


def _archive_with(tmp_path: Path, name: str, content: str | None) -> Path:
    folder = tmp_path / "archive"
    shutil.copytree(FIXTURES / "first", folder)
    path = folder / "data" / name
    if content is None:
        path.unlink()
    else:
        path.write_text(content)
    return folder


def _foreign_zip(tmp_path: Path) -> Path:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "holiday photos")
        archive.writestr("js/app.js", "console.log('hi')")
    return path


def _truncated_zip(tmp_path: Path) -> Path:
    good = zip_dir(FIXTURES / "first", tmp_path / "good.zip").read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(good[: len(good) // 2])
    return path


FOLLOWERS = (FIXTURES / "first" / "data" / "follower.js").read_text()
BAD_INPUTS = {
    "foreign zip": (_foreign_zip, "photos.zip: not an X archive (no data/account.js)"),
    "truncated zip": (
        _truncated_zip,
        "cut.zip: not a zip file or a folder (damaged or foreign file?)",
    ),
    "corrupt entry": (_corrupt_entry, "crc.zip: data/follower.js is damaged"),
    "no wrapper": (
        lambda p: _archive_with(p, "follower.js", FOLLOWERS.split("=", 1)[1]),
        "data/follower.js: not an X archive data file (it does not start with "
        "`window.YTD.<name>.partN =`)",
    ),
    "truncated json": (
        lambda p: _archive_with(p, "follower.js", FOLLOWERS[: len(FOLLOWERS) // 2]),
        "data/follower.js: damaged JSON at line",
    ),
    "no account.js": (
        lambda p: _archive_with(p, "account.js", None),
        "archive: the archive has no account.js (incomplete?)",
    ),
    "a listed part missing": (
        lambda p: _archive_with(p, "follower-part1.js", None),
        "the manifest lists data/follower-part1.js but the archive has no such file",
    ),
    "no such path": (lambda p: p / "nowhere.zip", "nowhere.zip: no such file or directory"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_a_bad_archive_is_one_error_line_and_nothing_is_lost(
    case: str, tmp_path: Path, capsys
) -> None:
    make, message = BAD_INPUTS[case]
    landing = tmp_path / "landing"
    assert run_import(FIXTURES / "second", landing) == 0  # imported before: must survive
    before = tree(landing)
    capsys.readouterr()
    assert run_import(make(tmp_path), landing) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: x-archive: "), captured.err
    assert message in lines[0]
    assert captured.out == ""
    assert tree(landing) == before


def test_the_dagster_asset_imports_an_archive(tmp_path: Path) -> None:
    import dagster as dg

    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.sources import SOURCES_GROUP, source_assets

    (asset,) = [a for a in source_assets() if a.key == dg.AssetKey(["sources", "x_archive"])]
    assert asset.group_names_by_key[asset.key] == SOURCES_GROUP
    landing = tmp_path / "landing"
    warehouse = WarehouseResource(
        warehouse_path=str(tmp_path / "w.duckdb"), landing_root=str(landing)
    )
    config = {"target": str(FIXTURES / "first"), "args": ["--dump-date", "2023-02-19"]}
    result = dg.materialize(
        [asset],
        resources={"warehouse": warehouse},
        run_config={"ops": {"sources__x_archive": {"config": config}}},
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("sources__x_archive")
    assert materialization.metadata["files"] == dg.IntMetadataValue(4)
    # --dump-date moves the folder, not the snapshot time
    snapshot = rows(landing, "follower_snapshots", "2023-02-19")
    assert {r["snapshot_at"] for r in snapshot} == {"2023-02-18T19:45:15.123000Z"}
    bad = dg.materialize(
        [asset],
        resources={"warehouse": warehouse},
        run_config={"ops": {"sources__x_archive": {"config": {"target": str(tmp_path / "no")}}}},
        raise_on_error=False,
    )
    assert not bad.success


@pytest.mark.slow
def test_two_archives_through_the_pipeline(tmp_path: Path) -> None:
    """Two archives a month apart, then `run_pipeline`: marts for the account, the two
    followers missing from the later archive come out of the snapshot diff as unfollows."""
    import dagster as dg
    import duckdb

    from orchestration.pipeline import run_pipeline
    from orchestration.settings import Settings

    landing = tmp_path / "landing"
    for name in ("first", "second"):
        assert run_import(zip_dir(FIXTURES / name, tmp_path / f"{name}.zip"), landing) == 0
    settings = Settings(landing, tmp_path / "w.duckdb", threads=1, memory_limit="1GB", docs=False)
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    failed = [(c.asset, c.name, c.detail) for c in summary.checks if not c.passed]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        dim = con.execute(
            "select platform, account_id, handle from marts.dim_tracked_accounts"
        ).fetchall()
        churn = con.execute(
            "select follower_id, followee_id, unfollowed_at from marts.fct_follow_churn"
        ).fetchall()
        current = con.execute(
            "select follower_id from marts.fct_follower_authenticity "
            "where account_id = ? and is_current_follower",
            [OWNER],
        ).fetchall()
        daily = con.execute(
            "select date, followers from marts.fct_followers_daily where account_id = ? "
            "and date in (?, ?) order by date",
            [OWNER, dt.date(2023, 2, 18), dt.date(2023, 3, 20)],
        ).fetchall()
        # followers known by id only: nothing may call them real
        classes = con.execute(
            "select distinct audience_class from marts.fct_follower_authenticity"
        ).fetchall()
        real_shares = con.execute(
            "select distinct real_share from marts.fct_audience_quality where account_id = ?",
            [OWNER],
        ).fetchall()
    finally:
        con.close()
    assert dim == [("twitter", OWNER, "tf_example")]
    assert {(f, e) for f, e, _ in churn} == {(f, OWNER) for f in GONE}
    assert {u for _, _, u in churn} == {dt.datetime(2023, 3, 20, 7, 2, 44, 610000)}
    assert {f for (f,) in current} == (FIRST_FOLLOWERS - GONE) | {"1633333333333333333"}
    assert daily == [(dt.date(2023, 2, 18), 6), (dt.date(2023, 3, 20), 5)]
    assert ("real",) not in classes
    assert all(share is None or share == 0 for (share,) in real_shares), real_shares
    assert summary.success and failed == [], failed
