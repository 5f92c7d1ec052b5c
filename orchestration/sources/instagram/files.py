"""The files of one Instagram "Download your information" export, from a zip or a directory.

Files are found by name, not by a fixed path: the folders moved between export versions
(`connections/followers_and_following/` in 2023+, `followers_and_following/` at the top level
before; `content/` or `your_instagram_activity/content/`), a zip may hold one more top folder,
and macOS adds `__MACOSX/` copies. Every read problem is one `SourceError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from orchestration.sources.base import SourceError

# an export's own name: instagram-<username>-<YYYY-MM-DD>-<random>[.zip]
EXPORT_NAME = re.compile(r"^instagram-(?P<user>[A-Za-z0-9._]+)-(?P<day>\d{4}-\d{2}-\d{2})-")


@dataclass
class ExportFiles:
    source: Path
    names: list[str]  # posix paths inside the export, without junk
    archive: zipfile.ZipFile | None = None
    # the newest modification time of the zip's entries (when Meta wrote the export), if a zip
    written_at: dt.datetime | None = None
    _texts: dict[str, str] = field(default_factory=dict)

    def find(self, pattern: str) -> list[str]:
        """Paths whose file name matches `pattern` (a regex on the name alone), sorted."""
        rx = re.compile(pattern)
        return sorted(
            n
            for n in self.names
            if rx.fullmatch(PurePosixPath(n).name)
            # Threads' own lists (your_instagram_activity/threads/followers.json) share names
            and "threads" not in PurePosixPath(n).parts[:-1]
        )

    def text(self, name: str) -> str:
        if name not in self._texts:
            try:
                if self.archive is not None:
                    data = self.archive.read(name)
                else:
                    data = (self.source / name).read_bytes()
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise SourceError(f"{self.label(name)}: damaged zip entry ({exc})") from None
            except OSError as exc:
                raise SourceError(f"{self.label(name)}: cannot read ({exc.strerror})") from None
            try:
                self._texts[name] = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise SourceError(f"{self.label(name)}: not UTF-8 text") from None
        return self._texts[name]

    def json(self, name: str) -> object:
        text = self.text(name)
        if text.lstrip()[:1] == "<":
            raise SourceError(
                f"{self.label(name)} holds HTML, not JSON: download the export again with "
                "format JSON, or pass the HTML export itself (its .html files)"
            )
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"{self.label(name)} is not valid JSON (truncated or damaged?): "
                f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None

    def label(self, name: str) -> str:
        return f"{self.source.name}:{name}" if self.archive is not None else name

    def name_hint(self) -> tuple[str | None, dt.date | None]:
        """The username and day in the export's own name (zip or folder), if it kept it."""
        # the target itself, or its top folder (Meta's meta-<date>/ wraps instagram-<user>-...)
        tops = sorted({PurePosixPath(n).parts[0] for n in self.names if "/" in n})
        candidates = [self.source.name, *tops]
        for candidate in candidates:
            if m := EXPORT_NAME.match(candidate):
                try:
                    return m["user"].lower(), dt.date.fromisoformat(m["day"])
                except ValueError:
                    continue
        return None, None

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def _junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return not parts or parts[0] == "__MACOSX" or parts[-1].startswith("._")


def open_export(target: str) -> ExportFiles:
    path = Path(target).expanduser()
    if not path.exists():
        raise SourceError(f"{target}: no such file or directory")
    if path.is_dir():
        names = sorted(
            p.relative_to(path).as_posix()
            for p in path.rglob("*")
            if p.is_file() and not _junk(p.relative_to(path).as_posix())
        )
        return ExportFiles(path, names)
    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            head = fh.read(4)
        if head.startswith(b"PK") or path.suffix.lower() == ".zip":
            raise SourceError(
                f"{target}: damaged zip file (truncated or not finished downloading?)"
            )
        raise SourceError(
            f"{target}: not a zip file (an Instagram export is a .zip, or the folder it unpacks to)"
        )
    try:
        archive = zipfile.ZipFile(path)
        infos = [i for i in archive.infolist() if not i.is_dir() and not _junk(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(f"{target}: damaged zip file ({exc})") from None
    # zip times have no zone: read as UTC (Meta's are within a day of the real moment)
    written = max((dt.datetime(*i.date_time, tzinfo=dt.UTC) for i in infos), default=None)
    return ExportFiles(path, sorted(i.filename for i in infos), archive, written)
