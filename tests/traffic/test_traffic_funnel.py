"""Funnels: hand counts, Wilson intervals against statsmodels, segment tests, event tables."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError
from ecomlib.traffic import compare_funnels, funnel, funnel_from_events, wilson_interval

STEPS = ["view", "product", "cart", "checkout", "purchase"]


def _sessions():
    # 10 sessions: furthest steps 4 x view, 3 x product, 1 x cart, 0 x checkout, 2 x purchase
    steps = ["view"] * 4 + ["product"] * 3 + ["cart"] + ["purchase"] * 2
    device = ["mobile", "desktop"] * 5
    return pd.DataFrame({"step": steps, "device": device})


def test_funnel_hand_case():
    out = funnel(_sessions())
    assert out["reached"].tolist() == [10, 6, 3, 2, 2]
    assert out["step_conversion"].tolist() == pytest.approx([1, 0.6, 0.5, 2 / 3, 1.0])
    assert out["overall_conversion"].tolist() == pytest.approx([1, 0.6, 0.3, 0.2, 0.2])
    assert out["dropped"].tolist() == [0, 4, 3, 1, 0]
    assert out["drop_off"].iloc[1] == pytest.approx(0.4)


def test_funnel_by_segment_adds_up():
    s = _sessions()
    out = funnel(s, by="device")
    total = out.groupby("step_index")["reached"].sum().tolist()
    assert total == [10, 6, 3, 2, 2]
    mob = out[out["device"] == "mobile"]["reached"].tolist()
    # mobile rows 0,2,4,6,8: view, view, product, product, purchase
    assert mob == [5, 3, 1, 1, 1]


def test_wilson_matches_statsmodels(refs):
    low, high = wilson_interval(81, 263)
    assert [float(low), float(high)] == pytest.approx(refs["statsmodels_wilson_81_263"], rel=1e-9)
    low, high = wilson_interval(0, 20)
    assert [float(low), float(high)] == pytest.approx(refs["statsmodels_wilson_0_20"], abs=1e-12)
    low, high = wilson_interval(np.array([3, 0]), np.array([10, 0]))
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_compare_two_segments_equals_z_squared():
    # app: 50 of 100 continue; web: 5 of 20. z^2 of the pooled two-proportion test = chi2.
    s = pd.DataFrame({"step": ["cart"] * 50 + ["view"] * 50 + ["cart"] * 5 + ["view"] * 15,
                      "device": ["app"] * 100 + ["web"] * 20})
    out = compare_funnels(s, "device", steps=["view", "cart"])
    p1, p2, pbar = 0.5, 0.25, 55 / 120
    z = (p1 - p2) / np.sqrt(pbar * (1 - pbar) * (1 / 100 + 1 / 20))
    assert out["chi2"].iloc[0] == pytest.approx(z**2)
    assert out["best"].iloc[0] == "app" and out["worst"].iloc[0] == "web"
    assert out["rate_web"].iloc[0] == pytest.approx(0.25)


def test_funnel_from_events_strict_and_loose():
    events = {"view": pd.DataFrame({"user_id": ["a", "b", "c", "a"]}),
              "cart": ["a", "c", "d"], "buy": pd.Series(["c", "d"])}
    strict = funnel_from_events(events)
    assert strict["reached"].tolist() == [3, 2, 1]  # d skipped 'view'
    loose = funnel_from_events(events, strict=False)
    assert loose["reached"].tolist() == [3, 3, 2]


def test_funnel_does_not_mutate():
    s = _sessions()
    before = s.copy()
    funnel(s, by="device")
    pd.testing.assert_frame_equal(s, before)


def test_funnel_bad_inputs():
    with pytest.raises(DataError):
        funnel(pd.DataFrame({"step": []}))
    with pytest.raises(SchemaError, match="step"):
        funnel(pd.DataFrame({"stage": ["view"]}))
    with pytest.raises(DataError, match="basket"):
        funnel(pd.DataFrame({"step": ["view", "basket"]}))
    with pytest.raises(ParameterError):
        funnel(_sessions(), steps="view")
    with pytest.raises(ParameterError):
        funnel(_sessions(), steps=["view"])
    with pytest.raises(ParameterError):
        funnel(_sessions(), steps=["view", "view"])
    with pytest.raises(SchemaError, match="channel"):
        funnel(_sessions(), by="channel")
    with pytest.raises(ParameterError):
        funnel([1, 2, 3])


def test_compare_and_events_bad_inputs():
    with pytest.raises(DataError, match="single segment"):
        compare_funnels(_sessions().assign(device="app"), "device")
    with pytest.raises(ParameterError):
        compare_funnels(_sessions(), ["device"])
    with pytest.raises(ParameterError):
        funnel_from_events({"view": ["a"]})
    with pytest.raises(SchemaError):
        funnel_from_events({"view": pd.DataFrame({"uid": ["a"]}), "cart": ["a"]})
    with pytest.raises(EcomlibError):
        funnel_from_events({"view": [], "cart": []})
