"""The sample shop's launches and reviews (issue 19): deterministic, and their truth is recovered."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import sim_product
from ecomlib.datasets.simulation import SimContext
from ecomlib.product import bass_adopters, bayesian_average, fit_bass, life_cycle_stage


@pytest.fixture(scope="module")
def sim(sample_store):
    def run(seed=2024):
        ctx = SimContext(
            seed=seed, start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2025-12-31"), n_customers=20_000,
            tables={"products": sample_store.products, "transactions": sample_store.transactions},
        )
        return sim_product.simulate(ctx)

    return run


def test_same_seed_same_tables_other_seed_other_tables(sim):
    a, b, c = sim(), sim(), sim(7)
    for name in ("launches", "launch_sales", "reviews"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
        assert pd.util.hash_pandas_object(a.tables[name]).sum() == pd.util.hash_pandas_object(b.tables[name]).sum()
    assert not a.tables["launch_sales"]["units"].equals(c.tables["launch_sales"]["units"])
    assert set(a.truth) == set(a.truth_doc)


def test_tables_follow_the_contract(sim):
    r = sim()
    sales, reviews = r.tables["launch_sales"], r.tables["reviews"]
    assert sales.groupby("launch_id").size().min() >= sim_product.MIN_WEEKS_OBSERVED
    assert (sales["week"].dt.day_of_week == 0).all() and str(sales["week"].dtype) == "datetime64[us]"
    assert reviews["rating"].between(1, 5).all() and reviews["date"].max() <= pd.Timestamp("2025-12-31")
    assert reviews["verified"].mean() == pytest.approx(sim_product.VERIFIED_SHARE, abs=0.03)
    np.testing.assert_allclose(sim_product.rating_probabilities([3.0, 4.5]).sum(axis=1), 1.0)


def test_launch_bass_parameters_recovered(sim):
    r = sim()
    hits, total = 0, 0
    for launch_id, units in r.tables["launch_sales"].groupby("launch_id")["units"]:
        truth = r.truth["launch_bass"][launch_id]
        s = fit_bass(units.to_numpy(), cov_type="HC1").summary()
        for name in ("p", "q", "m"):
            hits += int(s.loc[name, "low"] <= truth[name] <= s.loc[name, "high"])
            total += 1
        assert s.loc["m", "estimate"] == pytest.approx(truth["m"], rel=0.15)
    # counts are Poisson (variance largest at the peak): robust intervals; the plain ones covered
    # only 21 of 36 here, the robust ones 32 of 36
    assert hits / total >= 0.8, hits / total


def test_bayesian_average_is_closer_to_the_true_ratings(sim, sample_store):
    r = sim()
    reviews = r.tables["reviews"].merge(sample_store.products[["product_id", "category"]], on="product_id")
    out = bayesian_average(reviews, prior_weight=10)
    truth = pd.Series(r.truth["review_true_rating"]).reindex(out.index)
    err_plain = ((out["mean_rating"] - truth) ** 2).mean()
    err_bayes = ((out["bayes_rating"] - truth) ** 2).mean()
    assert err_bayes < err_plain
    assert np.corrcoef(out["bayes_rating"], truth)[0, 1] > 0.8


def test_launch_stages_recovered(sim):
    # the true stage of a launch at week k is the rule applied to its expected (noiseless) Bass
    # curve; the observed Poisson weeks should give the same stage, and always when settled
    r = sim()
    agree, settled_agree, settled = 0, 0, 0
    total = 0
    for cut in (6, 8, 10, 12, 16):
        observed, expected = [], []
        for launch_id, g in r.tables["launch_sales"].groupby("launch_id"):
            t = r.truth["launch_bass"][launch_id]
            weeks = pd.Timestamp("2024-01-01") + pd.to_timedelta(7 * np.arange(cut), unit="D")  # aligned
            observed.append(pd.DataFrame({"product_id": launch_id, "order_date": weeks, "quantity": g["units"].iloc[:cut].to_numpy()}))
            expected.append(
                pd.DataFrame({"product_id": launch_id, "order_date": weeks, "quantity": bass_adopters(cut, t["p"], t["q"], t["m"])})
            )
        ob = life_cycle_stage(pd.concat(observed), window=2)
        ex = life_cycle_stage(pd.concat(expected), window=2)
        same = ob["stage"] == ex["stage"]
        agree += int(same.sum())
        total += len(same)
        settled += int(ob["settled"].sum())
        settled_agree += int(same[ob["settled"]].sum())
    # measured on seed 2024: 51 of 60 agree; 14 settled calls, all right
    assert agree / total >= 0.75, (agree, total)
    assert settled >= 5 and settled_agree / settled >= 0.9, (settled_agree, settled)
