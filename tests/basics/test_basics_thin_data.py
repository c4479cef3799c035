"""Chapter 2 on thin exports (issue 13): each case is a small hand-made frame.

Real exports lack columns (no category, no channel, no customer ids) or depth (four weeks, a
single product, a channel without sales in one period). Every function either degrades by
itself or raises a DataError whose message says what is needed; no IndexError, no NaN axis
limits, no mathtext parse errors.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from ecomlib import viz  # noqa: E402
from ecomlib.basics import (  # noqa: E402
    category_mix,
    compare_periods,
    comparison_periods,
    customer_mix,
    decompose_change,
    describe_customers,
    describe_mix,
    kpi_tree,
    price_positioning,
    sales_groups,
    top_group,
)
from ecomlib.basics import plotting as bp  # noqa: E402
from ecomlib.errors import DataError, NotIdentifiableError  # noqa: E402


def orders(**columns):
    """Four completed one-line orders, two in January and two in the following January."""
    frame = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "order_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2025-01-05", "2025-01-20"]),
            "customer_id": ["c1", "c2", "c1", "c3"],
            "product_id": ["p1", "p2", "p1", "p3"],
            "category": ["A", "B", "A", "B"],
            "quantity": [1, 2, 1, 3],
            "unit_price": [10.0, 5.0, 12.0, 5.0],
            "channel": ["email", "search", "email", "search"],
            "status": ["completed"] * 4,
        }
    )
    frame["revenue"] = frame["quantity"] * frame["unit_price"]
    for name, values in columns.items():
        frame[name] = values
    return frame


# ------------------------------------------------------------------ no channel
def test_kpi_tree_by_channel_without_any_channel_says_so():
    tx = orders(channel=[None] * 4)
    with pytest.raises(DataError, match="no 'channel' on any line"):
        kpi_tree(tx, by="channel")
    with pytest.raises(DataError, match="split by channel"):
        compare_periods(tx, base=("2024-01-01", "2024-01-31"), current=("2025-01-01", "2025-01-31"),
                        by="channel")
    # the ungrouped comparison still works
    d = compare_periods(tx, base=("2024-01-01", "2024-01-31"), current=("2025-01-01", "2025-01-31"))
    assert d.table.loc["total", "gmv_base"] == 20.0 and d.table.loc["total", "gmv_current"] == 27.0


def test_lines_without_a_channel_count_as_unknown():
    tx = orders(channel=["email", None, "email", "search"])
    t = kpi_tree(tx, by="channel").table
    # o2 (¥10) has no channel: it is kept, so the channels still add up to the whole GMV
    assert t.loc["unknown", "gmv"] == 10.0
    assert t["gmv"].sum() == tx["revenue"].sum()


# ------------------------------------------------------------------ zero driver
def test_a_channel_without_sales_in_one_period_falls_back_to_shapley():
    # 'social' sells only in the current period: its base drivers are zero
    tx = orders(channel=["email", "search", "email", "social"])
    kwargs = {"base": ("2024-01-01", "2024-01-31"), "current": ("2025-01-01", "2025-01-31"), "by": "channel"}
    with pytest.raises(NotIdentifiableError, match="zero_driver='shapley'"):
        compare_periods(tx, **kwargs)
    d = compare_periods(tx, zero_driver="shapley", **kwargs)
    assert d.method == "shapley"
    assert "'search', 'social'" in d.note and "Shapley" in d.note
    # exact: every row's contributions add up to its change; social's change is its whole GMV 15
    np.testing.assert_allclose(d.contributions.sum(axis=1), d.table["change"], rtol=1e-12)
    assert d.table.loc["social", "change"] == 15.0
    # without a zero driver nothing changes and there is no note
    ok = compare_periods(orders(), zero_driver="shapley", **kwargs)
    assert ok.method == "log" and ok.note is None


def test_zero_driver_is_checked():
    tx = orders()
    b = kpi_tree(tx.iloc[:2])
    c = kpi_tree(tx.iloc[2:])
    with pytest.raises(ValueError, match="zero_driver"):
        decompose_change(b, c, zero_driver="ignore")


# ------------------------------------------------------------------ too few months
def test_too_short_for_two_periods_says_how_many_months_are_needed():
    four_weeks = pd.DataFrame({"order_date": pd.date_range("2025-12-04", "2025-12-31")})
    with pytest.raises(DataError) as info:
        comparison_periods(four_weeks, 6)
    message = info.value.message
    assert "needs at least 12 whole calendar months" in message
    assert "2 x compare_months" in message
    assert "0 whole month(s)" in message
    five_months = pd.DataFrame({"order_date": pd.date_range("2025-08-04", "2025-12-31")})
    with pytest.raises(DataError, match=r"4 whole month\(s\).*at most 2"):
        comparison_periods(five_months, 6)
    assert comparison_periods(five_months, 2).kind == "previous period"


# ------------------------------------------------------------------ no category
def test_category_mix_without_categories_says_so():
    tx = orders(category=[None] * 4)
    with pytest.raises(DataError, match="no 'category' on any sales line"):
        category_mix(tx)
    with pytest.raises(DataError, match="no 'category'"):
        price_positioning(tx)


def test_sales_groups_fall_back_to_products():
    tx = orders(category=[None] * 4)
    sub, noun = sales_groups(tx, top=2)
    assert noun == "product" and sub.substituted
    assert "grouped by product" in sub.note
    # the two best sellers by revenue (p3 ¥15, p1 ¥22) by name, p2 as 'other'
    mix = category_mix(sub.frame)
    assert set(mix.index) == {"p1", "p3", "other"}
    assert mix["gmv"].sum() == tx["revenue"].sum()
    assert top_group(mix, other="other") == ("p1", pytest.approx(22 / 47))
    text = describe_mix(mix, noun="product", other="other")
    assert text.startswith("p1 is the largest product")
    assert "the rest ('other')" in text
    # with categories nothing is substituted
    sub, noun = sales_groups(orders())
    assert noun == "category" and sub.note is None


def test_sales_groups_name_products_by_their_name_or_id():
    # p1's name is on one of its lines only; p3 has none and keeps its id
    tx = orders(category=[None] * 4, product_name=[None, "Mug", "Gift card $$", None])
    sub, _ = sales_groups(tx)
    assert sub.frame["category"].tolist() == ["Gift card $$", "Mug", "Gift card $$", "p3"]
    assert list(sub.frame.columns) == list(tx.columns)  # no helper column left behind
    # the most frequent name wins (UCI Online Retail has stray names such as "mailout"), and
    # products that share a name are not merged
    tx = pd.concat([orders(), orders(), orders()], ignore_index=True)
    tx["category"] = None
    tx["product_name"] = ["mailout", "Mug", "Bag", "Mug"] + ["Bag", "Mug", "Bag", "Mug"] * 2
    sub, _ = sales_groups(tx)
    assert dict(zip(tx["product_id"], sub.frame["category"], strict=True)) == {
        "p1": "Bag", "p2": "Mug (p2)", "p3": "Mug (p3)"}


def test_a_single_product_is_not_a_mix():
    tx = orders(category=["A"] * 4, product_id=["p1"] * 4)
    sub, noun = sales_groups(tx)
    assert noun == "product"
    with pytest.raises(DataError, match="at least 2 categories"):
        category_mix(sub.frame, min_groups=2)
    # price points of one product are still worth showing
    assert price_positioning(sub.frame).index.tolist() == ["p1"]


def test_lines_without_a_category_are_unknown():
    mix = category_mix(orders(category=["A", None, "A", "B"]))
    assert mix.loc["unknown", "gmv"] == 10.0
    assert mix["share"].sum() == pytest.approx(1.0)


def test_price_positioning_without_units_sold():
    with pytest.raises(DataError, match="quantity above 0"):
        price_positioning(orders(quantity=[0, 0, -1, 0]))


# ------------------------------------------------------------------ customers
def test_customer_mix_without_customer_ids():
    tx = orders(customer_id=[None] * 4)
    assert customer_mix(tx).loc["guest", "share_of_orders"] == 1.0  # still valid by default
    with pytest.raises(DataError, match="none of the 4 orders has one"):
        customer_mix(tx, min_customers=1)


def test_no_repeat_buyer_is_said_in_words():
    tx = orders(customer_id=["c1", "c2", "c3", None])
    text = describe_customers(customer_mix(tx))
    assert text.startswith("No customer made a second purchase")
    assert "all 3 identified buyers" in text
    text = describe_customers(customer_mix(orders()))
    assert text.startswith("1 repeat buyers (33.3% of identified buyers)")


# ------------------------------------------------------------------ plots
def test_plots_refuse_an_empty_result():
    empty = category_mix(orders()).iloc[0:0]
    with pytest.raises(DataError, match="no rows"):
        bp.plot_category_mix(empty)
    with pytest.raises(DataError, match="no rows"):
        bp.plot_price_positioning(price_positioning(orders()).iloc[0:0])


def test_dollar_signs_in_names_are_drawn_as_text_even_without_the_theme():
    tx = orders(category=["Gift card $$", "B $x$", "Gift card $$", "B $x$"],
                channel=["$$ club", "search", "$$ club", "search"])
    # the theme (CJK font) but with mathtext parsing on, as a user's own style might have it
    with viz.theme(), matplotlib.rc_context({"text.parse_math": True}):
        change = compare_periods(tx, base=("2024-01-01", "2024-01-31"), current=("2025-01-01", "2025-01-31"),
                                 by="channel")
        for draw, result in ((bp.plot_category_mix, category_mix(tx)),
                             (bp.plot_price_positioning, price_positioning(tx)),
                             (bp.plot_contributions, change),
                             (bp.plot_kpi_trend, kpi_tree(tx, by=["month", "channel"]))):
            ax = draw(result)
            ax.figure.canvas.draw()  # mathtext would raise a ParseException here
            labels = [t.get_text() for t in ax.get_yticklabels()]
            labels += [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
            assert any("$" in label for label in labels), draw.__name__
            plt.close(ax.figure)


def test_category_mix_plot_with_zero_gmv_has_finite_limits():
    mix = category_mix(orders(unit_price=[0.0] * 4, revenue=[0.0] * 4))
    ax = bp.plot_category_mix(mix)
    assert np.isfinite(ax.get_xlim()).all()
    plt.close(ax.figure)
