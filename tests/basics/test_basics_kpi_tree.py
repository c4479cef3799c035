"""The KPI tree: hand-computed cases, the exact identity, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.basics import kpi_tree
from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError


def test_hand_computed_total(tiny):
    tx, sessions = tiny
    t = kpi_tree(tx, sessions).summary().loc["total"]
    # completed lines only: orders a, b; units 1+2+1 = 4; GMV 10+40+30 = 80
    assert t["orders"] == 2
    assert t["units"] == 4
    assert t["gmv"] == 80.0
    assert t["visitors"] == 4  # u1..u4, u1 counted once
    assert t["conversion_rate"] == 0.5
    assert t["aov"] == 40.0
    assert t["units_per_order"] == 2.0
    assert t["price_per_unit"] == 20.0


def test_sessions_as_traffic(tiny):
    tx, sessions = tiny
    t = kpi_tree(tx, sessions, traffic="sessions").summary().loc["total"]
    assert t["visitors"] == 6
    assert t["conversion_rate"] == pytest.approx(2 / 6)


def test_by_channel_and_month_by_hand(tiny):
    tx, sessions = tiny
    ch = kpi_tree(tx, sessions, by="channel").summary()
    assert ch.loc["email", "gmv"] == 50.0 and ch.loc["social", "gmv"] == 30.0
    assert ch.loc["email", "visitors"] == 2  # u1, u2
    assert ch.loc["social", "visitors"] == 3  # u3, u4, u1
    assert ch.loc["social", "conversion_rate"] == pytest.approx(1 / 3)
    m = kpi_tree(tx, sessions, by="month").summary()
    jan, feb = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    assert list(m.index) == [jan, feb]
    assert m.loc[jan, "gmv"] == 50.0 and m.loc[feb, "gmv"] == 30.0
    assert m.loc[jan, "visitors"] == 2  # u1, u2
    assert m.loc[feb, "visitors"] == 3  # u3, u4, u1
    both = kpi_tree(tx, sessions, by=["channel", "month"]).summary()
    assert both.index.names == ["month", "channel"]
    assert both["gmv"].sum() == 80.0


def test_net_sales_with_returns(tiny):
    tx, sessions = tiny
    t = kpi_tree(tx, statuses=["completed", "returned"]).summary().loc["total"]
    assert t["gmv"] == 60.0
    assert t["units"] == 3
    assert t["orders"] == 2


def test_without_sessions_the_lower_tree_remains(tiny):
    tx, _ = tiny
    tree = kpi_tree(tx)
    t = tree.summary().loc["total"]
    assert np.isnan(t["visitors"]) and np.isnan(t["conversion_rate"])
    assert t["aov"] == 40.0
    assert tree.drivers == ("orders", "units_per_order", "price_per_unit")


def test_identity_holds_in_every_row(synthetic_shop):
    tx, sessions = synthetic_shop
    for by in (None, "channel", "month", ["month", "channel"]):
        t = kpi_tree(tx, sessions, by=by).summary()
        product = t["visitors"] * t["conversion_rate"] * t["units_per_order"] * t["price_per_unit"]
        np.testing.assert_allclose(product, t["gmv"], rtol=1e-12)
        np.testing.assert_allclose(t["aov"], t["units_per_order"] * t["price_per_unit"], rtol=1e-12)
    by_month = kpi_tree(tx, sessions, by="month").summary()
    assert by_month["gmv"].sum() == pytest.approx(tx.loc[tx.status == "completed", "revenue"].sum())


def test_total_of_a_grouped_tree_matches_the_ungrouped_sales(synthetic_shop):
    tx, sessions = synthetic_shop
    total = kpi_tree(tx, sessions, by="channel").total()
    flat = kpi_tree(tx, sessions).total()
    for col in ("orders", "units", "gmv", "aov"):
        assert total[col] == pytest.approx(flat[col])


def test_inputs_are_not_modified(synthetic_shop):
    tx, sessions = synthetic_shop
    tx0, s0 = tx.copy(), sessions.copy()
    kpi_tree(tx, sessions, by=["channel", "month"])
    pd.testing.assert_frame_equal(tx, tx0)
    pd.testing.assert_frame_equal(sessions, s0)


def test_bad_inputs(tiny):
    tx, sessions = tiny
    with pytest.raises(ParameterError, match="transactions"):
        kpi_tree([1, 2])
    with pytest.raises(DataError, match="no rows"):
        kpi_tree(tx.iloc[:0])
    with pytest.raises(SchemaError, match="revenue"):
        kpi_tree(tx.drop(columns="revenue"))
    with pytest.raises(SchemaError, match="numeric"):
        kpi_tree(tx.assign(revenue=tx["revenue"].astype(str)))
    with pytest.raises(ParameterError, match="`by`"):
        kpi_tree(tx, by="week")
    with pytest.raises(ParameterError, match="`traffic`"):
        kpi_tree(tx, sessions, traffic="clicks")
    with pytest.raises(DataError, match="status"):
        kpi_tree(tx, statuses=["shipped"])
    with pytest.raises(SchemaError, match="visitor_id"):
        kpi_tree(tx, sessions.drop(columns="visitor_id"))
    with pytest.raises(SchemaError, match="dates"):
        kpi_tree(tx.assign(order_date="2024-01-01"), by="month")
    with pytest.raises(EcomlibError):
        kpi_tree(tx, sessions, by=["channel", "channel"])
