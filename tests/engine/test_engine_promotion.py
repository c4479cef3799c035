"""promotion.daily_sales on DuckDB / ibis (sales per day and product in long format) equals pandas."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import ParameterError
from ecomlib.promotion import daily_sales
from tests.engine.conftest import on_both

FIELDS = ("units", "revenue", "margin", "list_price")


def _check(expected, got, tol=1e-9):
    assert got.margin_source == expected.margin_source and got.pooled == expected.pooled
    pd.testing.assert_frame_equal(got.products, expected.products, check_exact=True)
    pd.testing.assert_frame_equal(got.units, expected.units, check_exact=True)
    for field in FIELDS[1:]:
        want, have = getattr(expected, field), getattr(got, field)
        if want is None:
            assert have is None
            continue
        scale = float(np.nanmax(np.abs(want.to_numpy(dtype=float))))
        pd.testing.assert_frame_equal(have, want, check_exact=False, rtol=tol, atol=tol * scale)


@pytest.mark.parametrize("kwargs", [{}, {"cost_col": "no_such_column", "margin": 0.4}], ids=["unit_cost", "margin"])
def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store, kwargs):
    ibis = pytest.importorskip("ibis")
    tx = sample_store.transactions
    expected, got = on_both(daily_sales, tx, **kwargs)
    assert expected.list_price is not None and expected.units.shape[1] > 10
    _check(expected, got)
    _check(expected, daily_sales(ibis.duckdb.connect().create_table("tx", tx), **kwargs))


@pytest.mark.slow
def test_duckdb_equals_pandas_on_a_million_lines(million_lines):
    # returns make list prices undefined (quantity <= 0), as on the pandas path; margin assumed
    expected, got = on_both(daily_sales, million_lines, margin=0.3)
    assert expected.list_price is None
    _check(expected, got)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(engine):
    lines = pd.DataFrame({
        "order_date": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 12:00", "2024-01-03 09:00",
                                      "2024-01-03 10:00"]).astype("datetime64[us]"),
        "product_id": ["p", "p", "q", "p"], "category": ["tea", "tea", "cups", "tea"],
        "quantity": [1, 2, 1, 4], "revenue": [10.0, 16.0, 5.0, 99.0], "unit_cost": [4.0, 4.0, 2.0, 4.0],
        "discount": [0.0, 2.0, None, 0.0], "status": ["completed", "completed", "completed", "cancelled"]})
    with engine_option(engine):
        sales = daily_sales(lines)
    assert sales.units.to_numpy().tolist() == [[3.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    assert sales.margin["p"].iloc[0] == 26.0 - 4.0 * 3  # the cancelled line is left out
    # list price per unit: p's lines 10/1 and (16 + 2)/2 = 9, mean 9.5, carried forward
    assert sales.list_price["p"].tolist() == [9.5, 9.5, 9.5] and sales.list_price["q"].tolist() == [5.0] * 3
    assert sales.products["category"].to_dict() == {"p": "tea", "q": "cups"}
    with engine_option(engine), pytest.raises(ParameterError, match="margin"):
        daily_sales(lines.drop(columns="unit_cost"))
