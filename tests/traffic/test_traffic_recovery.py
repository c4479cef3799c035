"""Recovery of the sample shop's ground truth (tables and truth from ecomlib.datasets).

The truth keys used: ``step_rates`` (core simulation: true funnel step rates per channel and
device), ``traffic_channel_economics`` (true CAC and clicks response curve per paid channel),
``traffic_ab_test`` (true A/B effects) and ``traffic_attribution`` (true channel
contributions of the additive conversion model; see ecomlib/datasets/sim_traffic.py).
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import sim_traffic
from ecomlib.traffic import (
    ab_test,
    attribute,
    channel_performance,
    funnel,
    poisson_interval,
    response_curve,
    srm_check,
)


@pytest.fixture(scope="module")
def store(sample_store):
    return sample_store


def test_funnel_step_rates_cover_truth(store):
    truth = store.truth["step_rates"].set_index(["channel", "device", "step"])["rate"]
    out = funnel(store.sessions, by=["channel", "device"]).query("step_index > 0")
    wide = funnel(store.sessions, by=["channel", "device"], alpha=0.001).query("step_index > 0")
    key = pd.MultiIndex.from_frame(out[["channel", "device", "step"]])
    true = truth.reindex(key).to_numpy()
    assert not np.isnan(true).any()
    inside95 = (out["step_ci_low"].to_numpy() <= true) & (true <= out["step_ci_high"].to_numpy())
    inside999 = (wide["step_ci_low"].to_numpy() <= true) & (true <= wide["step_ci_high"].to_numpy())
    # 72 cells: about 95 % of the 95 % intervals and every 99.9 % interval should hold the truth.
    # On the bundled shop 61 of 72 (85 %) of the 95 % intervals hold it (largest |z| = 2.84);
    # below 80 % would mean the simulator or the estimator is off.
    assert inside95.mean() >= 0.80, out.assign(true=true)[~inside95]
    assert inside999.all(), out.assign(true=true)[~inside999]


def test_channel_cac_interval_covers_true_cac(store):
    # One fixed draw of five channels: on the bundled shop (seed 2024) the affiliate 95 %
    # interval ends at 79.99 against a true CAC of 80 (z about 2, as expected for 1 channel in
    # 20). The 99 % intervals are checked here; 95 % coverage is checked over replications in
    # test_cac_interval_coverage_over_replications.
    truth = store.truth["traffic_channel_economics"].set_index("channel")
    perf = channel_performance(store.marketing_spend, store.sessions, store.transactions,
                               customers=store.customers, alpha=0.01)
    paid = perf.loc[truth.index]
    assert (paid["cac_low"] <= truth["cac"]).all() and (truth["cac"] <= paid["cac_high"]).all(), (
        pd.concat([paid[["cac", "cac_low", "cac_high"]], truth["cac"].rename("true")], axis=1))
    assert paid["spend"].to_numpy() == pytest.approx(truth["total_spend"].to_numpy(), rel=1e-9)
    # the point estimates are within 6 % of the truth
    assert (paid["cac"] / truth["cac"] - 1).abs().max() < 0.06


def test_cac_interval_coverage_over_replications():
    # the sample shop's design: 20,000 customers split by acquisition share, spend = CAC x
    # expected count; new customers per channel redrawn 2,000 times (multinomial). The CAC
    # interval of channel_performance is spend / (Poisson interval of the count).
    rng = np.random.default_rng(7)
    share = np.array([0.28, 0.22, 0.24, 0.06, 0.08, 0.12])
    cac = np.array([160.0, 120.0, 100.0, 25.0, 80.0])
    spend = cac * 20_000 * share[:5]
    counts = rng.multinomial(20_000, share, size=2000)[:, :5]
    low, high = poisson_interval(counts)
    covered = (spend / high <= cac) & (cac <= spend / low)
    coverage = covered.mean(axis=0)
    # nominal 0.95 (the Poisson interval is conservative for a multinomial count)
    assert (coverage >= 0.93).all(), coverage


def test_response_curve_elasticity_covers_truth(store):
    truth = store.truth["traffic_channel_economics"].set_index("channel")["response_b"]
    params = response_curve(store.marketing_spend, alpha=0.01).params.loc[truth.index]
    assert ((params["b_ci_low"] <= truth) & (truth <= params["b_ci_high"])).all(), params
    assert (params["b"] < 1).all()  # diminishing returns everywhere


def test_ab_test_intervals_cover_true_effects(store):
    # One fixed draw: on the bundled shop the observed conversion lift is 2.2 standard errors
    # above the true one, so its 95 % interval misses the truth (as 1 draw in 20 does by
    # design). The 99 % interval is checked here; the 95 % coverage itself is checked over
    # many replications in test_ab_interval_coverage_over_replications.
    truth = store.truth["traffic_ab_test"]
    conv = ab_test(store.experiment, alpha=0.01)
    assert conv.lift_ci[0] <= truth["conversion_effect"] <= conv.lift_ci[1]
    rpv = ab_test(store.experiment, metric="revenue", kind="mean", alpha=0.01)
    assert rpv.lift_ci[0] <= truth["revenue_per_visitor_effect"] <= rpv.lift_ci[1]
    assert conv.p_value < 0.05  # the true effect is large enough to be detected
    assert not srm_check(store.experiment["variant"].value_counts()).mismatch


@pytest.mark.slow
def test_ab_interval_coverage_over_replications():
    # the simulator's A/B design (sim_traffic constants), redrawn 120 times
    st = sim_traffic
    truth = st.AB_TREATMENT_RATE - st.AB_CONTROL_RATE
    rpv_truth = truth * st.AB_ORDER_VALUE
    rng = np.random.default_rng(20240)
    hits, rpv_hits = [], []
    for _ in range(120):
        treated = rng.random(st.AB_USERS) < 0.5
        converted = rng.random(st.AB_USERS) < np.where(treated, st.AB_TREATMENT_RATE,
                                                       st.AB_CONTROL_RATE)
        revenue = np.where(converted, rng.gamma(4.0, st.AB_ORDER_VALUE / 4, st.AB_USERS), 0.0)
        table = pd.DataFrame({"variant": np.where(treated, "treatment", "control"),
                              "converted": converted, "revenue": revenue})
        low, high = ab_test(table).lift_ci
        hits.append(low <= truth <= high)
        low, high = ab_test(table, metric="revenue", kind="mean").lift_ci
        rpv_hits.append(low <= rpv_truth <= high)
    # nominal 0.95; binomial sd over 120 replications is 0.02
    assert 0.89 <= np.mean(hits) <= 0.995
    assert 0.89 <= np.mean(rpv_hits) <= 0.995


@pytest.mark.parametrize("model", ["markov", "shapley"])
def test_attribution_shares_within_005_of_truth(store, model):
    truth = store.truth["traffic_attribution"].set_index("channel")["share"]
    got = attribute(store.touchpoints, model=model).set_index("channel")["share"]
    gap = (got.reindex(truth.index) - truth).abs()
    assert gap.max() <= 0.05, pd.concat([got, truth.rename("truth")], axis=1)
