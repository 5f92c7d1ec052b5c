"""`truefans import bluesky`: against AppView answers in the lexicons' exact shapes
(tests/fixtures/bluesky, replayed on 127.0.0.1 by recorded_http; never the network)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from recorded_http import load_recording, recorded_server

from orchestration.cli.main import main
from orchestration.sources import bluesky

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
PULL_1 = load_recording(FIXTURES / "pull_2026-03-02.json")
PULL_2 = load_recording(FIXTURES / "pull_2026-03-05.json")
HANDLE = "alice-makes.bsky.social"
ALICE = "did:plc:x7k2m4q9w3zv6ty5rb8nhc2d"
AT_1 = "2026-03-02T09:30:00Z"
CURSORS = ["3lzbwq2mzcs2f", "3lyxfh4kd6k2u"]  # of pages 1 and 2 of PULL_1's follower list
GONE = "did:plc:zknshtw6qufivd2535uijscy"  # follows on 2026-03-02, not on 2026-03-05
DEACTIVATED = "did:plc:7omrq3p63xnfj37kczrswybs"  # listed as follower, omitted by getProfiles
JSON = {"content-type": "application/json; charset=utf-8"}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The backoff's waits, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(bluesky, "sleep", waited.append)
    return waited


def _import(base_url: str, landing: Path, *extra: str, at: str = AT_1) -> int:
    return main(
        [
            "import",
            "bluesky",
            HANDLE,
            "--landing",
            str(landing),
            "--base-url",
            base_url,
            "--pulled-at",
            at,
            *extra,
        ]
    )


def _rows(landing: Path, entity: str) -> list[dict]:
    return [
        json.loads(line)
        for f in sorted(landing.glob(f"{entity}/*/*.jsonl"))
        for line in f.read_text().splitlines()
    ]


def _calls(server, path: str) -> list[dict[str, list[str]]]:
    return [q for _, p, q in server.requests if p == f"/xrpc/{path}"]


def _failing(path: str, status: int, body: object, headers=JSON, **match) -> dict:
    return {
        "path": f"/xrpc/{path}",
        "query": match,
        "status": status,
        "headers": headers,
        "body": body,
    }


def test_a_pull_fills_every_entity(tmp_path: Path, sleeps: list[float]) -> None:
    landing = tmp_path / "landing"
    with recorded_server(PULL_1) as server:
        assert _import(server.base_url, landing) == 0
    assert server.unmatched == []
    # the follower list over its 3 pages, each asked at the cursor the page before gave
    assert [q.get("cursor") for q in _calls(server, "app.bsky.graph.getFollowers")] == [
        None,
        [CURSORS[0]],
        [CURSORS[1]],
    ]
    # 30 followers' counts in two getProfiles calls: 25 + 5
    assert [len(q["actors"]) for q in _calls(server, "app.bsky.actor.getProfiles")] == [25, 5]
    assert sleeps == []

    snapshot = _rows(landing, "follower_snapshots")
    assert len(snapshot) == 30 == len({r["follower_id"] for r in snapshot})
    assert {(r["followee_id"], r["snapshot_at"]) for r in snapshot} == {(ALICE, AT_1)}
    accounts = {r["account_id"]: r for r in _rows(landing, "accounts")}
    assert len(accounts) == 32  # alice, 30 followers, 1 liker who does not follow
    assert accounts[ALICE]["handle"] == HANDLE and accounts[ALICE]["followers_count"] == 30
    assert {r["observed_at"] for r in accounts.values()} == {AT_1}
    # a follower getProfiles omitted (deactivated): no counts (unknown), not zero
    assert "followers_count" not in accounts[DEACTIVATED]
    assert sum(r["has_default_avatar"] for r in accounts.values()) == 8
    tracked = _rows(landing, "tracked_accounts")
    assert tracked == [{"platform": "bluesky", "account_id": ALICE, "name": HANDLE}]

    posts = _rows(landing, "posts")  # alice's repost of another's post and the old post: out
    assert sorted(p["kind"] for p in posts) == ["post", "reply"]
    assert {p["account_id"] for p in posts} == {ALICE}
    kinds = sorted(r["kind"] for r in _rows(landing, "interactions"))
    assert kinds == ["like"] * 5 + ["reply"] + ["repost"] * 2  # the notFound reply skipped
    # the landing root holds the contract's entities only (the paging state lives beside it)
    assert {p.name for p in landing.iterdir()} == {
        "accounts",
        "follower_snapshots",
        "interactions",
        "posts",
        "tracked_accounts",
    }


def test_the_same_pull_again_is_a_no_op(tmp_path: Path, capsys, sleeps) -> None:
    landing = tmp_path / "landing"
    with recorded_server(PULL_1) as server:
        assert _import(server.base_url, landing) == 0
        before = {p: p.read_bytes() for p in landing.rglob("*.jsonl")}
        capsys.readouterr()
        assert _import(server.base_url, landing) == 0
    out = capsys.readouterr().out
    assert "(0 new or changed)" in out
    assert [line.split()[0] for line in out.splitlines()[:-1]] == ["unchanged"] * 5
    assert {p: p.read_bytes() for p in landing.rglob("*.jsonl")} == before


def test_a_rate_limit_is_waited_out(tmp_path: Path, sleeps: list[float]) -> None:
    limited = _failing(
        "app.bsky.graph.getFollowers",
        429,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers=JSON
        | {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": "1772443807",
            "retry-after": "7",
        },
        cursor=CURSORS[0],
    ) | {"times": 1}
    with recorded_server([limited, *PULL_1]) as server:
        assert _import(server.base_url, tmp_path / "landing") == 0
    assert sleeps == [8.0]  # retry-after 7 s, plus one
    assert len(_rows(tmp_path / "landing", "follower_snapshots")) == 30


def test_a_persistent_5xx_is_one_error_and_writes_nothing(tmp_path: Path, capsys, sleeps) -> None:
    landing = tmp_path / "landing"
    kept = landing / "posts" / "2026-01-01" / "mine.csv"
    kept.parent.mkdir(parents=True)
    kept.write_text("platform,post_id,account_id,created_at\nx,1,2,2026-01-01\n")
    down = _failing(
        "app.bsky.actor.getProfiles",
        500,
        {"error": "InternalServerError", "message": "Internal Server Error"},
    )
    with recorded_server([down, *PULL_1]) as server:
        assert _import(server.base_url, landing) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "error: bluesky: getProfiles: HTTP 500: Internal Server Error (InternalServerError) after "
        "6 attempts; nothing written, try again later"
    )
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert [p for p in landing.rglob("*") if p.is_file()] == [kept]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            _failing(
                "app.bsky.actor.getProfile",
                400,
                {"error": "InvalidRequest", "message": "Profile not found"},
            ),
            "getProfile: Profile not found (InvalidRequest)",
        ),
        (
            _failing(
                "app.bsky.actor.getProfile",
                400,
                {"error": "AccountDeactivated", "message": "Account is deactivated"},
            ),
            "getProfile: Account is deactivated (AccountDeactivated)",
        ),
        (
            _failing(
                "app.bsky.actor.getProfile",
                200,
                "<html><body>Welcome to nginx!</body></html>",
                headers={"content-type": "text/html"},
            ),
            "getProfile: the answer is not the app.bsky response it should be",
        ),
    ],
    ids=["unknown handle", "deactivated", "html page"],
)
def test_an_api_refusal_is_its_message(tmp_path: Path, capsys, answer, message) -> None:
    with recorded_server([answer]) as server:
        assert _import(server.base_url, tmp_path / "landing") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: bluesky: {message}") and err.count("\n") == 1
    assert not (tmp_path / "landing").exists()


def test_bad_options_are_one_error(tmp_path: Path, capsys) -> None:
    landing = tmp_path / "landing"
    inside = str(landing / "state")
    assert _import("http://127.0.0.1:9", landing, "--state-dir", inside) == 2
    assert capsys.readouterr().err == (
        f"error: bluesky: --state-dir {inside} is inside the landing root {landing}\n"
    )
    assert _import("http://127.0.0.1:9", landing, at="yesterday") == 2
    assert "--pulled-at 'yesterday' is not an ISO 8601 time" in capsys.readouterr().err


def test_an_interrupted_paging_resumes_at_its_cursor(tmp_path: Path, capsys, sleeps) -> None:
    landing, state = tmp_path / "landing", tmp_path / "import_state"
    down = _failing("app.bsky.graph.getFollowers", 503, {"error": "Unavailable"}, cursor=CURSORS[1])
    with recorded_server([down, *PULL_1]) as server:
        assert _import(server.base_url, landing) == 2
    assert "getFollowers: HTTP 503" in capsys.readouterr().err
    assert not landing.exists()
    stored = [
        json.loads(line)
        for line in (state / f"bluesky-{ALICE.replace(':', '_')}.jsonl").read_text().splitlines()
    ]
    assert [s.get("cursor") for s in stored[1:]] == CURSORS  # pages 1 and 2 kept

    # five minutes later: the paging goes on at page 3, the snapshot is the list's first moment
    with recorded_server(PULL_1) as server:
        assert _import(server.base_url, landing, at="2026-03-02T09:35:00Z") == 0
    assert [q.get("cursor") for q in _calls(server, "app.bsky.graph.getFollowers")] == [
        [CURSORS[1]]
    ]
    snapshot = _rows(landing, "follower_snapshots")
    assert len(snapshot) == 30 and {r["snapshot_at"] for r in snapshot} == {AT_1}
    assert list(state.iterdir()) == []  # done: the next pull pages anew


def test_the_dagster_asset_imports(tmp_path: Path, sleeps) -> None:
    import dagster as dg

    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.sources import build_source_asset

    asset = build_source_asset("bluesky")
    assert asset.key == dg.AssetKey(["sources", "bluesky"])
    landing = tmp_path / "landing"
    warehouse = WarehouseResource(
        warehouse_path=str(tmp_path / "w.duckdb"), landing_root=str(landing)
    )
    with recorded_server(PULL_1) as server:
        config = {"target": HANDLE, "args": ["--base-url", server.base_url, "--pulled-at", AT_1]}
        result = dg.materialize(
            [asset],
            resources={"warehouse": warehouse},
            run_config={"ops": {"sources__bluesky": {"config": config}}},
        )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.materialization.metadata["files"].value == 5
    assert len(_rows(landing, "follower_snapshots")) == 30


@pytest.mark.slow
def test_two_pulls_show_who_unfollowed(tmp_path: Path, sleeps) -> None:
    """Two pulls three days apart; a follower gone from the second list is an unfollow."""
    import duckdb

    from orchestration.pipeline import run_pipeline
    from orchestration.settings import Settings

    landing = tmp_path / "landing"
    for recording, at in ((PULL_1, AT_1), (PULL_2, "2026-03-05T09:30:00Z")):
        with recorded_server(recording) as server:
            assert _import(server.base_url, landing, at=at) == 0
    settings = Settings(
        landing, tmp_path / "wh" / "w.duckdb", threads=2, memory_limit="2GB", docs=False
    )
    run_pipeline(settings)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        churn = con.execute(
            "select follower_id, unfollowed_at from marts.fct_follow_churn "
            "where followee_id = ? and unfollowed_at is not null",
            [ALICE],
        ).fetchall()
        daily = con.execute(
            "select date, followers, follows_gross, unfollows_gross from marts.fct_followers_daily "
            "where account_id = ? and date in ('2026-03-02', '2026-03-05') order by date",
            [ALICE],
        ).fetchall()
    assert churn == [(GONE, dt.datetime(2026, 3, 5, 9, 30))]
    # 30 on the first day, the baseline (its gross moves unknown: null); 29 stayed, 1 came
    assert daily == [(dt.date(2026, 3, 2), 30, None, None), (dt.date(2026, 3, 5), 30, 1, 1)]
