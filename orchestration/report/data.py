"""What the audit report shows, read from the serving file's marts (set-based SQL, opened
read-only, one query per section). Every figure on a page comes from one of these frames."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from orchestration.cli.kpis import account_kpis, authenticity_kpis
from orchestration.figures import COMPOSITION_CLASSES

TOP_SUSPICIOUS = 25


@dataclass(frozen=True)
class Account:
    platform: str
    account_id: str
    handle: str
    name: str

    @property
    def slug(self) -> str:
        """File name of the account's page: platform and id, nothing a path could abuse."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.account_id)
        return f"{self.platform}-{safe}"


@dataclass(frozen=True)
class AccountData:
    account: Account
    daily: pd.DataFrame  # marts.fct_engagement_daily
    quality: pd.DataFrame  # marts.fct_audience_quality
    bursts: pd.DataFrame  # marts.fct_follower_bursts
    composition: pd.DataFrame  # the latest day's followers by class, suspicious total, off-market
    suspicious: pd.DataFrame  # the least authentic current followers, with their reasons
    farm_posts: pd.DataFrame  # posts that received coordinated bought engagement
    headline: dict[str, object]  # the latest day's figures


def tracked_accounts(con: duckdb.DuckDBPyConnection, account: str | None = None) -> list[Account]:
    """Every tracked account, or the one `account` names (`ID`, `handle` or `platform:ID`)."""
    rows = con.execute(
        "select platform, account_id, coalesce(handle, account_id), coalesce(name, '') "
        "from marts.dim_tracked_accounts order by platform, account_id"
    ).fetchall()
    accounts = [Account(*r) for r in rows]
    if account is None:
        return accounts
    chosen = [
        a for a in accounts if account in (a.account_id, a.handle, f"{a.platform}:{a.account_id}")
    ]
    if not chosen:
        known = ", ".join(f"{a.platform}:{a.account_id} ({a.handle})" for a in accounts)
        raise ValueError(f"no tracked account {account!r}; tracked: {known}")
    return chosen


def _frame(con: duckdb.DuckDBPyConnection, sql: str, account: Account) -> pd.DataFrame:
    return con.execute(sql, [account.platform, account.account_id]).df()


_KEY = "where platform = ? and account_id = ?"

DAILY_SQL = f"""
select date, followers, follows_gross, unfollows_gross, net_follower_change, posts,
    engagement_rate, authentic_engagement_rate, conversation_rate, amplification_rate,
    applause_rate, true_fans, dialog_accounts_90d, dunbar_number,
    weak_tie_engagement_share_90d, weak_tie_share_of_shares_90d, active_follower_ratio_28d
from marts.fct_engagement_daily {_KEY} order by date
"""
QUALITY_SQL = f"""
select date, followers, audience_quality_score, real_share, suspicious_share, bought_share,
    estimated_bought_followers
from marts.fct_audience_quality {_KEY} order by date
"""
BURSTS_SQL = f"""
select burst_start, burst_end, followers_gained, suspicious_share, is_purchase_suspected
from marts.fct_follower_bursts {_KEY} order by burst_start
"""
SUSPICIOUS_SQL = f"""
select follower_id, coalesce(follower_handle, follower_id) as follower_handle, audience_class,
    authenticity_score, first_followed_at, reasons
from marts.fct_follower_authenticity {_KEY} and is_current_follower and is_suspicious
order by authenticity_score, first_followed_at, follower_id
limit {TOP_SUSPICIOUS}
"""
FARM_POSTS_SQL = f"""
select post_id, created_at, likes, engagements, unique_engagers, suspicious_engager_share
from marts.fct_post_engagement {_KEY} and is_like_farm_target
order by created_at, post_id
"""


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _count(value: object) -> int:
    return int(value) if isinstance(value, int | float) and value == value else 0


def _composition(headline: dict[str, object]) -> pd.DataFrame:
    """The latest day's followers by exclusive class (they add up to the followers), then the
    suspicious total (bought + follow churners + other suspicious) and off-market (any class):
    the counts and shares of the same kpis row as the tiles, the index and the CLI."""
    segments = [*COMPOSITION_CLASSES, "suspicious_all", "off_market"]
    shares = {**COMPOSITION_CLASSES, "suspicious_all": "suspicious_share"}
    shares["off_market"] = "off_market_share"
    return pd.DataFrame(
        {
            "segment": segments,
            # a class whose share is unknown (no follower profile known) has no count either
            "followers": [
                None
                if _missing(headline.get(shares[s]))
                else _count(headline.get(f"{s}_followers"))
                for s in segments
            ],
            "share": [headline.get(shares[s]) for s in segments],
            "figure": [shares[s] for s in segments],
        }
    )


def account_data(
    con: duckdb.DuckDBPyConnection, account: Account, headline: dict[str, object]
) -> AccountData:
    return AccountData(
        account=account,
        daily=_frame(con, DAILY_SQL, account),
        quality=_frame(con, QUALITY_SQL, account),
        bursts=_frame(con, BURSTS_SQL, account),
        composition=_composition(headline),
        suspicious=_frame(con, SUSPICIOUS_SQL, account),
        farm_posts=_frame(con, FARM_POSTS_SQL, account),
        headline=headline,
    )


def comparison(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict[str, object]]:
    """The latest day's figures per tracked account, keyed by (platform, account_id): the run
    summary's engagement and authenticity figures, side by side."""
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for source in (account_kpis(con), authenticity_kpis(con)):
        for r in source:
            rows.setdefault((str(r["platform"]), str(r["account_id"])), {}).update(r)
    return rows
