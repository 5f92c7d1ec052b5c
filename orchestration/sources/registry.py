"""The adapters `truefans import` and the Dagster `sources` assets offer, by name."""

from __future__ import annotations

import importlib

from orchestration.sources.base import Source

# name -> module defining SOURCE; imported only when asked for (no import side effects, and one
# adapter's optional client library does not slow the others)
MODULES: dict[str, str] = {
    "bluesky": "orchestration.sources.bluesky",
    "mastodon": "orchestration.sources.mastodon_source",
    "x-archive": "orchestration.sources.x_archive",
    "instagram": "orchestration.sources.instagram",
}


def source_names() -> list[str]:
    return sorted(MODULES)


def get_source(name: str) -> Source:
    try:
        module = MODULES[name]
    except KeyError:
        raise ValueError(
            f"unknown source {name!r} (known: {', '.join(source_names()) or 'none'})"
        ) from None
    source: Source = importlib.import_module(module).SOURCE
    return source
