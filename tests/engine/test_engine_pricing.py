"""price_quantity_observations on DuckDB / ibis equals the pandas path."""

import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError
from ecomlib.pricing import price_quantity_observations
from tests.engine.conftest import assert_same, on_both

CASES = [
    ("category_week_index", {}),
    ("category_month_unit_value", {"freq": "M", "price_measure": "unit_value", "controls": ("month",)}),
    ("product_day", {"by": "product_id", "freq": "D", "controls": ()}),
    ("pooled_week", {"by": None}),
]
IDS = [case[0] for case in CASES]


def _check(expected, got):
    assert len(expected) > 0
    assert got.attrs == expected.attrs
    assert_same(expected, got, money=True)
    pd.testing.assert_series_equal(got["units"], expected["units"], check_exact=True)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_the_sample_shop(sample_store, name, kwargs):
    _check(*on_both(price_quantity_observations, sample_store.transactions, **kwargs))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_a_million_lines(million_lines, name, kwargs):
    _check(*on_both(price_quantity_observations, million_lines, **kwargs))


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_an_ibis_duckdb_table_gives_the_pandas_result(sample_store, name, kwargs):
    ibis = pytest.importorskip("ibis")
    tx = sample_store.transactions
    with engine_option("pandas"):
        expected = price_quantity_observations(tx, **kwargs)
    _check(expected, price_quantity_observations(ibis.duckdb.connect().create_table("tx", tx), **kwargs))


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(engine):
    # tea: week 1 buys 1 at 10 and 3 at 6 (a Completed line), a return and a free line left out;
    # week 3 buys 2 at 9; week 2 sold nothing; a line without category is its own group
    lines = pd.DataFrame({
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04",
                                      "2024-01-15", "2024-01-16"]).astype("datetime64[us]"),
        "category": ["tea", "tea", "tea", "tea", "tea", None], "quantity": [1, 3, -1, 1, 2, 1],
        "unit_price": [10.0, 6.0, 10.0, 0.0, 9.0, 5.0],
        "status": ["completed", "Completed", "returned", "completed", "completed", "completed"]})
    with engine_option(engine):
        obs = price_quantity_observations(lines, controls=())
    assert obs[["group", "units"]].values.tolist() == [["(no category)", 1], ["tea", 4], ["tea", 0], ["tea", 2]]
    assert obs["unit_value"].tolist()[:2] == [5.0, 7.0] and obs["unit_value"].tolist()[3] == 9.0
    with engine_option(engine), pytest.raises(DataError, match="no completed sales"):
        price_quantity_observations(lines.assign(status="cancelled"))


def _economics_cases(store):
    tx, products = store.transactions, store.products
    no_cost = tx.drop(columns="unit_cost")
    return {
        "line_costs": (tx, {}),
        "products_table": (no_cost, {"products": products}),
        "assumed_ratio_by_product": (no_cost, {"unit_cost_ratio": 0.55, "by": "product_id", "fee_rate": 0.05}),
        "ratio_for_missing_products": (no_cost, {"products": products.iloc[1:], "unit_cost_ratio": 0.6}),
    }


ECONOMICS = ["line_costs", "products_table", "assumed_ratio_by_product", "ratio_for_missing_products"]


@pytest.mark.parametrize("case", ECONOMICS)
def test_unit_economics_on_duckdb_and_ibis_equals_pandas(sample_store, case):
    ibis = pytest.importorskip("ibis")
    from ecomlib.pricing import unit_economics

    tx, kwargs = _economics_cases(sample_store)[case]
    expected, got = on_both(unit_economics, tx, **kwargs)
    assert len(expected) > 1
    assert_same(expected, got, money=True)
    assert_same(expected, unit_economics(ibis.duckdb.connect().create_table("tx", tx), **kwargs), money=True)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_unit_economics_cost_errors(sample_store, engine):
    from ecomlib.errors import SchemaError
    from ecomlib.pricing import unit_economics

    no_cost = sample_store.transactions.drop(columns="unit_cost")
    with engine_option(engine), pytest.raises(DataError, match="missing from `products`"):
        unit_economics(no_cost, sample_store.products.iloc[1:])
    with engine_option(engine), pytest.raises(SchemaError, match="No unit costs"):
        unit_economics(no_cost)


@pytest.mark.slow
def test_unit_economics_on_a_million_lines(million_lines):
    from ecomlib.pricing import unit_economics

    expected, got = on_both(unit_economics, million_lines, unit_cost_ratio=0.6, fee_rate=0.1)
    assert_same(expected, got, money=True)
