"""Derived discounts (ecomlib.data.derived): reference prices from a product's own price history.

Numbers come from hand computation (the small frames below) or from the sample shop's true
``discount`` column (the simulator's money off the list price), against which the derived
discount share is compared.
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.data.derived import derive_discounts, reference_prices
from ecomlib.errors import DataError, ParameterError, SchemaError


def _lines(prices, quantities=None, product="a", start="2024-01-01"):
    n = len(prices)
    return pd.DataFrame({
        "order_date": pd.date_range(start, periods=n, freq="D"),
        "product_id": [product] * n,
        "quantity": quantities if quantities is not None else [1] * n,
        "unit_price": [float(p) for p in prices],
    })


def test_hand_case_one_cut_day_is_a_discount_of_a_fifth():
    """10, 10, 8, 10: the reference is 10 on every day, the 8 is 20 % off (2 CNY off one unit)."""
    sub = derive_discounts(_lines([10, 10, 8, 10]))
    assert sub.frame["reference_price"].tolist() == [10.0, 10.0, 10.0, 10.0]
    assert sub.frame["discount_rate"].tolist() == [0.0, 0.0, 0.2, 0.0]
    assert sub.frame["discount"].tolist() == [0.0, 0.0, 2.0, 0.0]  # money off, CNY, as the schema says
    assert "derived for all 4 lines" in sub.note and "1 lines (25.0%)" in sub.note


def test_money_off_scales_with_quantity():
    sub = derive_discounts(_lines([10, 10, 7.5, 10], quantities=[3, 3, 3, 3]))
    assert sub.frame["discount"].tolist() == [0.0, 0.0, 7.5, 0.0]


def test_quantity_tier_prices_are_not_discounts():
    """Singles at 10 and 24-packs at 8 every day: a price tier, no discount on any line."""
    singles = _lines([10] * 10, quantities=[1] * 10)
    packs = _lines([8] * 10, quantities=[24] * 10)
    tx = pd.concat([singles, singles, packs], ignore_index=True)  # median quantity 1
    ref = reference_prices(tx)
    assert set(ref.loc[tx["quantity"] == 24, "quantity_tier"]) == {4.0}
    assert set(ref.loc[tx["quantity"] == 1, "quantity_tier"]) == {0.0}
    sub = derive_discounts(tx)
    assert (sub.frame["discount_rate"] == 0).all()
    assert sub.frame.loc[tx["quantity"] == 24, "reference_price"].eq(8.0).all()


def test_rows_that_are_totals_get_no_tiers():
    """One row per day whose units double during a cut (a day total): no product-day has two
    tiers, so the cut is measured against the same product's other days."""
    prices = [10] * 10 + [8] * 4 + [10] * 10
    quantities = [40] * 10 + [80] * 4 + [40] * 10
    ref = reference_prices(_lines(prices, quantities=quantities))
    assert (ref["quantity_tier"] == 0).all()
    rate = derive_discounts(_lines(prices, quantities=quantities)).frame["discount_rate"]
    assert rate.iloc[10:14].tolist() == pytest.approx([0.2] * 4) and (rate.drop(range(10, 14)) == 0).all()
    eager = derive_discounts(_lines(prices, quantities=quantities), min_tier_days=1)
    assert eager.frame["discount_rate"].max() == pytest.approx(0.2)  # no day has two tiers: still none
    forced = derive_discounts(_lines(prices, quantities=quantities), tier_ratio=None)
    assert forced.frame["discount_rate"].tolist() == rate.tolist()


def test_guests_on_their_own_price_list_do_not_make_account_lines_look_discounted():
    """Account customers pay 2.95 and guests 5.79 on the same days (as in UCI Online Retail)."""
    accounts = _lines([2.95] * 10).assign(customer_id="c1")
    guests = _lines([5.79] * 10).assign(customer_id=pd.Series([None] * 10, dtype="str"))
    more_guests = guests.copy()  # guests are the majority of lines
    tx = pd.concat([accounts, guests, more_guests], ignore_index=True)
    ref = reference_prices(tx)
    assert ref["guest_price_list"].tolist() == [False] * 10 + [True] * 20
    f = derive_discounts(tx).frame
    assert (f["discount_rate"] == 0).all()
    assert f.loc[:9, "reference_price"].eq(2.95).all() and f.loc[10:, "reference_price"].eq(5.79).all()
    # without the split the account lines would read as 49 % off
    mixed = derive_discounts(tx.drop(columns="customer_id")).frame
    assert mixed.loc[:9, "discount_rate"].min() == pytest.approx(1 - 2.95 / 5.79, abs=1e-6)


def test_guests_paying_the_same_prices_share_the_list_and_a_cut_for_all_is_found():
    prices = [10] * 8 + [7] * 2 + [10] * 8
    tx = pd.concat([_lines(prices).assign(customer_id="c1"),
                    _lines(prices).assign(customer_id=pd.Series([None] * 18, dtype="str"))], ignore_index=True)
    assert not reference_prices(tx)["guest_price_list"].any()
    rate = derive_discounts(tx).frame["discount_rate"]
    assert sorted(rate[rate > 0].index.tolist()) == [8, 9, 26, 27]


def test_a_cut_within_a_tier_is_still_found():
    """The same tiers, and a two-day 30 % cut on the singles: only those two days are discounted."""
    prices = [10] * 10
    prices[4:6] = [7, 7]
    tx = pd.concat([_lines(prices), _lines([8] * 10, quantities=[24] * 10)], ignore_index=True)
    rate = derive_discounts(tx).frame["discount_rate"]
    assert rate[rate > 0].index.tolist() == [4, 5]
    assert rate[4] == pytest.approx(0.3)


def test_a_lasting_price_cut_and_a_price_rise_are_not_discounts():
    cut = derive_discounts(_lines([10] * 10 + [8] * 30)).frame
    assert cut["discount_rate"].max() == 0  # the days after the cut already sell at 8
    rise = derive_discounts(_lines([10] * 10 + [12] * 30)).frame
    assert rise["discount_rate"].max() == 0


def test_cut_shorter_than_the_window_is_found_and_small_gaps_are_ignored():
    prices = [10] * 15 + [7] * 5 + [10] * 15
    rate = derive_discounts(_lines(prices)).frame["discount_rate"]
    assert rate.iloc[15:20].tolist() == pytest.approx([0.3] * 5)
    assert (rate.drop(range(15, 20)) == 0).all()
    tiny = derive_discounts(_lines([10, 10, 9.8, 10])).frame  # 2 % below: rounding, not a promotion
    assert tiny["discount_rate"].max() == 0
    assert derive_discounts(_lines([10, 10, 9.8, 10]), min_rate=0.01).frame["discount_rate"].max() == pytest.approx(0.02)


def test_products_never_mix_and_returns_get_a_reference():
    a = _lines([10, 10, 8, 10], product="a")
    b = _lines([5, 5, 5, 5], product="b")
    ret = a.iloc[[2]].assign(quantity=-1, unit_price=8.0)  # return of the discounted unit
    tx = pd.concat([a, b, ret], ignore_index=True).assign(
        status=["completed"] * 8 + ["returned"])
    f = derive_discounts(tx).frame
    assert f.loc[f["product_id"] == "b", "discount_rate"].max() == 0
    assert f["reference_price"].iloc[-1] == 10.0 and f["discount"].iloc[-1] == -2.0  # like the sample shop's returns


def test_existing_discount_column_is_kept():
    tx = _lines([10, 10, 8, 10]).assign(discount=[0.0, 0.0, 2.0, 0.0])
    sub = derive_discounts(tx)
    assert sub.note is None and sub.frame is tx and "reference_price" not in sub.frame
    again = derive_discounts(tx, overwrite=True)
    assert "re-derived" in again.note and again.frame["discount_rate"].tolist() == [0.0, 0.0, 0.2, 0.0]
    empty = derive_discounts(tx.assign(discount=np.nan))
    assert empty.note.startswith("discount column without values")


def test_input_is_not_modified():
    tx = _lines([10, 10, 8, 10])
    before = tx.copy()
    derive_discounts(tx)
    pd.testing.assert_frame_equal(tx, before)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"window_days": 0}, ParameterError, "window_days"),
    ({"window_days": 2.5}, ParameterError, "window_days"),
    ({"tier_ratio": 1.0}, ParameterError, "tier_ratio"),
    ({"min_rate": 1.5}, ParameterError, "min_rate"),
    ({"min_tier_days": 0}, ParameterError, "min_tier_days"),
])
def test_bad_settings_name_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        derive_discounts(_lines([10, 10, 8, 10]), **kwargs)


def test_bad_frames_say_what_is_needed():
    with pytest.raises(SchemaError, match="unit_price"):
        derive_discounts(_lines([10, 10]).drop(columns="unit_price"))
    with pytest.raises(DataError, match="no rows"):
        derive_discounts(_lines([10]).iloc[:0])
    with pytest.raises(ParameterError, match="DataFrame"):
        reference_prices([1, 2, 3])
    with pytest.raises(SchemaError, match="numeric"):
        derive_discounts(_lines([10, 10]).assign(unit_price=["10", "x"]))


def test_lines_without_any_positive_price_have_no_reference():
    tx = _lines([0, 0])
    f = derive_discounts(tx).frame
    assert f["reference_price"].isna().all() and (f["discount_rate"] == 0).all()


@pytest.mark.slow
def test_recovers_the_sample_shops_true_discounts(sample_store):
    """Against the simulator's true money off the list price (completed and returned lines, quantity > 0).

    Measured with the defaults (window 21 days, tiers of ratio 2 where a product has them,
    min_rate 5 %): correlation 0.805 between the derived and the true discount share, mean
    absolute error 0.0047, 95 % of the lines found discounted truly were, 72 % of the truly
    discounted lines found (the misses: products that sell mostly during their promotion, so
    the promotion price is their usual one), depth error 0.016 where both see a discount. The
    bounds leave a margin for a new draw of the simulator, not for a worse rule (a rule without
    the two-sided window, or with tiers for every product, falls below them: 0.75 / 0.0057 /
    93 % / 65 % with tiers everywhere).
    """
    tx = sample_store.transactions
    sub = derive_discounts(tx.drop(columns="discount"))
    pos = (tx["quantity"] > 0).to_numpy()
    truth = (tx["discount"] / (tx["revenue"] + tx["discount"])).to_numpy()[pos]
    got = sub.frame["discount_rate"].to_numpy()[pos]
    assert np.corrcoef(got, truth)[0, 1] > 0.77
    assert np.abs(got - truth).mean() < 0.0055
    precision = ((got > 0) & (truth > 0)).sum() / (got > 0).sum()
    recall = ((got > 0) & (truth > 0)).sum() / (truth > 0).sum()
    assert precision > 0.92 and recall > 0.68
    discounted = (got > 0) & (truth > 0)
    assert np.abs(got[discounted] - truth[discounted]).mean() < 0.03  # depth right where both see a discount
