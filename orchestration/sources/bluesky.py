"""`truefans import bluesky <handle>`: one pull of a Bluesky account over the public AppView API
(no key): its profile, its complete follower list with every follower's profile, its recent
posts and who liked and reposted them. docs/sources.md says what each landing entity gets.

The pull time (`--pulled-at`, or $TRUEFANS_PULLED_AT, else now) is the dump date, the file-name
part (HHMMSS: two pulls a day add files) and `observed_at`; pulling the same answers at the same
time again writes the same bytes (a no-op).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestration.cli.arguments import utc_time
from orchestration.sources.base import Source, SourceError
from orchestration.sources.landing import LandingBatch, Row

PLATFORM = "bluesky"
LIVE_BASE_URL = "https://public.api.bsky.app"  # the public AppView: no key, no login
# injectable for tests: the retry backoff's sleep (tests replace it, nobody waits)
sleep: Callable[[float], None] = time.sleep


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", default=LIVE_BASE_URL, help=f"AppView to ask (default {LIVE_BASE_URL})"
    )
    parser.add_argument(
        "--days", type=int, default=30, help="posts of the last N days (default 30)"
    )
    parser.add_argument(
        "--max-posts", type=int, default=1000, help="at most N posts, newest first (default 1000)"
    )
    parser.add_argument(
        "--pulled-at",
        default=os.environ.get("TRUEFANS_PULLED_AT"),
        help="the pull's time, ISO 8601 (default $TRUEFANS_PULLED_AT or now): dump date, "
        "snapshot time and observed_at",
    )
    parser.add_argument(
        "--state-dir",
        help="where an unfinished follower paging is kept to resume (default "
        "<landing>/../import_state)",
    )


def _actor(target: str) -> str:
    """A handle (`alice.bsky.social`, `@alice.bsky.social`), a DID or a bsky.app profile URL."""
    actor = re.sub(r"^https?://(www\.)?bsky\.app/profile/", "", target.strip()).strip("/")
    actor = actor.removeprefix("@")
    if not actor or "/" in actor or " " in actor:
        raise SourceError(f"{target!r} is not a handle (alice.bsky.social) or a DID (did:plc:...)")
    return actor


def _pulled_at(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        return utc_time(text)
    except argparse.ArgumentTypeError:
        raise SourceError(f"--pulled-at {text!r} is not an ISO 8601 time") from None


def _state_dir(args: argparse.Namespace) -> Path:
    landing = Path(getattr(args, "landing", "landing")).resolve()
    state = Path(args.state_dir).resolve() if args.state_dir else landing.parent / "import_state"
    if state == landing or landing in state.parents:
        raise SourceError(f"--state-dir {state} is inside the landing root {landing}")
    return state


def _time(text: str | None) -> str | None:
    """An API timestamp as UTC ISO 8601 (the API sends ISO with an offset or `Z`)."""
    if not text:
        return None
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None  # an unparsable client-set time: unknown, not a load error
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def account_row(profile: dict[str, Any], observed_at: dt.datetime, full: Any = None) -> Row:
    """One `accounts` row; counts only from a profileViewDetailed (`full`), else unknown."""
    row: dict[str, Any] = {
        "platform": PLATFORM,
        "account_id": profile["did"],
        "observed_at": observed_at,
        "handle": profile["handle"],
        "display_name": profile["display_name"],
        "bio": profile["description"],
        "created_at": _time(profile["created_at"]),
        "has_default_avatar": not profile["has_avatar"],
    }
    if full is not None:
        row |= {
            "followers_count": full.followers_count,
            "following_count": full.follows_count,
            "posts_count": full.posts_count,
        }
    return row


def fetch(target: str, args: argparse.Namespace) -> list[LandingBatch]:
    from orchestration.sources import bluesky_followers as followers_mod
    from orchestration.sources.bluesky_api import BlueskyApi
    from orchestration.sources.bluesky_posts import fetch_posts

    actor = _actor(target)
    pulled_at = _pulled_at(args.pulled_at)
    state_dir = _state_dir(args)
    if args.days < 1 or args.max_posts < 0:
        raise SourceError("--days must be at least 1 and --max-posts at least 0")
    api = BlueskyApi(args.base_url, sleep=sleep)
    me = api.profile(actor)
    did = me.did
    listed = followers_mod.fetch_followers(api, did, pulled_at, state_dir)
    by_did = {f["did"]: f for f in listed.followers}  # a follower listed twice counts once
    full = {p.did: p for p in api.profiles(sorted(by_did))}
    posts, interactions, engagers = fetch_posts(api, did, pulled_at, args.days, args.max_posts)

    batch = LandingBatch("bluesky", me.handle, pulled_at.date(), part=pulled_at.strftime("%H%M%S"))
    batch.add("tracked_accounts", [{"platform": PLATFORM, "account_id": did, "name": me.handle}])
    batch.add(
        "follower_snapshots",
        [
            {
                "platform": PLATFORM,
                "followee_id": did,
                "follower_id": follower,
                "snapshot_at": listed.started_at,
            }
            for follower in by_did
        ],
    )
    accounts = [account_row(followers_mod.compact_profile(me), pulled_at, me)]
    accounts += [account_row(f, pulled_at, full.get(d)) for d, f in by_did.items() if d != did]
    accounts += [
        account_row(e, pulled_at) for d, e in engagers.items() if d not in by_did and d != did
    ]
    batch.add("accounts", accounts)
    batch.add("posts", posts)
    batch.add("interactions", interactions)
    followers_mod.forget(state_dir, did)  # the list is in the batch: a new pull pages anew
    return [batch]


SOURCE = Source(
    name="bluesky",
    platform=PLATFORM,
    help="pull a Bluesky account over the public AppView API (no key): profile, complete "
    "follower list with profiles, recent posts, likes and reposts",
    target_help="a handle such as alice.bsky.social (or a DID, or a bsky.app profile URL)",
    add_arguments=add_arguments,
    fetch=fetch,
)
