"""Figures of accounts whose followers have no known profile (a source that lists follower ids
only, such as an X archive): the marts hold null for the figures that need profiles, and every
screen prints them as `unknown` with a note that says why, never as 0 or as missing data."""

from __future__ import annotations

from orchestration.figures import FIGURES, formatted, missing

# the figures that need follower profiles: null in the marts where no follower profile is known
PROFILE_FIGURES = (
    "audience_quality_score",
    "real_share",
    "influencer_share",
    "mass_follower_share",
    "ghost_share",
)
UNKNOWN = "unknown"
NO_PROFILES = "no follower profiles in this source"


def profiles_unknown(row: dict[str, object]) -> bool:
    """No follower profile is known for the row's account (its profile figures are null while
    some followers are unknown): those figures are unknown, not 0 or missing data."""
    share = row.get("unknown_share")
    return not missing(share) and float(share) > 0 and missing(row.get("real_share"))  # type: ignore[arg-type]


def cell(key: str, row: dict[str, object]) -> str:
    """A figure of a kpis row as every screen prints it: `unknown` for a profile figure of an
    account without any known follower profile, else `formatted`."""
    value = row.get(key)
    if missing(value) and key in PROFILE_FIGURES and profiles_unknown(row):
        return UNKNOWN
    return formatted(key, value)


def unknown_notes(rows: list[dict[str, object]]) -> list[str]:
    """The note for the accounts without any known follower profile: `real: unknown (no follower
    profiles in this source)`, how many followers are unknown, and which figures need profiles."""
    unknown = [r for r in rows if profiles_unknown(r)]
    if not unknown:
        return []
    who = ", ".join(
        f"{r['account']} ({formatted('unknown_share', r['unknown_share'])} of followers unknown)"
        for r in unknown
    )
    *first, last = [FIGURES[k].name for k in PROFILE_FIGURES if k != "real_share"]
    others = f"{', '.join(first)} and {last}"
    return [
        f"{FIGURES['real_share'].name}: {UNKNOWN} ({NO_PROFILES}) for {who}; {others} need "
        f"follower profiles too: {UNKNOWN}, not 0."
    ]
