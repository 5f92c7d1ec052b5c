"""What the files of an Instagram export say: relationship lists (JSON or HTML), own posts, the
owner's profile. Pure functions on parsed JSON or HTML text; errors are `SourceError`s."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from orchestration.sources.base import SourceError

USERNAME = re.compile(r"[a-z0-9._]{1,30}")
# a profile link: https://www.instagram.com/<user>, since 2025 also .../_u/<user>
PROFILE_URL = re.compile(r"^/(?:_u/)?(?P<user>[A-Za-z0-9._]{1,30})/?$")
# the HTML variant's dates: "Nov 27, 2025 1:12 am", older "Jan 05, 2024, 10:11 AM"
HTML_DATE = re.compile(
    r"(?P<mon>[A-Za-z]{3})[a-z]* (?P<day>\d{1,2}), (?P<year>\d{4}),? "
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))? ?(?P<ampm>[AaPp][Mm])"
)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def repair(text: str) -> str:
    """Meta writes UTF-8 bytes as if each were a Latin-1 character ("Caf\\u00c3\\u00a9"): undo
    that where it round-trips; any other text (real Latin-1, already right) stays as it is."""
    try:
        fixed = text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed


@dataclass(frozen=True)
class Relation:
    user: str  # the other account's username, lower case
    at: dt.datetime | None  # when the relation began (follow) or ended (unfollow), if given


def _user_from_href(href: object) -> str | None:
    if not isinstance(href, str) or not href:
        return None
    parts = urlsplit(href)
    if parts.netloc and not parts.netloc.endswith("instagram.com"):
        return None
    m = PROFILE_URL.match(parts.path)
    return m["user"].lower() if m else None


def _timestamp(value: object) -> dt.datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def _username(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    user = repair(value).strip().lstrip("@").lower()
    return user if USERNAME.fullmatch(user) else None


def relations_json(data: object, label: str) -> list[Relation]:
    """A relationship file: a list of entries (followers_N.json since 2023) or an object with
    one `relationships_*` list (following.json, recently_unfollowed_*.json, older followers)."""
    entries = data
    if isinstance(data, dict):
        lists = [v for k, v in data.items() if k.startswith("relationships_")]
        entries = lists[0] if len(lists) == 1 else None
    if not isinstance(entries, list):
        raise SourceError(f"{label}: not an Instagram relationship list")
    found: list[Relation] = []
    for i, entry in enumerate(entries, 1):
        items = entry.get("string_list_data") if isinstance(entry, dict) else None
        if not isinstance(items, list):
            raise SourceError(f"{label}: entry {i} has no string_list_data")
        item = items[0] if items and isinstance(items[0], dict) else {}
        # `value` is the username; 2025 exports leave it out of following.json and put the
        # username in `title` and the href (https://www.instagram.com/_u/<user>)
        user = (
            _username(item.get("value"))
            or _user_from_href(item.get("href"))
            or _username(entry.get("title"))
        )
        if user is None:
            raise SourceError(f"{label}: entry {i} names no account (no value, href or title)")
        found.append(Relation(user, _timestamp(item.get("timestamp"))))
    return found


def _html_date(text: str) -> dt.datetime | None:
    m = HTML_DATE.search(text)
    if not m or m["mon"][:3].lower() not in MONTHS:
        return None
    hour = int(m["h"]) % 12 + (12 if m["ampm"].lower() == "pm" else 0)
    try:
        return dt.datetime(
            int(m["year"]),
            MONTHS.index(m["mon"][:3].lower()) + 1,
            int(m["day"]),
            hour,
            int(m["m"]),
            int(m["s"] or 0),
            tzinfo=dt.UTC,  # the HTML shows no zone: read as UTC (docs/sources.md)
        )
    except ValueError:
        return None


class _RelationsHTML(HTMLParser):
    """Profile links in document order, each with the first date text after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Relation] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href and urlsplit(href).netloc and (user := _user_from_href(href)):
            self.found.append(Relation(user, None))

    def handle_data(self, data: str) -> None:
        if self.found and self.found[-1].at is None and (at := _html_date(data)):
            self.found[-1] = Relation(self.found[-1].user, at)


def relations_html(text: str, label: str) -> list[Relation]:
    if text.lstrip()[:1] in ("[", "{"):
        raise SourceError(f"{label} holds JSON, not HTML")
    if "<" not in text:
        raise SourceError(f"{label}: not an HTML page")
    parser = _RelationsHTML()
    parser.feed(text)
    parser.close()
    return parser.found


@dataclass(frozen=True)
class Post:
    post_id: str
    created_at: dt.datetime
    kind: str
    text: str | None


def _media_items(data: object, key: str | None) -> list[object]:
    if key is not None and isinstance(data, dict):
        data = data.get(key)
    return data if isinstance(data, list) else []


def posts_json(data: object, kind: str, key: str | None, label: str) -> list[Post]:
    """posts_N.json: [{media: [{uri, creation_timestamp, title}], title, creation_timestamp}]
    (a one-photo post keeps its caption and time in the medium); reels.json
    {"ig_reels_media": [...]} the same; stories.json {"ig_stories": [media, ...]}."""
    if key is not None and not (isinstance(data, dict) and key in data):
        raise SourceError(f"{label}: no {key} list")
    if key is None and not isinstance(data, list):
        raise SourceError(f"{label}: not an Instagram posts list")
    posts: list[Post] = []
    for i, entry in enumerate(_media_items(data, key), 1):
        if not isinstance(entry, dict):
            raise SourceError(f"{label}: entry {i} is not an object")
        media = entry.get("media") if isinstance(entry.get("media"), list) else [entry]
        first = media[0] if media and isinstance(media[0], dict) else {}
        at = _timestamp(entry.get("creation_timestamp")) or _timestamp(
            first.get("creation_timestamp")
        )
        if at is None:
            raise SourceError(f"{label}: entry {i} has no creation_timestamp")
        title = entry.get("title") or first.get("title")
        text = repair(title) if isinstance(title, str) and title else None
        uri = first.get("uri")
        if isinstance(uri, str) and uri:
            # the medium's file name (a number Meta keeps from export to export)
            post_id = PurePosixPath(uri).stem
        else:
            seed = f"{kind}|{int(at.timestamp())}|{text or ''}"
            post_id = "h" + hashlib.sha1(seed.encode()).hexdigest()[:16]
        posts.append(Post(post_id, at, kind, text))
    return posts


@dataclass(frozen=True)
class Profile:
    username: str | None
    name: str | None
    bio: str | None
    url: str | None


def profile_json(data: object, label: str) -> Profile:
    """personal_information.json: {"profile_user": [{"string_map_data": {"Username":
    {"value": ...}, "Name": ..., "Bio": ..., "Website": ...}}]}."""
    fields: dict[str, object] = {}
    users = data.get("profile_user") if isinstance(data, dict) else None
    if isinstance(users, list) and users and isinstance(users[0], dict):
        smd = users[0].get("string_map_data")
        if isinstance(smd, dict):
            fields = {k: v.get("value") for k, v in smd.items() if isinstance(v, dict)}
    elif isinstance(data, dict) and "username" in data:  # the 2018-2020 profile.json
        fields = {"Username": data.get("username"), "Name": data.get("name")}
        fields |= {"Bio": data.get("biography"), "Website": data.get("website")}
    else:
        raise SourceError(f"{label}: no profile_user")

    def text(key: str) -> str | None:
        value = fields.get(key)
        return repair(value).strip() or None if isinstance(value, str) else None

    return Profile(_username(fields.get("Username")), text("Name"), text("Bio"), text("Website"))


class _TextsHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())


def profile_html(text: str, label: str) -> Profile:
    """personal_information.html: a table of `<td>Label<div><div>value</div></div></td>`
    cells: each label's value is the next text."""
    if "<" not in text:
        raise SourceError(f"{label}: not an HTML page")
    parser = _TextsHTML()
    parser.feed(text)
    parser.close()
    texts = parser.texts
    fields = {texts[i]: texts[i + 1] for i in range(len(texts) - 1)}

    def value(key: str) -> str | None:
        return repair(fields[key]) if key in fields else None

    return Profile(_username(fields.get("Username")), value("Name"), value("Bio"), value("Website"))
