"""Properties that hold for any data: credits add up, funnels only shrink."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomlib.traffic import ATTRIBUTION_MODELS, attribute, funnel

CHANNELS = ["a", "b", "c", "d"]


@st.composite
def touchpoints(draw):
    n_users = draw(st.integers(2, 25))
    rows = []
    for u in range(n_users):
        length = draw(st.integers(1, 5))
        chans = draw(st.lists(st.sampled_from(CHANNELS), min_size=length, max_size=length))
        conv = draw(st.booleans()) if u else True  # at least one conversion
        for k, c in enumerate(chans):
            rows.append((f"u{u}", pd.Timestamp("2024-01-01") + pd.Timedelta(hours=7 * k), c, conv))
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "channel", "converted"])


@settings(max_examples=40, deadline=None)
@given(touchpoints())
def test_every_model_credits_exactly_the_conversions(tp):
    n_conv = tp.groupby("user_id")["converted"].any().sum()
    out = attribute(tp, model="all")
    totals = out.groupby("model")["conversions"].sum()
    assert set(totals.index) == set(ATTRIBUTION_MODELS)
    assert np.allclose(totals.to_numpy(), n_conv)
    rules = out[~out["model"].isin(["shapley"])]
    assert (rules["conversions"] >= -1e-12).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["view", "product", "cart", "checkout", "purchase"]), min_size=1,
                max_size=60))
def test_funnel_counts_never_grow_and_rates_stay_in_their_intervals(steps):
    out = funnel(pd.DataFrame({"step": steps}))
    reached = out["reached"].to_numpy()
    assert reached[0] == len(steps)
    assert (np.diff(reached) <= 0).all()
    ok = out["step_conversion"].notna()
    assert ((out.loc[ok, "step_ci_low"] <= out.loc[ok, "step_conversion"] + 1e-12)
            & (out.loc[ok, "step_conversion"] <= out.loc[ok, "step_ci_high"] + 1e-12)).all()
