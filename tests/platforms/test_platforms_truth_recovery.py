"""ecomlib.platforms on the bundled sample shop recovers the simulation's truth (sim_platforms):
the P&L exactly (it is accounting), OTIF and defect rates inside family-wise 99% Wilson intervals,
lead times near the truth, and the new channel's effect and incremental share inside their intervals."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.platforms import channel_incrementality, partner_scorecard, platform_pnl
from ecomlib.platforms.teaching import attach_platforms


@pytest.fixture(scope="module")
def lines(sample_store):
    return attach_platforms(sample_store.transactions, sample_store.order_platforms)


def test_platform_pnl_equals_the_true_margins(sample_store, lines):
    pnl = platform_pnl(lines, sample_store.platforms).set_index("platform")
    truth = pd.Series(sample_store.truth["platform_true_margin"])
    assert set(pnl.index) == set(truth.index)
    np.testing.assert_allclose(pnl.loc[truth.index, "contribution_per_order"], truth, rtol=1e-9)
    true_pnl = sample_store.truth["platform_true_pnl"].set_index("platform")
    for col in ("gmv", "refunds", "cogs", "commission", "ad_take", "fulfilment", "fixed_fees"):
        np.testing.assert_allclose(pnl.loc[true_pnl.index, col], true_pnl[col], rtol=1e-9, err_msg=col)


def test_partner_scorecard_intervals_cover_the_truth(sample_store):
    n = sample_store.partner_deliveries["partner"].nunique()
    card = partner_scorecard(sample_store.partner_deliveries, alpha=0.01 / (2 * n)).set_index("partner")
    truth = sample_store.truth
    for partner, row in card.iterrows():
        assert row["otif_low"] <= truth["partner_true_otif"][partner] <= row["otif_high"], partner
        assert row["defect_low"] <= truth["partner_true_defect_rate"][partner] <= row["defect_high"], partner
        t = truth["partner_true_lead_time"][partner]
        assert abs(row["lead_time_mean"] - t["mean"]) < 4 * t["sd"] / np.sqrt(row["deliveries"]), partner


@pytest.mark.slow
def test_channel_incrementality_covers_the_true_share(sample_store):
    inc = channel_incrementality(sample_store.channel_panel, level=0.99, seed=1)
    truth = sample_store.truth
    assert inc.effect_low <= truth["channel_true_effect_log"] <= inc.effect_high
    assert inc.share_low <= truth["channel_incremental_share"] <= inc.share_high
