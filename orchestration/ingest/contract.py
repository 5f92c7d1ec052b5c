"""The landing contract (../shared/LANDING_CONTRACT.md) as data.

Everything that validates or types a landing row reads these specs, so the contract lives in
one place: the raw-table DDL, the typing SQL and the quarantine reasons are all derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "timestamp", "integer", "boolean", "enum"]

FORMATS: tuple[str, ...] = ("csv", "csv.gz", "jsonl", "jsonl.gz", "parquet")

INTERACTION_KINDS = (
    "like",
    "comment",
    "reply",
    "share",
    "repost",
    "quote",
    "save",
    "click",
    "mention",
)
FOLLOW_ACTIONS = ("follow", "unfollow")

# How far past the end of its dump date a timestamp may lie before it counts as "in the future".
FUTURE_TOLERANCE_DAYS = 1


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "string"
    required: bool = False
    accepted: tuple[str, ...] = ()

    @property
    def duckdb_type(self) -> str:
        return {
            "string": "varchar",
            "enum": "varchar",
            "timestamp": "timestamp",
            "integer": "bigint",
            "boolean": "boolean",
        }[self.type]


def _req(name: str, type_: ColumnType = "string", accepted: tuple[str, ...] = ()) -> Column:
    return Column(name, type_, required=True, accepted=accepted)


ENTITIES: dict[str, tuple[Column, ...]] = {
    "accounts": (
        _req("account_id"),
        _req("platform"),
        _req("observed_at", "timestamp"),
        Column("handle"),
        Column("display_name"),
        Column("bio"),
        Column("location"),
        Column("lang"),
        Column("created_at", "timestamp"),
        Column("followers_count", "integer"),
        Column("following_count", "integer"),
        Column("posts_count", "integer"),
        Column("listed_count", "integer"),
        Column("has_default_avatar", "boolean"),
        Column("verified", "boolean"),
        Column("url"),
    ),
    "follows": (
        _req("platform"),
        _req("follower_id"),
        _req("followee_id"),
        _req("action", "enum", FOLLOW_ACTIONS),
        _req("event_at", "timestamp"),
    ),
    "follower_snapshots": (
        _req("platform"),
        _req("followee_id"),
        _req("follower_id"),
        _req("snapshot_at", "timestamp"),
    ),
    "posts": (
        _req("platform"),
        _req("post_id"),
        _req("account_id"),
        _req("created_at", "timestamp"),
        Column("kind"),
        Column("text"),
        Column("impressions", "integer"),
        Column("reach", "integer"),
    ),
    "interactions": (
        _req("platform"),
        _req("post_id"),
        _req("actor_id"),
        _req("kind", "enum", INTERACTION_KINDS),
        _req("created_at", "timestamp"),
        Column("interaction_id"),
        Column("text"),
        Column("client"),
    ),
    "tracked_accounts": (
        _req("platform"),
        _req("account_id"),
        Column("name"),
        Column("home_country"),
        Column("home_lang"),
    ),
}

# Lineage columns every raw table carries after the contract columns.
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_dump_date", "date"),
    ("_source_file", "varchar"),
    ("_source_row", "bigint"),
    ("_file_sha256", "varchar"),
    ("_loaded_at", "timestamp"),
    ("_extra", "json"),
)


def columns(entity: str) -> tuple[Column, ...]:
    try:
        return ENTITIES[entity]
    except KeyError as exc:
        raise ValueError(f"unknown entity {entity!r}; expected one of {sorted(ENTITIES)}") from exc


def raw_table_ddl(entity: str, schema: str = "raw") -> str:
    cols = [f"{c.name} {c.duckdb_type}" for c in columns(entity)]
    cols += [f"{name} {type_}" for name, type_ in LINEAGE_COLUMNS]
    return f"create table if not exists {schema}.{entity} (\n  " + ",\n  ".join(cols) + "\n)"


QUARANTINE_DDL = """
create table if not exists raw.quarantine (
  entity varchar not null,
  dump_date date not null,
  source_file varchar not null,
  source_row bigint,
  raw_text varchar,
  reason varchar not null,
  file_sha256 varchar,
  loaded_at timestamp not null
)"""

LOAD_LOG_DDL = """
create table if not exists raw.load_log (
  entity varchar not null,
  dump_date date not null,
  source_file varchar not null,
  file_sha256 varchar,
  file_bytes bigint not null,
  file_format varchar not null,
  status varchar not null,
  rows_read bigint not null,
  rows_loaded bigint not null,
  rows_quarantined bigint not null,
  duplicate_of varchar,
  error varchar,
  loaded_at timestamp not null
)"""
