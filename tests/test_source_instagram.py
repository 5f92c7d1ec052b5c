"""`truefans import instagram`: every export variant (JSON 2023+, the older layout, HTML, a zip
or a folder), the text and href quirks, re-imports, date-range exports and each bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from instagram_helpers import FIXTURES, copy_fixture, read_rows, tree, zip_export

from orchestration.cli.main import main
from orchestration.sources.instagram.parse import repair

MARCH_9 = (2026, 3, 9, 8, 0, 0)
ZIP_NAME = "instagram-cafe.zurich-2026-03-09-Ab12Cd34.zip"
FANS = ["anna.k", "ben_photo", "clara.zh", "dario_77", "eve.runs"]


def _import(target: Path, landing: Path, *extra: str) -> int:
    return main(["import", "instagram", str(target), "--landing", str(landing), *extra])


@pytest.fixture
def export_zip(tmp_path: Path) -> Path:
    return zip_export(FIXTURES / "json", tmp_path / ZIP_NAME, MARCH_9)


def test_json_export_zip_becomes_a_snapshot_posts_and_the_owner(
    export_zip: Path, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    assert _import(export_zip, landing) == 0
    snapshot = read_rows(landing, "follower_snapshots")
    # the zip entries' time is the export's time; followers_1 and _2 are one list, and Threads'
    # own followers.json (your_instagram_activity/threads/) is not part of it
    assert sorted(r["follower_id"] for r in snapshot) == FANS
    assert {r["snapshot_at"] for r in snapshot} == {"2026-03-09T08:00:00Z"}
    assert {r["followee_id"] for r in snapshot} == {"cafe.zurich"}
    # the 2025 form: no `value`, the user only in the /_u/ href; the follow time kept in raw
    clara = next(r for r in snapshot if r["follower_id"] == "clara.zh")
    assert clara["followed_at"] == "2026-02-20T07:15:00Z"
    assert [p.parent.name for p in landing.glob("follower_snapshots/*/*")] == ["2026-03-09"]
    # the owner's own follows (following.json, 2025 form) and unfollows of others
    follows = sorted(
        (r["follower_id"], r["followee_id"], r["action"]) for r in read_rows(landing, "follows")
    )
    assert follows == [
        ("cafe.zurich", "anna.k", "follow"),
        ("cafe.zurich", "old.friend", "unfollow"),
        ("cafe.zurich", "roastery.bern", "follow"),
    ]
    posts = read_rows(landing, "posts")
    assert [p["text"] for p in posts] == ["Sommer in Zürich 🌞 #café", "Neue Bohnen, two photos"]
    assert {p["account_id"] for p in posts} == {"cafe.zurich"}
    (owner,) = read_rows(landing, "accounts")
    assert owner["display_name"] == "Café Zürich" and owner["bio"] == "Kaffee ☕ seit 2019"
    assert (owner["followers_count"], owner["following_count"]) == (5, 2)
    assert read_rows(landing, "tracked_accounts") == [
        {"account_id": "cafe.zurich", "name": "Café Zürich", "platform": "instagram"}
    ]
    # likes and comments in an export are the owner's, on others' posts: not imported
    assert not (landing / "interactions").exists()


def test_no_follow_events_towards_tracked_accounts(export_zip: Path, tmp_path: Path) -> None:
    """A follow event of the owner towards a tracked account would make the marts read that
    account's followers from events alone; its own follower lists already hold the owner."""
    landing = tmp_path / "landing"
    tracked = landing / "tracked_accounts" / "2026-03-01" / "t.csv"
    tracked.parent.mkdir(parents=True)
    tracked.write_text("platform,account_id,name\ninstagram,roastery.bern,Roastery\n")
    assert _import(export_zip, landing) == 0
    followees = {r["followee_id"] for r in read_rows(landing, "follows")}
    assert followees == {"anna.k", "old.friend"}


def test_double_encoded_text_is_repaired_only_where_it_round_trips() -> None:
    assert repair("Caf\u00c3\u00a9") == "Café"
    assert repair("\u00f0\u009f\u008c\u009e") == "🌞"
    assert repair("Café") == "Café"  # real Latin-1 text is not UTF-8 bytes: left alone
    assert repair("Zürich ☕") == "Zürich ☕"  # already right
    assert repair("plain") == "plain"


def test_older_layout_folders_at_the_top_and_wrapped_followers(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    assert _import(FIXTURES / "json_old", landing) == 0
    snapshot = read_rows(landing, "follower_snapshots")
    assert sorted(r["follower_id"] for r in snapshot) == ["anna.k", "ben_photo"]
    # a folder without the export's name: the newest time inside is the export's time
    assert {r["snapshot_at"] for r in snapshot} == {"2026-02-11T08:53:20Z"}
    assert read_rows(landing, "posts")[0]["text"] == "Sommer in Zürich"
    assert read_rows(landing, "accounts")[0]["display_name"] == "Café Zürich"


def test_html_export(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    assert _import(FIXTURES / "html", landing) == 0
    snapshot = read_rows(landing, "follower_snapshots")
    assert [(r["follower_id"], r["followed_at"]) for r in snapshot] == [
        ("anna.k", "2026-01-05T09:30:00Z"),
        ("ben_photo", "2026-02-10T18:00:00Z"),  # a /_u/ link
        ("clara.zh", "2026-02-20T07:15:00Z"),  # the older "Feb 20, 2026, 7:15 AM"
    ]
    # the owner from personal_information.html; a folder: the newest time inside
    assert {r["followee_id"] for r in snapshot} == {"cafe.zurich"}
    assert {r["snapshot_at"] for r in snapshot} == {"2026-02-20T07:15:00Z"}
    assert read_rows(landing, "follows") == [
        {
            "action": "follow",
            "event_at": "2025-11-02T10:00:00Z",
            "followee_id": "roastery.bern",
            "follower_id": "cafe.zurich",
            "platform": "instagram",
        }
    ]
    (owner,) = read_rows(landing, "accounts")
    assert (owner["display_name"], owner["bio"]) == ("Café Zürich", "Kaffee ☕ seit 2019")


def test_the_owner_and_day_from_the_exports_name(tmp_path: Path, capsys) -> None:
    """Without personal information: Meta's folder name instagram-<user>-<day>-..., also inside
    the meta-<date>/ folder of an Accounts Center download; else --account."""
    export = copy_fixture(
        "html", tmp_path / "meta-2026-Mar-09" / "instagram-cafe.zurich-2026-03-09-Hh12Jj34"
    )
    (export / "personal_information/personal_information/personal_information.html").unlink()
    landing = tmp_path / "landing"
    assert _import(tmp_path / "meta-2026-Mar-09", landing) == 0
    snapshot = read_rows(landing, "follower_snapshots")
    assert {r["followee_id"] for r in snapshot} == {"cafe.zurich"}
    assert {r["snapshot_at"] for r in snapshot} == {"2026-03-09T00:00:00Z"}  # the name's day
    nameless = export.rename(tmp_path / "nameless")
    assert _import(nameless, tmp_path / "l2") == 2
    assert "pass --account" in capsys.readouterr().err
    assert _import(nameless, tmp_path / "l2", "--account", "@Cafe.Zurich") == 0
    assert {r["followee_id"] for r in read_rows(tmp_path / "l2", "follower_snapshots")} == {
        "cafe.zurich"
    }


def test_reimporting_the_same_export_changes_nothing(
    export_zip: Path, tmp_path: Path, capsys
) -> None:
    landing = tmp_path / "landing"
    assert _import(export_zip, landing) == 0
    before = tree(landing)
    capsys.readouterr()
    assert _import(export_zip, landing) == 0
    assert tree(landing) == before
    assert "(0 new or changed)" in capsys.readouterr().out


def test_a_date_range_export_gives_follow_events_not_a_snapshot(
    export_zip: Path, tmp_path: Path, capsys
) -> None:
    landing = tmp_path / "landing"
    assert _import(export_zip, landing, "--date-range-export") == 0
    assert not (landing / "follower_snapshots").exists()
    fans = sorted(
        (r["follower_id"], r["event_at"])
        for r in read_rows(landing, "follows")
        if r["followee_id"] == "cafe.zurich"
    )
    assert fans[0] == ("anna.k", "2026-01-05T09:30:00Z") and len(fans) == 5
    assert "followers_count" not in read_rows(landing, "accounts")[0]  # not a complete count
    assert "warning" not in capsys.readouterr().err


def test_a_date_range_export_over_snapshots_warns(export_zip: Path, tmp_path: Path, capsys) -> None:
    landing = tmp_path / "landing"
    assert _import(export_zip, landing) == 0
    capsys.readouterr()
    assert _import(export_zip, landing, "--date-range-export") == 0
    assert "already has follower snapshots" in capsys.readouterr().err


def _foreign_zip(tmp: Path) -> Path:
    with zipfile.ZipFile(tmp / "holiday.zip", "w") as z:
        z.writestr("photos/beach.jpg", b"\xff\xd8\xff")
        z.writestr("notes.txt", "not an export")
    return tmp / "holiday.zip"


def _corrupt_zip(tmp: Path) -> Path:
    good = zip_export(FIXTURES / "json", tmp / "good.zip", MARCH_9).read_bytes()
    (tmp / "broken.zip").write_bytes(good[: len(good) // 2])
    return tmp / "broken.zip"


def _damaged_entry(tmp: Path) -> Path:
    stored = zip_export(FIXTURES / "json", tmp / ZIP_NAME, MARCH_9, zipfile.ZIP_STORED)
    stored.write_bytes(stored.read_bytes().replace(b"anna.k", b"anna.X", 1))  # CRC now wrong
    return stored


def _html_as_json(tmp: Path) -> Path:
    export = copy_fixture("json", tmp / "x")
    html = (FIXTURES / "html/connections/followers_and_following/followers_1.html").read_text()
    (export / "connections/followers_and_following/followers_1.json").write_text(html)
    return export


def _truncated_json(tmp: Path) -> Path:
    export = copy_fixture("json", tmp / "x")
    path = export / "connections/followers_and_following/followers_2.json"
    path.write_text(path.read_text()[:150])
    return export


def _second_part_only(tmp: Path) -> Path:
    export = copy_fixture("json", tmp / "x")
    (export / "connections/followers_and_following/followers_1.json").unlink()
    return zip_export(export, tmp / ZIP_NAME, MARCH_9)


def _two_exports_in_one_folder(tmp: Path) -> Path:
    copy_fixture("json", tmp / "both" / "week1")
    copy_fixture("json", tmp / "both" / "week2")
    return tmp / "both"


BAD = {
    "a zip without Instagram files": (_foreign_zip, "no Instagram export files in it"),
    "a corrupt zip": (_corrupt_zip, "damaged zip file"),
    "a zip with a damaged entry": (_damaged_entry, "damaged zip entry"),
    "one part of an export in several zips": (_second_part_only, "followers_1.json is missing"),
    "two exports in one folder": (_two_exports_in_one_folder, "is in it more than once"),
    "HTML where JSON is expected": (_html_as_json, "holds HTML, not JSON"),
    "truncated JSON": (_truncated_json, "is not valid JSON (truncated or damaged?)"),
    "a directory that does not exist": (lambda tmp: tmp / "nowhere", "no such file or directory"),
    "another account's export": (
        lambda tmp: zip_export(FIXTURES / "json", tmp / ZIP_NAME, MARCH_9),
        "is the export of 'cafe.zurich', not 'someone.else'",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_input_is_one_error_line_and_writes_nothing(
    case: str, tmp_path: Path, capsys
) -> None:
    landing = tmp_path / "landing"
    assert _import(FIXTURES / "json_old", landing) == 0  # imported before: must stay
    before = tree(landing)
    capsys.readouterr()
    make, message = BAD[case]
    extra = ["--account", "someone.else"] if "account" in case else []
    assert _import(make(tmp_path), landing, *extra) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: instagram: "), captured.err
    assert message in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert tree(landing) == before
