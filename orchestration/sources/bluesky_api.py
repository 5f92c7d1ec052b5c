"""The Bluesky AppView calls the importer makes, through the official `atproto` SDK (typed
responses checked against the lexicons, XRPC errors with their `error`/`message`), with what the
SDK leaves to its caller: retries with a bounded exponential backoff on HTTP 429 (waiting as the
`retry-after` / `ratelimit-reset` headers say), 5xx and network errors, and cursor paging.

A failure that persists, or an answer the API means (`InvalidRequest: Profile not found`), is a
`SourceError` with one clear message. `sleep` and `clock` are injectable: tests never wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from atproto import Client, models
from atproto_client.exceptions import (
    BadRequestError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.models.common import XrpcError
from atproto_client.request import Request, Response

from orchestration.sources.base import SourceError

PROFILES_PER_CALL = 25  # app.bsky.actor.getProfiles takes at most 25 actors
PAGE_LIMIT = 100  # the largest `limit` of getFollowers, getAuthorFeed, getLikes, getRepostedBy
MAX_ATTEMPTS = 6  # per call: 5 waits of 1, 2, 4, 8, 16 s for 5xx / network errors
MAX_WAIT_S = 300.0  # one wait at most (the AppView's rate-limit windows are 5 minutes)
TIMEOUT_S = 30.0

T = TypeVar("T")


def _message(exc: RequestErrorBase) -> str:
    response = exc.response
    if response is None:
        return type(exc).__name__
    content = response.content
    if isinstance(content, XrpcError):
        return f"{content.message} ({content.error})" if content.message else content.error
    return f"HTTP {response.status_code}"


def _header_seconds(response: Response | None, now: float) -> float | None:
    """How long HTTP 429 asks to wait: `retry-after` (seconds) or `ratelimit-reset` (epoch s)."""
    headers = {k.lower(): v for k, v in (response.headers if response else {}).items()}
    try:
        if "retry-after" in headers:
            return max(0.0, float(headers["retry-after"]))
        if "ratelimit-reset" in headers:
            return max(0.0, float(headers["ratelimit-reset"]) - now)
    except ValueError:
        return None
    return None


class BlueskyApi:
    def __init__(
        self,
        base_url: str,  # e.g. https://public.api.bsky.app (bluesky.LIVE_BASE_URL)
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = Client(base_url=f"{self.base_url}/xrpc", request=Request(timeout=TIMEOUT_S))
        self.sleep = sleep
        self.clock = clock
        self.max_attempts = max_attempts
        self.calls = 0

    def call(self, what: str, invoke: Callable[[], T]) -> T:
        """One API call with retries; `what` names it in messages (e.g. `getFollowers`)."""
        for attempt in range(1, self.max_attempts + 1):
            self.calls += 1
            try:
                return invoke()
            except RateLimitExceededError as exc:
                asked = _header_seconds(exc.response, self.clock())
                wait = asked + 1.0 if asked is not None else 2.0 ** (attempt - 1)
                reason = f"rate limited (HTTP 429: {_message(exc)})"
            except (BadRequestError, UnauthorizedError) as exc:
                raise SourceError(f"{what}: {_message(exc)}") from exc
            except NetworkError as exc:  # timeouts, connection errors, 502
                wait, reason = 2.0 ** (attempt - 1), f"{_message(exc)}"
            except RequestErrorBase as exc:
                status = exc.response.status_code if exc.response else 0
                if status < 500:
                    raise SourceError(f"{what}: {_message(exc)}") from exc
                wait, reason = 2.0 ** (attempt - 1), f"HTTP {status}: {_message(exc)}"
            except ModelError as exc:
                raise SourceError(
                    f"{what}: the answer is not the app.bsky response it should be "
                    f"(an error page or another API at {self.base_url}?): {str(exc)[:200]}"
                ) from exc
            if attempt == self.max_attempts:
                raise SourceError(
                    f"{what}: {reason} after {self.max_attempts} attempts; nothing written, "
                    "try again later"
                )
            self.sleep(min(wait, MAX_WAIT_S))
        raise AssertionError("unreachable")

    def profile(self, actor: str) -> models.AppBskyActorDefs.ProfileViewDetailed:
        return self.call(
            "getProfile", lambda: self.client.app.bsky.actor.get_profile({"actor": actor})
        )

    def profiles(self, dids: list[str]) -> list[models.AppBskyActorDefs.ProfileViewDetailed]:
        """Full profiles (with counts), 25 per call; accounts the API omits (deleted,
        deactivated) are simply missing from the answer."""
        found: list[models.AppBskyActorDefs.ProfileViewDetailed] = []
        for start in range(0, len(dids), PROFILES_PER_CALL):
            chunk = dids[start : start + PROFILES_PER_CALL]
            answer = self.call(
                "getProfiles",
                lambda chunk=chunk: self.client.app.bsky.actor.get_profiles({"actors": chunk}),  # type: ignore[misc]
            )
            found += answer.profiles
        return found

    def followers_page(
        self, did: str, cursor: str | None
    ) -> models.AppBskyGraphGetFollowers.Response:
        params: dict[str, Any] = {"actor": did, "limit": PAGE_LIMIT}
        if cursor:
            params["cursor"] = cursor
        return self.call("getFollowers", lambda: self.client.app.bsky.graph.get_followers(params))

    def author_feed(self, did: str) -> Iterator[models.AppBskyFeedGetAuthorFeed.Response]:
        """Pages of the account's feed, newest first (the caller stops when it has enough)."""
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"actor": did, "limit": PAGE_LIMIT}
            if cursor:
                params["cursor"] = cursor
            page = self.call(
                "getAuthorFeed",
                lambda params=params: self.client.app.bsky.feed.get_author_feed(params),  # type: ignore[misc]
            )
            yield page
            cursor = page.cursor
            if not cursor or not page.feed:
                return

    def likes(self, uri: str) -> list[models.AppBskyFeedGetLikes.Like]:
        return self._all("getLikes", lambda p: self.client.app.bsky.feed.get_likes(p), uri, "likes")

    def reposted_by(self, uri: str) -> list[models.AppBskyActorDefs.ProfileView]:
        return self._all(
            "getRepostedBy",
            lambda p: self.client.app.bsky.feed.get_reposted_by(p),
            uri,
            "reposted_by",
        )

    def post_thread(self, uri: str) -> models.AppBskyFeedGetPostThread.Response:
        """The post and its direct replies (depth 1, no parents)."""
        return self.call(
            "getPostThread",
            lambda: self.client.app.bsky.feed.get_post_thread(
                {"uri": uri, "depth": 1, "parent_height": 0}
            ),
        )

    def _all(self, what: str, invoke: Callable[[dict[str, Any]], Any], uri: str, key: str) -> Any:
        items: list[Any] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"uri": uri, "limit": PAGE_LIMIT}
            if cursor:
                params["cursor"] = cursor
            page = self.call(what, lambda params=params: invoke(params))  # type: ignore[misc]
            items += getattr(page, key)
            cursor = page.cursor
            if not cursor or not getattr(page, key):
                return items
