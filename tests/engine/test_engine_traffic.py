"""funnel counts on DuckDB / ibis equal the pandas path."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError
from ecomlib.traffic import funnel
from tests.engine.conftest import on_both

BYS = [None, "device", ["channel", "device"]]
IDS = ["all", "device", "channel_device"]


@pytest.mark.parametrize("by", BYS, ids=IDS)
def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store, by):
    ibis = pytest.importorskip("ibis")
    sessions = sample_store.sessions
    expected, got = on_both(funnel, sessions, by=by)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    on_ibis = funnel(ibis.duckdb.connect().create_table("sessions", sessions), by=by)
    pd.testing.assert_frame_equal(on_ibis, expected, check_exact=True)


@pytest.mark.slow
@pytest.mark.parametrize("by", BYS, ids=IDS)
def test_duckdb_equals_pandas_on_a_million_sessions(by):
    rng = np.random.default_rng(17)
    n = 1_000_000
    steps = np.array(["view", "product", "cart", "checkout", "purchase"])
    device = pd.Series(np.array(["mobile", "desktop", "tablet"])[rng.integers(0, 3, n)], dtype="str")
    device[rng.random(n) < 0.01] = None  # a missing segment is its own "(missing)" row
    sessions = pd.DataFrame({"step": pd.Series(steps[rng.integers(0, 5, n)], dtype="str"), "device": device,
                             "channel": pd.Series(np.array(["a", "b", "c", "d"])[rng.integers(0, 4, n)], dtype="str")})
    expected, got = on_both(funnel, sessions, by=by)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(engine):
    s = pd.DataFrame({"step": ["view", "view", "cart", "purchase"], "device": ["m", "d", "m", "m"]})
    with engine_option(engine):
        assert funnel(s, steps=["view", "cart", "purchase"])["reached"].tolist() == [4, 2, 1]
        by_device = funnel(s, steps=["view", "cart", "purchase"], by="device")
        assert by_device["reached"].tolist() == [1, 0, 0, 3, 2, 1]
        with pytest.raises(DataError, match="not in `steps`"):
            funnel(s, steps=["view", "purchase"])
