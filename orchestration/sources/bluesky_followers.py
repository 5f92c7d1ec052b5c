"""The complete follower list of one Bluesky account, paged by cursor (`getFollowers`, 100 a page)
and resumable: every page is appended to a state file as it arrives (its followers and the
cursor of the next page), so a pull that fails midway (a rate limit that did not clear, a lost
connection) starts again at the stored cursor instead of page one. Nothing reaches the landing
root until the list is complete; the state file is removed once the import has its batches.

The state lives outside the landing root (whose unknown folders are reported):
`<landing>/../import_state/bluesky-<did>.jsonl` unless `--state-dir` says otherwise. A state
older than `STATE_FRESH` is dropped (a list paged over days is no snapshot of one moment).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.sources.bluesky_api import BlueskyApi

STATE_FRESH = dt.timedelta(hours=24)


@dataclass
class FollowerList:
    started_at: dt.datetime  # when paging began: the snapshot's moment
    followers: list[dict[str, Any]]  # one compact profileView per follower, in API order
    pages: int
    resumed_at_page: int  # 0 for a fresh paging


def compact_profile(view: Any) -> dict[str, Any]:
    """What the importer keeps of a profileView / profileViewDetailed (JSON-safe)."""
    return {
        "did": view.did,
        "handle": view.handle,
        "display_name": getattr(view, "display_name", None),
        "description": getattr(view, "description", None),  # not in a profileViewBasic
        "has_avatar": getattr(view, "avatar", None) is not None,
        "created_at": getattr(view, "created_at", None),
    }


def state_path(state_dir: Path, did: str) -> Path:
    return state_dir / f"bluesky-{did.replace(':', '_')}.jsonl"


def _read_state(path: Path, pulled_at: dt.datetime) -> list[dict[str, Any]]:
    """The header and page lines of a fresh state (a torn last line is ignored), or []."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    lines: list[dict[str, Any]] = []
    for raw in text.splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            break  # a write cut short by the failure: the pages before it stand
    if not lines or "started_at" not in lines[0]:
        return []
    started = dt.datetime.fromisoformat(lines[0]["started_at"])
    if not dt.timedelta(0) <= pulled_at - started <= STATE_FRESH:
        return []
    return lines


def _append(path: Path, line: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def fetch_followers(
    api: BlueskyApi, did: str, pulled_at: dt.datetime, state_dir: Path
) -> FollowerList:
    path = state_path(state_dir, did)
    lines = _read_state(path, pulled_at)
    if not lines:
        path.unlink(missing_ok=True)
        lines = [{"did": did, "started_at": pulled_at.isoformat()}]
        _append(path, lines[0])
    pages = lines[1:]
    started_at = dt.datetime.fromisoformat(lines[0]["started_at"])
    resumed_at = len(pages)
    followers = [f for page in pages for f in page["followers"]]
    complete = bool(pages) and pages[-1]["complete"]
    cursor: str | None = pages[-1]["cursor"] if pages else None
    while not complete:
        page = api.followers_page(did, cursor)  # a SourceError leaves the pages so far stored
        found = [compact_profile(v) for v in page.followers]
        cursor = page.cursor
        complete = not cursor or not found
        _append(
            path,
            {"page": len(pages) + 1, "cursor": cursor, "followers": found, "complete": complete},
        )
        pages.append({"complete": complete})
        followers += found
    return FollowerList(started_at, followers, len(pages), resumed_at)


def forget(state_dir: Path, did: str) -> None:
    state_path(state_dir, did).unlink(missing_ok=True)
