"""Inter-purchase times, churn threshold, churn table, repeat rate and Kaplan-Meier curves."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.retention import (
    churn_table,
    inter_purchase_times,
    repeat_purchase_rate,
    suggest_churn_threshold,
    survival_by_group,
)


def test_inter_purchase_times_hand(hand_tx):
    out = inter_purchase_times(hand_tx)
    assert out["customer_id"].tolist() == ["a", "a", "b", "c"]
    assert out["gap_days"].tolist() == [36, 29, 41, 45]
    assert out["purchase_number"].tolist() == [2, 3, 2, 2]


def test_suggest_threshold_is_rounded_up_quantile(hand_tx):
    # gaps 29, 36, 41, 45: median 38.5 -> 39 days; 90th percentile 43.8 -> 44
    gaps = inter_purchase_times(hand_tx)
    assert suggest_churn_threshold(gaps, 0.5) == 39
    assert suggest_churn_threshold(gaps) == 44
    with pytest.raises(NotIdentifiableError):
        suggest_churn_threshold(pd.Series([10]))


def test_churn_table_hand(hand_tx):
    out = churn_table(hand_tx, 40)
    # a: gaps 36, 29 and 21 open days -> still active, censored at 86 days;
    # b: 41-day gap after the first purchase -> lost 40 days after it; c: 45-day gap -> lost at 40
    assert out["churned"].tolist() == [False, True, True]
    assert out["duration_days"].tolist() == [86, 40, 40]
    assert out["purchases"].tolist() == [3, 1, 1]
    assert out["active_days"].tolist() == [65, 0, 0]
    longer = churn_table(hand_tx, 50)
    assert longer["churned"].tolist() == [False, False, False]
    assert longer["duration_days"].tolist() == [86, 71, 45]


def test_repeat_purchase_rate_hand(hand_tx):
    out = repeat_purchase_rate(hand_tx)
    assert out["repeat_rate"] == 1.0
    assert out["median_days_to_second"] == 41.0
    within = repeat_purchase_rate(hand_tx, within_days=40)
    # only a came back within 40 days (36); b (41) and c (45) later
    assert within["customers"] == 3
    assert within["repeat_rate"] == pytest.approx(1 / 3)
    assert within["median_days_to_second"] == 36.0


def test_kaplan_meier_hand():
    churn = pd.DataFrame({"duration_days": [10, 20, 30, 40], "churned": [True, True, False, True]})
    out = survival_by_group(churn, horizon_days=25)
    # S(10) = 3/4, S(20) = 3/4 * 2/3 = 1/2, censored at 30, S(40) = 0
    curve = out.curves
    np.testing.assert_allclose(curve["survival"], [1, 0.75, 0.5, 0.0])
    np.testing.assert_array_equal(curve["at_risk"], [4, 4, 3, 1])
    assert out.groups.loc["all", "median_days"] == 20
    assert out.groups.loc["all", "survival_at"] == pytest.approx(0.5)
    assert np.isnan(out.p_value)


def test_logrank_matches_scipy():
    # independent implementation: scipy.stats.logrank (scipy >= 1.11)
    rng = np.random.default_rng(3)
    n = 60
    group = np.repeat(["email", "social"], n)
    duration = np.r_[rng.exponential(100, n), rng.exponential(60, n)].round()
    churned = rng.random(2 * n) < 0.8
    churn = pd.DataFrame({"duration_days": duration, "churned": churned, "channel": group})
    out = survival_by_group(churn, "channel")
    x = stats.CensoredData(uncensored=duration[:n][churned[:n]], right=duration[:n][~churned[:n]])
    y = stats.CensoredData(uncensored=duration[n:][churned[n:]], right=duration[n:][~churned[n:]])
    ref = stats.logrank(x, y)
    assert out.df == 1
    assert out.chi2 == pytest.approx(ref.statistic**2, rel=1e-6)
    assert out.p_value == pytest.approx(ref.pvalue, rel=1e-6)


def test_group_series_and_unknown_label():
    churn = pd.DataFrame({"duration_days": [5, 9, 12], "churned": [True, True, False]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    out = survival_by_group(churn, pd.Series({"a": "search", "b": "email"}))
    assert sorted(out.groups.index) == ["email", "search", "unknown"]
    assert out.df == 2


def test_survival_bad_inputs():
    churn = pd.DataFrame({"duration_days": [5, 9], "churned": [False, False]})
    with pytest.raises(NotIdentifiableError):
        survival_by_group(churn)
    with pytest.raises(ParameterError):
        survival_by_group(churn.assign(churned=True), group=3)
