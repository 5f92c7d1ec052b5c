"""Every knob of the simulator, with demo-size defaults, and the fixed reference data.

`SimConfig` is frozen and holds only scalars, so it maps one-to-one onto CLI flags
(`cli_args.py` derives one flag per field from the `help` metadata below) and onto
`truth/manifest.json`. The same config (same seed) always produces byte-identical files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

PLATFORMS: tuple[str, ...] = ("instagram", "twitter")
IG, TW = 0, 1
# account kinds (population.py)
TRACKED, NORMAL, INFLUENCER, MASS, CHURNER, BOUGHT, FARM = range(7)

# (country, language). The first ten are home markets of tracked accounts, in this order.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("CH", "de"),
    ("US", "en"),
    ("FR", "fr"),
    ("BR", "pt"),
    ("JP", "ja"),
    ("DE", "de"),
    ("GB", "en"),
    ("ES", "es"),
    ("IT", "it"),
    ("MX", "es"),
    ("TR", "tr"),
    ("ID", "id"),
    ("IN", "hi"),
)
N_HOMES = 10
LANGS: tuple[str, ...] = ("de", "en", "fr", "pt", "ja", "es", "it", "tr", "id", "hi")
FOLLOW_SOURCES: tuple[str, ...] = ("events", "snapshots", "mixed")
DEFAULT_START = date(2026, 1, 1)  # fixed, never "today": output must be deterministic


def _knob(default: Any, help_text: str, **extra: Any) -> Any:
    return field(default=default, metadata={"help": help_text, **extra})


@dataclass(frozen=True)
class SimConfig:
    # size and time
    seed: int = _knob(42, "random seed; same seed and knobs give byte-identical output")
    tracked: int = _knob(5, "number of tracked accounts (brands, creators)")
    accounts: int = _knob(20_000, "population of other (organic) accounts")
    days: int = _knob(30, "number of daily dumps")
    start: date = field(
        default=DEFAULT_START, metadata={"help": "first dump date (YYYY-MM-DD, UTC)"}
    )
    follow_source: str = _knob(
        "mixed",
        "follow data per tracked account: events, snapshots, or mixed "
        "(at least one account via daily follower_snapshots, the rest via follows events)",
        choices=FOLLOW_SOURCES,
    )
    # tracked accounts
    posts_min: float = _knob(0.5, "minimum mean posts per day of a tracked account")
    posts_max: float = _knob(3.0, "maximum mean posts per day of a tracked account")
    audience_min: float = _knob(0.4, "minimum share of the home-market pool following an account")
    audience_max: float = _knob(0.9, "maximum share of the home-market pool following an account")
    # population
    influencer_share: float = _knob(0.01, "share of the population that are influencers")
    mass_follower_share: float = _knob(0.03, "share of the population that are mass followers")
    churner_share: float = _knob(
        0.04, "share of the population that are follow-for-follow churners"
    )
    # organic audience
    fan_share: float = _knob(0.25, "share of home-market followers who are true fans")
    ghost_share: float = _knob(0.25, "share of home-market followers who never engage")
    off_market_share: float = _knob(0.1, "share of organic followers from another market")
    growth: float = _knob(0.004, "organic new follows per day, relative to the audience")
    unfollow_rate: float = _knob(0.0015, "daily probability that an organic follower unfollows")
    follow_back: float = _knob(0.05, "probability that a tracked account follows a follower back")
    # follow-for-follow churn
    churn_per_audience: float = _knob(
        0.06, "churners targeting a tracked account, relative to its audience"
    )
    churn_cycle: float = _knob(0.35, "probability that a churner re-follows after unfollowing")
    # engagement
    engagement: float = _knob(1.0, "multiplier on every organic engagement propensity")
    engagement_decay: float = _knob(
        0.3, "exponent by which engagement per follower falls with audience size"
    )
    non_follower_share: float = _knob(0.15, "interactions by non-followers per follower engager")
    reply_rate: float = _knob(0.15, "share of comments the tracked account replies to")
    # bought followers
    buyers: float = _knob(0.6, "share of tracked accounts that buy followers (at least one)")
    purchases_per_buyer: int = _knob(2, "maximum follower purchases per buying account")
    bought_min: float = _knob(0.03, "minimum purchase size relative to the audience")
    bought_max: float = _knob(0.15, "maximum purchase size relative to the audience")
    camouflage: float = _knob(0.1, "share of bought accounts with avatar, bio, posts and activity")
    slow_drip: float = _knob(0.0, "share of purchases delivered over days instead of hours")
    drip_days: float = _knob(
        0.0, "days over which a slow-drip purchase is delivered (0: a random 3-10 days)"
    )
    aged_bought_share: float = _knob(
        0.0,
        "share of follower purchases from a vendor of aged accounts: created months to years "
        "before the purchase, with avatar, bio, posts and followers",
    )
    bought_like_rate: float = _knob(
        0.0, "share of bought followers that like one or two of the buyer's posts after delivery"
    )
    bought_drop: float = _knob(0.1, "share of bought followers purged (unfollow) weeks later")
    # bought likes
    like_farms: int = _knob(2, "number of like farms")
    farm_min: int = _knob(20, "minimum accounts in a like farm")
    farm_max: int = _knob(60, "maximum accounts in a like farm")
    farm_purchases: int = _knob(3, "like purchases served by each farm")
    farm_posts: int = _knob(5, "maximum posts boosted by one like purchase")
    # observation and files
    reobserve: float = _knob(0.02, "daily probability that a seen profile is observed again")
    part_rows: int = _knob(50_000, "maximum rows per landing file before splitting into parts")

    def __post_init__(self) -> None:
        if isinstance(self.start, str):  # tolerate ISO strings from JSON/CLI callers
            object.__setattr__(self, "start", date.fromisoformat(self.start))
        problems: list[str] = []
        if self.tracked < 1:
            problems.append("tracked must be >= 1")
        if self.accounts < 50:
            problems.append("accounts must be >= 50")
        if self.days < 1:
            problems.append("days must be >= 1")
        if self.follow_source not in FOLLOW_SOURCES:
            problems.append(f"follow_source must be one of {', '.join(FOLLOW_SOURCES)}")
        if not 0 < self.posts_min <= self.posts_max:
            problems.append("need 0 < posts_min <= posts_max")
        if not 0 < self.audience_min <= self.audience_max <= 1:
            problems.append("need 0 < audience_min <= audience_max <= 1")
        if not 0 < self.bought_min <= self.bought_max:
            problems.append("need 0 < bought_min <= bought_max")
        if not 1 <= self.farm_min <= self.farm_max:
            problems.append("need 1 <= farm_min <= farm_max")
        if self.part_rows < 100:
            problems.append("part_rows must be >= 100")
        for name in ("purchases_per_buyer", "like_farms", "farm_purchases", "farm_posts"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0")
        for name in (
            "influencer_share",
            "mass_follower_share",
            "churner_share",
            "fan_share",
            "ghost_share",
            "off_market_share",
            "growth",
            "unfollow_rate",
            "follow_back",
            "churn_per_audience",
            "churn_cycle",
            "non_follower_share",
            "reply_rate",
            "buyers",
            "camouflage",
            "slow_drip",
            "aged_bought_share",
            "bought_like_rate",
            "bought_drop",
            "reobserve",
        ):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(f"{name} must be within [0, 1]")
        if self.influencer_share + self.mass_follower_share + self.churner_share > 0.5:
            problems.append("influencer, mass follower and churner shares must sum to <= 0.5")
        if self.fan_share + self.ghost_share > 1:
            problems.append("fan_share + ghost_share must be <= 1")
        if self.drip_days < 0:
            problems.append("drip_days must be >= 0")
        if self.engagement < 0 or self.engagement_decay < 0:
            problems.append("engagement and engagement_decay must be >= 0")
        if problems:
            raise ValueError("invalid SimConfig: " + "; ".join(problems))

    # ---- derived time frame (Unix seconds, UTC) ----
    @property
    def start_ts(self) -> int:
        return int(
            datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC).timestamp()
        )

    @property
    def end_ts(self) -> int:
        """Exclusive end: midnight after the last dump day."""
        return self.start_ts + 86_400 * self.days

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"] = self.start.isoformat()
        return out
