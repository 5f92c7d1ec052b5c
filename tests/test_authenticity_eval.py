"""The authenticity marts meet the issue's bars: on the default generated data (fixed seed)
against the generator's truth, and on the real labelled sets of ../shared/realdata.

The profile weights were learnt by `truefans learn-weights` on generated data of another seed
(7), so the generated figures here are out of sample; the real sets are in its training data
(docs/evaluation.md reports their cross-validated figures too). Leave-one-dataset-out figures
of the deployed configuration reuse the two warehouses built here (no extra pipeline run)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from evaluation.command import evaluate_real, evaluate_warehouse
from evaluation.realdata import default_realdata_dir, write_real_landing
from evaluation.transfer import evaluate_lodo
from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings
from simulator import generate
from simulator.config import SimConfig

F1_BARS = {"bought": 0.95, "follow_churner": 0.90, "like_farm_post": 0.90}
MCC_BARS = {"cresci2015": 0.95, "instafake2019": 0.77, "srf2017": 0.51}
# leave-one-dataset-out MCC of the deployed configuration (docs/evaluation.md), just below
LODO_BARS = {"cresci2015": 0.95, "instafake2019": 0.77, "srf2017": 0.51}


def _run(landing: Path, warehouse: Path) -> None:
    settings = Settings(
        landing=landing, warehouse=warehouse, threads=2, memory_limit="2GB", docs=False
    )
    summary = run_pipeline(
        settings, instance=dg.DagsterInstance.ephemeral(), log_file=warehouse.parent / "run.log"
    )
    assert summary.success, f"pipeline failed, see {warehouse.parent / 'run.log'}"
    assert summary.checks_failed == []


@pytest.fixture(scope="module")
def generated_base(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("authenticity")
    generate(SimConfig(), base / "landing", base / "truth", progress=False)
    _run(base / "landing", base / "warehouse.duckdb")
    return base


@pytest.fixture(scope="module")
def generated(generated_base: Path) -> dict:
    return evaluate_warehouse(generated_base / "warehouse.duckdb", generated_base / "truth")


@pytest.fixture(scope="module")
def real_base(tmp_path_factory) -> Path:
    if not default_realdata_dir().is_dir():
        pytest.skip(f"real labelled data not found at {default_realdata_dir()}")
    base = tmp_path_factory.mktemp("realdata")
    write_real_landing(base / "landing", base / "labels.csv")
    _run(base / "landing", base / "warehouse.duckdb")
    return base


@pytest.fixture(scope="module")
def real(real_base: Path) -> dict:
    return evaluate_real(real_base / "warehouse.duckdb", real_base / "labels.csv")


@pytest.mark.parametrize("name", sorted(F1_BARS))
def test_generated_class_f1(generated: dict, name: str) -> None:
    found = {c["name"]: c for c in generated["classes"]}[name]
    assert found["f1"] >= F1_BARS[name], found


def test_lockstep_actors_are_the_farms(generated: dict) -> None:
    found = {c["name"]: c for c in generated["classes"]}["lockstep_actor"]
    assert found["tp"] > 0 and found["f1"] >= 0.90, found


def test_every_purchase_found_and_dated_within_a_day(generated: dict) -> None:
    bursts = generated["bursts"]
    assert bursts["purchases"] > 0
    assert bursts["found"] == bursts["purchases"], bursts
    assert bursts["max_date_error_hours"] <= 24, bursts


def test_suspected_purchases_say_why_and_match_purchases(
    generated_base: Path, generated: dict
) -> None:
    """Every suspected purchase carries its evidence in words, in the mart and in the reasons
    of the followers it convicts, and none of them matches no purchase."""
    assert generated["bursts"]["false_bursts"] == 0, generated["bursts"]
    con = duckdb.connect(str(generated_base / "warehouse.duckdb"), read_only=True)
    try:
        bursts = con.execute(
            "select purchase_evidence, excess_share, engaged_share"
            " from marts.fct_follower_bursts where is_purchase_suspected"
        ).fetchall()
        unexplained = con.execute(
            "select count(*) from marts.fct_follower_authenticity"
            " where is_bought and reasons like 'arrived in a suspected purchase burst on %'"
            " and reasons not like '%followers look suspicious%'"
            " and reasons not like '%conversed or were followed back%'"
        ).fetchone()
    finally:
        con.close()
    assert bursts, "the default data has suspected purchases"
    for evidence, excess, engaged in bursts:
        assert evidence, "a suspected purchase without evidence"
        assert 0 <= engaged <= 1 and 0 <= excess <= 1
    assert unexplained == (0,)


@pytest.mark.parametrize("name", sorted(MCC_BARS))
def test_real_labelled_sets_mcc(real: dict, name: str) -> None:
    found = {d["name"]: d for d in real["datasets"]}[name]
    assert found["missing"] == 0, found  # every labelled follower reached the mart
    assert found["mcc"] >= MCC_BARS[name], found


@pytest.mark.parametrize("name", sorted(LODO_BARS))
def test_leave_one_dataset_out_mcc(generated_base: Path, real_base: Path, name: str) -> None:
    """Fitted without the set (deployed configuration), scored on it: the transfer figure."""
    result = evaluate_lodo(
        (generated_base / "warehouse.duckdb", generated_base / "truth"),
        (real_base / "warehouse.duckdb", real_base / "labels.csv"),
    )
    found = {h["held_out"]: h for h in result["held_out"]}[name]
    assert found["mcc"] >= LODO_BARS[name], found


def test_farm_likes_are_not_authentic_engagement(generated_base: Path) -> None:
    """The suspicious flag feeds the engagement marts: on every post a farm boosted, the
    farm's likes are missing from authentic_engagements, and the flag is set."""
    con = duckdb.connect(str(generated_base / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            """
            with farm as (
                select platform, post_id, count(*) as farm_likes
                from staging.stg_interactions as i
                inner join read_csv(?, all_varchar = true) as a using (platform, actor_id)
                where i.interaction_kind = 'like'
                group by all
            )
            select p.post_id, p.engagements, p.authentic_engagements, f.farm_likes,
                   p.suspicious_engager_share, p.is_like_farm_target
            from marts.fct_post_engagement as p
            inner join farm as f using (platform, post_id)
            """,
            [str(generated_base / "truth" / "like_farm_actors.csv")],
        ).fetchall()
    finally:
        con.close()
    assert rows, "the default data has like-farm posts"
    for _, engagements, authentic, farm_likes, share, _ in rows:
        assert authentic <= engagements - farm_likes
        assert share > 0
    assert sum(r[5] for r in rows) >= 0.9 * len(rows)
