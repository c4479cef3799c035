"""Bad inputs of the public functions not covered elsewhere give a clear EcomlibError."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError, SchemaError
from ecomlib.pricing import (
    break_even_scenario,
    estimate_elasticity,
    fit_linear_demand,
    nms_purchase_probability,
    price_index,
    price_quantity_observations,
)


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda d: d.iloc[0:0], DataError, "no rows"),
        (lambda d: d.drop(columns="category"), SchemaError, "category"),
        (lambda d: d.assign(unit_price=d["unit_price"].astype("str")), SchemaError, "numeric"),
        (lambda d: d.assign(quantity=-1), DataError, "no completed sales"),
    ],
)
def test_observations_bad_inputs(lines_three, change, error, match):
    with pytest.raises(error, match=match):
        price_quantity_observations(change(lines_three))


def test_observations_bad_parameters(lines_three):
    with pytest.raises(ParameterError, match="freq"):
        price_quantity_observations(lines_three, freq="Y")
    with pytest.raises(ParameterError, match="controls"):
        price_quantity_observations(lines_three, controls=("period",))
    with pytest.raises(ParameterError, match="price_measure"):
        price_quantity_observations(lines_three, price_measure="mean")


def test_linear_demand_degenerate_cases(lines_three):
    flat = lines_three.assign(unit_price=lambda d: d["unit_price"].where(d["category"] != "rice", 9.9))
    fit = estimate_elasticity(flat)
    with pytest.raises(NotIdentifiableError, match="rice"):
        fit_linear_demand(fit, "rice")
    with pytest.raises(ParameterError, match="group"):
        fit_linear_demand(fit, "coffee")
    # units that rise with price: a linear demand that does not fall is refused
    weeks = pd.date_range("2024-01-01", periods=12, freq="W-MON").astype("datetime64[us]")
    price = np.tile([8.0, 10.0, 12.0], 4)
    rising = pd.DataFrame({"order_date": weeks, "category": "tea", "unit_price": price,
                           "quantity": (5 * price).astype("int64")})
    with pytest.raises(NotIdentifiableError, match="does not fall"):
        fit_linear_demand(estimate_elasticity(rising, controls=()), "tea")


def test_nms_and_price_index_empty_frames():
    with pytest.raises(DataError, match="no rows"):
        nms_purchase_probability(pd.DataFrame(columns=["too_cheap", "cheap", "expensive", "too_expensive"]))
    with pytest.raises(DataError, match="no rows"):
        price_index(pd.DataFrame(columns=["company", "year", "sales", "avg_price"]), own="us")
    with pytest.raises(ParameterError, match="DataFrame"):
        price_index([1, 2], own="us")


def test_break_even_scenario_bad_inputs():
    with pytest.raises(DataError, match="below unit cost"):
        break_even_scenario(-0.3, 0.2)
    with pytest.raises(ParameterError, match="margin"):
        break_even_scenario(-0.1, 1.5)
