"""Each promotion figure draws from a computed result and returns its Axes."""

import matplotlib.pyplot as plt
import pytest
from did_simulation import simulated_panel

from ecomlib.promotion import (
    campaign_table,
    category_week_panel,
    daily_sales,
    did,
    discount_economics,
    promotion_effects,
    synthetic_control,
)
from ecomlib.promotion import plotting as pp


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_figures(promo_shop):
    tx, promos = promo_shop
    d = daily_sales(tx)
    eff = promotion_effects(d, promos.iloc[0], promos, method="pre_period", pre_weeks=8)
    ax = pp.plot_baseline(eff)
    assert len(ax.lines) == 2
    ax = pp.plot_effects(eff, truth={"lift": 1.0, "pull_forward": 0.3, "cannibalisation": 0.25})
    assert [t.get_text() for t in ax.get_yticklabels()] == list(eff.table.index)
    ax = pp.plot_campaigns(campaign_table(d, promos, method="pre_period", pre_weeks=8))
    assert len(ax.patches) == 1
    cat = promos.iloc[0].copy()
    cat["scope_type"], cat["scope"] = "category", "a"
    r = did(category_week_panel(d, cat, pre_weeks=8), outcome="log_units", treated="treated", post="post",
            unit="category", time="week", cov_type="HC1")
    ax = pp.plot_did_leads(r)
    assert ax.get_xticklabels()[-1].get_text() == "promotion"
    sc = synthetic_control(simulated_panel(0), outcome="y", treated="treated", post="post", unit="unit",
                           time="week")
    ax = pp.plot_synthetic(sc)
    assert len(ax.lines) == 3  # treated, synthetic, start
    ax = pp.plot_break_even(discount_economics(0.2, 0.5, 0.4))
    assert ax.lines[0].get_xydata().shape[0] == 60
