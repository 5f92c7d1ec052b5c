"""`truefans import mastodon <user@server>`: one pull of a public Mastodon account.

Account ids are fully qualified accts (`user@server`, lower case): a server's numeric ids are
its own (every server numbers the remote accounts it knows in its own way), while a follower's
acct is the same whichever server is asked. Post ids are `<status id>@<server>` for the same
reason. Mapping, what is missing and how the marts show it: docs/sources.md, "Mastodon".
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import re
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from orchestration.sources.base import Source, SourceError
from orchestration.sources.landing import LandingBatch
from orchestration.sources.mastodon_api import RETRIES, Client, Hidden, NotFound

PLATFORM = "mastodon"
FOLLOWERS_PAGE = 80  # the API's maximum
STATUSES_PAGE = 40  # the API's maximum
TARGET = re.compile(
    r"^@?(?P<user>[A-Za-z0-9_][A-Za-z0-9_.-]*)@(?P<server>[A-Za-z0-9.-]+\.[A-Za-z]+)$"
)

# replaced by tests to record the retries' waits instead of sleeping
sleep: Callable[[float], None] = time.sleep


def note(text: str) -> None:
    print(f"note: {PLATFORM}: {text}", file=sys.stderr)


def _moment(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of days >= 1: {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        help="the server's API root (default https://<server> of the target; tests point it "
        "at a local recorded server)",
    )
    parser.add_argument(
        "--days",
        type=_days,
        default=30,
        help="posts of the last N days, with their favourites and boosts (default 30)",
    )
    parser.add_argument(
        "--pulled-at",
        type=_moment,
        help="the moment of the pull (ISO 8601, UTC): snapshot time, observed_at and dump date "
        "(default now; set it to repeat a pull exactly)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=RETRIES,
        help=f"retries on HTTP 429/5xx and network errors, with backoff (default {RETRIES})",
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str | None) -> str | None:
    """Mastodon's HTML (`note`, `content`) as text: paragraphs and line breaks kept."""
    if html is None:
        return None
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


def utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None  # Mastodon.py parses times in local time: make them UTC again
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def count(value: Any) -> int | None:
    """A count, or unknown: -1 is Mastodon's "hidden by the account", never zero."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def qualified(acct: str, server: str) -> str:
    """`user` (an account of the server asked) or `user@other.server`, as `user@server`."""
    return acct if "@" in acct else f"{acct}@{server}"


def account_row(account: Any, server: str, observed_at: dt.datetime) -> dict[str, object]:
    handle = qualified(str(account.acct), server)
    avatar = account.get("avatar")
    last = account.get("last_status_at")
    return {
        "platform": PLATFORM,
        "account_id": handle.lower(),
        "observed_at": observed_at,
        "handle": handle,
        "display_name": account.get("display_name"),
        "bio": plain_text(account.get("note")),
        "created_at": utc(account.get("created_at")),  # the server rounds it to the day
        "followers_count": count(account.get("followers_count")),
        "following_count": count(account.get("following_count")),
        "posts_count": count(account.get("statuses_count")),
        "has_default_avatar": (
            str(avatar).split("?")[0].endswith("missing.png") if avatar else None
        ),
        "url": account.get("url"),
        # extra columns, kept in the raw layer
        "bot": account.get("bot"),
        "locked": account.get("locked"),
        "discoverable": account.get("discoverable"),
        "server_id": str(account.id),
        "last_status_day": last.date() if isinstance(last, dt.datetime) else None,
    }


def parse_target(target: str) -> tuple[str, str]:
    found = TARGET.match(target.strip())
    if not found:
        raise SourceError(
            f"{target!r} is not an account: give user@server, e.g. Gargron@mastodon.social"
        )
    return found["user"], found["server"].lower()


def _followers(client: Client, account: Any, what: str) -> list[Any] | None:
    """The complete follower list, or None when the account hides it (with a note)."""
    hidden = f"{what} hides its followers"
    if account.get("followers_count") == -1:
        note(f"{hidden} (followers_count -1): no follower snapshot, followers unknown")
        return None
    try:
        followers = [
            f
            for page in client.pages(
                f"the followers of {what}",
                lambda: client.api.account_followers(account.id, limit=FOLLOWERS_PAGE),
            )
            for f in page
        ]
    except Hidden as exc:
        note(f"{hidden} (the server {exc}): no follower snapshot, followers unknown")
        return None
    if not followers and (count(account.get("followers_count")) or 0) > 0:
        note(
            f"{hidden} (an empty list for {account.followers_count} followers): "
            "no follower snapshot, followers unknown"
        )
        return None
    return followers


def _statuses(client: Client, account: Any, since: dt.datetime, what: str) -> list[Any] | None:
    """The account's own statuses since `since` (newest first), None when hidden."""
    found: list[Any] = []
    visible = 0
    try:
        pages = client.pages(
            f"the posts of {what}",
            lambda: client.api.account_statuses(
                account.id, exclude_reblogs=True, limit=STATUSES_PAGE
            ),
        )
        for page in pages:
            visible += len(page)
            found += [s for s in page if (utc(s.created_at) or since) >= since]
            if any((utc(s.created_at) or since) < since for s in page):
                break  # newest first: the rest is older
    except Hidden:
        return None
    if not visible and (count(account.get("statuses_count")) or 0) > 0:
        return None  # it has posts, none shown to an anonymous caller: followers-only
    return found


def _interactions(
    client: Client, status: Any, post_id: str, server: str, what: str
) -> tuple[list[dict[str, object]], list[Any]]:
    """Favourites (like) and boosts (repost) of one post, and the accounts that gave them."""
    rows: list[dict[str, object]] = []
    actors: list[Any] = []
    asks = (
        ("like", "favourites_count", client.api.status_favourited_by, "favourites"),
        ("repost", "reblogs_count", client.api.status_reblogged_by, "boosts"),
    )
    for kind, counter, request, label in asks:
        if not count(status.get(counter)):
            continue  # nothing to ask for
        try:
            pages = list(
                client.pages(
                    f"the {label} of post {status.id} of {what}",
                    functools.partial(request, status.id),
                )
            )
        except Hidden:
            continue
        for actor in (a for page in pages for a in page):
            actor_id = qualified(str(actor.acct), server).lower()
            actors.append(actor)
            rows.append(
                {
                    "platform": PLATFORM,
                    "post_id": post_id,
                    "actor_id": actor_id,
                    "kind": kind,
                    # the API gives no time per favourite or boost: the post's time, the same
                    # on every pull (docs/sources.md)
                    "created_at": utc(status.created_at),
                    "interaction_id": f"{post_id}/{kind}/{actor_id}",
                }
            )
    return rows, actors


def post_row(status: Any, post_id: str, author: str) -> dict[str, object]:
    return {
        "platform": PLATFORM,
        "post_id": post_id,
        "account_id": author,
        "created_at": utc(status.created_at),
        "kind": "reply" if status.get("in_reply_to_id") else "post",
        "text": plain_text(status.get("content")),
        # extra columns
        "url": status.get("url"),
        "visibility": status.get("visibility"),
        "language": status.get("language"),
        "favourites_count": count(status.get("favourites_count")),
        "reblogs_count": count(status.get("reblogs_count")),
        "replies_count": count(status.get("replies_count")),
    }


def fetch(target: str, args: argparse.Namespace) -> list[LandingBatch]:
    user, server = parse_target(target)
    pulled = args.pulled_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    client = Client(args.base_url or f"https://{server}", sleep=sleep, retries=args.retries)
    what = f"{user}@{server}"
    try:
        account = client.call(f"the account {what}", client.api.account_lookup, user)
    except NotFound as exc:
        raise SourceError(f"no account {what} on {client.base_url} ({exc})") from None
    except Hidden as exc:
        raise SourceError(f"{client.base_url} refuses to show {what} ({exc})") from None
    me = account_row(account, server, pulled)
    key = str(me["account_id"])
    followers = _followers(client, account, what)
    statuses = _statuses(client, account, pulled - dt.timedelta(days=args.days), what)
    if statuses is None and followers is None and account.get("locked"):
        raise SourceError(
            f"{what} is a private (locked) account: its followers and posts are shown only to "
            "the followers it approved, so there is nothing to import"
        )
    if statuses is None:
        note(f"{what} hides its posts: no posts or interactions imported")

    batch = LandingBatch(PLATFORM, key, pulled.date(), part=pulled.strftime("%H%M%S"))
    batch.add("tracked_accounts", [{"platform": PLATFORM, "account_id": key, "name": me["handle"]}])
    profiles = {key: me}
    if followers is not None and followers:
        rows = [account_row(f, server, pulled) for f in followers]
        profiles.update({str(r["account_id"]): r for r in rows})
        batch.add(
            "follower_snapshots",
            [
                {
                    "platform": PLATFORM,
                    "followee_id": key,
                    "follower_id": r["account_id"],
                    "snapshot_at": pulled,
                }
                for r in rows
            ],
        )
    posts, interactions = [], []
    for status in statuses or []:
        post_id = f"{status.id}@{server}"
        posts.append(post_row(status, post_id, key))
        rows, actors = _interactions(client, status, post_id, server, what)
        interactions += rows
        for actor in actors:
            row = account_row(actor, server, pulled)
            profiles.setdefault(str(row["account_id"]), row)
    batch.add("accounts", profiles.values())
    if posts:
        batch.add("posts", posts)
    if interactions:
        batch.add("interactions", interactions)
    return [batch]


SOURCE = Source(
    name="mastodon",
    platform=PLATFORM,
    help="pull a public Mastodon account (followers, profiles, recent posts, favourites, boosts)",
    target_help="an account as user@server, e.g. Gargron@mastodon.social",
    add_arguments=add_arguments,
    fetch=fetch,
)
