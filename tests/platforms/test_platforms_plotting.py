"""The platforms chapter's figures: each takes a result, accepts ax=None and returns its Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ecomlib.platforms import (  # noqa: E402
    fx_margin_sensitivity,
    landed_cost,
    partner_scorecard,
    platform_overlap,
    platform_pnl,
    plotting,  # noqa: E402
)


def test_plot_overlap_draws_bars_and_a_dot_matrix():
    lines = pd.DataFrame({"platform": ["A", "B", "A", "C", "B"], "customer_id": ["1", "1", "2", "3", "4"]})
    ov = platform_overlap(lines)
    ax = plotting.plot_overlap(ov, max_combinations=3)
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.upset_matrix.get_yticklabels()] == ["A", "B", "C"]
    assert "1 smaller" in ax.get_title()
    plt.close("all")


def test_other_figures_return_their_axes():
    lines = pd.DataFrame({"platform": ["P", "Q"], "order_id": ["o1", "o2"],
                          "order_date": pd.to_datetime(["2024-01-02", "2024-01-03"]), "customer_id": ["c", "d"],
                          "revenue": [100.0, 80.0], "quantity": [1, 1], "unit_cost": [40.0, 30.0],
                          "status": ["completed", "completed"]})
    fees = pd.DataFrame({"platform": ["P", "Q"], "commission_rate": [0.1, 0.05], "payment_fee_rate": [0.01, 0.01],
                         "ad_take_rate": [0.0, 0.05], "fulfilment_per_order": [5.0, 5.0],
                         "fixed_fee_per_month": [0.0, 100.0]})
    fig, ax = plt.subplots()
    assert plotting.plot_platform_pnl(platform_pnl(lines, fees), ax=ax) is ax
    out = landed_cost([300.0, 300.0], ["HK", "AU"], fx_rate={"HKD": 0.9, "AUD": 4.7}, unit_cost_cny=100.0)
    assert plotting.plot_landed_cost(out).get_title() == "Landed cost by destination"
    deliveries = pd.DataFrame({"delivery_id": ["d1", "d2"], "partner": ["S", "T"], "partner_type": ["supplier"] * 2,
                               "promised_date": ["2024-01-05"] * 2, "delivered_date": ["2024-01-05", "2024-01-09"],
                               "quantity_ordered": [10, 10], "quantity_delivered": [10, 10],
                               "defective_units": [0, 1], "damaged_units": [0, 0]})
    assert plotting.plot_partner_otif(partner_scorecard(deliveries)).get_title() == "Partners' OTIF"
    sens = fx_margin_sensitivity(50.0, unit_cost_cny=140.0, fx_rate=7.0, fx_volatility=0.5, seed=1, n=500)
    assert plotting.plot_fx_margin(sens).get_xlabel().startswith("margin")
    plt.close("all")
