"""Opening the DuckDB warehouse with the project's engine settings and clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


class WarehouseError(RuntimeError):
    """A warehouse problem with a message meant for people, not a traceback."""


def connect(
    path: Path, *, threads: int = 2, memory_limit: str = "4GB", read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise WarehouseError(f"warehouse file not found: {path}")
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
        raise WarehouseError(f"cannot open warehouse {path}: {text.splitlines()[0]}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open warehouse {path}: {str(exc).splitlines()[0]}") from exc
    return con


@contextmanager
def connection(path: Path, **kwargs: object) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path, **kwargs)  # type: ignore[arg-type]
    try:
        yield con
    finally:
        con.close()
