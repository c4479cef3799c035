"""Recovery of the sample shop's true promotion effects (issue 6).

The forecast baseline is given the pricing chapter's *estimated* elasticities (not the truth), so
this is the pipeline an analyst would run. Truth: ``store.truth["promotion_effects"]``.
"""

import numpy as np
import pytest

from ecomlib.pricing import estimate_elasticity
from ecomlib.promotion import daily_sales, promotion_effects

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def estimates(sample_store):
    s = sample_store
    daily = daily_sales(s.transactions)
    elasticities = estimate_elasticity(s.transactions).summary()["elasticity"].dropna().to_dict()
    truth = s.truth["promotion_effects"].set_index("promo_id")
    out = {}
    for _, promo in s.promotions.iterrows():
        out[promo["promo_id"]] = promotion_effects(daily, promo, s.promotions, elasticities=elasticities).table
    return out, truth


def _covered(estimates, truth, effect):
    hits = [est.loc[effect, "low"] <= truth.loc[pid, effect] <= est.loc[effect, "high"]
            for pid, est in estimates.items() if effect in est.index and np.isfinite(truth.loc[pid, effect])]
    return sum(hits), len(hits)


def test_lift_intervals_cover_the_truth_for_most_promotions(estimates):
    est, truth = estimates
    hits, n = _covered(est, truth, "lift")
    assert n == 10 and hits >= 7, f"{hits} of {n}"  # 8 of 10 on the bundled shop


def test_lift_signs_always_right(estimates):
    est, truth = estimates
    assert all(e.loc["lift", "estimate"] > 0 for e in est.values())
    assert (truth["lift"] > 0).all()


def test_pull_forward_intervals_cover_the_truth_for_most(estimates):
    # On the bundled shop all 10 intervals cover, but 3 of 10 point estimates have the wrong
    # sign: true dips of 5-14 % against standard errors of 6-18 points, so all ten signs come
    # out right on only about 11 % of draws of a shop this size
    # (tests/promotion/references/pull_forward_power.py). Signs are not asserted.
    est, truth = estimates
    hits, n = _covered(est, truth, "pull_forward")
    assert hits >= 7, f"{hits} of {n}"


def test_cannibalisation_found_where_simulated(estimates):
    est, truth = estimates
    simulated = truth.index[truth["cannibalisation"].notna()]
    assert len(simulated) >= 2
    for pid in simulated:
        row = est[pid].loc["cannibalisation"]
        true = truth.loc[pid, "cannibalisation"]
        assert row["low"] <= true <= row["high"], pid
        # the sign is asserted only where the interval is narrower than the effect: on the
        # bundled shop ELE-CPN's non-promoted earbuds sell about 70 units a week, its
        # interval is +-0.46 around a true 0.25 (estimate -0.10); BAB-BND's is +-0.20 around 0.21
        if (row["high"] - row["low"]) / 2 < true:
            assert row["estimate"] > 0, pid
