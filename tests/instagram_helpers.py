"""Instagram export fixtures for tests: copy a fixture folder, change it, zip it as Meta does."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "instagram"
FOLLOWERS_DIR = "connections/followers_and_following"


def copy_fixture(name: str, to: Path) -> Path:
    shutil.copytree(FIXTURES / name, to)
    return to


def zip_export(
    folder: Path,
    to: Path,
    when: tuple[int, int, int, int, int, int],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A zip of `folder` whose entries all carry the time `when` (as Meta's do), sorted: the
    same folder and time always give the same bytes."""
    to.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(to, "w", compression) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=when)
            info.compress_type = compression
            archive.writestr(info, path.read_bytes())
    return to


def keep_followers(folder: Path, keep: set[str], add: dict[str, int] | None = None) -> None:
    """Drop every follower not in `keep` from followers_*.json, then add `add` (user -> time)."""
    files = sorted((folder / FOLLOWERS_DIR).glob("followers_*.json"))
    for path in files:
        entries = json.loads(path.read_text())
        kept = [e for e in entries if _user(e) in keep]
        path.write_text(json.dumps(kept, indent=2))
    for user, at in (add or {}).items():
        entries = json.loads(files[0].read_text())
        entries.append(
            {
                "title": "",
                "media_list_data": [],
                "string_list_data": [
                    {"href": f"https://www.instagram.com/{user}", "value": user, "timestamp": at}
                ],
            }
        )
        files[0].write_text(json.dumps(entries, indent=2))


def set_owner(folder: Path, username: str) -> None:
    path = folder / "personal_information/personal_information/personal_information.json"
    data = json.loads(path.read_text())
    data["profile_user"][0]["string_map_data"]["Username"]["value"] = username
    path.write_text(json.dumps(data, indent=2))


def _user(entry: dict) -> str:
    item = entry["string_list_data"][0]
    return (item.get("value") or item["href"].rstrip("/").rsplit("/", 1)[-1]).lower()


def read_rows(landing: Path, entity: str) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(landing.glob(f"{entity}/*/*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
