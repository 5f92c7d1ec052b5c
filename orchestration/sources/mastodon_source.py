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
from typing import Any

from orchestration.cli.arguments import utc_time
from orchestration.sources.base import Source, SourceError
from orchestration.sources.landing import LandingBatch
from orchestration.sources.mastodon_api import RETRIES, Client, Hidden, NotFound
from orchestration.sources.mastodon_rows import (
    PLATFORM,
    account_row,
    count,
    post_row,
    qualified,
    utc,
)

FOLLOWERS_PAGE = 80  # the API's maximum
STATUSES_PAGE = 40  # the API's maximum
TARGET = re.compile(
    r"^@?(?P<user>[A-Za-z0-9_][A-Za-z0-9_.-]*)@(?P<server>[A-Za-z0-9.-]+\.[A-Za-z]+)$"
)

# replaced by tests to record the retries' waits instead of sleeping
sleep: Callable[[float], None] = time.sleep


def note(text: str) -> None:
    print(f"note: {PLATFORM}: {text}", file=sys.stderr)


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of days >= 1: {text!r}")
    return int(text)


def _retries(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a number of retries >= 0: {text!r}")
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
        type=utc_time,
        help="the moment of the pull (ISO 8601, UTC): snapshot time, observed_at and dump date "
        "(default now; set it to repeat a pull exactly)",
    )
    parser.add_argument(
        "--retries",
        type=_retries,
        default=RETRIES,
        help=f"retries on HTTP 429/5xx and network errors, with backoff (default {RETRIES})",
    )


def parse_target(target: str) -> tuple[str, str]:
    found = TARGET.match(target.strip())
    if not found:
        raise SourceError(
            f"{target!r} is not an account: give user@server, e.g. Gargron@mastodon.social"
        )
    return found["user"], found["server"].lower()


def _followers(client: Client, account: Any, what: str) -> tuple[list[Any] | None, str]:
    """The complete follower list, or None and why (the account hides it)."""
    if account.get("followers_count") == -1:
        return None, "followers_count -1"
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
        return None, f"the server {exc}"
    if not followers and (count(account.get("followers_count")) or 0) > 0:
        return None, f"an empty list for {account.followers_count} followers"
    return followers, ""


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
    followers, why = _followers(client, account, what)
    statuses = _statuses(client, account, pulled - dt.timedelta(days=args.days), what)
    if statuses is None and followers is None and account.get("locked"):
        raise SourceError(
            f"{what} is a private (locked) account: its followers and posts are shown only to "
            "the followers it approved, so there is nothing to import"
        )

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
    # notes only once every request has succeeded: a failed pull prints its one error line
    if followers is None:
        note(f"{what} hides its followers ({why}): no follower snapshot, followers unknown")
    if statuses is None:
        note(f"{what} hides its posts: no posts or interactions imported")
    return [batch]


SOURCE = Source(
    name="mastodon",
    platform=PLATFORM,
    help="pull a public Mastodon account (followers, profiles, recent posts, favourites, boosts)",
    target_help="an account as user@server, e.g. Gargron@mastodon.social",
    add_arguments=add_arguments,
    fetch=fetch,
)
