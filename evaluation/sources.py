"""The warehouse tables and truth files the evaluation reads, as SQL fragments.

Truth CSVs are read with every column as VARCHAR (ids keep their leading zeros); timestamps
are compared as naive UTC TIMESTAMPs, so connections must run with TimeZone UTC (as
`orchestration.warehouse.connect` sets).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.warehouse import WarehouseError

AUTHENTICITY = "marts.fct_follower_authenticity"
POSTS = "marts.fct_post_engagement"
BURSTS = "marts.fct_follower_bursts"
LOCKSTEP_MEMBERS = "marts.fct_lockstep_members"
LOCKSTEP_GROUPS = "marts.fct_lockstep_groups"
INTERACTIONS = "staging.stg_interactions"

TRUTH_COLUMNS: dict[str, tuple[str, ...]] = {  # the header of each truth file (truth.py)
    "follower_roles.csv": (
        *("platform", "account_id", "follower_id", "role", "purchase_id"),
        *("is_camouflaged", "first_followed_at", "is_follower_at_end"),
    ),
    "purchases.csv": (
        *("purchase_id", "platform", "account_id", "kind", "size"),
        *("delivery_start", "delivery_end"),
    ),
    "like_farm_posts.csv": (
        *("platform", "post_id", "account_id", "farm_id", "likes"),
        *("first_like_at", "last_like_at"),
    ),
    "like_farm_actors.csv": ("platform", "actor_id", "farm_id"),
}
# columns newer generators write; truths written before them are still read
OPTIONAL_TRUTH_COLUMNS: dict[str, tuple[str, ...]] = {"purchases.csv": ("delivery", "is_aged")}


def truth_header(path: Path) -> list[str]:
    """The column names of a truth CSV (its first line)."""
    with path.open(encoding="utf-8") as f:
        return [c.strip().strip('"') for c in f.readline().rstrip("\r\n").split(",")]


def sql_literal(value: str | Path) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def read_truth_csv(path: Path) -> str:
    """A `read_csv` expression with every column as VARCHAR (ids keep leading zeros)."""
    if not path.is_file():
        raise FileNotFoundError(f"truth file not found: {path}")
    optional = set(OPTIONAL_TRUTH_COLUMNS.get(path.name, ()))
    present = [c for c in truth_header(path) if c in optional]
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in (*TRUTH_COLUMNS[path.name], *present))
    return f"read_csv({sql_literal(path)}, header = true, columns = {{{columns}}})"


def read_labels_csv(path: Path) -> str:
    """Labelled followers as (dataset, platform, account_id, follower_id, is_fake boolean)."""
    if not path.is_file():
        raise FileNotFoundError(f"labels file not found: {path}")
    return (
        "(select distinct dataset, platform, account_id, follower_id, "
        "cast(is_fake as boolean) as is_fake "
        f"from read_csv({sql_literal(path)}, header = true, all_varchar = true))"
    )


def utc(expr: str) -> str:
    """An ISO 8601 string (with `Z` or an offset) or a timestamp as a naive UTC TIMESTAMP."""
    return f"cast(cast({expr} as timestamptz) as timestamp)"


def require_tables(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    present = {
        r[0]
        for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
    }
    missing = [t for t in tables if t not in present]
    if missing:
        raise WarehouseError(f"warehouse lacks {', '.join(missing)} (has the pipeline run?)")


def interaction_kind_column(con: duckdb.DuckDBPyConnection) -> str:
    """`interaction_kind` (current staging model) or `kind` (landing name)."""
    schema, table = INTERACTIONS.split(".")
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    for name in ("interaction_kind", "kind"):
        if name in columns:
            return name
    raise WarehouseError(f"{INTERACTIONS} has neither interaction_kind nor kind")
