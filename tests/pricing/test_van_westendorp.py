"""Van Westendorp PSM: an analytic case with known crossings, answer cleaning, NMS, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.pricing import nms_purchase_probability, van_westendorp
from ecomlib.pricing.van_westendorp import curve_crossings


def uniform_survey(n: int = 2000) -> pd.DataFrame:
    """Answers on evenly spaced quantiles of known uniform distributions (CNY):
    too cheap U(0, 60), cheap U(20, 80), expensive U(30, 100), too expensive U(40, 120)."""
    u = (np.arange(n) + 0.5) / n
    return pd.DataFrame({"respondent_id": np.arange(n), "too_cheap": 60 * u, "cheap": 20 + 60 * u,
                         "expensive": 30 + 70 * u, "too_expensive": 40 + 80 * u})


def test_analytic_crossings_exact_to_grid_resolution():
    # hand-solved crossings of the uniform curves:
    # PMC: 1 - p/60 = (p - 20)/60 -> 40;  OPP: 1 - p/60 = (p - 40)/80 -> 360/7
    # IPP: (p - 20)/60 = (100 - p)/70 -> 740/13;  PME: (100 - p)/70 = (p - 40)/80 -> 72
    step = 0.1
    res = van_westendorp(uniform_survey(), prices=np.arange(0, 130 + step / 2, step))
    expected = {"PMC": 40.0, "OPP": 360 / 7, "IPP": 740 / 13, "PME": 72.0}
    for point, price in expected.items():
        assert res.points.loc[point, "price"] == pytest.approx(price, abs=step)
        assert res.points.loc[point, "n_crossings"] == 1
    assert res.acceptable_range == pytest.approx((40.0, 72.0), abs=step)
    at_60 = res.curves.set_index("price").loc[np.isclose(res.curves["price"], 60.0)].iloc[0]
    assert at_60["too_cheap"] == pytest.approx(0.0, abs=1e-3)
    assert at_60["too_expensive"] == pytest.approx(0.25, abs=1e-3)
    assert at_60["not_cheap"] == pytest.approx(40 / 60, abs=1e-3)


def test_default_grid_uses_answered_prices():
    res = van_westendorp(uniform_survey(400))
    assert len(res.curves) == len(np.unique(uniform_survey(400).iloc[:, 1:].to_numpy()))
    assert res.points.loc["PME", "price"] == pytest.approx(72.0, abs=0.5)


def test_inconsistent_and_missing_answers_are_dropped_and_counted():
    survey = uniform_survey(200)
    bad = pd.DataFrame({"respondent_id": [900, 901, 902, 903, 904],
                        "too_cheap": [50.0, 10.0, 10.0, np.nan, 0.0],
                        "cheap": [40.0, 30.0, 20.0, 30.0, 5.0],
                        "expensive": [60.0, 20.0, 40.0, 40.0, 9.0],
                        "too_expensive": [70.0, 80.0, np.nan, 50.0, 10.0]})
    res = van_westendorp(pd.concat([survey, bad], ignore_index=True))
    # 900: too cheap > cheap; 901: cheap > expensive; 904: a price of 0 -> inconsistent
    assert (res.n_respondents, res.n_missing, res.n_inconsistent, res.n_used) == (205, 2, 3, 200)
    clean = van_westendorp(survey)
    pd.testing.assert_frame_equal(res.points, clean.points)


def test_crossing_rule_for_several_crossings_and_ties():
    price = np.arange(6.0)
    falling = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    rising = np.full(6, 0.5)
    assert curve_crossings(price, falling, rising).tolist() == [0.5, 1.5, 2.5, 3.5]
    # a tie over prices 2..3 between a falling and a rising step curve: its middle
    tie = curve_crossings(price, np.array([1, 0.8, 0.5, 0.5, 0.2, 0]), np.array([0, 0.2, 0.5, 0.5, 0.8, 1]))
    assert tie.tolist() == [2.5]


def test_nms_hand_case():
    # one respondent type: 0 at 10, 0.8 at 20, 0.4 at 30, 0 at 40, linear between
    survey = pd.DataFrame({"too_cheap": [10.0, 10.0], "cheap": [20.0, 20.0],
                           "expensive": [30.0, 30.0], "too_expensive": [40.0, 40.0],
                           "buy_cheap": [0.8, 0.6], "buy_expensive": [0.4, 0.2]})
    res = nms_purchase_probability(survey, prices=[10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0])
    # mean of the two respondents: at 20 (0.8+0.6)/2 = 0.7, at 25 (0.6+0.4)/2 = 0.5
    assert res.curve["trial"].tolist() == pytest.approx([0.0, 0.35, 0.7, 0.5, 0.3, 0.15, 0.0])
    assert res.trial_price == 20.0
    # revenue index: 20 * 0.7 = 14, 25 * 0.5 = 12.5, 30 * 0.3 = 9 -> 20
    assert res.revenue_price == 20.0 and res.n_used == 2


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda d: d.iloc[0:0], DataError, "no rows"),
        (lambda d: d.drop(columns="cheap"), SchemaError, "cheap"),
        (lambda d: d.assign(expensive=d["expensive"].astype("str")), SchemaError, "numeric"),
        (lambda d: d.assign(cheap=d["too_expensive"] + 1), DataError, "consistent"),
        (lambda d: d.iloc[:1], DataError, "at least 2"),
    ],
)
def test_bad_surveys(change, error, match):
    with pytest.raises(error, match=match):
        van_westendorp(change(uniform_survey(50)))


def test_bad_parameters():
    survey = uniform_survey(50)
    with pytest.raises(ParameterError, match="intersection"):
        van_westendorp(survey, intersection="first")
    with pytest.raises(ParameterError, match="increasing"):
        van_westendorp(survey, prices=[3.0, 2.0, 1.0])
    with pytest.raises(SchemaError, match="buy_cheap"):
        nms_purchase_probability(survey)
    with pytest.raises(DataError, match="probabilities"):
        nms_purchase_probability(survey.assign(buy_cheap=1.5, buy_expensive=0.2))
