"""build_journeys on DuckDB / ibis, and the Markov / Shapley counts of attribution, equal the pandas path."""

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.traffic import attribute, build_journeys
from tests.engine.conftest import on_both


def assert_same_journeys(expected, got):
    for field in fields(expected):
        want, have = getattr(expected, field.name), getattr(got, field.name)
        if field.name == "channels":
            assert have == want
        else:
            np.testing.assert_array_equal(have, want, err_msg=field.name)


def make_touchpoints(rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` touches of ~rows/4 users over 60 days, with ties, missing values and 0/1 flags."""
    rng = np.random.default_rng(seed)
    users = pd.Series(rng.integers(0, max(rows // 4, 1), rows)).map("U{:07d}".format).astype("str")
    users[rng.random(rows) < 0.01] = None
    channel = pd.Series(np.array(["search", "social", "email", "direct", "affiliate"])[rng.integers(0, 5, rows)],
                        dtype="str")
    channel[rng.random(rows) < 0.01] = None
    # whole hours: many touches of one user share a time (ties ordered by channel)
    stamp = np.datetime64("2024-03-01T00:00:00", "us") + rng.integers(0, 60 * 24, rows) * np.int64(3_600_000_000)
    stamp = pd.Series(stamp.astype("datetime64[us]"))
    stamp[rng.random(rows) < 0.005] = pd.NaT
    converted_user = pd.Series(rng.random(rows // 4 + 1) < 0.3)
    codes = users.str.slice(1).astype(float).fillna(0).astype(int)
    return pd.DataFrame({"user_id": users, "timestamp": stamp, "channel": channel,
                         "converted": converted_user.to_numpy()[codes.to_numpy()]})


ALL = ["last", "first", "linear", "time_decay", "position", "markov", "shapley"]


def _equal_credit(expected, got):
    pd.testing.assert_frame_equal(got[["model", "channel"]], expected[["model", "channel"]])
    np.testing.assert_allclose(got["conversions"], expected["conversions"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got["share"], expected["share"], rtol=1e-9, atol=1e-12)


def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store):
    ibis = pytest.importorskip("ibis")
    tp = sample_store.touchpoints
    expected, got = on_both(build_journeys, tp)
    assert_same_journeys(expected, got)
    table = ibis.duckdb.connect().create_table("tp", tp)
    assert_same_journeys(expected, build_journeys(table))
    with engine_option("pandas"):
        want = attribute(tp, model=ALL)
    _equal_credit(want, attribute(table, model=ALL))
    # markov and shapley alone on a Table: counted on the engine, no touch fetched
    for order in (1, 2, 3):
        with engine_option("pandas"):
            want = attribute(tp, model=["markov", "shapley"], markov_order=order)
        _equal_credit(want, attribute(table, model=["markov", "shapley"], markov_order=order))


@pytest.mark.slow
def test_duckdb_equals_pandas_on_a_million_touches():
    tp = make_touchpoints(1_000_000, seed=17)
    expected, got = on_both(build_journeys, tp)
    assert len(expected.user) > 970_000
    assert_same_journeys(expected, got)
    for order in (1, 2):
        want, have = on_both(attribute, tp, model=["markov", "shapley"], markov_order=order)
        _equal_credit(want, have)


def test_row_order_does_not_matter():
    tp = make_touchpoints(2_000, seed=3)
    shuffled = tp.sample(frac=1.0, random_state=1).reset_index(drop=True)
    for engine in ("pandas", "duckdb"):
        with engine_option(engine):
            assert_same_journeys(build_journeys(tp), build_journeys(shuffled))


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(engine):
    tp = pd.DataFrame({
        "user_id": ["b", "a", "a", "a", "c", None],
        "channel": ["y", "y", "x", "z", "x", "w"],  # "w" is only on a row without a user: not a channel
        # a's "x" and "y" touches are at the same time: ordered by channel, x first
        "timestamp": pd.to_datetime(["2024-01-01 00:00", "2024-01-02 00:00", "2024-01-02 00:00", "2024-01-01 12:00",
                                     "2024-01-03 00:00", "2024-01-01 00:00"]).astype("datetime64[us]"),
        "converted": [0, 1, 1, 1, 0, 1]})
    with engine_option(engine):
        j = build_journeys(tp)
        assert j.channels == ["x", "y", "z"]
        assert j.user.tolist() == [0, 0, 0, 1, 2] and j.channel.tolist() == [2, 0, 1, 1, 0]
        assert j.hours_before_last.tolist() == [12.0, 0.0, 0.0, 0.0, 0.0]
        assert j.journey_converted.tolist() == [True, False, False]
        with pytest.raises(NotIdentifiableError):
            attribute(tp.assign(converted=0), model="shapley")
    import ibis

    table = ibis.duckdb.connect().create_table("tp", tp)
    # a: z > x > y converts, b: y, c: x. P(conversion) = 1/3; without x 1/6, without y 0,
    # without z 1/4: removal effects 1/2, 1, 1/4, so credits 2/7, 4/7, 1/7
    markov = attribute(table, model="markov")["conversions"].tolist()
    assert markov == [pytest.approx(2 / 7), pytest.approx(4 / 7), pytest.approx(1 / 7)]
    assert attribute(table, model="shapley")["conversions"].sum() == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="order"):
        attribute(table, model="markov", markov_order=7)
