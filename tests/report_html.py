"""Read back what the audit report's pages show: section ids and the tagged figures."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class ReportPage(HTMLParser):
    """Section ids, `data-*` tagged values (text of the element) and the number of inline SVGs."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.values: dict[tuple[str, str], str] = {}  # (attribute, value) -> element text
        self.rows: dict[tuple[str, str], list[str]] = {}  # data-account etc. -> cell texts
        self.svgs = 0
        self.scripts = 0
        self.links: list[str] = []
        self._open: list[tuple[str, str]] = []
        self._row: tuple[str, str] | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and "id" in a:
            self.sections.append(a["id"])
        if tag == "svg":
            self.svgs += 1
        if tag == "script":
            self.scripts += 1
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        for key in ("data-kpi", "data-segment", "data-share", "data-term"):
            if key in a:
                self._open.append((key, a[key]))
                self.values[(key, a[key])] = ""
        if tag == "tr":
            for key in ("data-account", "data-follower", "data-post", "data-burst"):
                if key in a:
                    self._row = (key, a[key])
                    self.rows[self._row] = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("div", "span", "td", "dt") and self._open:
            self._open.pop()
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._open:
            self.values[self._open[-1]] += data.strip()
        if self._row and data.strip():
            self.rows[self._row].append(data.strip())

    def kpi(self, name: str) -> str:
        return self.values[("data-kpi", name)]


def read_page(path: Path) -> ReportPage:
    page = ReportPage()
    page.feed(path.read_text(encoding="utf-8"))
    return page
