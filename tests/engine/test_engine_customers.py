"""The retention notebook's other line-level steps on DuckDB / ibis equal the pandas path (issue 17).

Data overview, margin, repeat-purchase rate (overall and per group), the gap distribution,
RFM scores, the simple CLV formulas' inputs, the calibration / holdout split and the
first-order flag: a hand-computed dozen lines, the pandas path on the sample shop and on
1,000,000 generated lines (counts exact, sums to 1e-9 relative), and an ibis DuckDB table.
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError, NotIdentifiableError, SchemaError
from ecomlib.retention import (
    book_clv_inputs,
    calibration_holdout_split,
    data_overview,
    first_order_flag,
    gap_distribution,
    gap_quantile,
    inter_purchase_times,
    margin_rate,
    repeat_purchase_rate,
    repurchase_by_group,
    rfm_scores,
    suggest_churn_threshold,
)
from tests.engine.conftest import assert_same, make_lines, on_both


def _promo(tx: pd.DataFrame) -> pd.DataFrame:
    """Lines with a ``promo_id`` (about a third set, a few empty strings) when they have none."""
    if "promo_id" in tx:
        return tx
    rng = np.random.default_rng(3)
    promo = pd.Series(np.where(rng.random(len(tx)) < 0.3, "P1", None), dtype="str")
    promo[rng.random(len(tx)) < 0.01] = ""
    return tx.assign(promo_id=promo.to_numpy())


def _groups(tx: pd.DataFrame) -> pd.Series:
    """Three groups of customers by the last digit of the id (a few ids left out)."""
    ids = pd.Index(tx["customer_id"].dropna().unique())
    digit = ids.str[-1].astype(int)
    labels = np.where(digit < 4, "low", np.where(digit < 8, "mid", "high"))
    return pd.Series(labels, index=ids)[digit != 9]


def _series_frame(result) -> pd.DataFrame:
    return result.to_frame() if isinstance(result, pd.Series) else result


# (id, function, args, kwargs, money?)
CASES = [
    ("overview", data_overview, (), {}, False),
    ("repeat", repeat_purchase_rate, (), {}, False),
    ("repeat_180_asof", repeat_purchase_rate, (180, "2025-06-30"), {}, False),
    ("gaps", gap_distribution, (), {}, False),
    ("gaps_asof", gap_distribution, ("2024-12-31",), {}, False),
    ("rfm_scores", rfm_scores, (), {}, True),
    ("rfm_scores_asof_edges", rfm_scores, ("2025-03-31", 5, {"frequency": [2, 3, 5, 8]}), {}, True),
    ("book_inputs", book_clv_inputs, (0.3, 0.1), {}, True),
    ("holdout_split", calibration_holdout_split, ("2025-01-01", None, "W"), {}, True),
    ("holdout_split_days_asof", calibration_holdout_split, ("2024-10-31", "2025-09-30", "D"), {}, True),
]
IDS = [case[0] for case in CASES]


def _compare(expected, got, money):
    if isinstance(expected, tuple):  # margin_rate: (rate, source)
        assert got[1] == expected[1]
        assert got[0] == pytest.approx(expected[0], rel=1e-9)
        return
    expected, got = _series_frame(expected), _series_frame(got)
    if expected.shape[1] == 1 and expected.dtypes.iloc[0] is np.dtype(object):  # data_overview, book inputs
        assert got.index.tolist() == expected.index.tolist()
        for key in expected.index:
            a, b = expected.iloc[:, 0][key], got.iloc[:, 0][key]
            assert (a == b) or (isinstance(a, float) and b == pytest.approx(a, rel=1e-9, nan_ok=True)), key
        return
    assert_same(expected, got, money)


@pytest.mark.parametrize(("name", "func", "args", "kwargs", "money"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_the_sample_shop(sample_store, name, func, args, kwargs, money):
    expected, got = on_both(func, sample_store.transactions, *args, **kwargs)
    assert len(expected) > 0
    _compare(expected, got, money)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "func", "args", "kwargs", "money"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_a_million_lines(million_lines, name, func, args, kwargs, money):
    expected, got = on_both(func, million_lines, *args, **kwargs)
    assert len(expected) > 0
    _compare(expected, got, money)


@pytest.mark.parametrize("source", ["sample", "generated"])
def test_margin_flags_and_group_rates_on_both_paths(sample_store, source):
    tx = sample_store.transactions if source == "sample" else make_lines(200_000, seed=5)
    if "unit_cost" not in tx:
        tx = tx.assign(unit_cost=(tx["unit_price"] * 0.55).round(2))
    tx = _promo(tx)
    expected, got = on_both(margin_rate, tx)
    _compare(expected, got, True)
    assert expected[1] == "unit costs (transactions)"
    no_costs = on_both(margin_rate, tx.drop(columns="unit_cost"))
    assert no_costs[0] == no_costs[1] and no_costs[0][1].startswith("assumed")
    products = tx.groupby("product_id", as_index=False)["unit_cost"].first()
    expected, got = on_both(margin_rate, tx.drop(columns="unit_cost"), products)
    assert expected[1] == got[1] == "unit costs (products)" and got[0] == pytest.approx(expected[0], rel=1e-9)

    expected, got = on_both(first_order_flag, tx, "promo_id")
    pd.testing.assert_series_equal(got, expected, check_exact=True)
    assert 0 < expected.mean() < 1

    groups = _groups(tx)
    expected, got = on_both(repurchase_by_group, tx, groups, 180, "mid")
    assert_same(expected, got, money=True)
    flags = expected  # the coupon comparison of the notebook: first-order flag as the groups
    flagged = first_order_flag(tx, "promo_id").map({True: "promotion", False: "no promotion"})
    expected, got = on_both(repurchase_by_group, tx, flagged, 180, "no promotion", "2025-10-31")
    assert_same(expected, got, money=True)
    assert len(flags) == 3 and len(expected) == 2


def _ibis_table(df):
    ibis = pytest.importorskip("ibis")
    return ibis.duckdb.connect().create_table("tx", df)


@pytest.mark.parametrize(("name", "func", "args", "kwargs", "money"), CASES, ids=IDS)
def test_an_ibis_duckdb_table_gives_the_pandas_result(sample_store, name, func, args, kwargs, money):
    tx = sample_store.transactions
    with engine_option("pandas"):
        expected = func(tx, *args, **kwargs)
    _compare(expected, func(_ibis_table(tx), *args, **kwargs), money)


@pytest.fixture()
def tiny():
    """a buys on 01-05 (twice: 100 + 50, O1/O2, P1 on O1), 01-15 (30) and returns 20 on 01-20; a
    cancelled 999 on 01-25. b buys 40 on 02-01 and 10 on 02-11 (status missing); a guest 500 on 02-10."""
    rows = [
        ("O1", "2024-01-05 09:00", "a", 1, 100.0, "completed", "P1"),
        ("O2", "2024-01-05 20:00", "a", 1, 50.0, "completed", None),
        ("O3", "2024-01-15 10:00", "a", 1, 30.0, "completed", None),
        ("R1", "2024-01-20 10:00", "a", -1, -20.0, "returned", None),
        ("O4", "2024-01-25 10:00", "a", 9, 999.0, "cancelled", None),
        ("O5", "2024-02-01 10:00", "b", 1, 40.0, "completed", ""),
        ("G1", "2024-02-10 10:00", None, 5, 500.0, "completed", None),
        ("O6", "2024-02-11 10:00", "b", 1, 10.0, None, None),
    ]
    df = pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "quantity", "revenue", "status",
                                     "promo_id"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    df["promo_id"] = df["promo_id"].astype("str")
    return df


@pytest.fixture(params=["pandas", "duckdb", "ibis"])
def run(request):
    """Call a function on the pandas path, the DuckDB path of a frame, or an ibis DuckDB table."""
    def call(func, df, *args, **kwargs):
        if request.param == "ibis":
            return func(_ibis_table(df), *args, **kwargs)
        with engine_option(request.param):
            return func(df, *args, **kwargs)
    return call


def test_hand_case(run, tiny):
    overview = run(data_overview, tiny)
    assert overview[["lines", "customers"]].tolist() == [8, 2] and overview["guest_share"] == 1 / 8
    assert overview["first_order"] == pd.Timestamp("2024-01-05 09:00")
    assert overview["last_order"] == pd.Timestamp("2024-02-11 10:00")
    # a: days 01-05 and 01-15 (gap 10); b: 02-01 and 02-11 (gap 10)
    assert run(gap_distribution, tiny).values.tolist() == [[10, 2]]
    repeat = run(repeat_purchase_rate, tiny)
    assert repeat.tolist() == [2, 2, 1.0, 10.0]
    scores = run(rfm_scores, tiny, None, 2)
    # recency from 02-11: a 27 days, b 0; two purchase days each; a 180, b 50
    assert scores[["recency_days", "frequency", "monetary"]].values.tolist() == [[27, 2, 180.0], [0, 2, 50.0]]
    assert run(first_order_flag, tiny).to_dict() == {"a": True, "b": False}
    split = run(calibration_holdout_split, tiny, "2024-01-31")
    # calibration to 01-31: only a (x=1, value 30); holdout 02-01..02-11: a nothing
    assert split.index.tolist() == ["a"]
    assert split.loc["a", ["frequency_cal", "monetary_value_cal", "frequency_holdout", "duration_holdout"]].tolist() \
        == [1.0, 30.0, 0.0, 11.0]


def test_hand_case_groups(run, tiny):
    more = pd.concat([tiny, tiny.assign(customer_id=tiny["customer_id"].map({"a": "c", "b": "d"}))],
                     ignore_index=True)
    groups = pd.Series({"a": "x", "b": "y", "c": "x", "d": "y"})
    out = run(repurchase_by_group, more, groups, 10)
    # within 10 days of the first purchase, observed 10 days by 02-11: a, c (10 days to the second), b, d
    assert out[["customers", "repeat_customers"]].values.tolist() == [[2, 2], [2, 2]]
    assert np.isnan(out.loc["x", "p_value"]) and out.loc["y", "p_value"] == 1.0  # both rates 1: no 0 / 0


def test_gap_quantile_counts_equal_numpy_quantile():
    rng = np.random.default_rng(11)
    for size in (1, 2, 3, 10, 101, 1000):
        gaps = pd.DataFrame({"gap_days": rng.integers(1, 400, size)})
        counted = gaps["gap_days"].value_counts()
        table = pd.DataFrame({"gap_days": counted.index, "repeat_purchases": counted.to_numpy()})
        for q in (0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0):
            assert gap_quantile(table, q) == np.quantile(gaps["gap_days"].to_numpy(dtype=float), q), (size, q)
        if size >= 2:
            assert suggest_churn_threshold(table, 0.9) == suggest_churn_threshold(gaps, 0.9)
    with pytest.raises(NotIdentifiableError):
        suggest_churn_threshold(pd.DataFrame({"gap_days": [5], "repeat_purchases": [1]}))


def test_gap_distribution_counts_inter_purchase_times(sample_store):
    tx = sample_store.transactions
    gaps = inter_purchase_times(tx)
    table = gap_distribution(tx)
    assert int(table["repeat_purchases"].sum()) == len(gaps)
    assert gap_quantile(table, 0.5) == gaps["gap_days"].median()
    assert suggest_churn_threshold(table) == suggest_churn_threshold(gaps)


def test_an_ibis_table_is_checked_like_a_frame(tiny):
    for func in (repeat_purchase_rate, gap_distribution, rfm_scores, first_order_flag):
        with pytest.raises(SchemaError, match="customer_id"):
            func(_ibis_table(tiny.drop(columns="customer_id")))
    only_cancelled = tiny.assign(status="cancelled")
    for func in (repeat_purchase_rate, gap_distribution, rfm_scores, first_order_flag):
        with pytest.raises(DataError, match="no purchase lines"):
            func(_ibis_table(only_cancelled))
    with pytest.raises(DataError, match="two years"):
        book_clv_inputs(_ibis_table(tiny))


def test_customer_positions_equal_get_indexer_and_leave_the_index_alone():
    from ecomlib.engine.retention import customer_positions

    rng = np.random.default_rng(3)
    ids = pd.Index([f"C{i:06d}" for i in rng.permutation(5000)], dtype="str")
    labels = pd.Index([f"C{i:06d}" for i in rng.integers(0, 6000, 2000)], dtype="str")  # some absent
    got = customer_positions(labels, ids)
    np.testing.assert_array_equal(got, ids.get_indexer(labels))
    assert (got == -1).any() and (got >= 0).any()
    fresh = pd.Index(ids.array, copy=False)
    customer_positions(labels, fresh)
    # pandas keeps get_indexer's hash table on the Index (about 120 B per Arrow-string id);
    # customer_positions must not leave one behind on the customer-level table's index
    assert "_engine" not in fresh._cache
    # integer ids, mixed object ids (pandas fallback) and a non-unique index (pandas' error)
    np.testing.assert_array_equal(customer_positions(pd.Index([3, 9]), pd.Index([1, 3])), [1, -1])
    mixed = pd.Index(["x", 1], dtype=object)
    np.testing.assert_array_equal(customer_positions(mixed, pd.Index([1, "x"], dtype=object)), [1, 0])
    with pytest.raises(pd.errors.InvalidIndexError):
        customer_positions(pd.Index(["a"]), pd.Index(["a", "a"]))
