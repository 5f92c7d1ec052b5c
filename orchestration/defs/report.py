"""The audit report: static HTML pages per tracked account, written from the serving file the
same run published (so it never shows data that failed its checks)."""

# No `from __future__ import annotations` here: Dagster inspects the context annotations at runtime.
import dagster as dg

from orchestration.defs.dbt import OWNER
from orchestration.defs.resources import ServingResource
from orchestration.defs.serving import SERVING_KEY

REPORT_KEY = dg.AssetKey(["serving", "report"])


@dg.asset(
    key=REPORT_KEY,
    deps=[SERVING_KEY],
    group_name="serving",
    kinds={"html"},
    owners=[OWNER],
    description=(
        "The audit report (`truefans report`): one self-contained HTML page per tracked account "
        "(follower curve with suspected purchase bursts, gross follows and unfollows, audience "
        "composition, quality score, engagement next to authentic engagement, Kaushik rates, "
        "true fans and dialog next to Dunbar's ~150, weak ties, top suspicious followers, "
        "like-farm posts) and an index comparing them. Charts are inline SVG: the pages open "
        "from disk, offline. Written to `TRUEFANS_REPORT_DIR` (default `report/` beside the "
        "serving file) from the version this run published."
    ),
)
def audit_report(
    context: dg.AssetExecutionContext, serving: ServingResource
) -> dg.MaterializeResult:
    from orchestration.report.render import write_reports

    result = write_reports(serving.path, serving.report_path, show_progress=False)
    context.log.info(f"audit report for {len(result.pages)} accounts: {result.index}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(result.index)),
            "accounts": len(result.pages),
            "pages": dg.MetadataValue.json({k: str(v) for k, v in result.pages.items()}),
        }
    )


report_assets = [audit_report]
