"""Opening the DuckDB warehouse with the project's engine settings and clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout


class WarehouseError(RuntimeError):
    """A warehouse problem with a message meant for people, not a traceback."""


def connect(
    path: Path, *, threads: int = 2, memory_limit: str = "4GB", read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(
                f"cannot create the warehouse folder {path.parent}: {exc.strerror or exc}"
            ) from exc
    elif not path.exists():
        raise WarehouseError(f"warehouse file not found: {path}")
    if path.is_dir():
        raise WarehouseError(f"warehouse path is a folder, not a DuckDB file: {path}")
    try:
        con = duckdb.connect(
            str(path),
            read_only=read_only,
            config={"threads": threads, "memory_limit": memory_limit},
        )
        con.execute("set TimeZone = 'UTC'")
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise WarehouseError(
                f"warehouse {path} is locked by another process (DuckDB allows one writer per "
                "file): wait for the running pipeline or close the other connection"
            ) from exc
        raise WarehouseError(f"cannot open warehouse {path}: {_hint(text)}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open warehouse {path}: {str(exc).splitlines()[0]}") from exc
    return con


def _hint(text: str) -> str:
    first = text.splitlines()[0] if text else "unknown error"
    if "not a valid DuckDB database file" in text or "Could not read enough bytes" in text:
        return (
            f"{first} The file is damaged: restore it from a backup, or move it aside and run "
            "again to rebuild it from the landing files."
        )
    return first


def preflight(path: Path) -> None:
    """Open the warehouse for writing, read its catalog, close it: a locked, damaged or
    unwritable warehouse is one clear WarehouseError before a run starts, not a failed step."""
    con = connect(path)
    try:
        con.execute("select count(*) from information_schema.tables").fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot read warehouse {path}: {_hint(str(exc))}") from exc
    finally:
        con.close()


@contextmanager
def connection(path: Path, **kwargs: object) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path, **kwargs)  # type: ignore[arg-type]
    try:
        yield con
    finally:
        con.close()


def run_lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".run.lock")


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold `<warehouse>.run.lock` for a whole pipeline run, taken before anything else.

    DuckDB's own lock is only held while a step has the file open, so two runs started seconds
    apart could both pass the preflight and the second would fail in the middle, the cause only
    in its log. This lock is an OS file lock (released when the process ends, even killed), so
    the second run stops at once with one clear line, whatever the timing.
    """
    lock_file = run_lock_path(path)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"cannot create the warehouse folder {path.parent}: {exc.strerror or exc}"
        ) from exc
    lock = FileLock(lock_file, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise WarehouseError(
            f"warehouse {path} is locked: another `truefans run` is using it (lock file "
            f"{lock_file}); wait for it to finish"
        ) from None
    except OSError as exc:
        raise WarehouseError(f"cannot lock warehouse {path}: {exc.strerror or exc}") from exc
    try:
        yield
    finally:
        lock.release()
