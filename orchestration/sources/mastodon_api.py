"""One Mastodon server's public REST API, through Mastodon.py (docs/sources.md says why).

Mastodon.py makes the requests, parses the entities and follows the `Link: <...max_id=...>;
rel="next"` paging. This module adds what an unattended pull needs around it: bounded retries
with backoff on HTTP 429 and 5xx and on network errors (Mastodon.py's own "wait" mode would wait
forever, with `time.sleep` that tests cannot replace), and one short sentence per failure for
`error: mastodon: ...` (a `SourceError`) instead of the library's exception text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchestration.sources.base import SourceError

if TYPE_CHECKING:  # Mastodon.py is imported when a pull starts, not with the CLI's parser
    from mastodon import MastodonAPIError

RETRIES = 4  # tries after the first, on 429, 5xx and network errors
BASE_DELAY = 2.0  # seconds before the first retry, doubled each time
MAX_DELAY = 300.0  # Mastodon's rate-limit windows are 5 minutes: never wait longer than one
TIMEOUT = 30.0  # seconds per request


class Hidden(Exception):
    """The server refuses a list to an anonymous caller (HTTP 401/403): the account hides it."""


class NotFound(Exception):
    """HTTP 404: the message is the server's `error` text (e.g. "Record not found")."""


def backoff(attempt: int) -> float:
    return min(MAX_DELAY, BASE_DELAY * 2**attempt)


def _status_of(exc: MastodonAPIError) -> tuple[int | None, str, str | None]:
    """(HTTP status, reason, the API's `error` text) of a Mastodon.py error, when it has them."""
    args = exc.args
    if len(args) >= 4 and isinstance(args[1], int):
        return args[1], str(args[2] or ""), args[3] if isinstance(args[3], str) else None
    return None, "", None


def describe(exc: MastodonAPIError) -> str:
    status, reason, error = _status_of(exc)
    if status is None:  # a 2xx answer that is not JSON
        return "answered something that is not Mastodon API JSON (an HTML page?)"
    said = f": {error}" if error else " (an error page, not the Mastodon API's JSON)"
    return f"answered HTTP {status} {reason}".rstrip() + said


@dataclass
class Client:
    base_url: str
    sleep: Callable[[float], None] = time.sleep  # tests record the waits instead
    retries: int = RETRIES
    waited: list[float] = field(default_factory=list)  # every wait, in seconds

    def __post_init__(self) -> None:
        from mastodon import Mastodon

        self.base_url = self.base_url.rstrip("/")
        self.api = Mastodon(
            api_base_url=self.base_url,
            ratelimit_method="throw",  # 429 raises; the retries below are bounded
            request_timeout=TIMEOUT,
            version_check_mode="none",  # no /api/v1/instance call: only what the pull needs
            user_agent="truefans-import",
        )

    def _rate_limit_delay(self, attempt: int) -> float:
        """Until the X-RateLimit-Reset Mastodon.py read from the 429 (on the local clock), at
        least the backoff, at most MAX_DELAY."""
        reset = self.api.ratelimit_reset
        until = float(reset) - time.time() + 1 if reset else 0.0
        return min(MAX_DELAY, max(backoff(attempt), until))

    def call(self, what: str, request: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`request(*args, **kwargs)` with bounded retries; `what` names it in messages."""
        from mastodon import (
            MastodonAPIError,
            MastodonNetworkError,
            MastodonNotFoundError,
            MastodonRatelimitError,
            MastodonServerError,
        )

        problem = ""
        for attempt in range(self.retries + 1):
            try:
                return request(*args, **kwargs)
            except MastodonRatelimitError:
                problem, delay = (
                    "kept answering HTTP 429 (rate limited)",
                    self._rate_limit_delay(attempt),
                )
            except MastodonServerError as exc:  # 5xx: maintenance, an overloaded proxy
                problem, delay = describe(exc), backoff(attempt)
            except MastodonNetworkError as exc:
                problem, delay = f"could not be reached ({_short(exc)})", backoff(attempt)
            except MastodonNotFoundError as exc:
                raise NotFound(_status_of(exc)[2] or "not found") from exc
            except MastodonAPIError as exc:
                if _status_of(exc)[0] in (401, 403):
                    raise Hidden(describe(exc)) from exc
                raise SourceError(f"{self.base_url} {describe(exc)} for {what}") from exc
            if attempt < self.retries:
                self.waited.append(delay)
                self.sleep(delay)
        raise SourceError(
            f"{self.base_url} {problem} for {what}; gave up after {self.retries + 1} tries, "
            "nothing written"
        )

    def pages(self, what: str, first: Callable[[], Any]) -> Iterator[list[Any]]:
        """Every page of a list: the first from `first()`, then Link rel="next" until none."""
        page = self.call(what, first)
        seen: set[str] = set()
        while page:
            yield list(page)
            following = getattr(page, "_pagination_next", None)
            if following is None:
                return
            marker = str(following.get("max_id"))
            if marker in seen:  # a server sending the same page again would never end
                raise SourceError(f"{self.base_url} repeats the page max_id={marker} of {what}")
            seen.add(marker)
            page = self.call(what, self.api.fetch_next, page)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
