"""The report's charts: Vega-Lite specifications built with Altair, rendered to static SVG by
vl-convert (the Vega-Lite engine bundled in a wheel), so a page needs no JavaScript, no CDN and
no network to show them."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc

from orchestration.figures import COMPOSITION_CLASSES, FIGURES

WIDTH, HEIGHT = 720, 220
# the composition's rows, named as orchestration.figures names their shares
SEGMENT_LABELS = {
    **{c: FIGURES[share].name for c, share in COMPOSITION_CLASSES.items()},
    "suspicious_all": FIGURES["suspicious_share"].name,
    "off_market": f"{FIGURES['off_market_share'].name} (any class)",
}
SEGMENT_COLORS = {
    "real": "#2e7d32",
    "influencer": "#1565c0",
    "mass_follower": "#8e24aa",
    "suspicious": "#ef6c00",
    "bought": "#c62828",
    "follow_churner": "#6d4c41",
    "ghost": "#9e9e9e",
    "unknown": "#cfd8dc",
    "suspicious_all": "#ef6c00",
    "off_market": "#00838f",
}


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document, rendered offline."""
    return vlc.vegalite_to_svg(chart.to_dict())


def _base(frame: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(frame, title=title).properties(width=WIDTH, height=HEIGHT)


def _long(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Date plus the given columns, one row per (date, series), series named by `columns`."""
    long = frame.melt(id_vars="date", value_vars=list(columns), var_name="series")
    long["series"] = long["series"].map(columns)
    return long.dropna(subset=["value"])


def _lines(frame: pd.DataFrame, columns: dict[str, str], title: str, fmt: str) -> alt.Chart:
    long = _long(frame, columns)
    return (
        _base(long, title)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt)),
            color=alt.Color("series:N", title=None, sort=list(columns.values())),
        )
    )


def follower_curve(daily: pd.DataFrame, bursts: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Followers at the end of each day, with each suspected purchase burst marked."""
    line = (
        _base(daily, "Followers, with suspected purchase bursts")
        .mark_line(color="#37474f")
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("followers:Q", title="followers", scale=alt.Scale(zero=False)),
        )
    )
    bought = bursts[bursts["is_purchase_suspected"]].reset_index(drop=True)
    bought = bought.assign(
        label=[f"+{int(n):,} suspected bought" for n in bought["followers_gained"]],
        label_y=[10 + 14 * (i % 4) for i in range(len(bought))],  # close bursts do not overlap
    )
    rules = alt.Chart(bought).mark_rule(color="#c62828", strokeWidth=2).encode(x="burst_start:T")
    labels = (
        alt.Chart(bought)
        .mark_text(color="#c62828", align="left", dx=4)
        .encode(x="burst_start:T", y=alt.Y("label_y:Q", scale=None), text="label:N")
    )
    return alt.layer(line, rules, labels)


def gross_flows(daily: pd.DataFrame) -> alt.Chart:
    """Gross follows up, gross unfollows down: churn that the net curve hides."""
    flows = pd.DataFrame(
        {
            "date": list(daily["date"]) * 2,
            "series": ["follows"] * len(daily) + ["unfollows"] * len(daily),
            "value": list(daily["follows_gross"]) + [-v for v in daily["unfollows_gross"]],
        }
    )
    return (
        _base(flows, "Gross follows and unfollows per day")
        .mark_bar()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title="accounts"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["follows", "unfollows"], range=["#2e7d32", "#c62828"]),
            ),
        )
    )


def composition(frame: pd.DataFrame) -> alt.Chart:
    """The latest day's followers by exclusive class (the bars add up to the followers)."""
    # a class with no count (unknown: no follower profile known) has no bar
    frame = frame[frame["segment"].isin(list(COMPOSITION_CLASSES)) & frame["followers"].notna()]
    data = frame.assign(label=frame["segment"].map(SEGMENT_LABELS))
    order = [SEGMENT_LABELS[s] for s in frame["segment"]]
    colors = [SEGMENT_COLORS[s] for s in frame["segment"]]
    return (
        alt.Chart(data, title="Audience composition (followers at the end of the latest day)")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order),
            x=alt.X("followers:Q", title="followers"),
            color=alt.Color("label:N", legend=None, scale=alt.Scale(domain=order, range=colors)),
            tooltip=["label:N", "followers:Q"],
        )
        .properties(width=WIDTH - 120, height=24 * len(frame))
    )


def quality_score(quality: pd.DataFrame) -> alt.Chart:
    return (
        _base(quality, "Audience quality score (0-100, higher is better)")
        .mark_line(color="#1565c0")
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("audience_quality_score:Q", title="score", scale=alt.Scale(domain=[0, 100])),
        )
    )


def engagement_rates(daily: pd.DataFrame) -> alt.Chart:
    columns = {
        "engagement_rate": "engagement rate",
        "authentic_engagement_rate": "authentic engagement rate",
    }
    return _lines(daily, columns, "Engagement rate next to authentic engagement rate", ".1%")


def kaushik_rates(daily: pd.DataFrame) -> alt.Chart:
    columns = {
        "conversation_rate": "conversation (comments per post)",
        "amplification_rate": "amplification (shares per post)",
        "applause_rate": "applause (likes per post)",
    }
    return _lines(daily, columns, "Kaushik rates per post", ",.1f")


def fans_and_dialog(daily: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    columns = {"true_fans": "true fans", "dialog_accounts_90d": "accounts in dialog (90 days)"}
    lines = _lines(daily, columns, "True fans and dialog, next to Dunbar's ~150", ",d")
    dunbar = int(daily["dunbar_number"].dropna().iloc[-1]) if len(daily) else 150
    rule = (
        alt.Chart(pd.DataFrame({"y": [dunbar], "label": [f"Dunbar ~{dunbar}"]}))
        .mark_rule(strokeDash=[6, 4], color="#616161")
        .encode(y="y:Q")
    )
    text = (
        alt.Chart(pd.DataFrame({"y": [dunbar], "label": [f"Dunbar ~{dunbar}"]}))
        .mark_text(align="left", dy=-6, color="#616161")
        .encode(y="y:Q", x=alt.value(4), text="label:N")
    )
    return alt.layer(lines, rule, text)


def weak_ties(daily: pd.DataFrame) -> alt.Chart:
    columns = {
        "weak_tie_engagement_share_90d": "engagement from weak ties (90 days)",
        "weak_tie_share_of_shares_90d": "shares from weak ties (90 days)",
    }
    return _lines(daily, columns, "Weak-tie share", ".0%")


def quality_by_account(rows: pd.DataFrame) -> alt.Chart:
    """The index page: every tracked account's latest audience quality score."""
    return (
        alt.Chart(rows, title="Audience quality score, latest day")
        .mark_bar(color="#1565c0")
        .encode(
            y=alt.Y("account:N", title=None, sort="-x"),
            x=alt.X("audience_quality_score:Q", title="score", scale=alt.Scale(domain=[0, 100])),
        )
        .properties(width=WIDTH - 120, height=24 * max(len(rows), 1))
    )
