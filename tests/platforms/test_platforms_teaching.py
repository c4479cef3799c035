"""The notebook helpers of ecomlib.platforms.teaching: what-ifs that reduce to the chapter's functions
at unchanged settings, hand cases for the changed ones, and the trainer panels re-running."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.platforms import landed_cost, platform_pnl, read_tax_rules
from ecomlib.platforms import plotting as pp
from ecomlib.platforms.teaching import (
    attach_platforms,
    destination_baskets,
    fx_rates,
    landed_headline,
    landed_what_if,
    parse_weights,
    pnl_headline,
    pnl_what_if,
)

FEES = pd.DataFrame({
    "platform": ["A", "B"], "platform_type": ["marketplace", "own_site"], "commission_rate": [0.1, 0.0],
    "payment_fee_rate": [0.0, 0.0], "ad_take_rate": [0.0, 0.0], "fulfilment_per_order": [5.0, 0.0],
    "fixed_fee_per_month": [100.0, 0.0], "start_date": pd.to_datetime(["2024-01-01", "2024-01-01"]),
    "note": ["illustrative", "illustrative"]})


def hand_lines():
    # A: two orders in January, 100 + 200 CNY, the second has a 50 CNY unit returned (cost 20)
    return pd.DataFrame({
        "order_id": ["o1", "o2", "o2", "o3"], "platform": ["A", "A", "A", "B"],
        "order_date": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-01-20", "2024-01-09"]),
        "customer_id": ["c1", "c2", "c2", "c3"], "quantity": [1, 4, -1, 1],
        "revenue": [100.0, 200.0, -50.0, 80.0], "unit_cost": [40.0, 20.0, 20.0, 30.0],
        "status": ["completed", "completed", "returned", "completed"], "country": ["CN"] * 4})


def test_what_if_at_the_schedule_is_platform_pnl(sample_store):
    lines = attach_platforms(sample_store.transactions, sample_store.order_platforms)
    base = platform_pnl(lines, sample_store.platforms).set_index("platform").loc["Marketplace A"]
    row = sample_store.platforms.set_index("platform").loc["Marketplace A"]
    same = pnl_what_if(lines, sample_store.platforms, platform="Marketplace A",
                       commission_rate=row["commission_rate"], ad_take_rate=row["ad_take_rate"],
                       return_rate=base["refunds"] / base["gmv"]).iloc[0]
    for col in ("contribution", "refunds", "cogs", "contribution_per_order"):
        assert same[col] == pytest.approx(base[col], rel=1e-12)


def test_what_if_hand_case():
    # A: gmv 300, refunds 50, cogs 40 + 80 - 20 = 100, commission 10% of 300 = 30, fulfilment 2 x 5,
    # fixed 100 x 1 month: contribution 300 - 50 - 100 - 30 - 10 - 100 = 10
    base = pnl_what_if(hand_lines(), FEES, platform="A", commission_rate=0.1, ad_take_rate=0.0, return_rate=50 / 300)
    assert base.iloc[0]["contribution"] == pytest.approx(10.0)
    # commission 0 and ad take 5%: +30 - 15; returns 0: refunds 0 and the 20 CNY of returned cost is sold cost
    other = pnl_what_if(hand_lines(), FEES, platform="A", commission_rate=0.0, ad_take_rate=0.05, return_rate=0.0)
    assert other.iloc[0]["contribution"] == pytest.approx(10.0 + 30 - 15 + 50 - 20)
    assert other.iloc[0]["contribution_per_order"] == pytest.approx((10.0 + 45) / 2)
    # twice the returns: refunds 100, recovered cost 40
    double = pnl_what_if(hand_lines(), FEES, platform="A", commission_rate=0.1, ad_take_rate=0.0, return_rate=100 / 300)
    assert double.iloc[0]["contribution"] == pytest.approx(10.0 - 50 + 20)
    assert "per order" in pnl_headline(double)


def test_what_if_without_returns_uses_the_sold_cost_share():
    lines = hand_lines()
    b = pnl_what_if(lines, FEES, platform="B", commission_rate=0.0, ad_take_rate=0.0, return_rate=0.5)
    # B: gmv 80, cogs 30; half refunded (40), cost back 40 x 30 / 80 = 15: 80 - 40 - 15 = 25
    assert b.iloc[0]["contribution"] == pytest.approx(25.0)


@pytest.mark.parametrize("kwargs, err", [({"platform": "Z"}, ParameterError), ({"return_rate": 1.5}, ParameterError),
                                         ({"commission_rate": -0.1}, ParameterError)])
def test_what_if_bad_input(kwargs, err):
    settings = {"platform": "A", "commission_rate": 0.1, "ad_take_rate": 0.0, "return_rate": 0.1, **kwargs}
    with pytest.raises(err):
        pnl_what_if(hand_lines(), FEES, **settings)


def test_attach_platforms():
    lines = hand_lines()
    assert attach_platforms(lines) is lines
    plain = lines.drop(columns="platform")
    assert attach_platforms(plain) is None
    op = pd.DataFrame({"order_id": ["o1", "o2"], "platform": ["A", "B"]})
    joined = attach_platforms(plain, op)
    assert list(joined["platform"]) == ["A", "B", "B"]
    with pytest.raises(DataError):
        attach_platforms(plain, pd.concat([op, op]))


def test_landed_what_if_is_landed_cost_at_the_moved_rate():
    rules = read_tax_rules()
    fx = fx_rates(rules)
    moved = landed_what_if(destination="US", price_cny=300.0, fx_change=-0.1, fx_margin=0.02, fx_rates=fx,
                           freight_cny=40.0, unit_cost_cny=150.0, platform_fee_rate=0.1, tax_rules=rules)
    direct = landed_cost(300.0, "US", fx_rate=fx["USD"] * 0.9, freight_cny=40.0, tax_rules=rules, fx_margin=0.02,
                         platform_fee_rate=0.1, unit_cost_cny=150.0)
    pd.testing.assert_frame_equal(moved, direct)
    assert "USD" in landed_headline(moved)
    with pytest.raises(ParameterError):
        landed_what_if(destination="XX", price_cny=1.0, fx_change=0.0, fx_margin=0.0, fx_rates=fx)


def test_fx_rates_cover_the_rules_and_name_a_missing_currency():
    rules = read_tax_rules()
    assert set(fx_rates(rules)) == set(rules["currency"])
    assert fx_rates(rules, rates={"USD": 7.0})["USD"] == 7.0
    odd = rules.copy()
    odd.loc[0, "currency"] = "XYZ"
    with pytest.raises(ParameterError, match="XYZ"):
        fx_rates(odd)


def test_destination_baskets_by_hand():
    lines = hand_lines().assign(country=["US", "US", "US", "CN"])
    b = destination_baskets(lines)
    assert list(b["destination"]) == ["US"] and b.iloc[0]["orders"] == 2
    assert b.iloc[0]["goods_per_order"] == pytest.approx(150.0)
    assert b.iloc[0]["cost_per_order"] == pytest.approx((40 + 80) / 2)
    with pytest.raises(DataError):
        destination_baskets(hand_lines())


def test_parse_weights():
    assert parse_weights("contribution_per_order=3, customers=1") == {"contribution_per_order": 3.0, "customers": 1.0}
    for bad in ("", "a", "a=x", "a=-1"):
        with pytest.raises(ParameterError):
            parse_weights(bad)


def test_trainer_panels_rerun(sample_store):
    pytest.importorskip("ipywidgets")
    from functools import partial

    from ecomlib.teaching import Dropdown, Slider, panel

    lines = attach_platforms(sample_store.transactions, sample_store.order_platforms)
    p = panel(compute=partial(pnl_what_if, lines, sample_store.platforms), plot=pp.plot_platform_pnl,
              controls={"platform": Dropdown(["Marketplace A", "Own site"], value="Marketplace A"),
                        "commission_rate": Slider(0.0, 0.2, 0.01, value=0.05),
                        "ad_take_rate": Slider(0.0, 0.2, 0.01, value=0.06),
                        "return_rate": Slider(0.0, 0.4, 0.01, value=0.05)}, describe=pnl_headline)
    before, calls = float(p.result.iloc[0]["contribution"]), p.calls
    p.set(commission_rate=0.15)
    assert p.calls > calls and float(p.result.iloc[0]["contribution"]) < before
    assert np.isfinite(p.result.iloc[0]["contribution_per_order"])
