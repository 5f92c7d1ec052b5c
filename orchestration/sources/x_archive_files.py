"""Reading an X/Twitter archive ("Download an archive of your data"), zipped or unpacked.

An archive holds `data/<name>.js` files, each one JavaScript assignment of a JSON array:
`window.YTD.<name>.part0 = [ ... ]`; big lists are split (`tweets-part1.js` holds
`window.YTD.tweets.part1`). `data/manifest.js` is `window.__THAR_CONFIG = { ... }` with
`archiveInfo.generationDate` and, per data type, the part files it wrote. Older archives put the
files elsewhere (top level, `data/js/`), so files are found by name wherever they are.

Every problem is a `SourceError` raised before anything is written.
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

YTD_WRAPPER = re.compile(r"\s*window\.YTD\.(\w+)\.part(\d+)\s*=\s*")
MANIFEST_WRAPPER = re.compile(r"\s*window\.__THAR_CONFIG\s*=\s*")
PART_NAME = re.compile(r"^(?P<name>[\w-]+?)(?:-part(?P<part>\d+))?\.js$")


@dataclass
class ArchiveFiles:
    """The `.js` files of one archive by file name, and how to read them."""

    origin: Path
    paths: dict[str, str] = field(default_factory=dict)  # file name -> path inside the archive
    times: dict[str, dt.datetime] = field(default_factory=dict)  # file name -> modified (UTC)
    _zip: zipfile.ZipFile | None = None

    def read_bytes(self, name: str) -> bytes:
        inner = self.paths[name]
        try:
            if self._zip is not None:
                return self._zip.read(inner)
            return (self.origin / inner).read_bytes()
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise SourceError(f"{self.origin.name}: {inner} is damaged ({exc})") from exc
        except OSError as exc:
            raise SourceError(f"{self.origin.name}: cannot read {inner} ({exc})") from exc

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def parts(self, name: str) -> list[str]:
        """The file names of data type `name` (`name.js`, `name-part1.js`, ...) in part order."""
        found = []
        for file_name in self.paths:
            match = PART_NAME.match(file_name)
            if match and match["name"] == name:
                found.append((int(match["part"] or 0), file_name))
        return [file_name for _, file_name in sorted(found)]


def _prefer(current: str | None, candidate: str) -> bool:
    """Of two files with one name, keep the one in a `data` folder, then the shorter path."""
    if current is None:
        return True
    rank = lambda p: ("data" not in PurePosixPath(p).parts[:-1], len(p), p)  # noqa: E731
    return rank(candidate) < rank(current)


def open_archive(target: str) -> ArchiveFiles:
    origin = Path(target).expanduser()
    if not origin.exists():
        raise SourceError(f"{target}: no such file or directory")
    files = ArchiveFiles(origin.resolve())
    if origin.is_dir():
        for path in sorted(origin.rglob("*.js")):
            if path.is_file():
                inner = path.relative_to(origin).as_posix()
                if _prefer(files.paths.get(path.name), inner):
                    files.paths[path.name] = inner
                    files.times[path.name] = dt.datetime.fromtimestamp(
                        path.stat().st_mtime, tz=dt.UTC
                    )
        return files
    if not zipfile.is_zipfile(origin):
        raise SourceError(f"{origin.name}: not a zip file or a folder (damaged or foreign file?)")
    try:
        archive = zipfile.ZipFile(origin)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SourceError(f"{origin.name}: damaged zip file ({exc})") from exc
    files._zip = archive
    for info in infos:
        name = PurePosixPath(info.filename).name
        if (
            not info.is_dir()
            and name.endswith(".js")
            and _prefer(files.paths.get(name), info.filename)
        ):
            files.paths[name] = info.filename
            # a zip keeps local time without a zone; the archive is written in UTC
            files.times[name] = dt.datetime(*info.date_time, tzinfo=dt.UTC)
    return files


def _loads(files: ArchiveFiles, name: str, wrapper: re.Pattern[str], what: str) -> object:
    inner = files.paths[name]
    try:
        text = files.read_bytes(name).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{inner}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    match = wrapper.match(text)
    if match is None:
        raise SourceError(
            f"{inner}: not an X archive data file (it does not start with `{what} =`)"
        )
    try:
        return json.loads(text[match.end() :].rstrip().rstrip(";"))
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{inner}: damaged JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
            "is the file truncated?"
        ) from exc


def read_items(files: ArchiveFiles, name: str) -> list[dict[str, object]]:
    """Every item of every part of data type `name`, unwrapped: `[{"follower": {...}}]` gives
    the inner objects (very old archives have no wrapper object)."""
    items: list[dict[str, object]] = []
    for file_name in files.parts(name):
        data = _loads(files, file_name, YTD_WRAPPER, "window.YTD.<name>.partN")
        if not isinstance(data, list):
            raise SourceError(f"{files.paths[file_name]}: expected a JSON array")
        for item in data:
            if not isinstance(item, dict):
                raise SourceError(f"{files.paths[file_name]}: expected objects in the array")
            inner = next(iter(item.values())) if len(item) == 1 else item
            items.append(inner if isinstance(inner, dict) else item)
    return items


def read_manifest(files: ArchiveFiles) -> dict[str, object] | None:
    if "manifest.js" not in files.paths:
        return None
    data = _loads(files, "manifest.js", MANIFEST_WRAPPER, "window.__THAR_CONFIG")
    if not isinstance(data, dict):
        raise SourceError(f"{files.paths['manifest.js']}: expected a JSON object")
    return data


def check_listed_parts(files: ArchiveFiles, manifest: dict[str, object], data_type: str) -> None:
    """A part the manifest lists but the archive lacks would make a list look shorter than it
    is (a partial follower list read as 'everyone else unfollowed'): refuse it."""
    types = manifest.get("dataTypes")
    entry = types.get(data_type) if isinstance(types, dict) else None
    listed = entry.get("files", []) if isinstance(entry, dict) else []
    for listed_file in listed if isinstance(listed, list) else []:
        file_name = str(listed_file.get("fileName", "")) if isinstance(listed_file, dict) else ""
        if file_name and PurePosixPath(file_name).name not in files.paths:
            raise SourceError(
                f"the manifest lists {file_name} but the archive has no such file "
                "(an incomplete archive?)"
            )
