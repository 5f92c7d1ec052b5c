"""`truefans evaluate` / `learn-weights` metrics on a hand-made warehouse (no pipeline run)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pytest

from evaluation import crossval, metrics, weights
from evaluation.command import evaluate_real, evaluate_warehouse
from orchestration.cli.main import build_parser, main
from orchestration.warehouse import WarehouseError, connection
from simulator.cli_args import config_from_args

# (platform, account_id, follower_id, is_bought, is_follow_churner, is_suspicious)
AUTHENTICITY = [
    ("instagram", "A", "f1", True, False, True),
    ("instagram", "A", "f2", True, False, True),
    ("instagram", "A", "f3", False, True, True),
    ("instagram", "A", "f4", False, False, False),
    ("instagram", "A", "0005", False, False, False),
    ("instagram", "A", "f6", True, False, True),  # not in the truth
    ("instagram", "B", "f1", True, False, True),  # same follower, other account
]
ROLES = [  # f7, f8: in the truth, not in the mart
    ("instagram", "A", "f1", "bought"),
    ("instagram", "A", "f2", "fan"),
    ("instagram", "A", "f3", "follow_churner"),
    ("instagram", "A", "f4", "bought"),
    ("instagram", "A", "0005", "fan"),
    ("instagram", "A", "f7", "bought"),
    ("instagram", "A", "f8", "follow_churner"),
    ("instagram", "B", "f1", "fan"),
]
POSTS = [("instagram", "p1", True), ("instagram", "p2", True), ("instagram", "p3", False)]
POSTS += [("instagram", "p4", False), ("twitter", "p1", False)]
FARM_POSTS = [("instagram", "p1", "farm-01"), ("instagram", "p1", "farm-02")]
FARM_POSTS += [("instagram", "p3", "farm-01"), ("instagram", "p9", "farm-01")]
FARM_POSTS += [("twitter", "p1", "farm-02")]
INTERACTIONS = [("instagram", a, "like") for a in ("a1", "a2", "a3", "a4", "a6", "a1")]
INTERACTIONS += [("instagram", "a5", "comment")]
MEMBERS = [("instagram", "g1", "a1"), ("instagram", "g1", "a3"), ("instagram", "g1", "a5")]
MEMBERS += [("instagram", "g2", "a4")]
GROUPS = [("instagram", "g1", "like"), ("instagram", "g2", "follow")]
FARM_ACTORS = [("instagram", "a1", "farm-01"), ("instagram", "a2", "farm-01")]
FARM_ACTORS += [("instagram", "a9", "farm-02")]
PURCHASES = [
    ("P1", "instagram", "A", "followers", "2026-01-05T10:00:00Z", "2026-01-05T14:00:00Z"),
    ("P2", "instagram", "A", "followers", "2026-01-20T00:00:00Z", "2026-01-25T00:00:00Z"),
    ("P3", "twitter", "B", "followers", "2026-01-10T00:00:00Z", "2026-01-10T06:00:00Z"),
    ("P4", "instagram", "A", "likes", "2026-01-15T00:00:00Z", "2026-01-15T02:00:00Z"),
]
BURSTS = [  # (platform, account_id, burst_start, burst_end, is_purchase_suspected)
    ("instagram", "A", "2026-01-05 12:00", "2026-01-05 18:00", True),  # P1, 2 h late
    ("instagram", "A", "2026-01-04 08:00", "2026-01-04 12:00", True),  # P1's window, 26 h
    ("instagram", "A", "2026-01-21 00:00", "2026-01-22 00:00", True),  # P2, 24 h
    ("instagram", "A", "2026-01-15 00:00", "2026-01-15 03:00", True),  # no purchase
    ("twitter", "B", "2026-01-10 01:00", "2026-01-10 02:00", False),  # not suspected
]
SIGNALS = [
    ("instagram", "A", "f1", "default_avatar"),
    ("instagram", "A", "f1", "young_account"),
    ("instagram", "A", "f1", "default_avatar"),
    ("instagram", "A", "f4", "young_account"),
    ("instagram", "A", "f99", "only_outside"),  # not in the mart: not a column
]
LABELS = """dataset,platform,account_id,follower_id,is_fake
srf2017,instagram,R,r1,true
srf2017,instagram,R,r2,false
srf2017,instagram,R,r3,false
srf2017,instagram,R,r4,true
cresci2015,twitter,C,c1,True
cresci2015,twitter,C,c2,False
"""
REAL_MART = [("instagram", "R", f"r{i}", False, False, s) for i, s in ((1, 1), (2, 1), (3, 0))]
REAL_MART += [("twitter", "C", "c1", False, False, True), ("twitter", "C", "c2", False, False, 0)]


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: str, rows: list) -> None:
    con.execute(f"create table {table} ({columns})")
    if rows:
        con.executemany(f"insert into {table} values ({', '.join('?' * len(rows[0]))})", rows)


def build_warehouse(path: Path, authenticity: list, kind_column: str = "interaction_kind") -> Path:
    con = duckdb.connect(str(path))
    for schema in ("marts", "staging", "intermediate"):
        con.execute(f"create schema {schema}")
    _insert(
        con,
        "marts.fct_follower_authenticity",
        "platform varchar, account_id varchar, follower_id varchar, is_bought boolean, "
        "is_follow_churner boolean, is_suspicious boolean",
        authenticity,
    )
    _insert(
        con,
        "marts.fct_post_engagement",
        "platform varchar, post_id varchar, is_like_farm_target boolean",
        POSTS,
    )
    _insert(
        con,
        "marts.fct_follower_bursts",
        "platform varchar, account_id varchar, burst_start timestamp, burst_end timestamp, "
        "is_purchase_suspected boolean",
        BURSTS,
    )
    _insert(
        con,
        "marts.fct_lockstep_members",
        "platform varchar, group_id varchar, actor_id varchar",
        MEMBERS,
    )
    _insert(
        con, "marts.fct_lockstep_groups", "platform varchar, group_id varchar, kind varchar", GROUPS
    )
    _insert(
        con,
        "staging.stg_interactions",
        f"platform varchar, actor_id varchar, {kind_column} varchar",
        INTERACTIONS,
    )
    _insert(
        con,
        "intermediate.int_follower_signals",
        "platform varchar, account_id varchar, follower_id varchar, signal varchar",
        SIGNALS,
    )
    con.close()
    return path


def _csv(path: Path, header: str, rows: list[tuple]) -> None:
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))


def build_truth(truth: Path) -> Path:
    truth.mkdir()
    _csv(
        truth / "follower_roles.csv",
        "platform,account_id,follower_id,role,purchase_id,is_camouflaged,first_followed_at,"
        "is_follower_at_end",
        [(*r, "", "false", "2026-01-01T00:00:00Z", "true") for r in ROLES],
    )
    _csv(
        truth / "purchases.csv",
        "purchase_id,platform,account_id,kind,size,delivery_start,delivery_end",
        [(*p[:4], 10, *p[4:]) for p in PURCHASES],
    )
    _csv(
        truth / "like_farm_posts.csv",
        "platform,post_id,account_id,farm_id,likes,first_like_at,last_like_at",
        [
            (p, post, "A", farm, 5, "2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z")
            for p, post, farm in FARM_POSTS
        ],
    )
    _csv(truth / "like_farm_actors.csv", "platform,actor_id,farm_id", FARM_ACTORS)
    return truth


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, Path]:
    return build_warehouse(tmp_path / "w.duckdb", AUTHENTICITY), build_truth(tmp_path / "truth")


def _mcc(tp: int, fp: int, fn: int, tn: int) -> float:
    return (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))


@pytest.mark.parametrize("kind_column", ["interaction_kind", "kind"])
def test_classification_counts(tmp_path: Path, kind_column: str) -> None:
    warehouse = build_warehouse(tmp_path / "w.duckdb", AUTHENTICITY, kind_column)
    truth = build_truth(tmp_path / "truth")
    with connection(warehouse, read_only=True) as con:
        result = {m.name: m for m in metrics.classification(con, truth)}
    expected = {  # (tp, fp, fn, tn, missing)
        "bought": (1, 3, 2, 3, 0),
        "follow_churner": (1, 0, 1, 7, 0),
        "suspicious": (2, 3, 3, 1, 0),  # truth: roles bought or follow_churner
        "like_farm_post": (1, 1, 2, 1, 1),
        "lockstep_actor": (1, 1, 1, 2, 1),
    }
    assert list(result) == list(expected)
    for name, (tp, fp, fn, tn, missing) in expected.items():
        m = result[name]
        assert (m.tp, m.fp, m.fn, m.tn, m.missing) == (tp, fp, fn, tn, missing), name
        assert m.f1 == pytest.approx(2 * tp / (2 * tp + fp + fn)), name
        assert m.mcc == pytest.approx(_mcc(tp, fp, fn, tn)), name
    assert result["bought"].precision == pytest.approx(0.25)
    assert result["bought"].mcc == pytest.approx(-3 / math.sqrt(360))
    assert result["follow_churner"].recall == pytest.approx(0.5)
    assert result["like_farm_post"].f1 == pytest.approx(0.4)
    assert result["lockstep_actor"].mcc == pytest.approx(1 / 6)


def test_zero_denominators_give_zero() -> None:
    m = metrics.ClassMetrics.from_counts("x", 0, 0, 0, 10)
    assert (m.precision, m.recall, m.f1, m.mcc) == (0.0, 0.0, 0.0, 0.0)
    perfect = metrics.ClassMetrics.from_counts("y", 3, 0, 0, 5)
    assert (perfect.f1, perfect.mcc) == (1.0, 1.0)
    assert perfect.as_dict()["support"] == 3


def test_purchase_bursts(generated: tuple[Path, Path]) -> None:
    warehouse, truth = generated
    with connection(warehouse, read_only=True) as con:
        b = metrics.purchase_bursts(con, truth)
    assert (b.purchases, b.found, b.suspected_bursts, b.false_bursts) == (3, 2, 4, 1)
    assert b.max_date_error_hours == pytest.approx(24.0)
    assert b.median_date_error_hours == pytest.approx(13.0)
    assert b.share_within_24h == pytest.approx(2 / 3)
    assert b.as_dict()["recall"] == pytest.approx(2 / 3)


def test_real_labels(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "real.duckdb", REAL_MART)
    labels = tmp_path / "labels.csv"
    labels.write_text(LABELS)
    with connection(warehouse, read_only=True) as con:
        result = {m.name: m for m in metrics.real_labels(con, labels)}
    srf, cresci = result["srf2017"], result["cresci2015"]
    assert (srf.tp, srf.fp, srf.fn, srf.tn, srf.missing) == (1, 1, 1, 1, 1)
    assert srf.mcc == 0.0 and srf.f1 == pytest.approx(0.5)
    assert (cresci.tp, cresci.fp, cresci.fn, cresci.tn, cresci.missing) == (1, 0, 0, 1, 0)
    assert cresci.mcc == pytest.approx(1.0)
    real = evaluate_real(warehouse, labels)["datasets"]
    assert [d["name"] for d in real] == ["cresci2015", "srf2017"]
    assert {"paper_reference", "platform", "mcc", "missing"} <= set(real[0])


def test_evaluate_warehouse_is_json_ready(generated: tuple[Path, Path]) -> None:
    result = evaluate_warehouse(*generated)
    assert json.loads(json.dumps(result)) == result
    assert result["bursts"]["found"] == 2
    assert [c["name"] for c in result["classes"]][:2] == ["bought", "follow_churner"]


def test_missing_mart_is_a_clear_error(tmp_path: Path) -> None:
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with (
        connection(tmp_path / "empty.duckdb", read_only=True) as con,
        pytest.raises(WarehouseError, match=r"marts\.fct_follower_authenticity"),
    ):
        metrics.classification(con, tmp_path)


def test_signal_matrix(generated: tuple[Path, Path]) -> None:
    warehouse, truth = generated
    with connection(warehouse, read_only=True) as con:
        m = weights.signal_matrix(con, weights.generated_labels_sql(truth))
    assert m.signal_names == ("default_avatar", "young_account")
    # rows: mart ∩ truth, ordered by dataset, platform, account, follower
    expected_x = [[0, 0], [1, 1], [0, 0], [0, 0], [0, 1], [0, 0]]  # A-0005, A-f1..f4, B-f1
    assert m.X.tolist() == expected_x
    assert m.y.tolist() == [0, 1, 0, 0, 1, 0]
    assert set(m.dataset.tolist()) == {"generated-instagram"}
    assert set(m.platform.tolist()) == {"instagram"}


def _synthetic(n: int = 20_000, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = (rng.random((n, 3)) < 0.3).astype(float)
    coef = np.array([-1.0, 2.0, -1.5, 0.5])
    p = 1 / (1 + np.exp(-(coef[0] + X @ coef[1:])))
    return X, (rng.random(n) < p).astype(float), coef


def test_fit_recovers_known_coefficients_deterministically() -> None:
    X, y, coef = _synthetic()
    fitted = weights.fit_logistic(X, y, l2=0.0)
    assert np.allclose(fitted, coef, atol=0.15)
    assert np.array_equal(fitted, weights.fit_logistic(X, y, l2=0.0))
    # a weight of 2 is the same as the row twice
    twice = weights.fit_logistic(np.vstack([X, X[:100]]), np.concatenate([y, y[:100]]), l2=1.0)
    w = np.ones(len(y))
    w[:100] = 2.0
    assert np.allclose(weights.fit_logistic(X, y, w, l2=1.0), twice, atol=1e-8)


def test_l2_shrinks_signals_but_not_the_intercept() -> None:
    X, y, _ = _synthetic()
    strong = weights.fit_logistic(X, y, l2=1e9)
    assert np.all(np.abs(strong[1:]) < 1e-3)
    assert strong[0] == pytest.approx(math.log(y.mean() / (1 - y.mean())), abs=1e-3)


def _matrix() -> weights.SignalMatrix:
    X, y, _ = _synthetic(4_000)
    X = np.column_stack([X, np.zeros(len(y))])  # a signal that never fires
    platform = np.array(["instagram"] * 3_000 + ["twitter"] * 1_000, dtype=object)
    dataset = np.array(
        ["generated-instagram"] * 2_000 + ["srf2017"] * 1_000 + ["cresci2015"] * 1_000,
        dtype=object,
    )
    return weights.SignalMatrix(X, y, dataset, platform, ("a", "b", "c", "never"))


def test_learn_score_and_seed(tmp_path: Path) -> None:
    m = _matrix()
    rows = weights.learn(m)
    assert {r.platform for r in rows} == {"*", "instagram", "twitter"}
    assert "never" not in {r.signal for r in rows}
    by_key = {(r.platform, r.signal): r for r in rows}
    assert by_key[("instagram", "(intercept)")].rows_fired == 3_000
    assert by_key[("*", "a")].weight > 1.0 and by_key[("*", "b")].weight < -0.8
    assert weights.dataset_weights(m.dataset).sum() == pytest.approx(len(m.y))
    # generated sets weigh 1, real ones REAL_WEIGHT (2): shares 1 + 2 + 2 of 4,000 rows
    dw = weights.dataset_weights(m.dataset)
    assert weights.REAL_WEIGHT == 2.0
    assert dw[0] == pytest.approx(4_000 * (1 / 2_000) / 5)
    assert dw[-1] == pytest.approx(4_000 * (2 / 1_000) / 5)
    # another platform falls back to `*`
    other = weights.SignalMatrix(
        m.X[:1], m.y[:1], m.dataset[:1], np.array(["tiktok"], object), m.signal_names
    )
    star = {r.signal: r.weight for r in rows if r.platform == "*"}
    logit = star["(intercept)"] + sum(
        star[s] for s, x in zip(m.signal_names, m.X[0], strict=True) if x and s in star
    )
    assert weights.score(rows, other)[0] == pytest.approx(1 / (1 + math.exp(-logit)))
    fit = {c.name: c for c in crossval.in_sample(rows, m)}
    assert set(fit) == {"generated-instagram", "srf2017", "cresci2015"}
    cv = crossval.cross_validate(m, "srf2017")
    assert cv == crossval.cross_validate(m, "srf2017")
    assert cv.tp + cv.fp + cv.fn + cv.tn == 1_000
    seed = tmp_path / "seed.csv"
    weights.write_seed(rows, seed)
    text = seed.read_text()
    lines = text.splitlines()
    assert lines[0] == "platform,signal,weight,rows_fired,description"
    assert lines[1].startswith("*,(intercept),")
    assert all(len(line.split(",")[2].split(".")[1]) == 4 for line in lines[1:])
    weights.write_seed(list(reversed(rows)), seed)
    assert seed.read_text() == text


def test_seed_has_no_negative_zero(tmp_path: Path) -> None:
    rows = [weights.WeightRow("*", "x", -0.00001, 3, "x")]
    weights.write_seed(rows, tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text().splitlines()[1] == "*,x,0.0000,3,x"


def test_folds_are_stratified_and_fixed() -> None:
    y = np.array([1.0] * 10 + [0.0] * 40)
    f = crossval.folds(y)
    assert np.array_equal(f, crossval.folds(y))
    assert [int(np.sum(y[f == k])) for k in range(5)] == [2] * 5


def test_cli_help_and_generator_flags(capsys) -> None:
    parser = build_parser()
    for command in ("evaluate", "learn-weights"):
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([command, "--help"])
        assert exc.value.code == 0
    assert "--camouflage" in capsys.readouterr().out
    args = parser.parse_args(
        ["evaluate", "--camouflage", "0.5", "--slow-drip", "0.5", "--seed", "7", "--skip-real"]
    )
    cfg = config_from_args(args)
    assert (cfg.camouflage, cfg.slow_drip, cfg.seed, args.skip_real) == (0.5, 0.5, 7, True)
    args = parser.parse_args(["learn-weights", "--out", "x.csv", "--l2", "2"])
    assert (args.out, args.l2) == ("x.csv", 2.0)


def test_commands_on_an_existing_warehouse(generated: tuple[Path, Path], tmp_path: Path) -> None:
    warehouse, truth = generated
    given = ["--warehouse", str(warehouse), "--truth", str(truth), "--skip-real"]
    out_json = tmp_path / "metrics.json"
    assert main(["evaluate", *given, "--out-json", str(out_json)]) == 0
    assert json.loads(out_json.read_text())["generated"]["bursts"]["purchases"] == 3
    seed = tmp_path / "seed.csv"
    assert main(["learn-weights", *given, "--out", str(seed)]) == 0
    assert seed.read_text().startswith("platform,signal,weight,rows_fired,description\n*,")
    assert main(["evaluate", "--warehouse", str(warehouse), "--skip-real"]) == 2  # no --truth
