"""pricing.discount_depth on DuckDB / ibis (the per group and period table) equals the pandas path."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError, SchemaError
from ecomlib.pricing import discount_depth
from tests.engine.conftest import assert_same, on_both


def _check(expected, got):
    assert got.list_price_source == expected.list_price_source
    assert got.lines is None and expected.lines is not None
    counts = ["group", "period_start", "lines", "units"]
    assert_same(expected.table[counts], got.table[counts])
    assert_same(expected.table.drop(columns=counts[2:]), got.table.drop(columns=counts[2:]), money=True)
    assert got.overall() == pytest.approx(expected.overall(), rel=1e-12)
    assert_same(expected.summary(), got.summary(), money=True)


def _with_discount(lines: pd.DataFrame, seed: int = 3) -> pd.DataFrame:
    """Money off a third of the lines (list = paid + discount / quantity), none on others."""
    rng = np.random.default_rng(seed)
    off = np.where(rng.random(len(lines)) < 0.33, (rng.random(len(lines)) * 0.4 * lines["unit_price"]).round(2), 0.0)
    off = pd.Series(off * lines["quantity"].abs(), index=lines.index)
    off[rng.random(len(lines)) < 0.02] = np.nan  # a missing discount is no money off
    return lines.assign(discount=off)


@pytest.mark.parametrize("freq", ["M", "W"])
def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store, freq):
    ibis = pytest.importorskip("ibis")
    tx, products = sample_store.transactions, sample_store.products
    expected, got = on_both(discount_depth, tx, products, freq=freq)
    _check(expected, got)
    _check(expected, discount_depth(ibis.duckdb.connect().create_table("tx", tx), products, freq=freq))


def test_products_as_the_list_price_source(sample_store):
    tx = sample_store.transactions.drop(columns="discount")
    expected, got = on_both(discount_depth, tx, sample_store.products, by="channel", freq="D")
    assert expected.list_price_source == "products"
    _check(expected, got)


@pytest.mark.slow
def test_duckdb_equals_pandas_on_a_million_lines(million_lines):
    expected, got = on_both(discount_depth, _with_discount(million_lines), freq="W")
    _check(expected, got)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(engine):
    lines = pd.DataFrame({
        "order_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-21", "2024-02-01"]).astype("datetime64[us]"),
        "category": ["tea", "tea", None, "tea"], "quantity": [1, 3, 2, 1], "unit_price": [10.0, 8.0, 5.0, 9.0],
        "discount": [0.0, 6.0, None, 0.0], "status": ["completed", "completed", "completed", "cancelled"]})
    with engine_option(engine):
        res = discount_depth(lines)
        # tea in January: 1 unit at list, 3 units at 8 of a list of 10 (20 % off): 0.6 / 4 = 0.15
        assert res.table["group"].tolist() == ["(no category)", "tea"]
        assert res.table["mean_discount"].tolist() == [0.0, pytest.approx(0.15)]
        assert res.table["share_discounted"].tolist() == [0.0, 0.75]
        assert res.table["p50"].iloc[1] == pytest.approx(0.1) and res.table["p90"].iloc[1] == pytest.approx(0.18)
        assert res.overall() == pytest.approx(0.6 / 6)
        with pytest.raises(SchemaError, match="No list prices"):
            discount_depth(lines.drop(columns="discount"))
        with pytest.raises(DataError, match="missing from `products`"):
            discount_depth(lines.drop(columns="discount").assign(product_id="p"),
                           pd.DataFrame({"product_id": ["q"], "list_price": [1.0]}))
