"""`truefans import instagram <export.zip|dir>`: an Instagram "Download your information" export
(JSON or HTML) as landing files. What each entity gets and misses: docs/sources.md.

The export's owner is the tracked account; Instagram exports hold usernames, not numeric ids,
so account ids are usernames (lower case). A complete export's follower list is a follower
snapshot at the export's time; an export of a date range is not complete, so its followers
become follow events (at each one's follow time) instead, never a snapshot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path, PurePosixPath

from orchestration.cli.arguments import utc_time
from orchestration.sources.base import Source, SourceError
from orchestration.sources.instagram.files import ExportFiles, open_export
from orchestration.sources.instagram.parse import (
    Post,
    Profile,
    Relation,
    posts_json,
    profile_html,
    profile_json,
    relations_html,
    relations_json,
)
from orchestration.sources.landing import LandingBatch, Row, file_name, tracked_in_force

PLATFORM = "instagram"
FOLLOWERS = r"followers(_\d+)?\.{ext}"
FOLLOWING = r"following(_\d+)?\.{ext}"
UNFOLLOWED = r"recently_unfollowed_(profiles|accounts)\.{ext}"
# own content: (file name, landing kind, the list's key or None for a top-level list)
CONTENT: tuple[tuple[str, str, str | None], ...] = (
    (r"posts_\d+\.json", "post", None),
    (r"reels\.json", "video", "ig_reels_media"),
    (r"stories\.json", "story", "ig_stories"),
)
PROFILE = r"personal_information\.json|profile\.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account",
        help="the export owner's username; needed only when the export does not say it "
        "(no personal_information.json and not named instagram-<user>-<date>-...)",
    )
    parser.add_argument(
        "--date-range-export",
        action="store_true",
        help="the export covers a date range, not all time: its followers become follow "
        "events, not a follower snapshot (Instagram does not mark this in the files)",
    )
    parser.add_argument(
        "--exported-at",
        type=utc_time,
        help="when the export was made (ISO 8601, UTC if no offset); default: the newest of "
        "the zip entries' times, the date in the export's name and the newest time inside",
    )


def _relations(files: ExportFiles, pattern: str) -> list[Relation] | None:
    """The union of every file of one relationship list; JSON wins over HTML; None if absent."""
    if names := files.find(pattern.format(ext="json")):
        _one_whole_list(files, names)
        return [r for n in names for r in relations_json(files.json(n), files.label(n))]
    if names := files.find(pattern.format(ext="html")):
        _one_whole_list(files, names)
        return [r for n in names for r in relations_html(files.text(n), files.label(n))]
    return None


def _one_whole_list(files: ExportFiles, names: list[str]) -> None:
    """A list split into files _1.._N is whole only with every part, and only once: a part
    missing (an export in several zips) or a part twice (two exports in one folder) would make
    a wrong snapshot."""
    base = [PurePosixPath(n).name for n in names]
    if len(set(base)) < len(base):
        twice = sorted({b for b in base if base.count(b) > 1})[0]
        raise SourceError(
            f"{files.source.name}: {twice} is in it more than once (several exports in one "
            "folder?): import each export on its own"
        )
    numbers = sorted(int(m[1]) for b in base if (m := re.search(r"_(\d+)\.\w+$", b)))
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        stem = re.sub(r"_\d+\.(\w+)$", r"_{n}.\1", base[0])
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))[0]
        raise SourceError(
            f"{files.source.name}: {stem.format(n=missing)} is missing (an export in several "
            "zip files?): unpack every part into one folder and import the folder"
        )


def _first_times(relations: list[Relation]) -> dict[str, dt.datetime | None]:
    """One entry per account (a split or repeated list), with its earliest time."""
    out: dict[str, dt.datetime | None] = {}
    for r in relations:
        old = out.get(r.user)
        out[r.user] = min((t for t in (old, r.at) if t is not None), default=None)
    return out


def _profile(files: ExportFiles) -> Profile | None:
    if names := files.find(PROFILE):
        return profile_json(files.json(names[0]), files.label(names[0]))
    if names := files.find(r"personal_information\.html"):
        return profile_html(files.text(names[0]), files.label(names[0]))
    return None


def _owner(files: ExportFiles, profile: Profile | None, asked: str | None) -> str:
    from_name, _ = files.name_hint()
    said = (profile.username if profile else None) or from_name
    wanted = asked.strip().lstrip("@").lower() if asked else None
    if wanted and said and wanted != said:
        raise SourceError(f"{files.source.name} is the export of {said!r}, not {wanted!r}")
    owner = said or wanted
    if owner is None:
        raise SourceError(
            f"{files.source.name}: cannot tell whose export this is (no personal_information "
            "file, not named instagram-<user>-<date>-...): pass --account"
        )
    return owner


def _exported_at(files: ExportFiles, inside: list[dt.datetime]) -> dt.datetime:
    _, day = files.name_hint()
    named = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None
    known = [t for t in (files.written_at, named, max(inside, default=None)) if t is not None]
    if not known:
        raise SourceError(
            f"{files.source.name}: cannot tell when it was exported: pass --exported-at"
        )
    return max(known)


def fetch(target: str, args: argparse.Namespace) -> list[LandingBatch]:
    files = open_export(target)
    try:
        return _batches(files, args)
    finally:
        files.close()


def _batches(files: ExportFiles, args: argparse.Namespace) -> list[LandingBatch]:
    followers = _relations(files, FOLLOWERS)
    following = _relations(files, FOLLOWING)
    unfollowed = _relations(files, UNFOLLOWED)
    posts: list[Post] = []
    for pattern, kind, key in CONTENT:
        for n in files.find(pattern):
            posts += posts_json(files.json(n), kind, key, files.label(n))
    profile = _profile(files)
    if followers is None and following is None and unfollowed is None and not posts:
        raise SourceError(
            f"{files.source.name}: no Instagram export files in it (looked for followers_*.json, "
            "following.json, posts_*.json and their .html forms)"
        )
    owner = _owner(files, profile, args.account)
    relations = [r for rs in (followers, following, unfollowed) if rs for r in rs]
    times = [r.at for r in relations if r.at] + [p.created_at for p in posts]
    at = args.exported_at or _exported_at(files, times)
    batch = LandingBatch("instagram", owner, at.date(), part=at.strftime("%H%M%S"))

    fans = _first_times(followers or [])
    if args.date_range_export:
        undated = sorted(u for u, t in fans.items() if t is None)
        if undated:
            raise SourceError(
                f"{len(undated)} follower(s) without a follow time (e.g. {undated[0]}): a "
                "date-range export needs them to write follow events"
            )
        batch.add("follows", [_event(u, owner, "follow", t) for u, t in fans.items()])
        _warn_if_snapshots(args, batch)
    else:
        batch.add(
            "follower_snapshots",
            [
                {"platform": PLATFORM, "followee_id": owner, "follower_id": u, "snapshot_at": at}
                | ({"followed_at": t} if t else {})  # kept in raw: when they followed
                for u, t in fans.items()
            ],
        )
    # the owner's own follows and unfollows of others (follow-back, not the audience); not of
    # tracked accounts: their follower lists already hold the owner, and one follow event would
    # make the marts read a tracked account's followers from events only (int_follow_events)
    tracked = _tracked_ids(args) | {owner}
    for action, relations in (("follow", following or []), ("unfollow", unfollowed or [])):
        for user, t in _first_times(relations).items():
            if t is not None and user not in tracked:
                batch.add("follows", [_event(owner, user, action, t)])
    batch.add(
        "posts",
        [
            {"platform": PLATFORM, "post_id": p.post_id, "account_id": owner}
            | {"created_at": p.created_at, "kind": p.kind, "text": p.text}
            for p in posts
        ],
    )
    batch.add("accounts", [_owner_row(owner, at, profile, args, followers, following)])
    name = profile.name if profile and profile.name else owner
    batch.add("tracked_accounts", [{"platform": PLATFORM, "account_id": owner, "name": name}])
    batch.rows = {entity: rows for entity, rows in batch.rows.items() if rows}  # no empty files
    return [batch]


def _tracked_ids(args: argparse.Namespace) -> set[str]:
    landing = Path(getattr(args, "landing", "") or ".")
    if not landing.is_dir():
        return set()
    _, rows = tracked_in_force(landing)
    return {str(r["account_id"]) for r in rows if r.get("platform") == PLATFORM}


def _event(follower: str, followee: str, action: str, at: dt.datetime | None) -> Row:
    return {"platform": PLATFORM, "follower_id": follower, "followee_id": followee} | {
        "action": action,
        "event_at": at,
    }


def _owner_row(
    owner: str,
    at: dt.datetime,
    profile: Profile | None,
    args: argparse.Namespace,
    followers: list[Relation] | None,
    following: list[Relation] | None,
) -> Row:
    row: dict[str, object] = {"platform": PLATFORM, "account_id": owner, "observed_at": at}
    row["handle"] = owner
    if profile:
        row |= {"display_name": profile.name, "bio": profile.bio, "url": profile.url}
    if not args.date_range_export:  # a complete list is a count; a date range is not
        if followers is not None:
            row["followers_count"] = len(_first_times(followers))
        if following is not None:
            row["following_count"] = len(_first_times(following))
    return row


def _warn_if_snapshots(args: argparse.Namespace, batch: LandingBatch) -> None:
    """Follow events of an account hide the unfollows its snapshots show (int_follow_events:
    events win), so say so when this landing root already has snapshots of it."""
    prefix = file_name(LandingBatch(batch.source, batch.account, batch.dump_date))[: -len(".jsonl")]
    landing = Path(getattr(args, "landing", "") or ".")
    if any(landing.glob(f"follower_snapshots/*/{prefix}-*.jsonl")):
        print(
            f"warning: instagram: {batch.account} already has follower snapshots in {landing}; "
            "with follow events from a date-range export the marts take its followers from "
            "the events and no longer show the unfollows the snapshots gave (docs/sources.md)",
            file=sys.stderr,
        )


SOURCE = Source(
    name="instagram",
    platform=PLATFORM,
    help="an Instagram 'Download your information' export (JSON or HTML, zip or folder)",
    target_help="the export: the .zip Meta sends, or the folder it unpacks to",
    add_arguments=add_arguments,
    fetch=fetch,
)
