"""The risk chapter on thin exports (issue 13): no category, no cost, a few weeks, weekly totals.

Every case is a small hand-made frame; each asserts the clear error a report turns into a skip
note, or the stand-in the chapter uses and the sentence that says so.
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError
from ecomlib.risk import (
    WHOLE_SHOP,
    check_daily,
    check_kpi_history,
    completed_lines,
    daily_kpis,
    demand_profile,
    detect_anomalies,
    everyday_demand,
    festival_order_plan,
    festival_window,
    kpi_control_charts,
    launch_scenario,
    partial_months,
    risk_matrix,
    shop_dependence,
)
from ecomlib.risk import plotting as rp


def _lines(days=120, start="2025-01-01", seed=0, **columns):
    """One order line a day (two products), with a time of day, like a real export."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D", unit="us") + pd.Timedelta(hours=10, minutes=17)
    qty = rng.integers(1, 6, days)
    price = rng.uniform(90, 110, days)
    frame = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(days)],
        "order_date": dates,
        "product_id": np.where(np.arange(days) % 3 == 0, "b", "a"),
        "quantity": qty,
        "unit_price": price,
        "revenue": qty * price,
        "status": "completed",
    })
    return frame.assign(**columns)


# --- the launch scenario ------------------------------------------------------------------

def test_launch_without_category_simulates_the_whole_shop_and_says_so():
    tx = _lines(days=181)  # 2025-01-01 .. 2025-06-30: six whole months
    sc = launch_scenario(tx)
    assert sc.category == WHOLE_SHOP
    assert any("no category column" in n and "whole shop" in n for n in sc.notes)
    # the demand median is the median of the six monthly unit totals of all lines
    monthly = tx.groupby(tx["order_date"].dt.to_period("M"))["quantity"].sum()
    assert np.exp(sc.inputs["demand"].mu) == pytest.approx(np.median(monthly))


def test_launch_with_an_all_missing_category_column_is_the_whole_shop_too():
    tx = _lines(days=181, category=pd.Series(pd.NA, dtype="str"))
    assert launch_scenario(tx).category == WHOLE_SHOP


def test_launch_without_unit_cost_names_the_cost_assumption():
    sc = launch_scenario(_lines(days=181, category="tea"), cost_ratio=0.4)
    assert sc.category == "tea"
    assert sc.notes == ("no unit_cost column: the unit cost is assumed at 40% of the median monthly "
                        "price (the cost_ratio assumption)",)
    with_cost = launch_scenario(_lines(days=181, category="tea", unit_cost=30.0))
    assert with_cost.notes == ()
    assert with_cost.inputs["unit_cost"].low == pytest.approx(27.0)


def test_launch_on_four_weeks_is_a_clear_data_error():
    tx = _lines(days=28, start="2025-12-04", category="美妝 Beauty")
    with pytest.raises(DataError, match=r"'美妝 Beauty' has 1 whole month\(s\) of sales; at least 3"):
        launch_scenario(tx)
    with pytest.raises(DataError, match=r"The shop has 0 whole month\(s\)"):  # one week, no category
        launch_scenario(_lines(days=7, start="2025-12-20"))


def test_launch_leaves_out_partly_covered_end_months():
    # 2025-01-01 .. 2025-05-09: May is covered for 9 of its 31 days and would read as a weak month
    tx = _lines(days=129, category="tea")
    sc = launch_scenario(tx)
    source = sc.assumptions.set_index("input").loc["demand", "source"]
    assert source.startswith("4 months of tea") and "2025-05 left out" in source
    assert [str(m) for m in partial_months(tx["order_date"])] == ["2025-05"]


def test_launch_names_the_categories_when_the_asked_one_is_absent():
    with pytest.raises(DataError, match=r"'toys' has no completed sales; the data's categories are \['tea'\]"):
        launch_scenario(_lines(days=181, category="tea"), category="toys")
    with pytest.raises(DataError, match="no category column"):
        launch_scenario(_lines(days=181), category="toys")


# --- cancellations, weekly totals, short windows ------------------------------------------

def test_cancellation_invoices_are_netted_out_of_demand():
    tx = _lines(days=30)
    big = pd.DataFrame({"order_id": ["x", "Cx"], "order_date": tx["order_date"].iloc[[-1, -1]].to_numpy(),
                        "product_id": ["z", "z"], "quantity": [80_995, -80_995], "unit_price": [2.08, 2.08],
                        "revenue": [168_469.6, -168_469.6], "status": ["completed", "cancelled"]})
    tx = pd.concat([tx, big], ignore_index=True)
    assert completed_lines(tx)["quantity"].sum() == tx["quantity"].iloc[:30].sum()
    assert demand_profile(tx).loc["z", "total_units"] == 0


def test_weekly_totals_are_refused_for_daily_demand_and_kpis():
    weeks = pd.date_range("2025-01-06", periods=20, freq="W-MON", unit="us")
    panel = pd.DataFrame({"order_id": [f"w{i}" for i in range(20)], "order_date": weeks, "product_id": "a",
                          "quantity": 70, "revenue": 7000.0, "status": "completed"})
    with pytest.raises(DataError, match="needs daily sales, but every order date falls on a Monday"):
        demand_profile(panel)
    with pytest.raises(DataError, match="Building daily KPIs needs daily sales"):
        daily_kpis(panel)
    check_daily(_lines(days=30)["order_date"])  # daily data pass
    check_daily(weeks[:3])  # too few dates to tell


def test_demand_window_is_cut_to_the_data():
    # 28 days of data and a 90-day window: the 62 days before the first order are not zero sales
    tx = _lines(days=28, start="2025-12-04")
    a = everyday_demand(tx, "a", days=90)
    assert a["days"] == 28
    assert a["mean_daily_units"] == pytest.approx(tx.loc[tx["product_id"] == "a", "quantity"].sum() / 28)
    assert everyday_demand(tx, "not sold", days=90)["mean_daily_units"] == 0.0


def test_festival_window_without_promotions_uses_the_last_days():
    tx = _lines(days=30)
    w = festival_window(tx)
    assert (w.start, w.end) == (pd.Timestamp("2025-01-23"), pd.Timestamp("2025-01-30"))  # whole days
    assert w.note == ("no festival within the data (promotions with kind = festival): the last 8 days of "
                      "sales stand in for it")
    promos = pd.DataFrame({"promo_id": ["D11"], "name": ["Double 11"], "kind": ["festival"],
                           "start": pd.to_datetime(["2024-11-04"]), "end": pd.to_datetime(["2024-11-11"])})
    outside = festival_window(tx, promos)  # a festival, but before the data start
    assert outside.note.startswith("no festival within the data's dates")
    inside = festival_window(_lines(days=400, start="2024-10-01"), promos)
    assert (inside.name, inside.note) == ("Double 11", None)


def test_festival_plan_without_names_or_cost_says_which_cost_is_used():
    tx = _lines(days=30)  # no product_name, no unit_cost
    plan = festival_order_plan(tx, "2025-01-20", "2025-01-30", cost_ratio=0.5)
    assert set(plan["product_name"]) == {"a", "b"}
    assert set(plan["cost_source"]) == {"assumed 50% of price"}
    priced = festival_order_plan(tx.assign(unit_cost=40.0), "2025-01-20", "2025-01-30")
    assert set(priced["cost_source"]) == {"data"}


# --- dependence ---------------------------------------------------------------------------

def test_dependence_without_channel_or_suppliers():
    tx = _lines(days=30)
    with pytest.raises(DataError, match="needs a suppliers table .* or a channel column"):
        shop_dependence(tx)
    sup = pd.DataFrame({"supplier": ["A", "B"], "share_of_purchases": [0.7, 0.3]})
    dep = shop_dependence(tx, sup)
    assert list(dep.summary.index) == ["supplier"]
    assert dep.summary.loc["supplier", "hhi"] == pytest.approx(5800)
    table, columns, reason = dep.missing["channel"]
    assert (table, columns) == ("transactions", ["channel", "revenue"]) and "no channel column" in reason
    both = shop_dependence(tx.assign(channel=np.where(np.arange(30) % 2, "app", "web")), sup)
    assert list(both.summary.index) == ["supplier", "channel"] and both.missing == {}


# --- monitoring ---------------------------------------------------------------------------

def _kpis(n, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"date": pd.date_range("2025-01-01", periods=n, freq="D", unit="us"),
                         "sales": rng.normal(1000, 50, n), "aov": rng.normal(300, 20, n)})


def test_monitoring_needs_fifteen_days_and_charts_twenty():
    with pytest.raises(DataError, match=r"at least 15 days of daily KPIs .* cover 7 day\(s\)"):
        check_kpi_history(_kpis(7))
    with pytest.raises(DataError, match="at least 15 days"):
        detect_anomalies(_kpis(14))
    with pytest.raises(DataError, match="Control limits need at least 20 days"):
        kpi_control_charts(_kpis(16))
    charts = kpi_control_charts(_kpis(28), baseline=90)
    assert (charts.kpi, charts.baseline, len(charts.series)) == ("aov", 28, 28)  # a ratio KPI first


def test_sparse_kpis_are_left_out_and_interpolated_days_never_flagged():
    k = _kpis(60)
    k["aov"] = k["aov"].where(np.arange(60) % 7 == 0)  # a value once a week: mostly interpolation
    k.loc[30, "sales"] = np.nan
    flags = detect_anomalies(k, threshold=0.01)  # a tiny threshold flags nearly every observed day
    assert set(flags["kpi"]) == {"sales"}
    assert not flags.loc[flags["value"].isna(), "flagged"].any()
    k["sales"] = np.nan
    with pytest.raises(DataError, match="No KPI can be scored: each has a value on fewer than half of the 60"):
        detect_anomalies(k)


def test_mostly_zero_kpis_are_left_out():
    # 30 customers: sales on one day in five; the robust scale of the rest would be zero
    k = _kpis(70)
    k["sales"] = k["sales"].where(np.arange(70) % 5 == 0, 0.0)
    flags = detect_anomalies(k)
    assert set(flags["kpi"]) == {"aov"}
    with pytest.raises(DataError, match="or is zero on more than half of them"):
        detect_anomalies(k, columns=["sales"])


def test_plots_refuse_what_they_cannot_draw():
    with pytest.raises(DataError, match="no rows for KPI 'aov'"):
        rp.plot_anomalies(detect_anomalies(_kpis(30), columns=["sales"]), "aov")
    with pytest.raises(DataError, match="tornado table is empty"):
        rp.plot_tornado(pd.DataFrame(columns=["input", "profit_low", "profit_high", "base_profit"]))


# --- the risk register --------------------------------------------------------------------

def test_register_without_category_or_any_valid_row():
    reg = pd.DataFrame({"risk": ["stock-out", "fx"], "likelihood": [4, 2], "impact": [5, 3],
                        "owner": ["ops", "finance"], "response": ["reduce", "accept"]})
    out = risk_matrix(reg).register
    assert out["category"].isna().all() and out["risk"].tolist() == ["stock-out", "fx"]
    bad = reg.assign(likelihood=[7, 0])
    with pytest.raises(DataError, match=r"None of the 2 register row\(s\) can be scored.*row 0 \(stock-out\): "
                                        r"likelihood must be a whole number 1-5"):
        risk_matrix(bad)
