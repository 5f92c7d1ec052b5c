"""What each Great Expectations suite checks, as data.

``python -m orchestration.quality.author`` compiles these specs into the committed JSON suites
(``expectations/gx/expectations/<schema>_<table>.json``); tests/test_quality_ge.py fails when
the two drift apart. Edit here, never the JSON.

Each rule is stated once (docs/quality.md): dbt tests own what holds of our models' output by
construction (keys, not null, ranges, accepted values, one-row identities of the marts), so a
mart spec here holds only what depends on the data we were sent or spans tables: the
contract's columns (../shared/MARTS_CONTRACT.md; extra columns may come and go without
breaking a suite), row counts, freshness, plausibility of what sources report (reach) and
reconciliation across tables. Raw specs are derived from the landing contract
(orchestration/ingest/contract.py): dbt does not build raw. A raw table is an append log
of dump rows, so its key is the lineage (dump date, file, row), not a business key: the same
account legitimately appears in every daily dump.

Severity: ``critical`` (Dagster ERROR, blocks publishing) unless a spec says ``warning``
(Dagster WARN, reported only). Only volume anomalies are warnings: a quiet day is suspicious,
not wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchestration.ingest.contract import LINEAGE_COLUMNS, columns
from orchestration.quality import suite_sql

Severity = Literal["critical", "warning"]
Range = tuple[float | None, float | None]
COUNT: Range = (0, None)

AUDIENCE_CLASSES = (
    "real",
    "influencer",
    "mass_follower",
    "suspicious",
    "bought",
    "follow_churner",
    "ghost",
)


@dataclass(frozen=True)
class SqlCheck:
    """An ``UnexpectedRowsExpectation``: ``query`` returns the rows that break the rule."""

    name: str  # short, stable; shown in check metadata as unexpected_rows_expectation(<name>)
    description: str
    query: str
    severity: Severity = "critical"


@dataclass(frozen=True)
class TableSpec:
    table: str  # "<schema>.<table>"
    columns: tuple[str, ...]  # must exist (more are allowed)
    key: tuple[str, ...] = ()  # unique together, each not null (raw only: dbt owns mart keys)
    not_null: tuple[str, ...] = ()  # besides the key
    ranges: tuple[tuple[str, Range], ...] = ()
    accepted: tuple[tuple[str, tuple[str, ...]], ...] = ()
    min_rows: int = 0
    sha256_column: str | None = None
    sql: tuple[SqlCheck, ...] = ()
    notes: str | None = None

    @property
    def schema(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.table.replace(".", "_", 1)


def cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- raw: one spec per landing entity --------------------------------------------------------

RAW_KEY = cols("_dump_date _source_file _source_row")


def volume_drop(entity: str) -> SqlCheck:
    return SqlCheck(
        "volume_drop",
        f"Volume vs previous runs: the newest dump date's raw.{entity} rows are below "
        f"{suite_sql.VOLUME_MIN_FRACTION:.0%} of the median of the previous (up to "
        f"{suite_sql.VOLUME_HISTORY_DAYS}) dump dates (needs {suite_sql.VOLUME_MIN_HISTORY}).",
        suite_sql.volume_drop(f"raw.{entity}"),
        severity="warning",
    )


def raw_spec(entity: str, sql: tuple[SqlCheck, ...] = ()) -> TableSpec:
    contract = columns(entity)
    return TableSpec(
        table=f"raw.{entity}",
        columns=tuple(c.name for c in contract) + tuple(name for name, _ in LINEAGE_COLUMNS),
        key=RAW_KEY,
        not_null=tuple(c.name for c in contract if c.required) + cols("_file_sha256 _loaded_at"),
        ranges=tuple((c.name, COUNT) for c in contract if c.type == "integer"),
        accepted=tuple((c.name, c.accepted) for c in contract if c.accepted),
        sha256_column="_file_sha256",
        sql=sql,
        notes="Row count >= 0: a raw load may legitimately contain no rows of an entity; "
        "emptiness is enforced downstream by the marts suites.",
    )


RAW = (
    raw_spec("accounts"),
    raw_spec("follows", (volume_drop("follows"),)),
    raw_spec("follower_snapshots"),
    raw_spec("posts"),
    raw_spec("interactions", (volume_drop("interactions"),)),
    raw_spec("tracked_accounts"),
)

# --- marts: MARTS_CONTRACT.md ------------------------------------------------------------------
# Keys, not-null columns, ranges and accepted values of the marts are dbt tests in each mart's
# YAML (dbt_project/models/marts/); tests/test_quality_ge.py checks they stay there only.

ACCOUNT_DAY = cols("platform account_id date")

MARTS = (
    TableSpec(
        "marts.dim_tracked_accounts",
        cols("platform account_id handle name home_country home_lang"),
        min_rows=1,
    ),
    TableSpec(
        "marts.fct_followers_daily",
        ACCOUNT_DAY + cols("followers follows_gross unfollows_gross net_follower_change"),
        min_rows=1,
    ),
    TableSpec(
        "marts.fct_engagement_daily",
        ACCOUNT_DAY
        + cols("followers follows_gross unfollows_gross net_follower_change posts likes comments")
        + cols("shares engagements engagement_rate conversation_rate amplification_rate")
        + cols("applause_rate active_followers_28d active_follower_ratio_28d true_fans")
        + cols("authentic_engagements authentic_engagement_rate"),
        min_rows=1,
        sql=(
            SqlCheck(
                "freshness",
                "Freshness: the newest date in the mart is not older than the newest dump date "
                "in raw (raw.follows and raw.follower_snapshots _dump_date).",
                suite_sql.ENGAGEMENT_FRESHNESS,
            ),
            SqlCheck(
                "followers_vs_authenticity",
                "Reconciliation: followers on each account's latest date = its current "
                "followers (is_current_follower rows) in marts.fct_follower_authenticity.",
                suite_sql.FOLLOWERS_VS_AUTHENTICITY,
            ),
        ),
    ),
    TableSpec(
        "marts.fct_post_engagement",
        cols("platform post_id account_id created_at followers_at_post likes comments shares")
        + cols("engagements unique_engagers engagement_rate authentic_engagements")
        + cols("suspicious_engager_share is_like_farm_target"),
        sql=(
            SqlCheck(
                "reach_sanity",
                "Reach sanity: engagement_rate_by_reach <= 1. More engagements than accounts "
                "reached means the dump under-reported reach.",
                suite_sql.REACH_SANITY,
            ),
        ),
    ),
    TableSpec(
        "marts.fct_follow_churn",
        cols("platform follower_id followee_id followed_at unfollowed_at hours_followed")
        + cols("was_followed_back"),
    ),
    TableSpec(
        "marts.fct_follower_authenticity",
        cols("platform account_id follower_id first_followed_at last_unfollowed_at")
        + cols("is_current_follower authenticity_score is_suspicious audience_class is_bought")
        + cols("is_follow_churner is_lockstep is_ghost is_off_market reasons"),
        min_rows=1,
    ),
    TableSpec(
        "marts.fct_audience_quality",
        ACCOUNT_DAY
        + cols("followers real_share suspicious_share mass_follower_share influencer_share")
        + cols("ghost_share off_market_share estimated_bought_followers audience_quality_score"),
        min_rows=1,
        sql=(
            SqlCheck(
                "followers_vs_engagement_daily",
                "Reconciliation: followers = marts.fct_engagement_daily.followers for every "
                "(platform, account_id, date), and both marts have the same account-days.",
                suite_sql.AUDIENCE_FOLLOWERS_VS_ENGAGEMENT,
            ),
        ),
    ),
    TableSpec(
        "marts.fct_follower_bursts",
        cols("platform account_id burst_start burst_end followers_gained suspicious_share")
        + cols("is_purchase_suspected"),
    ),
    TableSpec(
        "marts.fct_lockstep_groups",
        cols("platform group_id member_count target_count first_seen_at last_seen_at kind"),
        sql=(
            SqlCheck(
                "member_count_vs_members",
                "Reconciliation: member_count = the group's rows in marts.fct_lockstep_members, "
                "and every member's group exists.",
                suite_sql.LOCKSTEP_MEMBER_COUNT,
            ),
        ),
    ),
    TableSpec(
        "marts.fct_lockstep_members",
        cols("platform group_id actor_id"),
    ),
)

SPECS: tuple[TableSpec, ...] = RAW + MARTS
