"""`truefans import mastodon <user@server>` against recorded API answers replayed on 127.0.0.1
(tests/fixtures/mastodon/, in the shape of real responses: see its README). Never the network:
every pull passes `--base-url` of the local server, and `--pulled-at` makes it repeatable."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from recorded_http import RecordedServer, load_recording, recorded_server

from orchestration.cli.main import main
from orchestration.sources import mastodon_source

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
DAY1 = "2026-03-02T06:30:00Z"
DAY2 = "2026-03-03T06:30:00Z"
ALICE = "alice@mastodon.example"
FOLLOWERS = "/api/v1/accounts/109334751000000001/followers"


def recording(*names: str) -> list[dict]:
    return load_recording(*(FIXTURES / name for name in names))


def day1() -> list[dict]:
    return recording("lookup.json", "followers_day1.json", "statuses.json")


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retries' waits, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(mastodon_source, "sleep", waited.append)
    return waited


def pull(
    exchanges: list[dict], landing: Path, target: str = ALICE, at: str = DAY1, *more: str
) -> tuple[int, RecordedServer]:
    with recorded_server(exchanges) as server:
        code = main(
            [
                "import",
                "mastodon",
                target,
                "--base-url",
                server.base_url,
                "--landing",
                str(landing),
                "--pulled-at",
                at,
                *more,
            ]
        )
    return code, server


def rows(landing: Path, entity: str) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted((landing / entity).glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_a_pull_fills_every_entity(
    tmp_path: Path, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mastodon.py parses times into local time: on a machine west of UTC the day-rounded
    # created_at must still land on midnight UTC of its day
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        code, server = pull(day1(), tmp_path)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert code == 0 and server.unmatched == [] and waits == []
    pages = [q.get("max_id") for _, p, q in server.requests if p == FOLLOWERS]
    assert pages == [None, ["900"], ["800"]]  # three pages by the Link header, then no next

    snapshot = rows(tmp_path, "follower_snapshots")
    assert {r["follower_id"] for r in snapshot} == {
        "bob@mastodon.example",  # local accounts: acct `bob`, qualified with the server
        "carol@other.example",
        "dave@third.example",
        "erin@mastodon.example",  # acct `Erin`: the id is lower case, the handle as written
        "frank@other.example",
    }
    assert {(r["followee_id"], r["snapshot_at"]) for r in snapshot} == {(ALICE, DAY1)}
    assert (
        tmp_path / "follower_snapshots/2026-03-02/mastodon-alice_mastodon.example-063000.jsonl"
    ).is_file()

    accounts = {r["account_id"]: r for r in rows(tmp_path, "accounts")}
    assert set(accounts) == {ALICE, *(r["follower_id"] for r in snapshot), "grace@fourth.example"}
    alice = accounts[ALICE]
    assert alice["created_at"] == "2022-11-08T00:00:00Z"  # rounded to the day by the server
    assert alice["bio"] == "Knitting & #yarn\n\nSecond line\nthird"  # HTML stripped
    assert (alice["followers_count"], alice["posts_count"], alice["observed_at"]) == (5, 42, DAY1)
    assert accounts["bob@mastodon.example"]["has_default_avatar"] is True  # .../missing.png
    assert accounts["carol@other.example"]["has_default_avatar"] is False
    assert accounts["dave@third.example"]["bot"] is True
    assert accounts["erin@mastodon.example"]["handle"] == "Erin@mastodon.example"
    frank = accounts["frank@other.example"]  # counts hidden (-1): unknown, not zero
    assert "followers_count" not in frank and "following_count" not in frank

    posts = {r["post_id"]: r for r in rows(tmp_path, "posts")}
    assert posts == {
        "115000000000000010@mastodon.example": posts["115000000000000010@mastodon.example"],
        "115000000000000009@mastodon.example": posts["115000000000000009@mastodon.example"],
    }  # the January post is older than --days 30
    scarf = posts["115000000000000010@mastodon.example"]
    assert scarf["text"] == "New scarf pattern is up! https://example.org/scarf"
    assert (scarf["kind"], scarf["account_id"]) == ("post", ALICE)
    assert posts["115000000000000009@mastodon.example"]["kind"] == "reply"
    interactions = sorted((r["kind"], r["actor_id"]) for r in rows(tmp_path, "interactions"))
    assert interactions == [
        ("like", "bob@mastodon.example"),
        ("like", "carol@other.example"),
        ("repost", "grace@fourth.example"),
    ]
    assert {r["created_at"] for r in rows(tmp_path, "interactions")} == {scarf["created_at"]}
    assert rows(tmp_path, "tracked_accounts") == [
        {"account_id": ALICE, "name": ALICE, "platform": "mastodon"}
    ]


def test_the_same_pull_twice_is_a_no_op(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    assert pull(day1(), tmp_path)[0] == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.jsonl")}
    capsys.readouterr()
    assert pull(day1(), tmp_path)[0] == 0
    out = capsys.readouterr().out
    files = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert files == ["unchanged"] * 5 and "(0 new or changed)" in out
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.jsonl")} == before


def test_hidden_followers_give_a_note_and_no_snapshot(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    code, server = pull(recording("hidden.json"), tmp_path, "hidden@mastodon.example")
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.splitlines() == [
        "note: mastodon: hidden@mastodon.example hides its followers (followers_count -1): "
        "no follower snapshot, followers unknown"
    ]
    assert not (tmp_path / "follower_snapshots").exists()  # an empty list is not "all left"
    assert not [p for _, p, _ in server.requests if p.endswith("/followers")]
    (profile,) = rows(tmp_path, "accounts")
    assert profile["has_default_avatar"] is True
    assert "followers_count" not in profile and "following_count" not in profile
    assert profile["posts_count"] == 0


def test_followers_refused_by_the_server_give_a_note_and_no_snapshot(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    refused = {
        "path": FOLLOWERS,
        "status": 403,
        "headers": {"content-type": "application/json"},
        "body": {"error": "This action is not allowed"},
    }
    exchanges = [refused, *recording("lookup.json", "statuses.json")]
    code, _ = pull(exchanges, tmp_path)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "note: mastodon: alice@mastodon.example hides its followers (the server answered " in err
    assert not (tmp_path / "follower_snapshots").exists()
    assert len(rows(tmp_path, "posts")) == 2  # the rest of the pull still imports


def _bad(tmp_path: Path, capsys: pytest.CaptureFixture[str], exchanges: list[dict], target: str):
    """A bad answer: exit 2, one `error: mastodon:` line, the landing root as it was."""
    kept = tmp_path / "accounts" / "2026-03-01" / "earlier.csv"
    kept.parent.mkdir(parents=True)
    kept.write_text("account_id,platform,observed_at\n1,mastodon,2026-03-01T00:00:00Z\n")
    code, server = pull(exchanges, tmp_path, target)
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: mastodon: "), err
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [kept]  # nothing written or lost
    return err[0].removeprefix("error: mastodon: ").replace(server.base_url, "<base>")


def test_an_unknown_account_is_one_line(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    line = _bad(tmp_path, capsys, recording("not_found.json"), "nobody@mastodon.example")
    assert line == "no account nobody@mastodon.example on <base> (Record not found)"
    assert waits == []  # a 404 is an answer, not worth retrying


def test_a_target_that_is_not_an_account_is_one_line(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    line = _bad(tmp_path, capsys, [], "https://mastodon.example/@alice")
    assert line == (
        "'https://mastodon.example/@alice' is not an account: give user@server, "
        "e.g. Gargron@mastodon.social"
    )


def test_an_html_error_page_is_retried_then_one_line(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    line = _bad(tmp_path, capsys, recording("bad_gateway.json"), ALICE)
    assert line == (
        "<base> answered HTTP 502 Bad Gateway (an error page, not the Mastodon API's JSON) "
        "for the account alice@mastodon.example; gave up after 5 tries, nothing written"
    )
    assert waits == [2.0, 4.0, 8.0, 16.0]  # bounded, with backoff


def test_a_follower_page_that_keeps_failing_writes_no_partial_list(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    first_page = [e for e in recording("followers_day1.json") if "max_id" not in e["query"]]
    unavailable = {
        "path": FOLLOWERS,
        "query": {"max_id": "900"},
        "status": 503,
        "headers": {"content-type": "text/html"},
        "body": "<html><body><h1>503 Service Unavailable</h1></body></html>",
    }
    exchanges = [unavailable, *recording("lookup.json"), *first_page]
    line = _bad(tmp_path, capsys, exchanges, ALICE)
    assert line == (
        "<base> answered HTTP 503 Service Unavailable (an error page, not the Mastodon API's "
        "JSON) for the followers of alice@mastodon.example; gave up after 5 tries, nothing written"
    )
    assert len(waits) == 4


def test_a_private_account_is_one_line(
    tmp_path: Path, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    line = _bad(tmp_path, capsys, recording("private.json"), "quiet@mastodon.example")
    assert line == (
        "quiet@mastodon.example is a private (locked) account: its followers and posts are "
        "shown only to the followers it approved, so there is nothing to import"
    )


def test_a_rate_limit_is_waited_out(tmp_path: Path, waits: list[float]) -> None:
    code, server = pull(recording("rate_limited.json") + day1(), tmp_path)
    assert code == 0
    # the recorded X-RateLimit-Reset has passed: the first backoff step
    assert waits == [2.0]
    lookups = [p for _, p, _ in server.requests if p.endswith("/lookup")]
    assert len(lookups) == 2
    assert len(rows(tmp_path, "follower_snapshots")) == 5


def test_the_dagster_asset_imports_with_config_args(tmp_path: Path, waits: list[float]) -> None:
    import dagster as dg

    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.sources import source_assets

    (asset,) = [a for a in source_assets() if a.key == dg.AssetKey(["sources", "mastodon"])]
    warehouse = WarehouseResource(
        warehouse_path=str(tmp_path / "w.duckdb"), landing_root=str(tmp_path / "landing")
    )
    with recorded_server(day1()) as server:
        result = dg.materialize(
            [asset],
            resources={"warehouse": warehouse},
            run_config={
                "ops": {
                    "sources__mastodon": {
                        "config": {
                            "target": ALICE,
                            "args": ["--base-url", server.base_url, "--pulled-at", DAY1],
                        }
                    }
                }
            },
        )
    assert result.success and server.unmatched == []
    (materialization,) = result.asset_materializations_for_node("sources__mastodon")
    assert materialization.metadata["files"].value == 5
    assert len(rows(tmp_path / "landing", "follower_snapshots")) == 5


@pytest.mark.slow
def test_two_pulls_show_who_unfollowed_after_the_pipeline(
    tmp_path: Path, waits: list[float]
) -> None:
    import dagster as dg
    import duckdb

    from orchestration.pipeline import run_pipeline
    from orchestration.settings import Settings

    landing = tmp_path / "landing"
    assert pull(day1(), landing)[0] == 0
    day2 = recording("lookup.json", "followers_day2.json", "statuses.json")
    assert pull(day2, landing, ALICE, DAY2)[0] == 0  # erin is gone
    settings = Settings(landing, tmp_path / "w.duckdb", threads=1, memory_limit="2GB", docs=False)
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert not [c for c in summary.checks_failed if c.severity == "ERROR"]
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        churn = con.execute(
            "select follower_id, followee_id, unfollowed_at from marts.fct_follow_churn"
        ).fetchall()
        followers = con.execute(
            "select count(*) from raw.follower_snapshots where followee_id = ?", [ALICE]
        ).fetchone()
    assert [(f, e, str(u)) for f, e, u in churn] == [
        ("erin@mastodon.example", ALICE, "2026-03-03 06:30:00")
    ]
    assert followers == (9,)  # 5 on the first day, 4 on the second


def test_the_command_line_parser_does_not_import_the_client_library() -> None:
    """Every `truefans` command builds the parser with every source's options: Mastodon.py is
    imported when a pull starts, so other commands do not pay for it."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom orchestration.cli.main import build_parser\n"
        "build_parser().parse_args(['import', 'mastodon', 'a@b.example'])\n"
        "print('mastodon' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[1],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
