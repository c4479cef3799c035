"""Thin exports (issue 13): each market function says what it needs, or degrades by itself.

Every frame here is made by hand: a shop without categories, without customer ids, without
competitors, with days without sales, four weeks long, one week long, with an order value
far outside the range a fixed slider would allow.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from ecomlib.data.substitutes import category_substitute  # noqa: E402
from ecomlib.errors import DataError, ParameterError  # noqa: E402
from ecomlib.market import (  # noqa: E402
    backtest,
    bottom_up_inputs,
    category_shares,
    check_daily_dates,
    concentration_by_period,
    daily_sales,
    festival_effects,
    forecast,
    sales_shares,
    stl_decompose,
)
from ecomlib.market import plotting as mp  # noqa: E402
from ecomlib.market.widgets import fraction_slider, market_size_panel, slider_around  # noqa: E402


def _orders(days: int, *, start="2024-01-01", customers=True, gap_every: int = 0) -> pd.DataFrame:
    """Two order lines a day (products p0..p2 and countries CN / HK), ``days`` days long.

    ``gap_every`` > 0 leaves out every ``gap_every``-th day (a day without sales).
    """
    dates = pd.date_range(start, periods=days, freq="D", unit="us")
    if gap_every:
        dates = dates[np.arange(days) % gap_every != gap_every - 1]
    n = 2 * len(dates)
    k = np.arange(n)
    return pd.DataFrame({
        "order_id": [f"o{i // 2}" for i in k],
        "order_date": dates.repeat(2),
        "customer_id": [f"c{(i // 2) % 7}" for i in k] if customers else None,
        "product_id": [f"p{i % 3}" for i in k],
        "category": None,
        "country": np.where(k % 4 == 0, "HK", "CN"),
        "quantity": 1,
        "revenue": 10.0 + (k % 5) + 3.0 * np.sin(2 * np.pi * (k // 2) / 7),
        "status": "completed",
    })


# --- 3.1 category mix --------------------------------------------------------------------

def test_category_mix_without_category_runs_on_the_product_substitute():
    tx = _orders(60)
    with pytest.raises(DataError, match="needs categories"):
        category_shares(tx, "Q")
    with pytest.raises(DataError, match="no category share to plot"):
        mp.plot_category_shares(category_shares(tx.assign(category=tx["product_id"]), "Q").iloc[0:0])
    sub = category_substitute(tx)
    assert sub.note.startswith("no category column: grouped by product")
    mix = category_shares(sub.frame, "Q")
    assert set(mix["category"]) == {"p0", "p1", "p2"}
    assert mix.groupby("period")["share"].sum().round(12).eq(1.0).all()
    assert mp.plot_category_shares(mix) is not None


def test_year_over_year_category_growth_needs_whole_years():
    # 13 months (Dec 2023 - Dec 2024): December 2023 alone is not a year to grow from
    tx = _orders(397, start="2023-12-01").assign(category=lambda d: d["product_id"])
    assert category_shares(tx, "Y")["growth"].isna().all()
    # two whole years: the growth is there
    two = _orders(731, start="2023-01-01").assign(category=lambda d: d["product_id"])
    grown = category_shares(two, "Y").dropna(subset=["growth"])
    assert set(grown["period"]) == {pd.Timestamp("2024-01-01")} and len(grown) == 3


# --- 4.1 market size ---------------------------------------------------------------------

def test_bottom_up_inputs_without_customer_ids_names_the_column():
    with pytest.raises(DataError, match=r"needs customer ids \(customer_id\)"):
        bottom_up_inputs(_orders(400, customers=False))


def test_bottom_up_inputs_on_four_weeks_says_it_needs_a_year():
    # 28 days hold fewer repeat orders than a year: orders per buyer "per year" would be far too low
    with pytest.raises(DataError, match="cover 28 days.*window of 365 days"):
        bottom_up_inputs(_orders(28))
    assert bottom_up_inputs(_orders(28), days=28)["buyers"] == 7.0


def test_slider_ranges_follow_the_data():
    # an order value of 41 (the value a fixed 50-1,000 slider rejected) and one of 25,000
    for value in (41.3, 477.6, 25_000.0):
        s = slider_around(value)
        assert s.min < value < s.max and s.min > 0
        assert s.value == pytest.approx(value, abs=0.5)
    low = slider_around(41.3)
    assert (low.min, low.max) == (8.0, 207.0)
    buyers = slider_around(4_267, integer=True)
    assert buyers.is_int and buyers.min <= 4_267 <= buyers.max
    assert fraction_slider(0.35, 0.005, 0.2, 0.005).max == 0.35  # widened to hold the value
    with pytest.raises(ParameterError, match="above 0"):
        slider_around(0.0)


@pytest.mark.parametrize("order_value", [41.0, 25_000.0])
def test_market_size_panel_starts_at_the_shops_own_order_value(order_value):
    assumptions = dict(buyers=1_200_000, orders_per_year=2.0, order_value=order_value,
                       serviceable_share=0.8, obtainable_share=0.03)
    funnel = market_size_panel("bottom_up", assumptions)
    expected = 1_200_000 * 2.0 * order_value
    assert funnel.result["value"].iloc[0] == pytest.approx(expected, rel=1e-3)
    top = market_size_panel("top_down", dict(population=5e7, penetration=0.025, spend_per_buyer=800.0,
                                             serviceable_share=0.8, obtainable_share=0.03))
    assert top.result["value"].iloc[0] == pytest.approx(5e7 * 0.025 * 800.0, rel=1e-3)


# --- 4.2 shares without competitors ------------------------------------------------------

def test_sales_shares_by_country_stand_in_for_market_shares():
    own = sales_shares(_orders(30))
    assert own.by == "country" and own.plural == "countries"
    assert "no competitors table" in own.note and "not market shares" in own.note
    cn = own.table.set_index("country").loc["CN", "share"]
    assert cn == pytest.approx(float(own.table.loc[own.table["country"] == "CN", "revenue"].iloc[0])
                               / own.table["revenue"].sum())
    assert concentration_by_period(own.table)["hhi"].iloc[0] == pytest.approx(
        ((100 * own.table["share"]) ** 2).sum())
    assert mp.plot_shares(own.table, by=own.by, title=own.title) is not None


def test_sales_shares_fall_back_to_products_and_need_two_groups():
    tx = _orders(30).assign(country=None)
    assert sales_shares(tx).by == "product_id"
    one = tx.assign(product_id="p0")
    with pytest.raises(DataError, match="at least 2 countries or products"):
        sales_shares(one)
    with pytest.raises(DataError, match="no share to plot"):
        mp.plot_shares(sales_shares(tx).table.iloc[0:0], by="product_id")


def test_plot_shares_keeps_the_largest_groups():
    shares = pd.DataFrame({"company": [f"f{i}" for i in range(30)], "share": np.full(30, 1 / 30)})
    ax = mp.plot_shares(shares, top=12)
    assert len(ax.patches) == 12 and "largest 12 of 30" in ax.get_title()


# --- 4.4 trends --------------------------------------------------------------------------

def test_days_without_sales_skip_festival_lifts_with_the_count():
    sales = daily_sales(_orders(401, gap_every=10))
    assert (sales == 0).sum() == 40
    with pytest.raises(DataError, match="40 of 401 days have no sales"):
        festival_effects(sales)


def test_forecast_log_auto_fits_without_logs_when_a_day_has_no_sales():
    sales = daily_sales(_orders(141, gap_every=10))
    with pytest.raises(DataError, match="log=True"):
        forecast(sales, 14, "ets", log=True)
    result = forecast(sales, 14, "ets", log="auto")
    assert result.log is False
    assert any("14 of 141 values are 0" in w for w in result.warnings)
    assert (result.table[["mean", "lower", "upper"]] >= 0).all().all()
    positive = daily_sales(_orders(140))
    auto, logged = forecast(positive, 14, "ets", log="auto"), forecast(positive, 14, "ets", log=True)
    assert auto.log is True and auto.warnings == logged.warnings
    pd.testing.assert_frame_equal(auto.table, logged.table)
    with pytest.raises(ParameterError, match="log"):
        forecast(positive, 14, "ets", log="yes")


def test_short_series_say_how_many_days_they_need():
    four_weeks = daily_sales(_orders(28))
    with pytest.raises(DataError, match="which need at least 135"):
        backtest(four_weeks, 28, ("ets",), n_origins=4, log="auto")
    one_week = daily_sales(_orders(7))
    with pytest.raises(DataError, match="at least 15 observations, got 7"):
        stl_decompose(one_week)
    check = backtest(daily_sales(_orders(141, gap_every=10)), 14, ("ets",), n_origins=2, log="auto")
    assert set(check.scores["method"]) == {"ets", "naive"}


def test_a_single_product_has_no_mix_to_show():
    one = _orders(60).assign(product_id="p0")
    sub = category_substitute(one)
    assert sub.note.startswith("no category column")
    with pytest.raises(DataError, match="needs at least 2 categories"):
        category_shares(sub.frame, "Q")


def test_weekly_totals_are_not_read_as_daily_sales():
    weekly = _orders(140)
    weekly = weekly[weekly["order_date"].dt.day_of_week == 0]  # a panel dated on Mondays
    with pytest.raises(DataError, match="dated on a Monday over 20 weeks"):
        check_daily_dates(weekly)
    assert check_daily_dates(_orders(140)) == 7
    assert check_daily_dates(weekly.iloc[:4]) == 1  # two weeks prove nothing
