"""Mastodon entities (as Mastodon.py parses them) as landing-contract rows."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

PLATFORM = "mastodon"


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
