"""Launch helpers, trainer computations, lift intervals and the bundle what-if (issue 19)."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.product import (
    association_rules,
    bass_adopters,
    bass_explorer,
    bundle_what_if,
    fit_launches,
    launch_weeks,
    launches_from_transactions,
    lift_interval,
    pair_inputs,
    rule_explorer,
)


def _launch_table():
    weeks = pd.date_range("2024-01-01", periods=30, freq="7D", unit="us")
    rows = []
    for pid, offset, (p, q, m) in (("A", 0, (0.03, 0.4, 1000)), ("B", 10, (0.02, 0.3, 2000))):
        n = 30 - offset
        rows.append(pd.DataFrame({"product_id": pid, "week": weeks[offset:], "week_number": np.arange(1, n + 1),
                                  "units": bass_adopters(n, p, q, m)}))
    return pd.concat(rows, ignore_index=True)


def test_launch_weeks_picks_the_latest_or_the_named_launch():
    table = _launch_table()
    latest = launch_weeks(table)
    assert latest.product_id == "B" and latest.n_weeks == 20
    np.testing.assert_allclose(latest.units, bass_adopters(20, 0.02, 0.3, 2000))
    assert launch_weeks(table, "A").n_weeks == 30
    with pytest.raises(ParameterError, match="launch"):
        launch_weeks(table, "Z")


def test_fit_launches_recovers_noiseless_parameters():
    out = fit_launches(_launch_table())
    assert list(out.index) == ["A", "B"]
    assert out.loc["A", "p"] == pytest.approx(0.03, rel=1e-4) and out.loc["B", "m"] == pytest.approx(2000, rel=1e-4)
    assert list(fit_launches(_launch_table(), exclude=["A"]).index) == ["B"]


def test_launches_from_transactions_by_hand():
    # product X sells from the first week (old), Y starts in week 10 and sells 5 a week for 12 weeks
    days = pd.date_range("2024-01-01", periods=22, freq="7D", unit="us")
    old = pd.DataFrame({"product_id": "X", "order_date": days, "quantity": 3})
    new = pd.DataFrame({"product_id": "Y", "order_date": days[10:] + pd.Timedelta(days=2), "quantity": 5})
    back = pd.DataFrame({"product_id": ["Y"], "order_date": [days[12]], "quantity": [-2]})  # a return: left out
    table = launches_from_transactions(pd.concat([old, new, back]), lead_weeks=8, min_weeks=12, min_units=10)
    assert set(table["product_id"]) == {"Y"}
    assert table["week"].iloc[0] == days[10] and table["week_number"].tolist() == list(range(1, 13))
    assert table["units"].tolist() == [5.0] * 12
    with pytest.raises(DataError):
        launches_from_transactions(old, lead_weeks=8)


def test_bass_explorer_and_rule_explorer():
    curve = bass_explorer([10, 20, 30], 0.02, 0.35, 1000, horizon=2)
    assert len(curve.curve) == 5
    np.testing.assert_allclose(curve.curve, bass_adopters(5, 0.02, 0.35, 1000))
    assert curve.rmse == pytest.approx(np.sqrt(np.mean((bass_adopters(3, 0.02, 0.35, 1000) - [10, 20, 30]) ** 2)))
    assert "peak in week" in curve.headline()
    lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3, 4], "product_id": ["a", "b", "a", "b", "a", "c"]})
    rs = rule_explorer(lines, 0.5, 0.6)
    assert rs.n_baskets == 4 and len(rs.rules) == 2 and "lift 1.33" in rs.headline()
    assert "no rule" in rule_explorer(lines, 0.9, 0.0).headline()


def test_lift_interval_by_hand():
    # 100 baskets: a = 10 hold A and C, A in 20, C in 25; lift = 0.1 / (0.2 * 0.25) = 2
    rules = pd.DataFrame({"n_baskets": [10], "support": [0.10], "antecedent_support": [0.20],
                          "consequent_support": [0.25]})
    out = lift_interval(rules)
    pa, pab, pac, n = 0.10, 0.20, 0.25, 100
    g = 1 / pa - 1 / pab - 1 / pac  # 10 - 5 - 4 = 1
    var = (pa * g**2 + (pab - pa) / pab**2 + (pac - pa) / pac**2 - 1) / n  # (0.1 + 2.5 + 2.4 - 1) / 100 = 0.04
    assert var == pytest.approx(0.04)
    assert out["lift_low"].iloc[0] == pytest.approx(2 * np.exp(-1.959964 * 0.2), rel=1e-6)
    assert out["lift_high"].iloc[0] == pytest.approx(2 * np.exp(1.959964 * 0.2), rel=1e-6)
    assert lift_interval(rules.iloc[:0]).columns[-2:].tolist() == ["lift_low", "lift_high"]


def test_lift_interval_covers_independent_products():
    # two products bought independently in 5,000 baskets, 400 draws: the 95 % interval holds 1 about 95 % of the time
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(400):
        a = rng.random(5000) < 0.2
        c = rng.random(5000) < 0.1
        n_ac = int((a & c).sum())
        rules = pd.DataFrame({"n_baskets": [n_ac], "support": [n_ac / 5000], "antecedent_support": [a.mean()],
                              "consequent_support": [c.mean()]})
        r = lift_interval(rules).iloc[0]
        hits += int(r["lift_low"] <= 1 <= r["lift_high"])
    assert 0.92 <= hits / 400 <= 0.98, hits


def test_lift_interval_agrees_with_association_rules_lift():
    lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3, 3, 4, 5, 5, 6], "product_id": list("abacbcaabc")})
    rules = lift_interval(association_rules(lines, min_support=0.1))
    assert (rules["lift_low"] <= rules["lift"]).all() and (rules["lift"] <= rules["lift_high"]).all()


def test_bundle_what_if_by_hand():
    t = bundle_what_if(price_a=100, price_b=50, cost_a=60, cost_b=20, units_a=100, units_b=80, together=20,
                       elasticity_a=-2, elasticity_b=-1, discount=0.1)
    e = (100 * -2 + 50 * -1) / 150  # -5/3
    bundles = 20 * 0.9**e  # 20 * exp(5/3 * 0.1053605) = 20 * 1.191962 = 23.8392
    assert bundles == pytest.approx(23.8392, abs=1e-4)
    assert t.loc["without", "revenue"] == 100 * 100 + 50 * 80  # 14,000
    assert t.loc["without", "margin"] == 40 * 100 + 30 * 80  # 6,400
    assert t.loc["with bundle", "units_a"] == pytest.approx(80 + bundles)
    assert t.loc["with bundle", "revenue"] == pytest.approx(100 * 80 + 50 * 60 + 135 * bundles)
    assert t.loc["with bundle", "margin"] == pytest.approx(40 * 80 + 30 * 60 + 55 * bundles)
    assert t.loc["change", "margin"] == pytest.approx(t.loc["with bundle", "margin"] - 6400)
    same = bundle_what_if(price_a=100, price_b=50, cost_a=60, cost_b=20, units_a=100, units_b=80, together=20,
                          elasticity_a=-2, elasticity_b=-1, discount=0.0)
    assert same.loc["change", ["units_a", "units_b", "revenue", "margin"]].abs().max() == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ParameterError, match="together"):
        bundle_what_if(price_a=1, price_b=1, cost_a=0, cost_b=0, units_a=5, units_b=3, together=4,
                       elasticity_a=-1, elasticity_b=-1, discount=0.1)
    with pytest.raises(ParameterError, match="discount"):
        bundle_what_if(price_a=1, price_b=1, cost_a=0, cost_b=0, units_a=5, units_b=3, together=1,
                       elasticity_a=-1, elasticity_b=-1, discount=1.0)


def test_support_for_top_pairs_by_hand():
    from ecomlib.product import support_for_top_pairs

    # baskets: {a,b} x3, {a,c} x2, {b,c} x1, {d} x4 -> pair counts ab 3, ac 2, bc 1; 10 baskets
    lines = pd.DataFrame({
        "order_id": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10],
        "product_id": list("ababab") + list("acac") + list("bc") + list("dddd"),
    })
    assert support_for_top_pairs(lines, 1) == pytest.approx(0.3)
    assert support_for_top_pairs(lines, 2) == pytest.approx(0.2)
    assert support_for_top_pairs(lines, 50) == pytest.approx(0.1)  # fewer pairs than asked: all of them
    assert len(association_rules(lines, min_support=support_for_top_pairs(lines, 2))) == 4  # 2 pairs, both ways
    with pytest.raises(DataError):
        support_for_top_pairs(lines[lines["product_id"] == "d"])


def test_group_elasticities_fall_back_to_the_median_of_finite_ones():
    from types import SimpleNamespace

    from ecomlib.product import group_elasticities

    table = pd.DataFrame({"elasticity": [-1.0, -3.0, np.nan]}, index=pd.Index(["a", "b", "c"], name="group"))
    result = SimpleNamespace(summary=lambda: table)
    assert group_elasticities(result, ["a", "c", "zz"]) == [-1.0, -2.0, -2.0]
    with pytest.raises(DataError):
        group_elasticities(SimpleNamespace(summary=lambda: table.iloc[2:]), ["a"])


def test_pair_inputs_by_hand_and_without_costs():
    lines = pd.DataFrame({"product_id": ["a", "a", "a", "b", "c"], "unit_price": [10.0, 12.0, 20.0, 5.0, 1.0],
                          "quantity": [1, 2, 1, 3, 9], "unit_cost": [6.0, 7.0, 8.0, 2.0, 0.5]})
    got = pair_inputs(lines, "a", "b", 5)
    assert got == {"price_a": 12.0, "price_b": 5.0, "cost_a": 7.0, "cost_b": 2.0, "units_a": 4.0,
                   "units_b": 3.0, "together": 3.0, "costs_assumed": False}  # together capped at b's 3 units
    got = pair_inputs(lines.drop(columns="unit_cost"), "a", "b", 2)
    assert got["costs_assumed"] and got["cost_a"] == pytest.approx(0.6 * 12.0) and got["together"] == 2.0
    t = bundle_what_if(**{k: v for k, v in got.items() if k != "costs_assumed"}, elasticity_a=-2,
                       elasticity_b=-1, discount=0.1)
    assert t.loc["without", "revenue"] == pytest.approx(12.0 * 4 + 5.0 * 3)


def test_pair_inputs_refuses_a_product_without_lines():
    lines = pd.DataFrame({"product_id": ["a"], "unit_price": [10.0], "quantity": [1]})
    with pytest.raises(DataError, match="no lines"):
        pair_inputs(lines, "a", "zz", 1)
