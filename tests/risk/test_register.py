"""Risk register scoring: hand-computed scores, bands, residuals and reported (not fixed) bad rows."""

import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.risk import risk_matrix


def _register(**overrides):
    base = {
        "risk": ["stock-out before 11.11", "FX swing", "platform ban", "data leak"],
        "category": ["supply", "finance", "channel", "compliance"],
        "likelihood": [4, 3, 2, 1],
        "impact": [5, 3, 5, 4],
        "owner": ["ops", "finance", "growth", "it"],
        "response": ["reduce", "accept", "transfer", "avoid"],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_scores_bands_and_priority_by_hand():
    r = risk_matrix(_register())
    reg = r.register.set_index("risk")
    # 4x5=20 critical, 3x3=9 medium, 2x5=10 high, 1x4=4 low (default bands 4/9/15/25)
    assert reg["score"].to_dict() == {"stock-out before 11.11": 20, "platform ban": 10, "FX swing": 9,
                                      "data leak": 4}
    assert reg["rating"].tolist() == ["critical", "high", "medium", "low"]
    assert reg["priority"].tolist() == [1, 2, 3, 4]


def test_residual_from_response_rules():
    reg = risk_matrix(_register()).register.set_index("risk")
    # reduce: (4-1)x(5-1)=12; transfer: 2x(5-2)=6; accept unchanged 9; avoid: likelihood 1 -> 1x4
    assert reg["residual_score"].to_dict() == {"stock-out before 11.11": 12, "platform ban": 6,
                                               "FX swing": 9, "data leak": 4}


def test_residual_columns_given_are_used():
    df = _register(residual_likelihood=[1, 1, 1, 1], residual_impact=[2, 2, 2, 2])
    assert set(risk_matrix(df).register["residual_score"]) == {2}


def test_matrix_counts_place_each_risk():
    m = risk_matrix(_register()).matrix
    assert m.shape == (5, 5) and int(m.to_numpy().sum()) == 4
    assert m.loc[4, 5] == 1 and m.loc[1, 4] == 1
    assert list(m.index) == [5, 4, 3, 2, 1]


def test_invalid_rows_are_reported_not_fixed():
    df = _register(likelihood=[4, 6, 2, 1.5], owner=["ops", None, "growth", " "],
                   response=["reduce", "accept", "ignore", "avoid"])
    r = risk_matrix(df)
    assert r.register["risk"].tolist() == ["stock-out before 11.11"]
    problems = set(zip(r.issues["risk"], r.issues["problem"], strict=True))
    assert ("FX swing", "must be a whole number 1-5") in problems
    assert ("FX swing", "missing owner") in problems
    assert ("platform ban", "must be one of avoid, reduce, transfer, accept") in problems
    assert ("data leak", "must be a whole number 1-5") in problems
    assert ("data leak", "missing owner") in problems
    assert df["likelihood"].tolist() == [4, 6, 2, 1.5]  # input untouched


def test_summary_counts_before_and_after():
    s = risk_matrix(_register()).summary()
    assert s["risks"].sum() == 4 and s.loc["critical", "risks"] == 1 and s.loc["critical", "after_response"] == 0


def test_bad_inputs():
    with pytest.raises(DataError):
        risk_matrix(_register().iloc[0:0])
    with pytest.raises(SchemaError, match="owner"):
        risk_matrix(_register().drop(columns="owner"))
    with pytest.raises(ParameterError, match="bands"):
        risk_matrix(_register(), bands={"low": 10, "high": 5})
    with pytest.raises(ParameterError):
        risk_matrix("register.csv")
