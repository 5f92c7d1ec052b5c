"""Named benchmark sizes: `truefans generate` arguments.

S is the demo. M is a year of a large audience: 20 tracked accounts among 1M accounts over
365 days. L is 1.5x M: 2x M (40 tracked among 2M accounts) builds within this 2-core, 24 GiB
machine's memory model by model, but its full step alone takes about 90 minutes and the whole
run about four hours; the one documented run of S, M and L must fit one three-hour sitting, which
at 1.5x M it does in about two hours (docs/benchmarks.md, "Why L is 1.5x M").
"""

from __future__ import annotations

SIZES: dict[str, list[str]] = {
    "XS": ["--tracked", "2", "--accounts", "2000", "--days", "7"],
    "S": [],
    "M": ["--tracked", "20", "--accounts", "1000000", "--days", "365"],
    "L": ["--tracked", "30", "--accounts", "1500000", "--days", "365"],
}
