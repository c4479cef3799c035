"""Recovery of the sample shop's ground truth by the chapter-2 functions.

The shop is simulated here with the core simulator alone (products, customers,
transactions, sessions), smaller than the bundled one, so the test is fast and does not
depend on the chapter simulators that run after it.
"""

import pandas as pd
import pytest

from ecomlib.basics import compare_periods, customer_mix, kpi_tree, status_mix
from ecomlib.datasets import sim_core
from ecomlib.datasets.simulation import SimContext


@pytest.fixture(scope="module")
def core_shop():
    ctx = SimContext(seed=11, start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2025-06-30"),
                     n_customers=4000)
    result = sim_core.simulate(ctx)
    return result.tables, result.truth


@pytest.mark.slow
def test_session_conversion_by_channel_matches_the_true_step_rates(core_shop):
    tables, truth = core_shop
    tx, sessions = tables["transactions"], tables["sessions"]
    # every order (completed or cancelled) has one purchase session, so orders per session
    # estimates the product of the four true step rates of its channel x device
    placed = ("completed", "cancelled")
    est = kpi_tree(tx, sessions, by="channel", traffic="sessions", statuses=placed).table["conversion_rate"]
    p = truth["step_rates"].groupby(["channel", "device"])["rate"].prod()
    orders = tx.loc[tx["status"].isin(placed)].groupby(["channel", "device"])["order_id"].nunique()
    expected_sessions = (orders / p.reindex(orders.index)).groupby(level="channel").sum()
    implied = orders.groupby(level="channel").sum() / expected_sessions
    # sampling noise of ~1,000-5,000 orders per channel: a few percent
    pd.testing.assert_series_equal(est.sort_index(), implied.sort_index(), check_names=False,
                                   rtol=0.08)


def test_cancel_and_guest_shares_match_the_truth(core_shop):
    tables, truth = core_shop
    tx = tables["transactions"]
    assert status_mix(tx).loc["cancelled", "share_of_orders"] == pytest.approx(truth["cancel_share"], abs=0.006)
    guests = customer_mix(tx).loc["guest", "share_of_orders"]
    assert guests == pytest.approx(truth["guest_order_share"], abs=0.008)


def test_decomposition_adds_up_on_the_sample_shop(core_shop):
    tables, _ = core_shop
    tx, sessions = tables["transactions"], tables["sessions"]
    for method in ("log", "shapley"):
        d = compare_periods(tx, sessions, base=("2024-01-01", "2024-06-30"),
                            current=("2025-01-01", "2025-06-30"), by="channel", method=method)
        assert d.contributions.sum(axis=1).to_numpy() == pytest.approx(d.table["change"].to_numpy(), rel=1e-10)
        completed = tx.loc[tx["status"] == "completed"]
        in_current = completed["order_date"].between("2025-01-01", "2025-06-30 23:59:59")
        assert d.table.loc["total", "gmv_current"] == pytest.approx(completed.loc[in_current, "revenue"].sum())


@pytest.mark.slow
def test_bundled_sample_shop_exercises_and_truth(sample_store):
    from ecomlib.basics import comparison_periods
    from ecomlib.teaching import exercises

    tx, sessions = sample_store.transactions, sample_store.sessions
    periods = comparison_periods(tx, 6)
    assert periods.kind == "year on year"
    ex = exercises.load("basics", tx=tx, sessions=sessions, base=periods.base, current=periods.current)
    for q in ex:
        assert q.check(q.run_solution()).correct, q.name
    truth = sample_store.truth
    assert status_mix(tx).loc["cancelled", "share_of_orders"] == pytest.approx(truth["cancel_share"], abs=0.003)
    assert customer_mix(tx).loc["guest", "share_of_orders"] == pytest.approx(truth["guest_order_share"], abs=0.004)
