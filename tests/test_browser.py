"""The UIs people look at, opened in a real browser (Debian's headless Chromium, driven by
Playwright with `executable_path`): the audit report from disk, and `dagster-webserver` on
localhost showing the project's asset graph. Screenshots go to build/test-output/screenshots/.

`make test` installs Chromium first (`make browser`); without it these tests fail and say so.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psutil
import pytest
from dagster_dev import free_port, ignore_sigint, kill_all, start, stop, wait_until_up
from shared_build import pipeline_build

from orchestration.cli.main import main
from orchestration.settings import REPO_ROOT

SCREENSHOTS = REPO_ROOT / "build" / "test-output" / "screenshots"
# the flags this machine's closed network needs (no background connections, no sync, no QUIC)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GROUPS = {"raw", "staging", "marts", "checks", "serving"} | {
    f"intermediate_{area}"
    for area in ("follows", "authenticity", "lockstep", "engagement", "spine")
}


def _chromium() -> str:
    path = os.environ.get("TRUEFANS_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is not installed: `make browser` installs Debian's chromium")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    return pipeline_build(tmp_path_factory, "browser")


def _shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def _is_png(path: Path, min_bytes: int) -> bool:
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= min_bytes


def test_the_report_opens_from_disk_offline_and_renders_its_charts(
    build, browser, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--serving", str(build.settings.serving_path), "--out", str(out)]) == 0
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "index.html").as_uri())
    assert page.title() == "TrueFans audit: tracked accounts"
    index_shot = _shot(page, "report-index.png")
    page.locator("#accounts a").first.click()  # on to an account's page, as a reader would
    page.wait_for_load_state()
    for section in ("followers", "composition", "suspicious", "like-farm"):
        assert page.locator(f"section#{section}").is_visible()
    charts = page.locator(".chart svg")
    assert charts.count() >= 8
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100  # drawn, not empty
    account_shot = _shot(page, "report-account.png")
    context.close()
    assert not [u for u in requests if not u.startswith("file://")]  # nothing from a network
    assert _is_png(index_shot, 20_000) and _is_png(account_shot, 100_000)


def test_a_brand_manager_reads_one_definition_per_figure(build, browser, tmp_path: Path) -> None:
    """Issue 28: the index and an account page each carry a visible glossary; the tiles'
    engagement rates cover the same window; the composition's suspicious total is the index's
    suspicious share; a warm-up note where a window is longer than the data; suspicious
    followers by handle. Screenshots: report-index.png and report-account.png."""
    out = tmp_path / "report"
    assert main(["report", "--serving", str(build.settings.serving_path), "--out", str(out)]) == 0
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    page = context.new_page()
    page.goto((out / "index.html").as_uri())
    assert page.locator("section#glossary").is_visible()
    assert page.locator("section#glossary dt").count() >= 10
    row = page.locator("#accounts tr[data-account]").first
    handle = row.locator("a").inner_text()
    index_suspicious = row.locator('td[data-kpi="suspicious_share"]').inner_text()
    assert index_suspicious.endswith("%")
    header = page.locator("#accounts th").all_inner_texts()
    assert "engagement rate (28 days)" in header and "authentic engagement rate (28 days)" in header
    assert page.locator("#accounts p.warm-up").is_visible()  # 8 days of data: 28 and 90 days
    _shot(page, "report-index.png")

    row.locator("a").click()
    page.wait_for_load_state()
    assert handle in page.title()
    assert page.locator("section#glossary").is_visible()
    terms = page.locator("section#glossary dt").all_inner_texts()
    labels = page.locator("#headline .tile .label").all_inner_texts()
    assert set(labels) <= set(terms)  # every tile is defined in the glossary
    rates = [t for t in labels if "engagement rate" in t]
    assert rates == ["engagement rate (28 days)", "authentic engagement rate (28 days)"]
    assert "latest posting day" not in " ".join(labels)
    warm_up = page.locator("#headline p.warm-up").inner_text()
    assert "28-day and 90-day windows" in warm_up
    composition = page.locator("#composition")
    total = composition.locator('td[data-share="suspicious_all"]').inner_text()
    assert total == index_suspicious == page.locator('[data-kpi="suspicious_share"]').inner_text()
    parts = sum(
        int(composition.locator(f'td[data-segment="{c}"]').inner_text().replace(",", ""))
        for c in ("bought", "follow_churner", "suspicious")
    )
    assert composition.locator('td[data-segment="suspicious_all"]').inner_text() == f"{parts:,}"
    followers = page.locator("#suspicious tr[data-follower]")
    assert followers.count() > 0
    for i in range(followers.count()):
        follower = followers.nth(i)
        shown = follower.locator("td.handle").inner_text()
        follower_id = follower.get_attribute("data-follower")
        assert shown and shown != follower_id and not shown.isdigit()  # a handle, not the id
        assert follower.locator("td.id").inner_text() == follower_id
    _shot(page, "report-account.png")
    context.close()


@contextlib.contextmanager
def _webserver(build, home: Path) -> Iterator[str]:
    """`dagster-webserver` on the project's code location, on a free localhost port."""
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "TRUEFANS_WAREHOUSE": str(build.settings.warehouse),
        "TRUEFANS_LANDING": str(build.settings.landing),
    }
    command = [
        str(Path(sys.executable).parent / "dagster-webserver"),
        *("-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)),
    ]
    log = (home / "webserver.log").open("w")
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (home / "webserver.log").read_text()[-3000:]
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/server_info", timeout=5) as r,
            ):
                if r.status == 200:
                    break
            assert time.monotonic() < deadline, "dagster-webserver did not come up in 180 s"
            time.sleep(1)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read())["data"]


ASSETS_QUERY = """{ assetNodes { assetKey { path } groupName description hasAssetChecks
  owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } } } }"""


def test_dagster_shows_the_asset_graph_with_groups_descriptions_owners_and_checks(
    build, browser, tmp_path: Path
) -> None:
    with _webserver(build, tmp_path / "dagster_home") as url:
        nodes = _graphql(url, ASSETS_QUERY)["assetNodes"]
        keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert {"raw/interactions", "marts/fct_audience_quality", "serving/report"} <= keys
        assert {n["groupName"] for n in nodes} >= GROUPS
        assert all(n["description"] and n["owners"] for n in nodes)
        assert sum(n["hasAssetChecks"] for n in nodes) >= 20  # dbt tests and GE suites

        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/asset-groups")
        with contextlib.suppress(Exception):  # the community pop-up of a new browser profile
            page.get_by_role("button", name="Skip").click(timeout=10_000)
        for group in GROUPS:  # the lineage of groups: raw -> staging -> ... -> serving
            page.get_by_text(group, exact=True).first.wait_for(timeout=60_000)
        graph_shot = _shot(page, "dagster-asset-graph.png")

        # an asset's page: its description, owner and checks, as `dagster dev` shows them
        page.goto(f"{url}/assets/marts/fct_audience_quality")
        page.get_by_text("analytics-engineering").first.wait_for(timeout=60_000)
        text = page.inner_text("body")
        assert "fct_audience_quality" in text and "Checks" in text
        catalog_shot = _shot(page, "dagster-asset-fct_audience_quality.png")
        page.close()
    assert _is_png(graph_shot, 20_000) and _is_png(catalog_shot, 20_000)


# the asset page's status: "Latest materialization" over "Never materialized", or "4 minutes ago"
LATEST_MATERIALIZATION_IS_A_TIME = (
    "() => /Latest materialization\\s+[^\\n]* ago\\n/.test(document.body.innerText)"
)


def _skip_welcome(page) -> None:
    with contextlib.suppress(Exception):  # the community pop-up of a new browser profile
        page.get_by_role("button", name="Skip").click(timeout=10_000)


@pytest.mark.slow
def test_truefans_dev_shows_a_run_recorded_while_it_is_open(
    browser, tmp_path: Path, monkeypatch
) -> None:
    """`truefans dev` (`make dev`) on a DAGSTER_HOME that does not exist yet; a run recorded
    with `truefans run --record` while the UI is open shows up there without a restart."""
    data = tmp_path / "data"
    home, landing, warehouse = data / "dagster_home", data / "landing", data / "warehouse.duckdb"
    for name, value in (
        ("DAGSTER_HOME", home),
        ("TRUEFANS_LANDING", landing),
        ("TRUEFANS_WAREHOUSE", warehouse),
        ("TRUEFANS_DOCS", "0"),  # no Data Docs / dbt docs rendering: not what this test is about
    ):
        monkeypatch.setenv(name, str(value))
    port, log = free_port(), tmp_path / "truefans-dev.log"
    truefans = str(Path(sys.executable).parent / "truefans")
    # started as a background job of a non-interactive shell is (`make dev &`): SIGINT ignored,
    # inherited; `truefans dev` resets it, so SIGINT stops the UI at the end
    dev = start(
        [truefans, "dev", "--port", str(port)], dict(os.environ), log, tmp_path, ignore_sigint
    )
    try:
        size = ["--seed", "3", "--tracked", "2", "--accounts", "800", "--days", "3"]
        truth = str(tmp_path / "truth")
        assert (
            main(["generate", "--landing", str(landing), "--truth", truth, "--quiet", *size]) == 0
        )
        url = wait_until_up(dev, port, log)
        asset = f"{url}/assets/marts/fct_audience_quality"
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(asset)
        _skip_welcome(page)
        page.get_by_text("Never materialized").first.wait_for(timeout=60_000)

        assert main(["run", "--record", "--quiet"]) == 0  # the same DAGSTER_HOME, UI still up
        with dg.DagsterInstance.from_config(str(home)) as instance:
            (run,) = instance.get_runs()
        page.goto(asset)  # the same UI process: no restart
        page.wait_for_function(LATEST_MATERIALIZATION_IS_A_TIME, timeout=60_000)
        assert "Never materialized" not in page.inner_text("body")
        asset_shot = _shot(page, "dagster-asset-materialized.png")
        page.goto(f"{url}/runs")
        page.get_by_text(run.run_id[:8]).first.wait_for(timeout=60_000)
        assert "nightly_refresh" in page.inner_text("body")
        runs_shot = _shot(page, "dagster-runs.png")
        page.close()
        # exec'd: the process started is `dagster dev` itself, no wrapper between
        assert psutil.Process(dev.pid).cmdline()[1:4] == ["-m", "dagster", "dev"]
        stop(dev, signal.SIGINT, log)
    finally:
        kill_all(dev)
    assert _is_png(asset_shot, 20_000) and _is_png(runs_shot, 20_000)
