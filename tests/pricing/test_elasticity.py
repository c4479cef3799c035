"""Elasticity: hand cases, a statsmodels reference, non-identifiable groups, bad inputs."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError, SchemaError
from ecomlib.pricing import estimate_elasticity, fit_linear_demand, price_quantity_observations

from .synthetic import synthetic_lines

REFERENCES = Path(__file__).parent / "references"


def test_observations_hand_case_with_empty_week_and_excluded_lines():
    lines = pd.DataFrame({
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-03", "2024-01-17",
                                      "2024-01-18", "2024-01-18"]).astype("datetime64[us]"),
        "category": ["tea"] * 6,
        "quantity": [1, 3, -1, 2, 5, 4],
        "unit_price": [10.0, 6.0, 6.0, 9.0, 9.0, 1.0],
        "status": ["completed", "completed", "returned", "completed", "completed", "cancelled"],
    })
    obs = price_quantity_observations(lines, controls=("trend",))
    # week 1: (1*10 + 3*6) / 4 = 7; week 2: nothing sold; week 3: 7 units at 9
    assert obs["units"].tolist() == [4, 0, 7]
    assert obs["price"].iloc[0] == pytest.approx(7.0)
    assert np.isnan(obs["price"].iloc[1]) and obs["price"].iloc[2] == pytest.approx(9.0)
    assert obs["trend"].tolist() == [0.0, 1.0, 2.0]
    assert obs["period_start"].dtype == "datetime64[us]"
    assert lines["quantity"].tolist() == [1, 3, -1, 2, 5, 4]  # input untouched


def _two_products(price_a_week2: float) -> pd.DataFrame:
    # product A sells 3 then 1 units, B 1 then 3, in two consecutive weeks
    return pd.DataFrame({
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-08"]).astype("datetime64[us]"),
        "category": "tea", "product_id": ["A", "B", "A", "B"],
        "quantity": [3, 1, 1, 3], "unit_price": [10.0, 20.0, price_a_week2, 20.0],
    })


def test_price_index_ignores_a_shift_in_the_product_mix():
    # hand case: no price changes, buyers move from A (10) to B (20). The unit value goes
    # 12.5 -> 17.5; the fixed-weight index stays at the overall unit value 120 / 8 = 15.
    obs = price_quantity_observations(_two_products(10.0), controls=())
    assert obs["unit_value"].tolist() == pytest.approx([12.5, 17.5])
    assert obs["price"].tolist() == pytest.approx([15.0, 15.0])
    assert obs.attrs["price_measure"] == "index"
    plain = price_quantity_observations(_two_products(10.0), controls=(), price_measure="unit_value")
    assert plain["price"].tolist() == pytest.approx([12.5, 17.5])
    assert plain.attrs["price_measure"] == "unit_value"


def test_price_index_hand_case_with_one_price_change():
    # A costs 10 then 11; B stays at 20. Weights are the products' revenues (A 30 + 11 = 41,
    # B 20 + 60 = 80); A's price relative to its geometric mean is 1.1 ** -0.5 then 1.1 ** 0.5,
    # B's is 1. Level: overall unit value (41 + 80) / 8.
    obs = price_quantity_observations(_two_products(11.0), controls=())
    shift = 41 * 0.5 * np.log(1.1) / (41 + 80)
    level = np.log(121 / 8)
    assert obs["log_price"].tolist() == pytest.approx([level - shift, level + shift], abs=1e-12)


def test_a_mix_shift_without_price_changes_is_not_an_elasticity():
    # 12 weeks, two products at fixed prices (10 and 20), buyers drift from A to B: the unit
    # value moves from 10.9 to 19.1, so a unit-value regression finds a "price effect" that no
    # price change caused; with the index the price never moves and the group is reported as
    # not identifiable
    weeks = pd.date_range("2024-01-01", periods=12, freq="W-MON").astype("datetime64[us]")
    share_b = np.linspace(0.1, 0.9, 12)
    lines = pd.DataFrame({
        "order_date": np.repeat(weeks, 2), "category": "tea", "product_id": np.tile(["A", "B"], 12),
        "unit_price": np.tile([10.0, 20.0], 12),
        "quantity": np.column_stack([np.round(100 * (1 - share_b)), np.round(100 * share_b)]).ravel().astype("int64"),
    })
    index_fit = estimate_elasticity(lines, controls=()).summary().loc["tea"]
    assert not index_fit["identifiable"] and "only 1 distinct price" in index_fit["reason"]
    unit_value_fit = estimate_elasticity(lines, controls=(), price_measure="unit_value").summary().loc["tea"]
    assert unit_value_fit["identifiable"] and np.isfinite(unit_value_fit["elasticity"])


def test_price_index_falls_back_to_unit_value_without_products():
    lines = _two_products(10.0).drop(columns="product_id")
    obs = price_quantity_observations(lines, controls=())
    assert obs.attrs["price_measure"] == "unit_value"
    assert obs["price"].tolist() == pytest.approx([12.5, 17.5])
    res = estimate_elasticity(_two_products(10.0).drop(columns="product_id"), controls=(), min_price_points=2)
    assert res.price_measure == "unit_value"
    # grouping by product: each group is one product, so the index is the unit value
    by_product = price_quantity_observations(_two_products(11.0), by="product_id", controls=())
    assert by_product.attrs["price_measure"] == "unit_value"


def test_noise_free_constant_elasticity_is_exact():
    # hand case: units = 1e6 * p**-2 exactly (prices chosen so units are integers)
    price = np.tile([10.0, 20.0, 40.0, 50.0], 6)
    lines = pd.DataFrame({
        "order_date": pd.date_range("2024-01-01", periods=24, freq="W-MON").astype("datetime64[us]"),
        "category": "tea", "unit_price": price, "quantity": (1e6 / price**2).astype("int64"),
    })
    res = estimate_elasticity(lines, controls=())
    row = res.summary().loc["tea"]
    assert row["elasticity"] == pytest.approx(-2.0, abs=1e-12)
    assert row["r_squared"] == pytest.approx(1.0)
    assert row["n_obs"] == 24 and row["n_prices"] == 4 and row["identifiable"]
    # the curve passes through the geometric means: 1e6 / ref_price**2 == ref_units
    assert row["ref_units"] == pytest.approx(1e6 / row["ref_price"] ** 2)


def test_identical_to_plain_statsmodels_ols(lines_three):
    res = estimate_elasticity(lines_three, controls=("trend", "season"))
    for group in ["tea", "cups", "rice"]:
        data = res.observations.query("group == @group and units > 0")
        x = sm.add_constant(data[list(res.regressors)])
        plain = sm.OLS(data["log_units"], x).fit(cov_type="HC1", use_t=True)
        row = res.summary().loc[group]
        assert row["elasticity"] == pytest.approx(plain.params["log_price"], abs=1e-10)
        assert row["std_error"] == pytest.approx(plain.bse["log_price"], abs=1e-10)
        assert row["r_squared"] == pytest.approx(plain.rsquared, abs=1e-10)


@pytest.mark.slow
def test_period_effects_identical_to_formula_ols(lines_three):
    res = estimate_elasticity(lines_three, controls=("period",))
    data = res.observations.query("units > 0").assign(week=lambda d: d["period_start"].astype("str"))
    plain = smf.ols("log_units ~ 0 + C(group) + C(group):log_price + C(week)", data).fit(
        cov_type="HC1", use_t=True)
    for group in ["tea", "cups", "rice"]:
        name = f"C(group)[{group}]:log_price"
        row = res.summary().loc[group]
        assert row["relative_elasticity"] == pytest.approx(plain.params[name], abs=1e-10)
        keep = 1 - row["unit_share"]
        assert row["elasticity"] == pytest.approx(plain.params[name] * keep, abs=1e-10)
        assert row["std_error"] == pytest.approx(plain.bse[name] * keep, abs=1e-10)


@pytest.mark.slow
def test_stored_reference_from_regenerate_script():
    # values written by tests/pricing/references/regenerate.py (statsmodels formula API)
    stored = json.loads((REFERENCES / "elasticity_statsmodels.json").read_text())
    lines = synthetic_lines(stored["elasticities"], seed=stored["seed"], shared_shock=0.1)
    for controls, expected in stored["fits"].items():
        res = estimate_elasticity(lines, controls=tuple(controls.split("+")))
        got = res.summary()["relative_elasticity" if controls == "period" else "elasticity"].to_dict()
        for group, value in expected.items():
            assert got[group] == pytest.approx(value, abs=1e-10)


def test_recovers_known_elasticities_and_covers_them():
    truth = {"a": -2.5, "b": -1.8, "c": -1.2, "d": -0.7}
    lines = synthetic_lines(truth, seed=3, noise=0.08)
    table = estimate_elasticity(lines).summary()
    for group, e in truth.items():
        assert table.loc[group, "elasticity"] == pytest.approx(e, abs=0.1)
        assert table.loc[group, "ci_low"] < e < table.loc[group, "ci_high"]


@pytest.mark.slow
def test_period_effects_remove_shared_confounding():
    # shop-wide sales coincide with a demand boost: per-group seasonality controls are
    # biased, period fixed effects are not
    truth = {"a": -2.0, "b": -1.5, "c": -1.0}
    lines = synthetic_lines(truth, seed=5, shared_shock=0.1)
    naive = estimate_elasticity(lines).summary()["elasticity"]
    # the synthetic categories' demands are independent, so no budget-share adjustment
    fixed = estimate_elasticity(lines, controls=("period",), share_adjust=False).summary()["elasticity"]
    for group, e in truth.items():
        assert abs(fixed[group] - e) < 0.1
        assert naive[group] < e - 0.3  # the bias the period effects remove


def test_pooled_fixed_effects_common_slope():
    lines = synthetic_lines({"a": -1.5, "b": -1.5, "c": -1.5}, seed=2)
    res = estimate_elasticity(lines, pooled=True)
    assert res.table["elasticity"].nunique() == 1
    assert res.table["elasticity"].iloc[0] == pytest.approx(-1.5, abs=0.08)
    assert set(res.table["model"]) == {"pooled"}


def test_group_without_price_variation_is_not_identifiable(lines_three):
    flat = lines_three.assign(unit_price=lambda d: d["unit_price"].where(d["category"] != "rice", 9.9))
    res = estimate_elasticity(flat)
    row = res.summary().loc["rice"]
    assert not row["identifiable"] and np.isnan(row["elasticity"])
    assert "1 distinct price" in row["reason"]
    assert res.summary().loc["tea", "identifiable"]
    with pytest.raises(NotIdentifiableError, match="rice"):
        res.demand("rice")


def test_few_periods_reason_and_zero_periods_counted():
    lines = synthetic_lines({"a": -2.0}, weeks=6)
    lines = lines.drop(index=[2])  # one week without sales
    row = estimate_elasticity(lines).summary().loc["a"]
    assert not row["identifiable"] and "period(s) with sales" in row["reason"]
    assert row["n_zero_periods"] == 1 and row["n_obs"] == 5


def test_linear_demand_hand_case():
    price = np.tile([8.0, 10.0, 12.0], 4)
    lines = pd.DataFrame({
        "order_date": pd.date_range("2024-01-01", periods=12, freq="W-MON").astype("datetime64[us]"),
        "category": "tea", "unit_price": price, "quantity": (100 - 5 * price).astype("int64"),
    })
    curve = fit_linear_demand(estimate_elasticity(lines, controls=()), "tea")
    assert curve.intercept == pytest.approx(100.0) and curve.slope == pytest.approx(-5.0)
    assert curve.choke_price == pytest.approx(20.0)


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda d: d.iloc[0:0], DataError, "no rows"),
        (lambda d: d.drop(columns="unit_price"), SchemaError, "unit_price"),
        (lambda d: d.assign(quantity=d["quantity"].astype("str")), SchemaError, "numeric"),
        (lambda d: d.assign(order_date=d["order_date"].astype("str")), SchemaError, "datetime"),
        (lambda d: d.assign(status="cancelled"), DataError, "no completed sales"),
    ],
)
def test_bad_transactions(lines_three, change, error, match):
    with pytest.raises(error, match=match):
        estimate_elasticity(change(lines_three))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"freq": "Q"}, "freq"),
        ({"controls": ("holiday",)}, "controls"),
        ({"controls": ("period", "trend")}, "cannot combine"),
        ({"alpha": 1.5}, "alpha"),
        ({"min_price_points": 1}, "min_price_points"),
    ],
)
def test_bad_parameters(lines_three, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        estimate_elasticity(lines_three, **kwargs)


def test_unknown_group_and_bad_result_type(lines_three):
    res = estimate_elasticity(lines_three)
    with pytest.raises(ParameterError, match="group"):
        res.demand("coffee")
    with pytest.raises(ParameterError, match="ElasticityResult"):
        fit_linear_demand(res.table, "tea")


@pytest.mark.slow
def test_share_adjustment_hand_case(lines_three):
    res = estimate_elasticity(lines_three, controls=("period",), share_adjust="revenue").summary()
    raw = estimate_elasticity(lines_three, controls=("period",), share_adjust=False).summary()
    # e = (b + 1)(1 - s) - 1 with s the revenue share; shares sum to 1
    assert res["revenue_share"].sum() == pytest.approx(1.0)
    expected = (raw["elasticity"] + 1) * (1 - res["revenue_share"]) - 1
    assert res["elasticity"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)
    assert raw["elasticity"].to_numpy() == pytest.approx(res["relative_elasticity"].to_numpy())
    # the default keeps total units fixed: e = b (1 - q) with q the unit share
    units = estimate_elasticity(lines_three, controls=("period",)).summary()
    assert units["unit_share"].sum() == pytest.approx(1.0)
    q = units["unit_share"]
    assert units["elasticity"].to_numpy() == pytest.approx((raw["elasticity"] * (1 - q)).to_numpy(), abs=1e-12)
    with pytest.raises(ParameterError, match="share_adjust"):
        estimate_elasticity(lines_three, controls=("period",), share_adjust="spend")


@pytest.mark.slow
def test_inputs_are_not_modified(lines_three):
    from ecomlib.pricing import discount_depth, price_tiers, unit_economics, van_westendorp

    lines = lines_three.assign(discount=0.0)
    before = lines.copy()
    estimate_elasticity(lines, controls=("period",))
    estimate_elasticity(lines, pooled=True)
    unit_economics(lines, unit_cost_ratio=0.5)
    discount_depth(lines)
    price_tiers(lines, by=None)  # one product per category: tiers only across the shop
    pd.testing.assert_frame_equal(lines, before)
    survey = pd.DataFrame({"too_cheap": [1.0, 3.0, 1.5], "cheap": [2.0, 2.0, 2.5],
                           "expensive": [3.0, 4.0, 3.5], "too_expensive": [4.0, 5.0, 4.5]})
    kept = survey.copy()
    van_westendorp(survey)
    pd.testing.assert_frame_equal(survey, kept)
