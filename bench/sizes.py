"""Named benchmark sizes: `truefans generate` arguments.

S is the demo. M is a year of a large audience: 20 tracked accounts among 1M accounts over
365 days. L is the largest that fits this 2-core, 24 GiB machine (docs/benchmarks.md).
"""

from __future__ import annotations

SIZES: dict[str, list[str]] = {
    "XS": ["--tracked", "2", "--accounts", "2000", "--days", "7"],
    "S": [],
    "M": ["--tracked", "20", "--accounts", "1000000", "--days", "365"],
    "L": ["--tracked", "40", "--accounts", "2000000", "--days", "365"],
}
