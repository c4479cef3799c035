"""Cronbach's alpha: hand case, pingouin reference values (and live when installed), Feldt interval."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.service import compare_teams, cronbach_alpha, item_scores, scale_scores

REF_DIR = Path(__file__).parent / "references"
REF = json.loads((REF_DIR / "alpha_pingouin.json").read_text())["cases"]


def likert(seed, n, k, loading):
    # the same generator as references/alpha_pingouin.py
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    raw = loading * trait + rng.normal(size=(n, k))
    return pd.DataFrame(np.clip(np.round(3 + raw), 1, 5), columns=[f"q{i + 1}" for i in range(k)])


def test_alpha_hand_case():
    # a = (1, 2, 3, 4), b = (2, 3, 3, 5): var a = 5/3, var b = 19/12, totals (3, 5, 6, 9) var 25/4
    s = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 3, 5]})
    expected = 2 * (1 - (5 / 3 + 19 / 12) / (25 / 4))
    assert cronbach_alpha(s, ["a", "b"]).alpha == pytest.approx(expected, abs=1e-12)
    same = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4], "c": [1, 2, 3, 4]})
    assert cronbach_alpha(same, ["a", "b", "c"]).alpha == pytest.approx(1.0)


@pytest.mark.parametrize("case", REF, ids=lambda c: f"seed{c['seed']}")
def test_alpha_against_pingouin_reference(case):
    df = likert(case["seed"], case["n"], case["k"], case["loading"])
    res = cronbach_alpha(df, list(df.columns))
    assert res.alpha == pytest.approx(case["alpha"], abs=1e-12)
    # pingouin rounds its Feldt interval to 3 decimals
    assert res.low == pytest.approx(case["ci_low"], abs=5e-4 + 1e-12)
    assert res.high == pytest.approx(case["ci_high"], abs=5e-4 + 1e-12)


def test_alpha_against_pingouin_live():
    pg = pytest.importorskip("pingouin")
    df = likert(42, 120, 5, 0.8)
    assert cronbach_alpha(df, list(df.columns)).alpha == pytest.approx(pg.cronbach_alpha(df)[0], abs=1e-12)


def test_scale_and_item_scores():
    df = likert(1, 50, 4, 1.0).assign(team=["A", "B"] * 25)
    scales = {"engagement": ["q1", "q2"], "wellbeing": ["q3", "q4"]}
    out = scale_scores(df, scales, by="team")
    assert set(out["scale"]) == set(scales)
    row = out[(out["scale"] == "engagement") & (out["team"] == "A")].iloc[0]
    a = df[df["team"] == "A"][["q1", "q2"]].mean(axis=1)
    assert row["mean"] == pytest.approx(a.mean())
    assert row["low"] < row["mean"] < row["high"]
    items = item_scores(df, ["q1", "q2"])
    assert items.set_index("item").loc["q1", "mean"] == pytest.approx(df["q1"].mean())
    cmp = compare_teams(df, ["q1", "q2"])
    assert 0 <= cmp["eta_squared"] <= 1 and cmp["teams"] == 2


def test_bad_inputs():
    df = likert(1, 10, 3, 1.0)
    with pytest.raises(ParameterError, match="2 items"):
        cronbach_alpha(df, ["q1"])
    with pytest.raises(SchemaError):
        cronbach_alpha(df, ["q1", "zz"])
    with pytest.raises(DataError, match="3 complete"):
        cronbach_alpha(df.head(2), ["q1", "q2"])
    with pytest.raises(DataError, match="same total"):
        cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [2, 2, 2]}), ["a", "b"])
    with pytest.raises(DataError, match="2 teams"):
        compare_teams(df.assign(team="A"), ["q1", "q2"])
