"""The market simulator (ecomlib.datasets.sim_market) and recovery of its truth."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import sim_core, sim_market
from ecomlib.datasets.simulation import SimContext
from ecomlib.market import (
    cagr_table,
    competitor_benchmark,
    concentration,
    concentration_by_period,
    market_shares,
)


def _simulate(seed=11, start="2024-03-01", end="2025-12-31", n_customers=300):
    ctx = SimContext(seed=seed, start=pd.Timestamp(start), end=pd.Timestamp(end), n_customers=n_customers)
    core = sim_core.simulate(ctx)
    ctx.tables.update(core.tables)
    ctx.truth.update(core.truth)
    return ctx, sim_market.simulate(ctx)


@pytest.fixture(scope="module")
def simulated():
    return _simulate()


def test_tables_have_canonical_columns_and_dtypes(simulated):
    _, result = simulated
    market, comp = result.tables["market"], result.tables["competitors"]
    assert list(market.columns) == ["year", "segment", "market_size"]
    assert list(comp.columns) == ["company", "year", "sales", "avg_price", "rating"]
    assert market["segment"].dtype == "str" and comp["company"].dtype == "str"
    assert (market["market_size"] > 0).all() and comp["rating"].between(1, 5).all()
    assert sorted(market["year"].unique()) == [2024, 2025]
    assert set(result.truth) == set(result.truth_doc)
    assert all(key.startswith("market_") for key in result.truth)


def test_shop_sales_equal_completed_revenue(simulated):
    ctx, result = simulated
    t = ctx.tables["transactions"]
    done = t[t["status"] == "completed"]
    revenue = done.groupby(done["order_date"].dt.year)["revenue"].sum()
    comp = result.tables["competitors"]
    own = comp[comp["company"] == ctx.truth["shop_name"]].set_index("year")["sales"]
    assert own.to_numpy() == pytest.approx(revenue.loc[own.index].to_numpy(), abs=0.006)
    # segments are the shop's categories
    assert set(result.tables["market"]["segment"]) == set(done["category"])


def test_true_shares_and_hhi_recovered_exactly(simulated):
    _, result = simulated
    shares = market_shares(result.tables["competitors"], period="year")
    table = concentration_by_period(shares).set_index("year")
    for year, hhi in result.truth["market_hhi"].items():
        assert table.loc[int(year), "hhi"] == pytest.approx(hhi, rel=1e-12)
        assert table.loc[int(year), "cr4"] == pytest.approx(result.truth["market_cr4"][year], rel=1e-12)
    truth = result.truth["market_shares"].merge(shares, on=["year", "company"], suffixes=("_true", ""))
    assert len(truth) == len(shares)
    np.testing.assert_allclose(truth["share"], truth["share_true"], rtol=1e-12)


def test_partial_year_is_scaled_and_growth_recovered(simulated):
    _, result = simulated
    cover = result.truth["market_year_cover"]
    assert cover["2024"] == pytest.approx(306 / 366) and cover["2025"] == 1.0
    market = result.tables["market"]
    # annualise the partial year, then each segment's one-year growth is its true rate within
    # the log-normal wobble (sd 0.02): within 4 sd plus the wobble of the ratio
    annual = market.assign(size=market["market_size"] / market["year"].astype(str).map(cover))
    growth = cagr_table(annual, "size", "year", by="segment").set_index("segment")["cagr"]
    true = pd.Series(result.truth["market_segment_growth"])
    assert (growth - true.loc[growth.index]).abs().max() < 4 * 0.02 * 1.1
    # the shop benchmark runs on the simulated competitors
    bench = competitor_benchmark(result.tables["competitors"], shop=sim_core.SHOP_NAME)
    assert bench["is_shop"].sum() == 1
    assert concentration(bench).n_firms == len(sim_market.COMPETITORS) + 1


def test_same_seed_same_tables_and_own_stream():
    _, a = _simulate(seed=5, start="2024-01-01", end="2024-06-30", n_customers=120)
    _, b = _simulate(seed=5, start="2024-01-01", end="2024-06-30", n_customers=120)
    for name in ("market", "competitors"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
