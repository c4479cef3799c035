"""Growth rates, CAGR and market sizing."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.market import (
    bottom_up_inputs,
    cagr,
    cagr_table,
    compare_market_sizes,
    growth_rates,
    market_size,
    market_size_headline,
    market_size_sensitivity,
)


def test_cagr_hand_case():
    assert cagr(100.0, 121.0, 2) == pytest.approx(0.10)
    assert cagr(100.0, 100.0, 5) == 0.0


def test_cagr_air_passengers_reference(air_passengers):
    # AirPassengers (Box & Jenkins series G): annual totals 1,520 (1949) and 5,714 (1960);
    # the issue gives CAGR 12.793% over the 11 years, to 1e-5.
    ap = air_passengers
    yearly = ap.groupby(ap.index.year).sum().rename_axis("year").reset_index()
    assert yearly["passengers"].iloc[[0, -1]].tolist() == [1520.0, 5714.0]
    table = cagr_table(yearly, "passengers", "year")
    assert table["years"].iloc[0] == 11.0
    assert table["cagr"].iloc[0] == pytest.approx(0.12793, abs=1e-5)


def test_cagr_zero_or_negative_start_explains():
    with pytest.raises(DataError, match="no rate turns zero or a negative"):
        cagr(0.0, 10.0, 3)
    with pytest.raises(DataError):
        cagr(-5.0, 10.0, 3)
    with pytest.raises(ParameterError, match="years"):
        cagr(1.0, 2.0, 0)
    df = pd.DataFrame({"seg": ["a", "a", "b", "b"], "year": [1, 2, 1, 2], "v": [0.0, 5.0, 1.0, 2.0]})
    with pytest.raises(DataError, match=r"\['a'\]"):
        cagr_table(df, "v", "year", by="seg")


def test_cagr_table_by_group_hand_case():
    df = pd.DataFrame(
        {"seg": ["a", "a", "a", "b", "b", "b"], "year": [1, 2, 3] * 2, "v": [100, 50, 144, 10, 10, 10]}
    )
    out = cagr_table(df.astype({"v": float}), "v", "year", by="seg").set_index("seg")
    assert out.loc["a", "cagr"] == pytest.approx(0.2)
    assert out.loc["b", "cagr"] == 0.0


def test_growth_rates_hand_case_and_lag():
    df = pd.DataFrame(
        {"seg": ["a"] * 3 + ["b"] * 3, "year": [2022, 2023, 2024] * 2, "v": [100.0, 110, 121, 50, 40, 60]}
    )
    before = df.copy()
    out = growth_rates(df, "v", "year", by="seg")
    pd.testing.assert_frame_equal(df, before)
    assert out["growth"].round(6).tolist()[1:3] == [0.1, 0.1]
    assert out.loc[5, "growth"] == pytest.approx(0.5) and out.loc[5, "change"] == 20.0
    assert np.isnan(out.loc[3, "growth"])
    two = growth_rates(df, "v", "year", by="seg", lag=2)
    assert two.loc[2, "growth"] == pytest.approx(0.21)


def test_growth_bad_inputs():
    with pytest.raises(DataError):
        growth_rates(pd.DataFrame(columns=["v", "year"]), "v", "year")
    with pytest.raises(SchemaError):
        growth_rates(pd.DataFrame({"v": [1.0]}), "v", "year")
    with pytest.raises(SchemaError, match="numeric"):
        growth_rates(pd.DataFrame({"v": ["1"], "year": [1]}), "v", "year")
    with pytest.raises(ParameterError, match="lag"):
        growth_rates(pd.DataFrame({"v": [1.0], "year": [1]}), "v", "year", lag=0)
    with pytest.raises(DataError, match="one year"):
        cagr_table(pd.DataFrame({"v": [1.0], "year": [2024]}), "v", "year")


def test_market_size_top_down_and_bottom_up_hand_case():
    top = market_size(
        "top_down",
        population=1_000_000,
        penetration=0.5,
        spend_per_buyer=2_000,
        serviceable_share=0.2,
        obtainable_share=0.05,
    )
    assert top["value"].tolist() == pytest.approx([1e9, 2e8, 1e7])
    assert top["level"].tolist() == ["TAM", "SAM", "SOM"]
    assert "penetration=0.5" in top.loc[0, "assumptions"]
    bottom = market_size(
        "bottom_up", buyers=200, orders_per_year=3, order_value=100, serviceable_share=1, obtainable_share=0.5
    )
    assert bottom["value"].tolist() == pytest.approx([60_000, 60_000, 30_000])


def test_market_size_sensitivity_caps_shares_and_orders_by_swing():
    out = market_size_sensitivity(
        "top_down",
        change=0.5,
        population=100,
        penetration=0.9,
        spend_per_buyer=10,
        serviceable_share=1.0,
        obtainable_share=0.1,
    )
    row = out.set_index("assumption")
    # SOM = 100 x 0.9 x 10 x 1 x 0.1 = 90; population +/-50% -> 45 .. 135
    assert row.loc["population", ["low", "base", "high"]].tolist() == pytest.approx([45, 90, 135])
    # a share cannot exceed 1: serviceable_share 1.0 -> high stays 1.0, so only the low side moves
    assert row.loc["serviceable_share", "high_input"] == 1.0
    assert row.loc["serviceable_share", "swing"] == pytest.approx(45)
    assert row.loc["penetration", "high_input"] == 1.0
    assert out["swing"].is_monotonic_decreasing


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "sideways"}, "method"),
        ({"population": 1, "penetration": 0.5, "spend_per_buyer": 1, "serviceable_share": 0.5}, "obtainable"),
        (
            {"population": 1, "penetration": 1.5, "spend_per_buyer": 1, "serviceable_share": 0.5, "obtainable_share": 0.1},
            "penetration",
        ),
        (
            {"population": -1, "penetration": 0.5, "spend_per_buyer": 1, "serviceable_share": 0.5, "obtainable_share": 0.1},
            "population",
        ),
        (
            {"population": "many", "penetration": 0.5, "spend_per_buyer": 1, "serviceable_share": 0.5, "obtainable_share": 0.1},
            "population",
        ),
    ],
)
def test_market_size_bad_inputs(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        market_size(**kwargs)


def test_sensitivity_bad_parameters():
    base = dict(buyers=1, orders_per_year=1, order_value=1, serviceable_share=1, obtainable_share=1)
    with pytest.raises(ParameterError, match="change"):
        market_size_sensitivity("bottom_up", change=1.5, **base)
    with pytest.raises(ParameterError, match="level"):
        market_size_sensitivity("bottom_up", level="XAM", **base)


def test_bottom_up_inputs_reproduce_the_shops_revenue():
    t = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", None, "c"],
            "order_id": ["1", "1", "2", "3", "4", "5"],
            "order_date": pd.to_datetime(
                ["2024-03-01", "2024-03-01", "2024-05-01", "2024-08-01", "2024-08-02", "2023-01-01"]
            ),
            "revenue": [60.0, 40.0, 50.0, 150.0, 999.0, 10.0],
            "status": ["completed"] * 6,
        }
    )
    inputs = bottom_up_inputs(t)
    # window (2023-08-02, 2024-08-02]: buyers a, b; orders 1, 2, 3 (guest order 4 left out)
    assert inputs == {"buyers": 2.0, "orders_per_year": 1.5, "order_value": 100.0}
    table = market_size("bottom_up", **inputs, serviceable_share=1, obtainable_share=1)
    assert table["value"].iloc[0] == pytest.approx(300.0)
    assert market_size_headline(table) == "TAM 300 CNY > SAM 300 CNY > SOM 300 CNY per year"
    half = bottom_up_inputs(t, days=183)
    assert half["orders_per_year"] == pytest.approx(1.5 * 365 / 183)
    with pytest.raises(ParameterError, match="days"):
        bottom_up_inputs(t, days=7)
    with pytest.raises(DataError, match="known customer"):
        bottom_up_inputs(t.assign(customer_id=None))
    with pytest.raises(SchemaError, match="order_id"):
        bottom_up_inputs(t.drop(columns="order_id"))


def test_compare_market_sizes_hand_case():
    top = dict(population=2e6, penetration=0.1, spend_per_buyer=300, serviceable_share=0.5, obtainable_share=0.2)
    bottom = dict(buyers=1e5, orders_per_year=3, order_value=100, serviceable_share=0.5, obtainable_share=0.2)
    both = compare_market_sizes(top, bottom)
    # top-down TAM 6e7, bottom-up TAM 3e7: top-down is twice bottom-up at every level
    assert both["method"].tolist() == ["top_down"] * 3 + ["bottom_up"] * 3
    assert both["value"].tolist() == pytest.approx([6e7, 3e7, 6e6, 3e7, 1.5e7, 3e6])
    assert both["ratio"].tolist() == pytest.approx([2, 2, 2, 0.5, 0.5, 0.5])
    assert market_size_headline(both).startswith("TAM 60,000,000 CNY")
    with pytest.raises(ParameterError, match="bottom_up"):
        compare_market_sizes(top, [1, 2])
    with pytest.raises(ParameterError, match="buyers"):
        compare_market_sizes(top, {**bottom, "buyers": 0})


def test_market_size_headline_names_the_data_currency():
    """On a GBP export the SOM headline must not say CNY (seen on --data online_retail)."""
    from ecomlib import viz
    from ecomlib.market import market_size, market_size_headline

    size = market_size("top_down", population=1000, penetration=0.5, spend_per_buyer=10.0,
                       serviceable_share=0.5, obtainable_share=0.1)
    old = viz.set_currency("GBP")
    try:
        assert market_size_headline(size).endswith("SOM 250 GBP per year")
    finally:
        viz.set_currency(old)
