"""Markup rule, optimal prices, price-response tables and break-even volumes."""

import numpy as np
import pytest

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.pricing import (
    ConstantElasticityDemand,
    LinearDemand,
    break_even_table,
    break_even_volume,
    markup_rule_price,
    optimal_price,
    price_response,
)


@pytest.mark.parametrize("e, factor", [(-2.0, 2.0), (-3.0, 1.5), (-1.5, 3.0), (-5.0, 1.25)])
def test_markup_rule_hand_values(e, factor):
    # hand computation: p* = c * e / (1 + e); e=-2 -> 2c, e=-3 -> 1.5c (issue 5)
    assert markup_rule_price(40.0, e) == pytest.approx(40.0 * factor, rel=1e-12)


@pytest.mark.parametrize("e", [-2.2, -1.3, -1.6, -2.6])
def test_markup_rule_matches_numerical_profit_maximum(e):
    curve = ConstantElasticityDemand(e, ref_price=100.0, ref_units=50.0)
    c = 45.0
    grid = price_response(curve, c, prices=np.linspace(46, 1000, 200_000))
    best = grid.loc[grid["gross_profit"].idxmax(), "price"]
    assert best == pytest.approx(markup_rule_price(c, e), rel=0.005)


def test_inelastic_demand_has_no_finite_optimum_and_says_what_to_do():
    with pytest.raises(NotIdentifiableError, match="no finite") as info:
        markup_rule_price(10.0, -0.8)
    assert "linear" in str(info.value)
    res = optimal_price(ConstantElasticityDemand(-0.8, 20.0, 100.0), 10.0)
    assert not res.finite and np.isnan(res.price) and "no finite" in res.note
    with pytest.raises(ParameterError, match="negative"):
        markup_rule_price(10.0, 0.3)
    with pytest.raises(ParameterError, match="unit_cost"):
        markup_rule_price(-1.0, -2.0)


def test_linear_optimum_hand_case():
    # Q = 100 - 2p, c = 10: profit (p-10)(100-2p) peaks at p = (10 + 50) / 2 = 30, Q = 40
    res = optimal_price(LinearDemand(100.0, -2.0, ref_price=20.0), 10.0)
    assert (res.price, res.units, res.gross_profit) == pytest.approx((30.0, 40.0, 800.0))
    assert res.finite and res.summary().loc["price", "value"] == 30.0
    none = optimal_price(LinearDemand(100.0, -2.0, ref_price=20.0), 60.0)
    assert not none.finite and "choke price" in none.note


def test_price_response_hand_values_and_band():
    curve = ConstantElasticityDemand(-2.0, 20.0, 100.0, elasticity_low=-3.0, elasticity_high=-1.0)
    table = price_response(curve, 10.0, prices=[20.0, 40.0])
    # at 40: units 100 * 2**-2 = 25, revenue 1000, profit 750; band: e=-3 -> 375, e=-1 -> 1500
    assert table["units"].tolist() == pytest.approx([100.0, 25.0])
    assert table["revenue"].tolist() == pytest.approx([2000.0, 1000.0])
    assert table["gross_profit"].tolist() == pytest.approx([1000.0, 750.0])
    assert table["profit_low"].tolist() == pytest.approx([1000.0, 375.0])
    assert table["profit_high"].tolist() == pytest.approx([1000.0, 1500.0])
    grid = price_response(curve, 10.0, n=11)
    assert len(grid) == 11 and grid["price"].iloc[0] == pytest.approx(10.0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"prices": []}, DataError),
        ({"prices": [10.0, -1.0]}, DataError),
        ({"n": 1}, ParameterError),
        ({"low": 2.0, "high": 1.0}, ParameterError),
    ],
)
def test_price_response_bad_inputs(kwargs, error):
    with pytest.raises(error):
        price_response(ConstantElasticityDemand(-2.0, 20.0, 100.0), 10.0, **kwargs)


def test_price_response_rejects_other_objects():
    with pytest.raises(ParameterError, match="demand"):
        price_response({"elasticity": -2}, 10.0)
    with pytest.raises(ParameterError, match="demand"):
        optimal_price(-2.0, 10.0)


def test_break_even_exact_and_symmetric_cases():
    # hand computation (issue 5): a 10% cut at a 30% margin needs 0.1 / 0.2 = +50% volume
    assert break_even_volume(-0.10, 0.30) == pytest.approx(0.5, abs=1e-12)
    # a 10% rise at 30% margin may lose 0.1 / 0.4 = 25% of volume
    assert break_even_volume(0.10, 0.30) == pytest.approx(-0.25, abs=1e-12)
    assert break_even_volume([-0.1, -0.2], 0.5) == pytest.approx([0.25, 2 / 3])


def test_break_even_table_marks_below_cost_cells():
    table = break_even_table([-0.3, -0.1, 0.1], [0.2, 0.3])
    assert table.loc[-0.1, 0.3] == pytest.approx(0.5)
    assert np.isnan(table.loc[-0.3, 0.2]) and np.isnan(table.loc[-0.3, 0.3])
    assert table.index.name == "price_change" and table.columns.name == "margin"
    assert break_even_table().shape == (12, 5)


@pytest.mark.parametrize(
    "dp, m, error",
    [(-0.3, 0.3, DataError), (-1.2, 0.3, ParameterError), (0.1, 0.0, ParameterError),
     (0.1, 1.5, ParameterError), ("ten", 0.3, ParameterError), ([], 0.3, ParameterError)],
)
def test_break_even_bad_inputs(dp, m, error):
    with pytest.raises(error):
        break_even_volume(dp, m)


def test_break_even_table_all_below_cost():
    with pytest.raises(DataError):
        break_even_table([-0.5], [0.2, 0.3])


def test_positive_elasticity_gives_no_best_price_instead_of_an_error():
    # a thin export can estimate units rising with price; the chapter must say so, not fail
    res = optimal_price(ConstantElasticityDemand(0.4, 20.0, 100.0), 10.0)
    assert not res.finite and np.isnan(res.price)
    assert "not negative" in res.note
