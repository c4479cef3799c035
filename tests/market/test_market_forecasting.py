"""Forecasting, STL, festival effects and the rolling-origin backtest."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.market import (
    backtest,
    festival_calendar,
    festival_effects,
    forecast,
    stl_decompose,
)


def _weekly(n=140, seed=1, noise=1.0):
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=n, freq="D", unit="us")
    season = np.tile([10.0, 12, 14, 13, 15, 20, 18], n // 7 + 1)[:n]
    return pd.Series(100 + season + 0.05 * np.arange(n) + rng.normal(0, noise, n), index=days)


@pytest.mark.slow
def test_airline_model_matches_r_arima(air_passengers):
    # R: arima(log(AirPassengers), order = c(0,1,1), seasonal = list(order = c(0,1,1), period = 12))
    # prints ma1 = -0.4018, sma1 = -0.5569 (Box, Jenkins & Reinsel's airline model; also in
    # Brockwell & Davis). statsmodels matches R's likelihood with simple_differencing=True, which
    # differences the data first and fits the stationary MA model to the differenced series.
    result = forecast(
        np.log(air_passengers),
        12,
        "sarima",
        order=(0, 1, 1),
        seasonal_order=(0, 1, 1),
        simple_differencing=True,
    )
    assert result.seasonal_period == 12
    assert result.params["ma.L1"] == pytest.approx(-0.4018, abs=1e-3)
    assert result.params["ma.S.L12"] == pytest.approx(-0.5569, abs=1e-3)
    assert result.table.index[0] == pd.Timestamp("1961-01-01")
    # the forecast of January 1961 lies near January 1960 times a year's growth
    assert 400 < np.exp(result.table["mean"].iloc[0]) < 480


def test_seasonal_naive_hand_case():
    s = pd.Series([1.0, 3, 2, 4, 2, 4], index=pd.date_range("2024-01-01", periods=6, freq="D"))
    result = forecast(s, 3, "naive", seasonal_period=2, level=0.8)
    # last season (2, 4) repeats; seasonal differences 1, 1, 0, 0 -> sd = 0.57735
    sigma = np.std([1.0, 1.0, 0.0, 0.0], ddof=1)
    z = stats.norm.ppf(0.9)
    assert result.table["mean"].tolist() == [2.0, 4.0, 2.0]
    half = result.table["upper"] - result.table["mean"]
    assert half.tolist() == pytest.approx([z * sigma, z * sigma, z * sigma * np.sqrt(2)])


@pytest.mark.slow
def test_ets_and_sarima_intervals_contain_mean_and_widen():
    s = _weekly()
    for method in ("ets", "sarima"):
        t = forecast(s, 14, method).table
        assert (t["lower"] < t["mean"]).all() and (t["mean"] < t["upper"]).all()
        width = t["upper"] - t["lower"]
        assert width.iloc[-1] > width.iloc[0]
        # the weekly pattern carries into the forecast: Saturday above Monday
        saturday = t[t.index.day_of_week == 5]["mean"].iloc[0]
        monday = t[t.index.day_of_week == 0]["mean"].iloc[0]
        assert saturday > monday + 5


def test_log_forecast_is_positive_and_input_untouched():
    s = _weekly()
    before = s.copy()
    t = forecast(s, 7, "ets", log=True).table
    pd.testing.assert_series_equal(s, before)
    assert (t["lower"] > 0).all()


def test_fit_problems_are_reported_not_hidden(monkeypatch):
    # A clean weekly series fits without complaint; a SARIMA fit that warns of non-convergence
    # is reported in result.warnings (once), while statsmodels' frequency chatter is dropped.
    import warnings

    from statsmodels.tools.sm_exceptions import ConvergenceWarning, ValueWarning
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = _weekly()
    assert forecast(y, 7, "ets").warnings == ()
    fit = SARIMAX.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("Maximum Likelihood optimization failed to converge.", ConvergenceWarning, stacklevel=2)
        warnings.warn("Maximum Likelihood optimization failed to converge.", ConvergenceWarning, stacklevel=2)
        warnings.warn("No frequency information was provided.", ValueWarning, stacklevel=2)
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(SARIMAX, "fit", noisy_fit)
    result = forecast(y, 7, "sarima")
    assert len(result.warnings) == 1
    assert "stopped before it converged" in result.warnings[0]
    assert np.isfinite(result.table["mean"]).all()


def test_forecast_bad_inputs():
    s = _weekly()
    with pytest.raises(ParameterError, match="method"):
        forecast(s, 7, "prophet")
    with pytest.raises(ParameterError, match="horizon"):
        forecast(s, 0)
    with pytest.raises(ParameterError, match="level"):
        forecast(s, 7, level=80)
    with pytest.raises(ParameterError, match="Series"):
        forecast(s.to_frame(), 7)
    with pytest.raises(ParameterError, match="DatetimeIndex"):
        forecast(s.reset_index(drop=True), 7)
    with pytest.raises(DataError, match="numeric"):
        forecast(s.astype(str), 7)
    with pytest.raises(DataError, match="missing"):
        forecast(s.where(s > 120), 7)
    with pytest.raises(DataError, match="not regular"):
        forecast(s.drop(s.index[5]), 7)
    with pytest.raises(DataError, match="observation"):
        forecast(s.iloc[:2], 7)
    with pytest.raises(DataError, match="needs at least"):
        forecast(s.iloc[:10], 7, "ets")
    with pytest.raises(DataError, match="positive"):
        forecast(s - 200, 7, log=True)
    with pytest.raises(ParameterError, match="sarima"):
        forecast(s, 7, "ets", festivals=True)
    with pytest.raises(ParameterError, match="order"):
        forecast(s, 7, "sarima", order=(1, 1))


def test_festival_calendar_windows():
    cal = festival_calendar(pd.date_range("2024-06-15", "2024-06-19"), lead=1, lag=1)
    assert cal["fest_618"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert cal["fest_double11"].sum() == 0
    # a window crossing the new year is found from the previous year's peak
    new_year = festival_calendar(pd.date_range("2024-01-01", periods=3), {"nye": (12, 31)}, lag=1)
    assert new_year["fest_nye"].tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(ParameterError, match="lead"):
        festival_calendar(pd.date_range("2024-01-01", periods=3), lead=-1)
    assert festival_calendar(pd.date_range("2024-06-01", "2024-06-30"))["fest_618"].sum() == 7
    with pytest.raises(ParameterError, match="month, day"):
        festival_calendar(pd.date_range("2024-01-01", periods=3), {"x": (13,)})
    with pytest.raises(DataError):
        festival_calendar([])


def test_festival_effects_recover_known_lifts():
    rng = np.random.default_rng(3)
    days = pd.date_range("2023-01-01", "2024-12-31", freq="D", unit="us")
    cal = festival_calendar(days)
    weekday = np.array([0.0, 0.05, 0.05, 0.0, 0.1, 0.3, 0.25])[days.day_of_week]
    log_y = 8 + 0.1 * np.arange(len(days)) / 365 + weekday + rng.normal(0, 0.05, len(days))
    log_y += np.log(1.6) * cal["fest_618"].to_numpy() + np.log(2.5) * cal["fest_double11"].to_numpy()
    result = festival_effects(pd.Series(np.exp(log_y), index=days))
    lifts = result.table.set_index("festival")
    assert lifts.loc["618", "lift"] == pytest.approx(0.6, abs=0.06)
    assert lifts.loc["double11", "lift"] == pytest.approx(1.5, abs=0.12)
    assert (lifts["lower"] < lifts["lift"]).all() and (lifts["lift"] < lifts["upper"]).all()
    assert lifts.loc["618", "days"] == 14  # June 12-18 of two years


def test_festival_effects_bad_inputs():
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    s = pd.Series(100.0, index=days)
    with pytest.raises(NotIdentifiableError, match="fest_618"):
        festival_effects(s)
    with pytest.raises(DataError, match="above 0"):
        festival_effects(s * 0)
    with pytest.raises(DataError, match="lacks"):
        festival_effects(s, calendar=festival_calendar(days[:10]))


@pytest.mark.slow
def test_sarima_with_festival_regressors_raises_festival_days():
    rng = np.random.default_rng(5)
    days = pd.date_range("2023-01-01", "2024-10-31", freq="D", unit="us")
    base = 100 + 10 * (days.day_of_week >= 5) + rng.normal(0, 2, len(days))
    y = pd.Series(base + 80 * festival_calendar(days)["fest_618"].to_numpy(), index=days)
    result = forecast(y, 20, "sarima", festivals=True)
    # 618 is in the history (two windows) and so gets a coefficient near 80 CNY; Double 11 of
    # 2024 lies in the horizon: its column is constant 0 in 2023's history... except 2023's
    # Double 11, which is in the history without any lift, so its coefficient is near 0.
    assert result.params["fest_618"] == pytest.approx(80, abs=8)
    assert abs(result.params["fest_double11"]) < 8
    festive = result.table.loc["2024-11-09":"2024-11-11", "mean"]
    assert len(festive) == 3


def test_stl_decomposition_strengths():
    s = _weekly(n=140, noise=0.5)
    result = stl_decompose(s)
    parts = result.components
    assert np.allclose(parts["trend"] + parts["seasonal"] + parts["remainder"], parts["observed"])
    assert result.period == 7
    assert result.seasonal_strength > 0.9
    noise_only = pd.Series(np.random.default_rng(0).normal(size=140), index=s.index)
    assert stl_decompose(noise_only).seasonal_strength < 0.5
    with pytest.raises(DataError, match="at least"):
        stl_decompose(s.iloc[:10])
    with pytest.raises(ParameterError, match="period"):
        stl_decompose(s, period=1)


@pytest.mark.slow
def test_backtest_scores_and_naive_benchmark():
    s = _weekly(n=210)
    result = backtest(s, horizon=14, methods=("ets",), n_origins=3)
    scores = result.summary().set_index("method")
    assert set(scores.index) == {"ets", "naive"}
    assert scores.loc["ets", "days"] == 42
    assert (result.predictions.groupby(["origin", "method"]).size() == 14).all()
    # last origin's held-out days end at the series end
    assert result.predictions["date"].max() == s.index[-1]
    assert 0 < scores.loc["ets", "mape"] < 5
    assert scores.loc["ets", "beats_naive"] == result.beats_benchmark("ets")


def test_backtest_hand_case_mase_of_naive_is_one_on_linear_trend():
    # y = season + 0.1 t: the weekly naive error is 0.7 at every step, as is its in-sample error
    days = pd.date_range("2024-01-01", periods=70, freq="D")
    s = pd.Series(np.tile([5.0, 6, 7, 8, 9, 3, 2], 10) + 0.1 * np.arange(70), index=days)
    result = backtest(s, 7, ("naive",), n_origins=2)
    assert result.scores.loc[0, "mase"] == pytest.approx(1.0)
    expected_mape = np.mean(0.7 / s.iloc[-14:].to_numpy()) * 100
    assert result.scores.loc[0, "mape"] == pytest.approx(expected_mape)


def test_backtest_bad_inputs():
    s = _weekly(n=60)
    with pytest.raises(DataError, match="too short"):
        backtest(s, 28, n_origins=4)
    with pytest.raises(ParameterError, match="methods"):
        backtest(s, 7, ("arima",))
    with pytest.raises(ParameterError, match="n_origins"):
        backtest(s, 7, n_origins=0)
    flat = pd.Series(np.tile([1.0, 2, 3, 4, 5, 6, 7], 10), index=pd.date_range("2024-01-01", periods=70))
    with pytest.raises(DataError, match="denominator"):
        backtest(flat, 7, ("naive",), n_origins=1)
