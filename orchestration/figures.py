"""One definition per figure: the name, the window and the words that the run summary (CLI), the
audit report's tiles, index and glossary all use, and the mart column each is computed from.
The SQL that computes them is `orchestration.cli.kpis`, the one query both read. Windows are the
dbt vars of dbt_project/dbt_project.yml, the same ones the marts were built with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import yaml

from orchestration.settings import DBT_PROJECT_DIR


@cache
def window_days(var: str) -> int:
    """A trailing window's length in days, from dbt_project.yml's vars (e.g. active_window_days)."""
    config = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return int(config["vars"][var])


LATEST_DAY = "latest day"  # the state at the end of the latest day
ALL_DATA = "all data"  # counted over every day of data


@dataclass(frozen=True)
class Figure:
    key: str  # its column in the rows of orchestration.cli.kpis
    name: str  # what the CLI, the tiles, the index and the glossary call it
    definition: str  # the glossary's words (the dbt docs' words where a column is shown as is)
    source: str  # the mart column(s) it comes from
    window_var: str | None = None  # dbt var of its trailing window; None: `scope`
    scope: str = LATEST_DAY
    kind: str = "pct"  # pct, count or score: how it is printed

    @property
    def days(self) -> int | None:
        return None if self.window_var is None else window_days(self.window_var)

    @property
    def window(self) -> str:
        return self.scope if self.days is None else f"{self.days} days"

    @property
    def label(self) -> str:
        """Name and trailing window, e.g. `engagement rate (28 days)`, as every screen heads
        it; a figure of the latest day or of all data goes by its name (the glossary says)."""
        return self.name if self.days is None else f"{self.name} ({self.window})"


_ENGAGED = "engaged with the account's posts"
FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure(
            "followers",
            "followers",
            "Followers at the end of the latest day (UTC).",
            "fct_audience_quality.followers",
            kind="count",
        ),
        Figure(
            "audience_quality_score",
            "audience quality score",
            "0-100, higher is a better audience: 100 x (real + influencers + 0.5 x ghosts + "
            "0.5 x mass followers) / the followers the audit could judge (followers - unknown); "
            "unknown when no follower profile is known.",
            "fct_audience_quality.audience_quality_score",
            kind="score",
        ),
        Figure(
            "real_share",
            "real",
            f"Share of followers of class real: authentic ordinary accounts that {_ENGAGED}. "
            "Unknown followers are never counted as real; unknown when no follower profile is "
            "known.",
            "fct_audience_quality.real_share",
        ),
        Figure(
            "influencer_share",
            "influencers",
            "Share of followers of class influencer: authentic, > 5,000 followers and "
            "< 1,500 followings.",
            "fct_audience_quality.influencer_share",
        ),
        Figure(
            "mass_follower_share",
            "mass followers",
            "Share of followers of class mass_follower: authentic, > 1,500 followings.",
            "fct_audience_quality.mass_follower_share",
        ),
        Figure(
            "ghost_share",
            "ghosts",
            "Share of followers of class ghost: authentic accounts (not influencers, not mass "
            f"followers) that never {_ENGAGED}. Unknown followers are not ghosts.",
            "fct_audience_quality.ghost_share",
        ),
        Figure(
            "unknown_share",
            "unknown",
            "Share of followers the audit knows nothing about: no profile of theirs was "
            "observed (a source that lists follower ids only, such as an X archive) and no "
            "behaviour (purchase burst, follow-for-follow churn, lockstep) convicts them. They "
            "are counted neither as real nor as ghosts.",
            "fct_audience_quality.unknown_share",
        ),
        Figure(
            "suspicious_share",
            "suspicious in all",
            "Share of followers flagged suspicious: bought + follow churners + other suspicious.",
            "fct_audience_quality.suspicious_share",
        ),
        Figure(
            "bought_share",
            "bought",
            "Share of followers of class bought: arrived in a suspected purchase burst with a "
            "suspicious or brand-new profile, or one of a batch of accounts created together "
            "just before following.",
            "fct_audience_quality.bought_share",
        ),
        Figure(
            "follow_churner_share",
            "follow churners",
            "Share of followers of class follow_churner: the follow-for-follow pattern (follow, "
            "then unfollow within 21 days without a follow-back).",
            "fct_audience_quality.follow_churner_share",
        ),
        Figure(
            "suspicious_class_share",
            "other suspicious",
            "Share of followers of class suspicious: flagged by their profile or by acting in "
            "lockstep, neither bought nor follow churners.",
            "fct_audience_quality.suspicious_class_share",
        ),
        Figure(
            "off_market_share",
            "off-market",
            "Share of followers whose language is known and differs from the account's home "
            "language (a flag across classes, not a class).",
            "fct_audience_quality.off_market_share",
        ),
        Figure(
            "estimated_bought_followers",
            "estimated bought followers",
            "Followers at the end of the latest day that the audit classes as bought.",
            "fct_audience_quality.estimated_bought_followers",
            kind="count",
        ),
        Figure(
            "engagement_rate_28d",
            "engagement rate",
            "Average over the window's posts of engagements / followers at posting.",
            "fct_post_engagement.engagement_rate",
            window_var="active_window_days",
        ),
        Figure(
            "authentic_engagement_rate_28d",
            "authentic engagement rate",
            "Average over the window's posts of authentic engagements (by accounts not flagged "
            "suspicious) / followers at posting.",
            "fct_post_engagement.authentic_engagement_rate",
            window_var="active_window_days",
        ),
        Figure(
            "active_follower_ratio_28d",
            "active followers",
            "Share of current followers who interacted with the account's posts in the window.",
            "fct_engagement_daily.active_follower_ratio_28d",
            window_var="active_window_days",
        ),
        Figure(
            "true_fans",
            "true fans",
            "Current followers who engaged on at least 4 distinct days in the window.",
            "fct_engagement_daily.true_fans",
            window_var="true_fan_window_days",
            kind="count",
        ),
        Figure(
            "dialog_accounts_90d",
            "accounts in dialog",
            "Accounts in a two-way exchange with the account in the window, next to Dunbar's "
            "~150 stable relationships.",
            "fct_engagement_daily.dialog_accounts_90d",
            window_var="dialog_window_days",
            kind="count",
        ),
        Figure(
            "weak_tie_engagement_share_90d",
            "weak-tie share of engagements",
            "Share of the window's engagements made by weak ties: engagers with fewer than 3 "
            "distinct engagement days in the 90 days up to their engagement.",
            "fct_engagement_daily.weak_tie_engagement_share_90d",
            window_var="tie_window_days",
        ),
        Figure(
            "weak_tie_share_of_shares_90d",
            "weak-tie share of shares",
            "The same share for shares, reposts and quotes only.",
            "fct_engagement_daily.weak_tie_share_of_shares_90d",
            window_var="tie_window_days",
        ),
        Figure(
            "purchase_bursts",
            "purchase bursts",
            "Bursts of new followers whose followers are mostly suspicious: suspected purchases.",
            "fct_follower_bursts.is_purchase_suspected",
            scope=ALL_DATA,
            kind="count",
        ),
        Figure(
            "like_farm_posts",
            "like-farm posts",
            "Posts that received coordinated bought engagement (accounts acting in lockstep).",
            "fct_post_engagement.is_like_farm_target",
            scope=ALL_DATA,
            kind="count",
        ),
    )
}

# The audience composition: exclusive classes (they sum to the followers), then the suspicious
# total (the classes bought, follow churners and other suspicious) and off-market (any class).
COMPOSITION_CLASSES = {
    "real": "real_share",
    "influencer": "influencer_share",
    "mass_follower": "mass_follower_share",
    "ghost": "ghost_share",
    "unknown": "unknown_share",
    "bought": "bought_share",
    "follow_churner": "follow_churner_share",
    "suspicious": "suspicious_class_share",
}
SUSPICIOUS_CLASSES = ("bought", "follow_churner", "suspicious")


def glossary(keys: list[str]) -> list[Figure]:
    return [FIGURES[k] for k in keys]


def warm_up(days_of_data: int, since: dt.date | None, keys: list[str]) -> str | None:
    """The note a reader needs when a window is longer than the account's data (first dump
    date to the latest): which figures cover fewer days than their window says. None if none."""
    short = [FIGURES[k] for k in keys if (FIGURES[k].days or 0) > days_of_data]
    if not short:
        return None
    windows = sorted({f.days for f in short if f.days is not None})
    plural = "s" if len(windows) > 1 else ""
    start = f" (since {since})" if since else ""
    return (
        f"Warm-up: {days_of_data:,} days of data{start}, shorter than the "
        f"{' and '.join(f'{w}-day' for w in windows)} window{plural} of "
        f"{_and(f.name for f in short)}: these cover only the {days_of_data:,} days."
    )


def warm_up_notes(rows: list[dict[str, object]], keys: list[str]) -> list[str]:
    """The warm-up notes of rows of orchestration.cli.kpis (days_of_data, data_since, account):
    one per group of accounts with the same data, naming the accounts unless all share it."""
    groups: dict[tuple[int, dt.date | None], list[str]] = {}
    for row in rows:
        since = row["data_since"]
        key = (int(str(row["days_of_data"])), since if isinstance(since, dt.date) else None)
        groups.setdefault(key, []).append(str(row["account"]))
    notes = []
    for (days, since), accounts in groups.items():
        note = warm_up(days, since, keys)
        if note:
            who = "" if len(groups) == 1 else f" ({', '.join(accounts)})"
            notes.append(note.replace("Warm-up:", f"Warm-up{who}:", 1))
    return notes


def _and(names: Iterable[str]) -> str:
    items = list(names)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None or NaN


def formatted(key: str, value: object) -> str:
    """A figure as every screen prints it: 21.1%, 3,296, 62; `–` when unknown."""
    if missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    kind = FIGURES[key].kind
    if kind == "pct":
        return f"{number:.1%}"
    if kind == "score":
        return f"{number:.0f}"
    return f"{round(number):,}"
