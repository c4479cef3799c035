"""Synthetic-control comparison: hand cases, exact recovery, placebo inference, bad inputs, coverage.

Hand values: a treated unit built as a known convex mix of untreated ones plus a known effect. The
coverage test uses ``did_simulation.py`` (true effect log 1.5); measured 2026-12-07: 95.0 % of 300.
"""

import numpy as np
import pandas as pd
import pytest
from did_simulation import EFFECT, simulated_panel

from ecomlib.errors import DataError, NotIdentifiableError
from ecomlib.promotion import did, synthetic_control
from ecomlib.promotion.synthetic import synthetic_weights

KW = {"outcome": "y", "treated": "treated", "post": "post", "unit": "unit", "time": "week"}


def _mix_panel(weights=(0.7, 0.3, 0.0), effect=0.25, demeaned_levels=(0.0, 0.5, -0.3, 2.0), seed=0):
    """Treated = sum of w x donor paths + effect in the post weeks; donors follow different paths."""
    rng = np.random.default_rng(seed)
    n_t, pre = 10, 8
    donors = rng.normal(0, 1, (3, n_t)).cumsum(axis=1) + np.array(demeaned_levels[1:])[:, None]
    treated = np.array(weights) @ (donors - donors[:, :pre].mean(axis=1, keepdims=True)) + demeaned_levels[0]
    treated[pre:] += effect
    values = np.vstack([treated, donors])
    rows = [(f"u{i}", t, values[i, t], int(i == 0), int(t >= pre)) for i in range(4) for t in range(n_t)]
    return pd.DataFrame(rows, columns=["unit", "week", "y", "treated", "post"])


def test_weights_by_hand():
    # target = 0.25 x a + 0.75 x b exactly
    a, b, c = np.array([0.0, 1.0, 0.0]), np.array([4.0, 1.0, 2.0]), np.array([9.0, 9.0, 9.0])
    w = synthetic_weights(0.25 * a + 0.75 * b, np.column_stack([a, b, c]))
    np.testing.assert_allclose(w, [0.25, 0.75, 0.0], atol=1e-6)
    # a target outside the donors' hull: weights stay non-negative and sum to 1 (all on the nearest)
    w = synthetic_weights(np.array([20.0, 20.0, 20.0]), np.column_stack([a, b, c]))
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0) and w[2] == pytest.approx(1.0, abs=1e-6)


def test_recovers_a_known_mix_and_effect_exactly():
    r = synthetic_control(_mix_panel(), **KW)
    assert r.weights.to_dict() == pytest.approx({"u1": 0.7, "u2": 0.3, "u3": 0.0}, abs=1e-5)
    assert r.estimate == pytest.approx(0.25, abs=1e-5)
    assert r.pre_rmspe == pytest.approx(0.0, abs=1e-5)
    assert r.treated_unit == "u0" and list(r.placebo["unit"]) == ["u0", "u1", "u2", "u3"]
    assert set(r.path.columns) == {"time", "treated", "synthetic", "gap", "post"}


def test_equal_weights_give_the_did_estimate():
    # two donors with identical demeaned pre-paths: any mix fits equally; with the treated unit
    # following them too, the gap after is the effect, as in difference-in-differences
    panel = _mix_panel(weights=(0.5, 0.5, 0.0))
    panel = panel[panel["unit"] != "u3"]
    r, d = synthetic_control(panel, **KW), did(panel, **KW)
    assert r.estimate == pytest.approx(d.estimate, abs=1e-6)


def test_placebo_p_value_is_a_rank():
    panel = simulated_panel(2)
    r = synthetic_control(panel, **KW)
    ratios = r.placebo["ratio"].to_numpy()
    assert r.p_value == pytest.approx(np.mean(ratios >= ratios[0]))
    assert r.p_value >= 1 / 8 and "1/8" in r.inference_detail
    assert r.ci_low < r.estimate < r.ci_high
    assert r.summary().loc["estimate", "value"] == r.estimate


def test_bad_inputs():
    panel = simulated_panel(0)
    with pytest.raises(NotIdentifiableError, match="one treated unit"):
        synthetic_control(simulated_panel(0, n_treated=2), **KW)
    with pytest.raises(DataError, match="balanced"):
        synthetic_control(panel.iloc[1:], **KW)
    with pytest.raises(DataError, match="one row per"):
        synthetic_control(pd.concat([panel, panel.iloc[:1]]), **KW)
    with pytest.raises(NotIdentifiableError, match="two periods"):
        synthetic_control(panel.assign(post=(panel["week"] >= 1).astype(int)), **KW)


@pytest.mark.slow
def test_placebo_interval_covers_95_percent():
    hits = []
    for seed in range(300):
        r = synthetic_control(simulated_panel(seed), **KW)
        hits.append(r.ci_low <= EFFECT <= r.ci_high)
    print(f"synthetic-control placebo interval coverage {np.mean(hits):.3f}")
    assert 0.92 <= np.mean(hits) <= 0.98  # binomial sd at 300 draws: 1.3 points
