"""Thin real exports (issue 13): no category, a few weeks, one product, no list price or cost.

Each case is small and hand-made; the expected messages are the ones the chapter report shows
as skip notes, so they must say what is needed.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from ecomlib.data.substitutes import category_substitute
from ecomlib.errors import DataError, NotIdentifiableError, SchemaError
from ecomlib.pricing import (
    ConstantElasticityDemand,
    discount_depth,
    estimate_elasticity,
    focus_group,
    optimal_price,
    price_tiers,
    unit_economics,
)
from ecomlib.pricing import plotting as pp
from ecomlib.pricing.observations import group_labels


def _without_category(lines: pd.DataFrame) -> pd.DataFrame:
    """What the loader gives for an export without categories: the column, all empty."""
    return lines.assign(category=pd.Series(pd.NA, index=lines.index, dtype="str"))


@pytest.fixture
def no_category(lines_three):
    return _without_category(lines_three.assign(revenue=lines_three["quantity"] * lines_three["unit_price"]))


def test_unit_economics_without_category_says_what_to_do(no_category):
    # before: an empty table, and the notebook's .iloc[0] raised IndexError
    with pytest.raises(DataError, match="(?s)empty on every line.*category_substitute"):
        unit_economics(no_category, unit_cost_ratio=0.6)


def test_unit_economics_on_the_product_substitute(no_category):
    sub = category_substitute(no_category)
    assert sub.substituted and "grouped by product" in sub.note
    table = unit_economics(sub.frame, unit_cost_ratio=0.6, fee_rate=0.05)
    assert sorted(table["category"]) == ["P0", "P1", "P2"]  # the synthetic shop's three products
    # the assumed ratio: margin = 1 - 0.6 - 0.05 for every group, and the source says it is assumed
    assert table["margin_rate"].tolist() == pytest.approx([0.35] * 3)
    assert table["cost_source"].str.startswith("assumed").all()


def test_lines_without_a_group_are_kept_as_their_own_group():
    lines = pd.DataFrame({"category": pd.Series(["tea", None, "tea"], dtype="str")})
    assert group_labels(lines, "category").tolist() == ["tea", "(no category)", "tea"]


def test_four_weeks_no_elasticity_is_identifiable_and_the_reason_is_named(lines_three):
    four = lines_three[lines_three["order_date"] < pd.Timestamp("2024-01-29")]  # 4 weekly rows per group
    fit = estimate_elasticity(four, controls=("period",))
    assert not fit.summary()["identifiable"].any()
    with pytest.raises(NotIdentifiableError, match=r"elasticities not identifiable \(all 3 groups: only 4 period"):
        fit.identified_groups()
    # the demand of any group, and the figure, raise the same summary instead of NaN numbers
    with pytest.raises(NotIdentifiableError, match="elasticities not identifiable"):
        fit.demand("tea")
    with pytest.raises(NotIdentifiableError, match="elasticities not identifiable"):
        pp.plot_elasticities(fit)


def test_flat_prices_say_no_price_varied(lines_three):
    flat = lines_three.assign(unit_price=lambda d: d.groupby("category")["unit_price"].transform("first"))
    fit = estimate_elasticity(flat, controls=("period",))
    with pytest.raises(NotIdentifiableError, match="no price varied enough in any group"):
        fit.identified_groups()


def test_min_periods_guards_a_handful_of_points():
    # 6 weeks of exact units = 1e6 * p**-2: the trend-free model (2 parameters) could fit the
    # slope on 6 points (need 5), but 6 weeks are below the default of 8 periods
    price = np.tile([10.0, 20.0, 40.0], 2)
    lines = pd.DataFrame({
        "order_date": pd.date_range("2024-01-01", periods=6, freq="W-MON").astype("datetime64[us]"),
        "category": "tea", "unit_price": price, "quantity": (1e6 / price**2).astype("int64"),
    })
    row = estimate_elasticity(lines, controls=()).summary().loc["tea"]
    assert not row["identifiable"] and "at least 8 needed" in row["reason"]
    row = estimate_elasticity(lines, controls=(), min_periods=5).summary().loc["tea"]
    assert row["identifiable"] and row["elasticity"] == pytest.approx(-2.0, abs=1e-9)


def test_focus_leaves_out_the_substitutes_catch_all(lines_three):
    lines = lines_three.assign(category=lines_three["category"].replace({"rice": "other"}))
    lines.loc[lines["category"] == "other", "quantity"] *= 50  # "other" has most of the revenue
    fit = estimate_elasticity(lines)
    assert focus_group(fit) == "other"
    assert focus_group(fit, exclude=["other"]) != "other"
    assert focus_group(fit, "tea", exclude=["tea"]) == "tea"  # asked for by name: kept


def test_price_tiers_need_two_products_in_a_group(lines_three):
    one = lines_three[lines_three["category"] == "tea"]  # one product
    with pytest.raises(DataError, match="two or more products"):
        price_tiers(one)
    with pytest.raises(DataError, match="two or more products"):
        price_tiers(one, by=None)
    shop = price_tiers(lines_three, by=None)  # three products, ranked together
    assert shop["group"].unique().tolist() == ["all"] and shop["products"].tolist() == [1, 1, 1]
    ax = pp.plot_price_tiers(shop)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["all"]


def test_discount_depth_without_list_prices_says_what_to_supply(lines_three):
    empty = lines_three.assign(discount=np.nan)  # the column is there but says nothing
    with pytest.raises(SchemaError, match="No list prices.*discount.*list_price"):
        discount_depth(empty)
    # a filled discount column still works (hand case: 6 CNY off 3 units at 8 CNY -> 20%)
    lines = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05"]), "category": "tea",
                          "quantity": [3], "unit_price": [8.0], "discount": [6.0]})
    assert discount_depth(lines).table["mean_discount"].iloc[0] == pytest.approx(0.2)


def test_no_best_price_when_the_interval_reaches_inelastic():
    # markup rule with e = -1.5 at cost 10: p* = 10 * 1.5 / 0.5 = 30
    tight = ConstantElasticityDemand(-1.5, 20.0, 100.0, elasticity_low=-1.7, elasticity_high=-1.3)
    wide = ConstantElasticityDemand(-1.5, 20.0, 100.0, elasticity_low=-3.0, elasticity_high=-0.2)
    assert optimal_price(tight, 10.0, require_elastic_interval=True).price == pytest.approx(30.0)
    best = optimal_price(wide, 10.0, require_elastic_interval=True)
    assert not best.finite and np.isnan(best.price) and "interval reaches -0.20" in best.note
    assert optimal_price(wide, 10.0).price == pytest.approx(30.0)  # the default keeps the rule


def test_figures_refuse_empty_tables():
    with pytest.raises(DataError, match="unit-economics table has no rows"):
        pp.plot_unit_economics(pd.DataFrame(columns=["category", "unit_cost", "fees", "margin_per_unit", "avg_price"]))
    with pytest.raises(DataError, match="price-tier table has no rows"):
        pp.plot_price_tiers(pd.DataFrame(columns=["category", "tier", "unit_share"]))
