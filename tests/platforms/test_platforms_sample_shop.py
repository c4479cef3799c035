"""The sample shop's ground truth recovered (issue 21's simulator): per-platform margins exactly,
partner rates inside their intervals (99 % family-wise), the new channel's incremental share inside
its 99 % interval by both methods. Skipped while the bundled shop has no platforms tables."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.platforms import (
    channel_incrementality,
    partner_concentration,
    partner_scorecard,
    platform_overlap,
    platform_pnl,
)


@pytest.fixture(scope="module")
def shop(sample_store):
    if getattr(sample_store, "order_platforms", None) is None:
        pytest.skip("the bundled sample shop has no platforms tables yet (issue 21's simulator)")
    return sample_store


@pytest.fixture(scope="module")
def lines(shop):
    return shop.transactions.merge(shop.order_platforms, on="order_id", how="left")


def test_platform_margins_are_the_truth(shop, lines):
    assert lines["platform"].notna().all()
    pnl = platform_pnl(lines, shop.platforms).set_index("platform")
    truth = pd.Series(shop.truth["platform_true_margin"])
    assert set(pnl.index) == set(truth.index)
    np.testing.assert_allclose(pnl.loc[truth.index, "contribution_per_order"], truth, rtol=1e-9)


def test_overlap_counts_every_identified_buyer_once(lines):
    out = platform_overlap(lines)
    buyers = lines.loc[(lines["status"] == "completed") & lines["customer_id"].notna(), "customer_id"].nunique()
    assert out["customers"].sum() == buyers
    assert (out["n_platforms"] > 1).any()


def test_partner_rates_and_lead_times_recover_the_truth(shop):
    deliveries = shop.partner_deliveries
    n = deliveries["partner"].nunique()
    card = partner_scorecard(deliveries, alpha=0.01 / (3 * n)).set_index("partner")  # Bonferroni, 99 %
    truth = shop.truth
    for rate, column, key in (("otif", "otif", "partner_true_otif"), ("defect", "defect_rate", "partner_true_defect_rate"),
                              ("damage", "damage_rate", "partner_true_damage_rate")):
        true = pd.Series(truth[key]).reindex(card.index)
        low, high = card[f"{rate}_low"], card[f"{rate}_high"]
        assert ((low <= true) & (true <= high)).all(), card[[column, f"{rate}_low", f"{rate}_high"]].assign(true=true)
    z = stats.norm.ppf(1 - 0.005 / n)
    lead = pd.DataFrame(truth["partner_true_lead_time"]).T.reindex(card.index)
    se = lead["sd"] / np.sqrt(card["deliveries"])
    assert ((card["lead_time_mean"] - lead["mean"]).abs() < z * se).all()
    assert (card["lead_time_basis"] == "ordered").all()
    hhi = partner_concentration(deliveries).set_index("partner_type")
    assert set(hhi.index) == {"supplier", "logistics"}


@pytest.mark.parametrize("method", ["did", "synthetic"])
def test_the_new_channels_incremental_share_is_inside_its_interval(shop, method):
    res = channel_incrementality(shop.channel_panel, method=method, level=0.99)
    share = shop.truth["channel_incremental_share"]
    assert res.share_low <= share <= res.share_high, (res.share_low, res.incremental_share, res.share_high)
    assert res.effect_low <= shop.truth["channel_true_effect_log"] <= res.effect_high
