"""SQLAlchemy engine plugin that makes Great Expectations work on DuckDB (duckdb-engine).

Why this exists (root cause, verified on GE 1.24.1 / SQLAlchemy 2.1 / duckdb-engine 0.17):

GE runs every metric query as::

    with engine.connect() as connection:        # SqlAlchemyExecutionEngine.execute_query
        result = connection.execute(query)
    rows = result.fetchall()                    # fetched AFTER the `with` block exited

duckdb-engine's DB-API "cursor" is the DuckDB connection itself (one pending result per
connection) and its ``do_begin`` issues a real ``BEGIN``. Leaving the ``with`` block makes
SQLAlchemy roll back that transaction; the ``ROLLBACK`` statement replaces the connection's
pending result, so ``fetchall()`` returns ``[]`` and every GE metric is empty
(GE issues #10738, #11579). Pool settings (StaticPool, ``pool_reset_on_return=None``),
``access_mode=read_only``, ``create_temp_table=False`` do not help: the rollback comes from
``Connection.close()``, not from the pool. ``isolation_level="AUTOCOMMIT"`` is not supported
by duckdb-engine. ``stream_results`` only pre-fetches one row, so it silently truncates.

The fix uses SQLAlchemy's documented extension points instead of patching GE or
duckdb-engine: a :class:`~sqlalchemy.engine.CreateEnginePlugin` (enabled per engine through
``create_engine(..., plugins=[PLUGIN_NAME])``, which GE forwards from the datasource's
``kwargs``) attaches an ``after_cursor_execute`` listener. That listener buffers the rows
of each statement into a ``FullyBufferedCursorFetchStrategy`` right after execution, before
the rollback. That strategy is the one SQLAlchemy uses for "a result to be delivered after the
database conversation can not be continued". It buffers exactly the rows GE is about to
fetch anyway. Those are aggregates, or ``LIMIT``-ed unexpected-value samples when
``result_format`` is BASIC/SUMMARY, so memory stays bounded: all scanning happens inside
DuckDB.

The plugin also:
* sets the DuckDB ``search_path`` on every new connection. DuckDB only accepts it as a
  connection-local option, so it cannot be passed to ``duckdb.connect(config=...)``.
  This lets GE's column-reflection fallback (``SELECT * FROM <table> LIMIT 1``, which drops
  the schema) find tables outside ``main``. SQLAlchemy 2.1's PostgreSQL inspector, which
  duckdb-engine inherits, queries ``pg_catalog.pg_collation``, which DuckDB lacks, so GE
  always falls back;
* records every engine it configures under a caller-chosen session token, so the caller can
  dispose all of them (and release the DuckDB file) without reaching into GE internals.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import plugins as sa_plugins
from sqlalchemy.engine import URL, CreateEnginePlugin, Engine
from sqlalchemy.engine.cursor import FullyBufferedCursorFetchStrategy

PLUGIN_NAME = "truefans_duckdb_ge"
SEARCH_PATH_KWARG = "truefans_search_path"
SESSION_KWARG = "truefans_session"

_sessions: dict[str, list[Engine]] = {}
_sessions_lock = threading.Lock()


def buffer_result_before_rollback(
    conn: sa.Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    """``after_cursor_execute`` listener: fetch a row-returning result while it still exists.

    SQLAlchemy builds the ``CursorResult`` from ``context.cursor_fetch_strategy`` right after
    this event (``DefaultExecutionContext._setup_result_proxy``), so rows read here survive
    the ``ROLLBACK`` that ``Connection.close()`` sends to DuckDB later.
    """
    if context is None or executemany or cursor.description is None:
        return  # DDL/DML/SET: nothing to buffer
    context.cursor_fetch_strategy = FullyBufferedCursorFetchStrategy(
        cursor, alternate_description=cursor.description
    )


class DuckDBGreatExpectationsPlugin(CreateEnginePlugin):
    """Enable with ``create_engine(url, plugins=[PLUGIN_NAME], truefans_search_path=...,
    truefans_session=...)``; the two ``truefans_*`` kwargs are optional and consumed here."""

    def __init__(self, url: URL, kwargs: dict[str, Any]) -> None:
        super().__init__(url, kwargs)
        self.search_path: str | None = kwargs.pop(SEARCH_PATH_KWARG, None)
        self.session: str | None = kwargs.pop(SESSION_KWARG, None)

    def update_url(self, url: URL) -> URL:
        return url  # nothing consumed from the URL (the base class raises NotImplementedError)

    def engine_created(self, engine: Engine) -> None:
        if engine.dialect.name != "duckdb":
            raise ValueError(f"{PLUGIN_NAME} only supports duckdb, got {engine.dialect.name}")
        sa.event.listen(engine, "after_cursor_execute", buffer_result_before_rollback)
        if self.search_path:
            sa.event.listen(engine, "connect", self._set_search_path)
        if self.session:
            with _sessions_lock:
                _sessions.setdefault(self.session, []).append(engine)

    def _set_search_path(self, dbapi_connection: Any, connection_record: Any) -> None:
        quoted = self.search_path.replace("'", "''") if self.search_path else ""
        dbapi_connection.execute(f"SET search_path = '{quoted}'")


def register() -> None:
    """Make ``PLUGIN_NAME`` loadable by ``create_engine`` in this process (idempotent)."""
    sa_plugins.register(PLUGIN_NAME, __name__, DuckDBGreatExpectationsPlugin.__name__)


def dispose_session(session: str) -> int:
    """Dispose every engine created under ``session``: closes their pooled DuckDB connections.

    Returns the number of engines disposed.
    """
    with _sessions_lock:
        engines = _sessions.pop(session, [])
    for engine in engines:
        engine.dispose()
    return len(engines)
