"""Attribution: the issue's Markov toy case, rule models by hand, Shapley, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError, SchemaError
from ecomlib.traffic import attribute, build_journeys, markov_attribution, shapley_attribution


def _tp(paths):
    """paths: list of (channels, converted); one touch per day."""
    rows = []
    for i, (chans, conv) in enumerate(paths):
        for d, c in enumerate(chans):
            rows.append((f"u{i}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=d), c, conv))
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "channel", "converted"])


TOY = _tp([(["c1", "c2", "c3"], True), (["c1"], False), (["c2", "c3"], False)])


def test_markov_toy_case_exact():
    # issue 7: P(conversion) = 1/3, removal effects .5, 1, 1, credit .2, .4, .4 (exactly)
    res = markov_attribution(build_journeys(TOY))
    assert res.conversion_probability == pytest.approx(1 / 3, abs=1e-12)
    assert res.removal_effects.tolist() == pytest.approx([0.5, 1.0, 1.0], abs=1e-12)
    assert res.conversions.tolist() == pytest.approx([0.2, 0.4, 0.4], abs=1e-12)
    tidy = attribute(TOY, model="markov")
    assert tidy["conversions"].tolist() == pytest.approx([0.2, 0.4, 0.4], abs=1e-12)
    assert res.transitions.loc["start", "c1"] == pytest.approx(2 / 3)


def test_rule_models_by_hand():
    # converting journey a: email (day 0) > social (day 1) > search (day 2) > search (day 9)
    tp = pd.DataFrame({
        "user_id": ["a"] * 4 + ["b"],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-10",
                                     "2024-01-05"]),
        "channel": ["email", "social", "search", "search", "email"],
        "converted": [True] * 4 + [False],
    })
    out = attribute(tp, model=["last", "first", "linear", "position", "time_decay"],
                    half_life_days=7).set_index(["model", "channel"])["conversions"]
    assert out["last"].to_dict() == {"email": 0, "search": 1, "social": 0}
    assert out["first"].to_dict() == {"email": 1, "search": 0, "social": 0}
    assert out[("linear", "search")] == pytest.approx(0.5)
    # position: 40 % first (email), 40 % last (search), 20 % split over 2 middle touches
    assert out[("position", "email")] == pytest.approx(0.4)
    assert out[("position", "search")] == pytest.approx(0.5)
    assert out[("position", "social")] == pytest.approx(0.1)
    # time decay, half-life 7 days: weights 2^(-9/7), 2^(-8/7), 2^(-7/7), 1
    w = 2.0 ** (-np.array([9, 8, 7, 0]) / 7)
    w = w / w.sum()
    assert out[("time_decay", "email")] == pytest.approx(w[0])
    assert out[("time_decay", "search")] == pytest.approx(w[2] + w[3])
    totals = attribute(tp, model="all").groupby("model")["conversions"].sum()
    assert totals.to_numpy() == pytest.approx(np.ones(7))


def test_two_touch_position_splits_half():
    out = attribute(_tp([(["a", "b"], True)]), model="position")
    assert out["conversions"].tolist() == pytest.approx([0.5, 0.5])


def test_shapley_hand_case():
    # sets {x}: 1 of 1 converts, {y}: 1 of 2, {x,y}: 1 of 1 -> v(x)=1, v(y)=.5, v(xy)=1
    # phi_x(xy) = (1 - 0)/2 + (1 - .5)/2 = .75, phi_y(xy) = .25
    # credit x = 1 * 1 + 1 * .75 = 1.75; y = 2 * .5 + .25 = 1.25
    tp = _tp([(["x"], True), (["y"], False), (["y"], True), (["x", "y"], True)])
    res = shapley_attribution(build_journeys(tp))
    assert res.conversions.tolist() == pytest.approx([1.75, 1.25])
    assert res.values.loc["x + y"].tolist() == pytest.approx([0.75, 0.25])
    assert res.unseen == 0


def test_shapley_recovers_additive_truth():
    # P(convert | S) = sum of w_c over S with w = (.1, .3, .2); all subsets seen, large n
    rng = np.random.default_rng(11)
    w = np.array([0.1, 0.3, 0.2])
    n = 60_000
    member = rng.random((n, 3)) < 0.5
    member[~member.any(axis=1), 0] = True
    conv = rng.random(n) < (member * w).sum(axis=1)
    users, chans = np.nonzero(member)
    tp = pd.DataFrame({"user_id": users.astype(str), "channel": np.array(["a", "b", "c"])[chans],
                       "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(chans, "h"),
                       "converted": conv[users]})
    truth = (member * w).sum(axis=0)
    truth = truth / truth.sum()
    shares = attribute(tp, model="shapley")["share"].to_numpy()
    assert shares == pytest.approx(truth, abs=0.01)


def test_attribution_does_not_mutate():
    before = TOY.copy()
    attribute(TOY, model="all")
    pd.testing.assert_frame_equal(TOY, before)


def test_attribution_bad_inputs():
    with pytest.raises(ParameterError, match="model"):
        attribute(TOY, model="u_shaped")
    with pytest.raises(ParameterError):
        attribute(TOY, model=[])
    with pytest.raises(SchemaError, match="timestamp"):
        attribute(TOY.drop(columns="timestamp"))
    with pytest.raises(SchemaError, match="datetime"):
        attribute(TOY.assign(timestamp="2024-01-01"))
    with pytest.raises(SchemaError, match="bool"):
        attribute(TOY.assign(converted="yes"))
    with pytest.raises(NotIdentifiableError):
        attribute(TOY.assign(converted=False), model="shapley")
    with pytest.raises(ParameterError, match="position_weights"):
        attribute(TOY, model="position", position_weights=(0.5, 0.5, 0.5))
    with pytest.raises(ParameterError, match="half_life"):
        attribute(TOY, model="time_decay", half_life_days=0)
    with pytest.raises(ParameterError):
        attribute("not a frame")
    with pytest.raises(DataError):
        attribute(TOY.iloc[0:0])
    with pytest.raises(ParameterError, match="position_weights"):
        attribute(TOY, model="position", position_weights=(0.5, 0.5))
    many = _tp([([f"ch{i}" for i in range(13)], True)])
    with pytest.raises(ParameterError, match="at most"):
        attribute(many, model="shapley")


def test_models_need_journeys():
    with pytest.raises(ParameterError, match="Journeys"):
        markov_attribution(TOY)
    with pytest.raises(ParameterError, match="Journeys"):
        shapley_attribution(TOY)
