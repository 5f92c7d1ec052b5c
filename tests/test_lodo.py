"""Leave-one-dataset-out, the candidate grid and the best single rule on small synthetic
matrices (pure functions, no pipeline run)."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation import candidates, lodo, rules, weights


def test_mcc_matches_the_definition_and_is_zero_on_an_empty_margin() -> None:
    got = rules.mcc(np.array([40, 10]), np.array([10, 0]), np.array([10, 0]), np.array([40, 0]))
    assert got[0] == pytest.approx((40 * 40 - 10 * 10) / np.sqrt(50.0**4))
    assert got[1] == 0.0


def test_best_single_rule_finds_the_threshold_and_direction() -> None:
    followers = np.array([1, 5, 12, 29, 30, 31, 100, 500, 2000, 10], dtype=float)
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 1], dtype=float)
    noise = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], dtype=float)
    rule = rules.best_single_rule(np.column_stack([noise, followers]), y, ("noise", "followers"))
    assert (rule.field, rule.op, rule.threshold) == ("followers", "<", 30.0)
    assert rule.mcc == pytest.approx(1.0)
    assert rule.describe() == "followers < 30"
    # the other direction: many followers flag
    rule = rules.best_single_rule(followers[:, None], 1 - y, ("followers",))
    assert (rule.op, rule.threshold, rule.mcc) == (">=", 30.0, pytest.approx(1.0))


def test_unknown_values_never_flag() -> None:
    v = np.array([[0.0], [np.nan], [np.nan], [5.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    rule = rules.best_single_rule(v, y, ("posts",))
    flags = rules.apply_rule(rule, v, ("posts",))
    assert not flags[1] and not flags[2]
    assert flags[0] and not flags[3]
    # tp 1, fp 0, fn 1, tn 2 counted over all rows, the unknown fake a miss
    assert rule.mcc == pytest.approx(rules.mcc(1, 0, 1, 2).item())


def _matrix(seed: int = 0) -> weights.SignalMatrix:
    """Three sets where bin `a` flags fakes everywhere and bin `b` in two sets, and flags the
    genuine accounts of the third (a bin that does not transfer)."""
    rng = np.random.default_rng(seed)
    blocks = []
    for name, platform, b_right in (
        ("generated-instagram", "instagram", 0.95),
        ("srf2017", "instagram", 0.95),
        ("cresci2015", "twitter", 0.05),
    ):
        y = (rng.random(300) < 0.4).astype(float)
        a = np.where(rng.random(300) < 0.8, y, 1 - y)
        b = np.where(rng.random(300) < b_right, y, 1 - y)
        blocks.append((np.column_stack([a, b]), y, name, platform))
    return weights.SignalMatrix(
        np.vstack([b[0] for b in blocks]),
        np.concatenate([b[1] for b in blocks]),
        np.concatenate([[b[2]] * 300 for b in blocks]).astype(object),
        np.concatenate([[b[3]] * 300 for b in blocks]).astype(object),
        ("followers_lt_30", "digit_handle"),
    )


def test_lodo_holds_out_each_set_and_is_deterministic() -> None:
    m = _matrix()
    first = lodo.lodo(m, None, lodo.Config("x"))
    assert [r.held_out for r in first] == ["cresci2015", "srf2017", "generated"]
    assert [r.model.tp + r.model.fp + r.model.fn + r.model.tn for r in first] == [300] * 3
    assert [r.as_dict() for r in first] == [
        r.as_dict() for r in lodo.lodo(m, None, lodo.Config("x"))
    ]
    # one set alone has nothing to hold out against
    only = weights.subset(m, m.dataset == "srf2017")
    assert lodo.lodo(only, None, lodo.Config("x")) == []


def test_dropping_a_field_that_does_not_transfer_improves_lodo() -> None:
    m = _matrix()
    keep = lodo.real_mean(lodo.lodo(m, None, lodo.Config("all", per_platform=False)))
    drop = lodo.real_mean(
        lodo.lodo(
            m, None, lodo.Config("drop", per_platform=False, drop_fields=("handle_digit_run",))
        )
    )
    assert drop > keep


def test_fit_ties_and_drops_and_always_writes_every_pooled_signal() -> None:
    m = _matrix()
    rows = lodo.fit(m, lodo.Config("t", ties=(("followers_lt_30", "digit_handle"),)))
    star = {r.signal: r.weight for r in rows if r.platform == weights.FALLBACK}
    assert set(star) == {weights.INTERCEPT, "followers_lt_30", "digit_handle"}
    assert star["followers_lt_30"] == star["digit_handle"] != 0.0
    rows = lodo.fit(m, lodo.Config("d", per_platform=False, drop_fields=("handle_digit_run",)))
    assert {r.platform for r in rows} == {weights.FALLBACK}
    assert {r.signal: r.weight for r in rows}["digit_handle"] == 0.0


def test_balanced_weights_split_each_set_half_and_half() -> None:
    dataset = np.array(["a"] * 4 + ["generated-x"] * 6, dtype=object)
    y = np.array([1, 0, 0, 0, 1, 1, 0, 0, 0, 0], dtype=float)
    w = lodo.sample_weights(dataset, y, lodo.Config("b", real_weight=2.0, balance_classes=True))
    assert w.sum() == pytest.approx(10.0)
    assert w[0] == pytest.approx(3 * w[1])  # one fake weighs the three others of its set
    assert w[:4].sum() == pytest.approx(2 * w[4:].sum())


def test_choose_ranks_by_mean_real_mcc_and_the_grid_starts_with_the_default() -> None:
    m = _matrix()
    configs = [
        lodo.Config("all", per_platform=False),
        lodo.Config("drop", per_platform=False, drop_fields=("handle_digit_run",)),
    ]
    ranked = lodo.choose(m, None, configs)
    assert [r.config.name for r in ranked] == ["drop", "all"]
    assert ranked[0].mean >= ranked[1].mean
    grid = candidates.grid()
    assert grid[0] == candidates.DEFAULT
    assert len({c.name for c in grid}) == len(grid)


def test_the_deployed_configuration_round_trips_beside_the_seed(tmp_path) -> None:
    from evaluation import transfer

    seed = tmp_path / "authenticity_weights.csv"
    assert transfer.load_config(seed) == candidates.DEFAULT  # none written yet
    config = lodo.Config(
        "c", per_platform=False, l2=10.0, drop_fields=("listed_count",), ties=(("a", "b"),)
    )
    path = transfer.save_config(config, seed)
    assert path == tmp_path / "authenticity_weights.config.json"
    assert transfer.load_config(seed) == config


def test_the_committed_configuration_is_a_candidate() -> None:
    """`learn-weights` writes the configuration it chose: one of the grid (or --l2's)."""
    from evaluation import transfer

    assert transfer.load_config() in candidates.grid()
