"""`truefans import x-archive <archive.zip|dir>`: an X/Twitter archive as landing files.

What the archive has and where it goes (docs/sources.md, "X/Twitter archive"):
- `account.js`: the owner -> `tracked_accounts` and one `accounts` observation (handle, display
  name, created_at; bio, location, website and avatar from `profile.js`; verified from
  `verified.js`; followers/following counts = the lengths of the complete lists).
- `follower.js`: follower ids only -> one `follower_snapshots` list at the archive's generation
  time (`manifest.js` archiveInfo.generationDate, else the newest data file's time). No profiles
  of followers exist in an archive: no `accounts` rows for them (unknown, not invented).
- `tweets.js` (`tweet.js` in older archives): the owner's posts; like and retweet counts are
  totals without actors, so they stay extra columns (`favorite_count`, `retweet_count`) and
  there are no `interactions`.
- `following.js`: only its length (`following_count`): a list of whom the owner follows is not
  any account's complete follower list, and it has no follow times for `follows` events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html

from orchestration.sources.base import Source, SourceError, no_arguments
from orchestration.sources.landing import LandingBatch
from orchestration.sources.x_archive_files import (
    ArchiveFiles,
    check_listed_parts,
    open_archive,
    read_items,
    read_manifest,
)

PLATFORM = "twitter"
TWEET_TIME = "%a %b %d %H:%M:%S %z %Y"  # Sat Feb 18 19:45:15 +0000 2023
DEFAULT_AVATAR = "default_profile"  # abs.twimg.com/sticky/default_profile_images/...


def _iso_time(value: object, what: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(f"{what}: not a timestamp: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _tweet_time(value: object, tweet_id: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(str(value), TWEET_TIME)
    except ValueError:
        try:  # a few archives write ISO times
            return _iso_time(value, f"tweet {tweet_id} created_at")
        except SourceError:
            raise SourceError(f"tweet {tweet_id}: unreadable created_at {value!r}") from None


def _count(value: object) -> int | None:
    """Archive counts are strings ("12"); an absent or odd one is unknown."""
    try:
        return int(str(value))
    except ValueError:
        return None


def generated_at(files: ArchiveFiles, manifest: dict[str, object] | None) -> dt.datetime:
    """When the archive was made: the manifest's generationDate, else the newest data file's
    modification time (what the zip or the folder records)."""
    info = manifest.get("archiveInfo") if manifest else None
    if isinstance(info, dict) and info.get("generationDate"):
        return _iso_time(info["generationDate"], "manifest.js generationDate")
    return max(files.times.values())


KNOWN_FILES = ("account", "follower", "following", "tweets", "tweet", "profile", "manifest")


def owner(files: ArchiveFiles) -> dict[str, object]:
    if "account.js" not in files.paths:
        if not any(files.parts(name) for name in KNOWN_FILES):
            raise SourceError(f"{files.origin.name}: not an X archive (no data/account.js)")
        raise SourceError(f"{files.origin.name}: the archive has no account.js (incomplete?)")
    accounts = read_items(files, "account")
    if not accounts or not accounts[0].get("accountId"):
        raise SourceError(f"{files.paths['account.js']}: no accountId")
    return accounts[0]


def _ids(files: ArchiveFiles, name: str) -> list[str]:
    items = read_items(files, name)
    bad = [item for item in items if not item.get("accountId")]
    if bad:
        raise SourceError(f"{files.paths[name + '.js']}: an entry without accountId: {bad[0]}")
    return sorted({str(item["accountId"]) for item in items})


def _profile_columns(files: ArchiveFiles) -> dict[str, object]:
    columns: dict[str, object] = {}
    if "profile.js" in files.paths:
        profiles = read_items(files, "profile")
        profile = profiles[0] if profiles else {}
        description = profile.get("description")
        if isinstance(description, dict):
            columns["bio"] = description.get("bio")  # "" is a known empty bio
            columns["location"] = description.get("location") or None
            columns["url"] = description.get("website") or None
        avatar = profile.get("avatarMediaUrl")
        if avatar:
            columns["has_default_avatar"] = DEFAULT_AVATAR in str(avatar)
    if "verified.js" in files.paths:
        verified = read_items(files, "verified")
        if verified and isinstance(verified[0].get("verified"), bool):
            columns["verified"] = verified[0]["verified"]
    return columns


def _posts(files: ArchiveFiles, account_id: str) -> list[dict[str, object]]:
    name = "tweets" if files.parts("tweets") else "tweet"
    rows: dict[str, dict[str, object]] = {}
    for tweet in read_items(files, name):
        tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
        if not tweet_id:
            raise SourceError(f"{name}.js: a tweet without id_str: {str(tweet)[:200]}")
        text = html.unescape(str(tweet.get("full_text") or tweet.get("text") or ""))
        reply_to = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
        kind = "repost" if text.startswith("RT @") else "reply" if reply_to else "post"
        rows[tweet_id] = {
            "platform": PLATFORM,
            "post_id": tweet_id,
            "account_id": account_id,
            "created_at": _tweet_time(tweet.get("created_at"), tweet_id),
            "kind": kind,
            "text": text,
            # totals without actors: kept in raw, never turned into interactions
            "favorite_count": _count(tweet.get("favorite_count")),
            "retweet_count": _count(tweet.get("retweet_count")),
            "in_reply_to_post_id": str(reply_to) if reply_to else None,
            "lang": tweet.get("lang"),
        }
    return list(rows.values())


def fetch(target: str, args: argparse.Namespace) -> list[LandingBatch]:
    files = open_archive(target)
    try:
        account = owner(files)
        manifest = read_manifest(files)
        if "follower.js" not in files.paths:
            raise SourceError("the archive has no follower.js (incomplete?)")
        if manifest is not None:
            for data_type in ("follower", "following", "tweets", "tweet"):
                check_listed_parts(files, manifest, data_type)
        at = generated_at(files, manifest)
        account_id = str(account["accountId"])
        handle = str(account.get("username") or account_id)
        followers = _ids(files, "follower")
        following = _ids(files, "following") if "following.js" in files.paths else None
        profile = _profile_columns(files)
        posts = _posts(files, account_id) if files.parts("tweets") or files.parts("tweet") else []
    finally:
        files.close()

    batch = LandingBatch("x-archive", handle, at.date(), part=at.strftime("%H%M%S"))
    batch.add(
        "tracked_accounts",
        [
            {
                "platform": PLATFORM,
                "account_id": account_id,
                "name": account.get("accountDisplayName") or handle,
            }
        ],
    )
    created = account.get("createdAt")
    batch.add(
        "accounts",
        [
            {
                "platform": PLATFORM,
                "account_id": account_id,
                "observed_at": at,
                "handle": handle,
                "display_name": account.get("accountDisplayName"),
                "created_at": _iso_time(created, "account.js createdAt") if created else None,
                # the archive's follower list is complete, so its length is the count then
                "followers_count": len(followers),
                "following_count": len(following) if following is not None else None,
                **profile,
            }
        ],
    )
    batch.add(
        "follower_snapshots",
        [
            {"platform": PLATFORM, "followee_id": account_id, "follower_id": f, "snapshot_at": at}
            for f in followers
        ],
    )
    if posts:
        batch.add("posts", posts)
    return [batch]


SOURCE = Source(
    name="x-archive",
    platform=PLATFORM,
    help="an X/Twitter archive (Settings > Download an archive of your data): the account, its "
    "follower ids as a snapshot, its tweets",
    target_help="the archive's .zip file or its unpacked folder",
    add_arguments=no_arguments,
    fetch=fetch,
)
