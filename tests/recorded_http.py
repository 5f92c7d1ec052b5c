"""Replay recorded HTTP responses from a local server on 127.0.0.1, started and stopped by the
test: API adapters are tested against what the real API answered, never the network.

A recording is a JSON file: a list of exchanges
`{"method": "GET", "path": "/xrpc/app.bsky.graph.getFollowers", "query": {"actor": "a", ...},
  "status": 200, "headers": {"content-type": "application/json"}, "body": {...} or "text"}`.
A request matches the first exchange with its method, path and every recorded query parameter
(parameters not recorded are ignored); `"times": N` lets an exchange answer only N times (e.g. a
429 then the real page). Unmatched requests get 404 with a JSON error and are listed in
`server.unmatched`, so a test can assert the adapter asked only for what was recorded. `{base}`
in a recorded header or body is replaced by the server's base URL (for Link headers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedServer:
    base_url: str
    exchanges: list[dict]
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def load_recording(*paths: Path) -> list[dict]:
    exchanges: list[dict] = []
    for path in paths:
        exchanges += json.loads(path.read_text(encoding="utf-8"))
    return exchanges


def _matches(exchange: dict, method: str, path: str, query: dict[str, list[str]]) -> bool:
    if exchange.get("method", "GET") != method or exchange["path"] != path:
        return False
    if exchange.get("times") == 0:
        return False
    for key, want in exchange.get("query", {}).items():
        wanted = want if isinstance(want, list) else [want]
        if query.get(key) != [str(w) for w in wanted]:
            return False
    return True


@contextmanager
def recorded_server(exchanges: list[dict]) -> Iterator[RecordedServer]:
    state = RecordedServer("", [dict(e) for e in exchanges])
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def _answer(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query, keep_blank_values=True)
            with lock:
                state.requests.append((self.command, url.path, query))
                found = next(
                    (e for e in state.exchanges if _matches(e, self.command, url.path, query)),
                    None,
                )
                if found is not None and "times" in found:
                    found["times"] -= 1
            if found is None:
                state.unmatched.append(self.path)
                status, headers, body = (
                    404,
                    {"content-type": "application/json"},
                    {
                        "error": "NotRecorded",
                        "message": f"no recorded response for {self.command} {self.path}",
                    },
                )
            else:
                status, headers, body = found["status"], found.get("headers", {}), found["body"]
            raw = body if isinstance(body, str) else json.dumps(body)
            data = raw.replace("{base}", state.base_url).encode("utf-8")
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, str(value).replace("{base}", state.base_url))
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _answer
        do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
