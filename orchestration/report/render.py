"""Write the audit report: one self-contained HTML page per tracked account and an index page
comparing them, from the serving file. Pages carry their charts as inline SVG and their style
inline: they open from disk, offline, with no CDN and no JavaScript."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
from markupsafe import Markup

from orchestration.cli import progress
from orchestration.figures import (
    COMPOSITION_CLASSES,
    FIGURES,
    formatted,
    glossary,
    warm_up_notes,
)
from orchestration.report import charts
from orchestration.report.data import Account, AccountData, account_data, comparison
from orchestration.report.data import tracked_accounts as list_accounts
from orchestration.unknowns import cell, unknown_notes

TEMPLATES = Path(__file__).parent / "templates"
INDEX = "index.html"


@dataclass
class ReportResult:
    out_dir: Path
    index: Path
    pages: dict[str, Path] = field(default_factory=dict)  # "platform:account_id" -> page


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # handles, names and reasons come from the dumps: never trusted as HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, num=_num, score=_score, when=_when, fig=_fig, cell=_cell)
    env.globals["figures"] = FIGURES
    env.globals["css"] = Markup((TEMPLATES / "report.css").read_text())
    return env


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _pct(value: object, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):.{digits}%}"  # type: ignore[arg-type]


def _num(value: object) -> str:
    return "–" if _missing(value) else f"{round(float(value)):,}"  # type: ignore[arg-type]


def _score(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):.0f}"  # type: ignore[arg-type]


def _fig(value: object, key: str) -> str:
    """A figure of orchestration.figures, printed as the CLI prints it."""
    return formatted(key, value)


def _cell(row: dict[str, object], key: str) -> str:
    """A figure of a kpis row, printed as the CLI prints it (`unknown` where no follower
    profile is known)."""
    return cell(key, row)


def _when(value: object) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _svg(chart: object) -> Markup:
    # vl-convert renders the SVG; every data label in it is escaped by the Vega renderer
    return Markup(charts.to_svg(chart))  # type: ignore[arg-type]


def _account_charts(d: AccountData) -> dict[str, Markup]:
    return {
        "followers": _svg(charts.follower_curve(d.daily, d.bursts)),
        "flows": _svg(charts.gross_flows(d.daily)),
        "composition": _svg(charts.composition(d.composition)),
        "quality": _svg(charts.quality_score(d.quality)),
        "engagement": _svg(charts.engagement_rates(d.daily)),
        "kaushik": _svg(charts.kaushik_rates(d.daily)),
        "fans": _svg(charts.fans_and_dialog(d.daily)),
        "weak_ties": _svg(charts.weak_ties(d.daily)),
    }


def _latest(frame: pd.DataFrame, column: str) -> object:
    values = frame[column].dropna()
    return values.iloc[-1] if len(values) else None


# the account page's tiles, and every figure its glossary defines (tiles first)
TILES = [
    "followers",
    "audience_quality_score",
    "real_share",
    "ghost_share",
    "unknown_share",
    "suspicious_share",
    "estimated_bought_followers",
    "engagement_rate_28d",
    "authentic_engagement_rate_28d",
    "true_fans",
    "like_farm_posts",
]
ACCOUNT_GLOSSARY = [
    *TILES,
    *(share for share in COMPOSITION_CLASSES.values() if share not in TILES),
    "off_market_share",
    "active_follower_ratio_28d",
    "dialog_accounts_90d",
    "weak_tie_engagement_share_90d",
    "weak_tie_share_of_shares_90d",
    "purchase_bursts",
]
# the index's columns after account and platform, and its glossary
INDEX_FIGURES = [
    "followers",
    "audience_quality_score",
    "real_share",
    "ghost_share",
    "unknown_share",
    "suspicious_share",
    "estimated_bought_followers",
    "engagement_rate_28d",
    "authentic_engagement_rate_28d",
    "true_fans",
    "purchase_bursts",
    "like_farm_posts",
]
WINDOWED = [k for k in FIGURES if FIGURES[k].days is not None]


def render_account(env: jinja2.Environment, d: AccountData, built: str) -> str:
    labels = charts.SEGMENT_LABELS
    composition = [
        {
            "segment": s,
            "label": labels[s],
            "followers": None if _missing(n) else int(n),
            "share": cell(f, {**d.headline, f: share}),
        }
        for s, n, share, f in zip(
            d.composition["segment"],
            d.composition["followers"],
            d.composition["share"],
            d.composition["figure"],
            strict=True,
        )
    ]
    return env.get_template("account.html.j2").render(
        account=d.account,
        headline=d.headline,
        tiles=TILES,
        latest={
            c: _latest(d.daily, c)
            for c in ("conversation_rate", "amplification_rate", "applause_rate", "dunbar_number")
        },
        charts=_account_charts(d),
        composition=composition,
        class_labels=labels,
        bursts=d.bursts.to_dict("records"),
        suspicious=d.suspicious.to_dict("records"),
        farm_posts=d.farm_posts.to_dict("records"),
        warm_up=warm_up_notes([d.headline], WINDOWED) if d.headline else [],
        unknown=unknown_notes([d.headline]) if d.headline else [],
        glossary=glossary(ACCOUNT_GLOSSARY),
        built=built,
        index=INDEX,
    )


def write_reports(
    serving: Path, out_dir: Path, account: str | None = None, show_progress: bool = True
) -> ReportResult:
    """Render the pages of every tracked account (or `account`) and the index into `out_dir`."""
    if not serving.exists():
        raise FileNotFoundError(f"serving file not found: {serving} (run `truefans run` first)")
    out_dir.mkdir(parents=True, exist_ok=True)
    env = _environment()
    result = ReportResult(out_dir=out_dir, index=out_dir / INDEX)
    with duckdb.connect(str(serving), read_only=True) as con:
        built = _provenance(con)
        every = list_accounts(con)
        chosen = list_accounts(con, account)
        figures = comparison(con)
        with progress.bar("report", "accounts", show_progress) as bar:
            task = bar.add_task("accounts", total=len(chosen))
            for a in chosen:
                d = account_data(con, a, figures.get((a.platform, a.account_id), {}))
                page = out_dir / f"{a.slug}.html"
                _write(page, render_account(env, d, built))
                result.pages[f"{a.platform}:{a.account_id}"] = page
                bar.advance(task)
    rows = [
        {
            **figures.get((a.platform, a.account_id), {}),
            "a": a,
            # link the pages that exist (an earlier full report, or this run's)
            "page": f"{a.slug}.html" if (out_dir / f"{a.slug}.html").exists() else None,
        }
        for a in every
    ]
    _write(result.index, _render_index(env, rows, built))
    return result


def _render_index(env: jinja2.Environment, rows: list[dict[str, object]], built: str) -> str:
    scored = pd.DataFrame(
        [
            {"account": r["a"].handle, "audience_quality_score": r["audience_quality_score"]}  # type: ignore[attr-defined]
            for r in rows
            if not _missing(r.get("audience_quality_score"))
        ],
        columns=["account", "audience_quality_score"],
    )
    with_data = [r for r in rows if "days_of_data" in r]
    return env.get_template("index.html.j2").render(
        rows=rows,
        columns=INDEX_FIGURES,
        chart=_svg(charts.quality_by_account(scored)),
        warm_up=warm_up_notes(with_data, INDEX_FIGURES),
        unknown=unknown_notes([r for r in rows if "account" in r]),
        glossary=glossary(INDEX_FIGURES),
        built=built,
    )


def _provenance(con: duckdb.DuckDBPyConnection) -> str:
    """Which published data the pages show: serving version, newest dump date, publish time."""
    row = con.execute(
        "select version, newest_dump_date, published_at from marts.meta_publish "
        "order by version desc limit 1"
    ).fetchone()
    if row is None:
        return "unpublished data"
    version, newest, published = row
    return (
        f"serving version {version}, dumps up to {newest}, published {published:%Y-%m-%d %H:%M} UTC"
    )


def _write(path: Path, text: str) -> None:
    """Replace the page atomically: a browser or a web server never sees half a page."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


__all__ = ["Account", "ReportResult", "write_reports"]
