"""The bundled sample shop's launches and reviews (issue 19): registered, written by sim_product,
and their truth recovered by the chapter's estimators."""

import pandas as pd
import pytest

from ecomlib.datasets import sim_product
from ecomlib.datasets.simulation import SimContext
from ecomlib.datasets.store import SIMULATORS, TABLES
from ecomlib.product import bass_adopters, bayesian_average, fit_bass, life_cycle_stage


def test_product_simulator_is_registered_and_its_tables_bundled(sample_store):
    assert SIMULATORS.index("product") == SIMULATORS.index("service") + 1
    assert {"launches", "launch_sales", "reviews"} <= set(TABLES)
    assert "product" in sample_store.settings["simulators"]
    launches, sales, reviews = sample_store.launches, sample_store.launch_sales, sample_store.reviews
    assert len(launches) == sim_product.N_LAUNCHES and launches["product_id"].is_unique
    assert set(sales["product_id"]) == set(launches["product_id"])
    assert set(reviews["product_id"]) <= set(sample_store.products["product_id"])
    assert str(reviews["date"].dtype) == "datetime64[us]" and str(sales["week"].dtype) == "datetime64[us]"
    assert set(sample_store.truth["launch_bass"]) == set(launches["launch_id"])


def test_bundled_tables_are_what_the_simulator_writes(sample_store):
    s = sample_store.settings
    ctx = SimContext(seed=s["seed"], start=pd.Timestamp(s["start"]).as_unit("us"),
                     end=pd.Timestamp(s["end"]).as_unit("us"), n_customers=s["n_customers"],
                     tables={"products": sample_store.products, "transactions": sample_store.transactions})
    fresh = sim_product.simulate(ctx)
    for name in ("launches", "launch_sales", "reviews"):
        pd.testing.assert_frame_equal(getattr(sample_store, name).reset_index(drop=True),
                                      fresh.tables[name].reset_index(drop=True), check_dtype=False, obj=name)
    assert fresh.truth["launch_bass"] == sample_store.truth["launch_bass"]


def test_sample_launches_bass_truth_within_99_intervals(sample_store):
    # 12 launches x 3 parameters, HC3 99% intervals (the robust ones: Poisson counts). Expected
    # misses about 0.4; allow 2 (P(>2 misses) < 1% at 99% coverage) and require m within 20%.
    misses, total = [], 0
    for pid, g in sample_store.launch_sales.groupby("product_id"):
        launch_id = g["launch_id"].iloc[0]
        truth = sample_store.truth["launch_bass"][launch_id]
        fit = fit_bass(g.sort_values("week_number")["units"].to_numpy(), cov_type="HC3", level=0.99)
        s = fit.summary()
        for name in ("p", "q", "m"):
            total += 1
            if not s.loc[name, "low"] <= truth[name] <= s.loc[name, "high"]:
                misses.append((pid, name, truth[name], s.loc[name, "estimate"]))
        assert s.loc["m", "estimate"] == pytest.approx(truth["m"], rel=0.2), pid
    assert total == 36 and len(misses) <= 2, misses


def test_sample_reviews_bayesian_average_beats_the_plain_mean_where_reviews_are_few(sample_store):
    reviews = sample_store.reviews.merge(sample_store.products[["product_id", "category"]], on="product_id")
    out = bayesian_average(reviews, prior_weight=10)
    truth = pd.Series(sample_store.truth["review_true_rating"]).reindex(out.index)
    few = out["n_reviews"] <= 10
    assert few.sum() >= 20, few.sum()
    err_plain = ((out.loc[few, "mean_rating"] - truth[few]) ** 2).mean()
    err_bayes = ((out.loc[few, "bayes_rating"] - truth[few]) ** 2).mean()
    assert err_bayes < 0.8 * err_plain, (err_bayes, err_plain)
    # with many reviews the two agree closely
    many = out["n_reviews"] >= 100
    if many.any():
        assert (out.loc[many, "bayes_rating"] - out.loc[many, "mean_rating"]).abs().max() < 0.1


def test_sample_launch_stages_recovered(sample_store):
    # the true stage of a launch after its first k weeks is the rule applied to its expected
    # (noiseless) Bass curve over the same calendar weeks; the Poisson weeks should mostly give
    # the same stage, and settled calls should be right. At its full length every launch is past
    # its peak, so the calls are made at several ages.
    sales = sample_store.launch_sales.sort_values(["product_id", "week_number"])
    agree, total, settled, settled_agree = 0, 0, 0, 0
    stages = set()
    for cut in (6, 8, 10, 12, 16):
        first = sales[sales["week_number"] <= cut]
        observed = first.rename(columns={"week": "order_date", "units": "quantity"})
        expected = observed.astype({"quantity": float})
        for launch_id, idx in observed.groupby("launch_id").groups.items():
            t = sample_store.truth["launch_bass"][launch_id]
            expected.loc[idx, "quantity"] = bass_adopters(len(idx), t["p"], t["q"], t["m"])
        # each launch's weeks end at its own cut: stage each launch on its own rows
        for pid in observed["product_id"].unique():
            ob = life_cycle_stage(observed[observed["product_id"] == pid], window=2).iloc[0]
            ex = life_cycle_stage(expected[expected["product_id"] == pid], window=2).iloc[0]
            stages.add(ex["stage"])
            agree += int(ob["stage"] == ex["stage"])
            total += 1
            settled += int(ob["settled"])
            settled_agree += int(ob["settled"] and ob["stage"] == ex["stage"])
    assert total == 60 and len(stages) >= 2, stages
    assert agree / total >= 0.75, (agree, total)
    assert settled >= 5 and settled_agree / settled >= 0.9, (settled_agree, settled)
