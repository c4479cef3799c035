"""The five-element tables: hand cases and bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.basics import category_mix, customer_mix, price_positioning
from ecomlib.errors import DataError, SchemaError


def test_category_mix_by_hand(tiny):
    tx, _ = tiny
    mix = category_mix(tx)
    # completed: Beauty 10 + 30 = 40 (2 units, orders a, b); Apparel 40 (2 units, order a)
    assert mix.loc["美妝 Beauty", "gmv"] == 40.0
    assert mix.loc["服飾 Apparel", "gmv"] == 40.0
    assert mix.loc["美妝 Beauty", "orders"] == 2
    assert mix["share"].sum() == pytest.approx(1.0)
    assert mix["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert mix.loc["服飾 Apparel", "price_per_unit"] == 20.0


def test_price_positioning_weighted_quartiles_by_hand():
    tx = pd.DataFrame(
        {
            "category": ["A"] * 4 + ["B"],
            "quantity": [1, 1, 2, 0, 3],
            "unit_price": [10.0, 20.0, 40.0, 999.0, 5.0],
            "status": ["completed"] * 5,
            "product_id": ["x", "y", "z", "w", "v"],
        }
    )
    pos = price_positioning(tx)
    # A's units sorted by price: 10, 20, 40, 40 -> p25 = 10, median = 20, p75 = 40
    assert pos.loc["A", ["p25", "median", "p75"]].tolist() == [10.0, 20.0, 40.0]
    assert pos.loc["A", "units"] == 4
    assert list(pos.index) == ["A", "B"]
    products = pd.DataFrame({"product_id": ["x", "y", "z", "v"], "list_price": [10.0, 25.0, 50.0, 5.0]})
    pos = price_positioning(tx, products)
    # paid 10 + 20 + 80 = 110 of list 10 + 25 + 100 = 135
    assert pos.loc["A", "realised_share"] == pytest.approx(110 / 135)
    assert pos.loc["B", "realised_share"] == 1.0


def test_customer_mix_by_hand():
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c1", "c2", None, ""],
            "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
            "revenue": [10.0, 5.0, 20.0, 30.0, 7.0, 3.0],
            "status": ["completed"] * 6,
        }
    )
    mix = customer_mix(tx)
    assert mix.loc["repeat", "customers"] == 1 and mix.loc["repeat", "orders"] == 2
    assert mix.loc["repeat", "gmv"] == 35.0
    assert mix.loc["one-time", "gmv"] == 30.0
    assert np.isnan(mix.loc["guest", "customers"]) and mix.loc["guest", "orders"] == 2
    assert mix["share_of_gmv"].sum() == pytest.approx(1.0)
    assert mix.loc["repeat", "orders_per_customer"] == 2.0


def test_bad_inputs(tiny):
    tx, _ = tiny
    with pytest.raises(SchemaError, match="category"):
        category_mix(tx.drop(columns="category"))
    with pytest.raises(DataError, match="status"):
        category_mix(tx, statuses="shipped")
    with pytest.raises(DataError, match="no rows"):
        customer_mix(tx.iloc[:0])
    with pytest.raises(SchemaError, match="list_price"):
        price_positioning(tx, pd.DataFrame({"product_id": ["p1"]}))


def test_status_mix_by_hand(tiny):
    from ecomlib.basics import status_mix

    tx, _ = tiny
    mix = status_mix(tx)
    # orders a, b completed; c cancelled; a also has a returned line; 3 distinct orders
    assert mix.loc["completed", "orders"] == 2 and mix.loc["completed", "lines"] == 3
    assert mix.loc["cancelled", "share_of_orders"] == pytest.approx(1 / 3)
    assert mix.loc["returned", "revenue"] == -20.0
