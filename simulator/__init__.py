"""The TrueFans data simulator: synthetic social-media dumps written to the landing contract
(../shared/LANDING_CONTRACT.md), plus the ground truth the warehouse can be scored against.

    from simulator import SimConfig, generate
    summary = generate(SimConfig(seed=7), landing=Path("data/landing"), truth=Path("data/truth"))

Modules: config (SimConfig, every knob), cli_args (one flag per knob), rng (independent named
streams), population / profiles / ids / text (accounts), audience (follow histories),
purchases (bought followers, like farms), posts, engagement (interactions), observe (the
accounts entity), day_tables (per-day frames), writers (file formats), truth, runner.

Documented choices
- Time: the window is [start 00:00Z, start + days). Dump folder D holds what happened (or was
  observed) on UTC day D. No wall-clock time is ever used; same config => same bytes.
- Pre-existing audience: every follow in force at the start date happened before it. For
  event-sourced accounts these follows are written, with their original event_at (< start),
  in the first dump; follows that began and ended before the start are never written. They
  count in day 0's `followers` but in no `follows_gross` (gross counts are by event_at day).
- Event times avoid 23:59:59, the instant of the daily snapshots (`D 23:59:59Z`), so a
  snapshot of day D reflects every event of day D. Unfollows come more than 24 h after the
  follow (never on the same UTC day), re-follows at least two days after an unfollow.
- Follow-backs (the tracked account following a follower) are follow events with
  follower_id = tracked account, written for every tracked account whatever its source.
- Each behaviour draws from its own random stream, so `--follow-source` (events, snapshots,
  mixed) changes only what is written, never the underlying history.
- Timestamps are written per file as ISO 8601 with `Z` (most), ISO with a +02:00 / -03:00
  offset, integer Unix seconds, or (some Parquet files) native timestamp[s, UTC].
"""

from simulator.config import SimConfig
from simulator.runner import generate

__all__ = ["SimConfig", "generate"]
