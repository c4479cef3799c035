"""The traffic simulator on its own (a context without the core tables): shapes and truth."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import sim_traffic
from ecomlib.datasets.simulation import SimContext


def _run(seed=1):
    ctx = SimContext(seed=seed, start=pd.Timestamp("2024-01-01").as_unit("us"),
                     end=pd.Timestamp("2024-06-30").as_unit("us"), n_customers=2000)
    return sim_traffic.simulate(ctx)


def test_tables_have_canonical_columns_and_dtypes():
    res = _run()
    spend = res.tables["marketing_spend"]
    assert list(spend.columns) == ["date", "channel", "spend", "impressions", "clicks"]
    assert spend["date"].dtype == "datetime64[us]" and spend["channel"].dtype == "str"
    assert (spend["impressions"] >= spend["clicks"]).all()
    exp = res.tables["experiment"]
    assert list(exp.columns) == ["user_id", "variant", "converted", "revenue"]
    assert exp["converted"].dtype == bool
    assert (exp.loc[~exp["converted"], "revenue"] == 0).all()
    tp = res.tables["touchpoints"]
    assert list(tp.columns) == ["user_id", "timestamp", "channel", "converted"]
    assert tp["timestamp"].dtype == "datetime64[us]"
    # converted is constant within a journey
    assert (tp.groupby("user_id")["converted"].nunique() == 1).all()


def test_truth_is_documented_and_consistent():
    res = _run()
    assert set(res.truth) == set(res.truth_doc)
    econ = res.truth["traffic_channel_economics"]
    spend = res.tables["marketing_spend"].groupby("channel")["spend"].sum()
    # total spend = true CAC x expected new customers (up to rounding to cents)
    expected = (econ["cac"] * econ["expected_new_customers"]).to_numpy()
    assert spend.reindex(econ["channel"]).to_numpy() == pytest.approx(expected, rel=1e-3)
    attr = res.truth["traffic_attribution"]
    assert attr["share"].sum() == pytest.approx(1.0)
    n_conv = res.tables["touchpoints"].groupby("user_id")["converted"].first().sum()
    assert attr["caused_conversions"].sum() == n_conv
    ab = res.truth["traffic_ab_test"]
    assert ab["revenue_per_visitor_effect"] == pytest.approx(ab["conversion_effect"] * ab["order_value"])


def test_same_seed_same_tables_other_seed_differs():
    a, b, c = _run(1), _run(1), _run(2)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not np.array_equal(a.tables["experiment"]["converted"], c.tables["experiment"]["converted"])
