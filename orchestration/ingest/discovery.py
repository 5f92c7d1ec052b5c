"""Find landing files: `<root>/<entity>/<YYYY-MM-DD>/<name>.<ext>` (LANDING_CONTRACT.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.contract import ENTITIES, FORMATS


@dataclass(frozen=True)
class LandingFile:
    entity: str
    dump_date: dt.date
    path: Path
    relative_path: str  # relative to the landing root, with forward slashes
    file_format: str | None  # one of FORMATS, None when the extension is not supported

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class Discovery:
    files: list[LandingFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # reported, never loaded

    def dump_dates(self) -> list[dt.date]:
        return sorted({f.dump_date for f in self.files})


def file_format(name: str) -> str | None:
    lowered = name.lower()
    # longest suffix first, so `x.csv.gz` is csv.gz and not gz
    for ext in sorted(FORMATS, key=len, reverse=True):
        if lowered.endswith("." + ext):
            return ext
    return None


def parse_dump_date(name: str) -> dt.date | None:
    try:
        parsed = dt.date.fromisoformat(name)
    except ValueError:
        return None
    return parsed if parsed.isoformat() == name else None


class LandingRootMissing(FileNotFoundError):
    pass


def discover(
    root: Path,
    entities: tuple[str, ...] | None = None,
    dump_dates: set[dt.date] | None = None,
) -> Discovery:
    """List landing files, optionally only some entities and dump dates.

    Unknown entity folders, folders that are not dump dates and stray files are reported in
    `problems`; files with an unsupported extension inside a partition are returned with
    `file_format=None` so the loader quarantines them instead of dropping them silently.
    Hidden files (starting with '.') are in-flight uploads by convention and are skipped.
    """
    if not root.is_dir():
        raise LandingRootMissing(f"landing root not found or not a directory: {root}")
    result = Discovery()
    for entity_dir in sorted(root.iterdir()):
        if entity_dir.name.startswith("."):
            continue
        if not entity_dir.is_dir():
            result.problems.append(f"stray file at the landing root, not loaded: {entity_dir.name}")
            continue
        if entity_dir.name not in ENTITIES:
            result.problems.append(f"unknown entity folder, not loaded: {entity_dir.name}")
            continue
        if entities is not None and entity_dir.name not in entities:
            continue
        for date_dir in sorted(entity_dir.iterdir()):
            if date_dir.name.startswith("."):
                continue
            dump_date = parse_dump_date(date_dir.name) if date_dir.is_dir() else None
            if dump_date is None:
                result.problems.append(
                    f"not a dump-date folder (YYYY-MM-DD), not loaded: {entity_dir.name}/{date_dir.name}"
                )
                continue
            if dump_dates is not None and dump_date not in dump_dates:
                continue
            for path in sorted(date_dir.rglob("*")):
                if not path.is_file() or any(
                    p.startswith(".") for p in path.relative_to(date_dir).parts
                ):
                    continue
                result.files.append(
                    LandingFile(
                        entity=entity_dir.name,
                        dump_date=dump_date,
                        path=path,
                        relative_path=path.relative_to(root).as_posix(),
                        file_format=file_format(path.name),
                    )
                )
    return result
