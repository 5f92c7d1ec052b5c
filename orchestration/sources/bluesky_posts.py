"""The posts of a Bluesky account in a bounded window (`getAuthorFeed`: the last `--days`, at most
`--max-posts`) and the interactions on them: likes (`getLikes`: actor and the like's
`createdAt`), reposts (`getRepostedBy`: the actors only, the API gives no repost time) and direct
replies (`getPostThread`, depth 1). Calls are made only for posts whose counts say there is
something to fetch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from orchestration.sources.bluesky_api import BlueskyApi
from orchestration.sources.bluesky_followers import compact_profile

PLATFORM = "bluesky"
QUOTE_EMBEDS = ("app.bsky.embed.record#view", "app.bsky.embed.recordWithMedia#view")


def _utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _record_field(record: Any, snake: str, camel: str) -> Any:
    """A field of a post record: a typed model, or a plain dict for a type the SDK lacks."""
    if isinstance(record, dict):
        return record.get(camel)
    return getattr(record, snake, None)


def _kind(post: Any) -> str:
    if _record_field(post.record, "reply", "reply"):
        return "reply"
    embed_type = getattr(post.embed, "py_type", None) if post.embed is not None else None
    return "quote" if embed_type in QUOTE_EMBEDS else "post"


def _own_posts(
    api: BlueskyApi, did: str, pulled_at: dt.datetime, days: int, max_posts: int
) -> list[tuple[Any, dt.datetime]]:
    """The account's own posts (reposts of others left out) created in the window."""
    since = pulled_at - dt.timedelta(days=days)
    found: dict[str, tuple[Any, dt.datetime]] = {}
    for page in api.author_feed(did):
        for item in page.feed:
            post = item.post
            created = _utc(_record_field(post.record, "created_at", "createdAt"))
            if item.reason is not None or post.author.did != did or created is None:
                continue  # a repost by the account (someone else's post) or a pin
            if since <= created <= pulled_at and len(found) < max_posts:
                found.setdefault(post.uri, (post, created))
        oldest = _utc(page.feed[-1].post.indexed_at) if page.feed else None
        if len(found) >= max_posts or (oldest is not None and oldest < since):
            break  # the feed is newest first: the rest is outside the window
    return list(found.values())


def fetch_posts(
    api: BlueskyApi, did: str, pulled_at: dt.datetime, days: int, max_posts: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Rows for `posts` and `interactions`, and the engagers' profiles (did -> compact view)."""
    posts: list[dict[str, Any]] = []
    interactions: list[dict[str, Any]] = []
    engagers: dict[str, dict[str, Any]] = {}
    for post, created in _own_posts(api, did, pulled_at, days, max_posts):
        uri = post.uri
        posts.append(
            {
                "platform": PLATFORM,
                "post_id": uri,
                "account_id": did,
                "created_at": created,
                "kind": _kind(post),
                "text": _record_field(post.record, "text", "text"),
                # not contract columns: kept in raw, for whoever compares with the app
                "cid": post.cid,
                "like_count": post.like_count,
                "repost_count": post.repost_count,
                "reply_count": post.reply_count,
                "quote_count": post.quote_count,
            }
        )
        base = {"platform": PLATFORM, "post_id": uri}
        if post.like_count:
            for like in api.likes(uri):
                engagers.setdefault(like.actor.did, compact_profile(like.actor))
                interactions.append(
                    base
                    | {
                        "interaction_id": f"{uri}#like:{like.actor.did}",
                        "actor_id": like.actor.did,
                        "kind": "like",
                        "created_at": _utc(like.created_at) or _utc(like.indexed_at),
                    }
                )
        if post.repost_count:
            for actor in api.reposted_by(uri):
                engagers.setdefault(actor.did, compact_profile(actor))
                interactions.append(
                    base
                    | {
                        "interaction_id": f"{uri}#repost:{actor.did}",
                        "actor_id": actor.did,
                        "kind": "repost",
                        # no repost time in the API: the post's own time (a lower bound)
                        "created_at": created,
                        "created_at_is_post_time": True,
                    }
                )
        if post.reply_count:
            replies = getattr(api.post_thread(uri).thread, "replies", None) or []
            for reply in replies:
                view = getattr(reply, "post", None)  # notFoundPost / blockedPost have none
                at = _utc(_record_field(view.record, "created_at", "createdAt")) if view else None
                if view is None or at is None:
                    continue
                engagers.setdefault(view.author.did, compact_profile(view.author))
                interactions.append(
                    base
                    | {
                        "interaction_id": view.uri,
                        "actor_id": view.author.did,
                        "kind": "reply",
                        "created_at": at,
                        "text": _record_field(view.record, "text", "text"),
                    }
                )
    return posts, interactions, engagers
