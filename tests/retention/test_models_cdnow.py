"""BG/NBD and Gamma-Gamma: hand-computed likelihoods, published CDNOW estimates, lifetimes."""

import math

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotFittedError, NotIdentifiableError
from ecomlib.retention import (
    BetaGeoModel,
    GammaGammaModel,
    bgnbd_log_likelihood,
    gamma_gamma_log_likelihood,
)


# -- hand computations ------------------------------------------------------------------------
def _bgnbd_likelihood_by_hand(r, alpha, a, b, x, t_x, T):
    """Fader, Hardie & Lee (2005) eq. 6 with plain gamma/beta functions (no logs)."""
    beta = lambda u, v: math.gamma(u) * math.gamma(v) / math.gamma(u + v)  # noqa: E731
    first = beta(a, b + x) / beta(a, b) * math.gamma(r + x) * alpha**r / (math.gamma(r) * (alpha + T) ** (r + x))
    second = 0.0
    if x > 0:
        second = beta(a + 1, b + x - 1) / beta(a, b) * math.gamma(r + x) * alpha**r / (
            math.gamma(r) * (alpha + t_x) ** (r + x))
    return first + second


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 10.0), (2, 5.0, 10.0), (7, 9.5, 12.0)])
def test_bgnbd_log_likelihood_hand(x, t_x, T):
    params = (0.5, 2.0, 0.8, 1.5)
    expected = math.log(_bgnbd_likelihood_by_hand(*params, x, t_x, T))
    assert bgnbd_log_likelihood(params, [x], [t_x], [T]) == pytest.approx(expected, rel=1e-12)


def test_bgnbd_log_likelihood_no_overflow_on_long_histories():
    # 400 repeat purchases over 1,500 weeks: the plain formula overflows, the log form does not
    ll = bgnbd_log_likelihood((0.5, 2.0, 0.8, 1.5), [400], [1400.0], [1500.0])
    assert np.isfinite(ll)


def test_gamma_gamma_log_likelihood_hand():
    p, q, g, x, m = 2.0, 3.0, 10.0, 2.0, 5.0
    f = (math.gamma(p * x + q) / (math.gamma(p * x) * math.gamma(q)) * g**q * x ** (p * x)
         * m ** (p * x - 1) / (g + x * m) ** (p * x + q))
    assert gamma_gamma_log_likelihood((p, q, g), [x], [m]) == pytest.approx(math.log(f), rel=1e-12)


def _fitted_bg(params):
    model = BetaGeoModel()
    model.params_ = pd.Series(params, index=["r", "alpha", "a", "b"])
    model.standard_errors_ = pd.Series(np.nan, index=model.params_.index)
    return model


def test_bgnbd_predictions_hand():
    r, alpha, a, b = 0.5, 2.0, 0.8, 1.5
    model = _fitted_bg([r, alpha, a, b])
    # P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), and 1 for x = 0
    by_hand = 1 / (1 + a / (b + 1) * ((alpha + 10) / (alpha + 5)) ** (r + 2))
    assert model.prob_alive(2, 5.0, 10.0) == pytest.approx(by_hand, rel=1e-12)
    assert model.prob_alive(0, 0.0, 10.0) == 1.0
    # a new customer buys at the mean rate r / alpha at first: E[X(t)] / t -> r / alpha
    assert model.expected_purchases(1e-6) / 1e-6 == pytest.approx(r / alpha, rel=1e-5)
    # a customer observed for T = 0 with no repeat purchase is a new customer
    assert model.conditional_expected_purchases(7.0, 0, 0.0, 0.0) == pytest.approx(
        model.expected_purchases(7.0), rel=1e-10)


def test_gamma_gamma_expected_value_hand():
    model = GammaGammaModel()
    model.params_ = pd.Series([2.0, 3.0, 10.0], index=["p", "q", "gamma"])
    # p (gamma + x m) / (p x + q - 1) = 2 * (10 + 2 * 5) / (4 + 3 - 1)
    assert model.conditional_expected_average_value(2, 5.0) == pytest.approx(40 / 6)
    assert model.conditional_expected_average_value(0, 99.0) == pytest.approx(model.population_mean_value())
    assert model.population_mean_value() == pytest.approx(2 * 10 / 2)


# -- published CDNOW references ---------------------------------------------------------------
@pytest.fixture(scope="module")
def bg_cdnow(cdnow_summary):
    return BetaGeoModel().fit(cdnow_summary)


@pytest.fixture(scope="module")
def gg_cdnow(cdnow_summary):
    return GammaGammaModel().fit(cdnow_summary)


def test_bgnbd_cdnow_mle(bg_cdnow):
    # MLE to a relative 1e-3 (issue 8): r 0.242593, alpha 4.413532, a 0.792886, b 2.425754;
    # published (Fader, Hardie & Lee 2005, Marketing Science 24(2), p. 279): 0.243, 4.414,
    # 0.793, 2.426, log-likelihood -9,582.4
    np.testing.assert_allclose(bg_cdnow.params_, [0.242593, 4.413532, 0.792886, 2.425754], rtol=1e-3)
    np.testing.assert_allclose(bg_cdnow.params_, [0.243, 4.414, 0.793, 2.426], atol=0.0006)
    assert bg_cdnow.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert bg_cdnow.n_customers_ == 2357


def test_bgnbd_cdnow_conditional_expectation(bg_cdnow):
    # Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86, next 39 weeks -> 1.226
    value = bg_cdnow.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert value == pytest.approx(1.226, rel=1e-3)


def test_bgnbd_cdnow_against_lifetimes(bg_cdnow, lifetimes_refs):
    refs = lifetimes_refs
    x, t_x, T = (np.array(c, dtype=float) for c in zip(*refs["probes"], strict=True))
    # same MLE reached by a different optimiser: agree to 1e-4 relative
    np.testing.assert_allclose(bg_cdnow.params_, list(refs["bgnbd_params"].values()), rtol=1e-4)
    np.testing.assert_allclose(bg_cdnow.standard_errors_, list(refs["bgnbd_std_errors"].values()), rtol=1e-3)
    np.testing.assert_allclose(bg_cdnow.conditional_expected_purchases(39, x, t_x, T),
                               refs["conditional_expected_39"], rtol=1e-3, atol=1e-8)
    np.testing.assert_allclose(bg_cdnow.prob_alive(x, t_x, T), refs["prob_alive"], rtol=1e-3, atol=1e-8)
    np.testing.assert_allclose(bg_cdnow.expected_purchases(refs["expected_purchases_t"]),
                               refs["expected_purchases"], rtol=1e-3)


def test_gamma_gamma_cdnow(gg_cdnow, cdnow_summary, lifetimes_refs):
    # Fader, Hardie & Lee (2005) "RFM and CLV", JMR 42(4): p = 6.25, q = 3.74, gamma = 15.44
    # on the 946 repeat customers; log-likelihood -4,055.92 (issue 8)
    assert gg_cdnow.n_customers_ == 946
    np.testing.assert_allclose(gg_cdnow.params_, [6.25, 3.74, 15.44], atol=0.006)
    assert gg_cdnow.log_likelihood_ == pytest.approx(-4055.92, abs=0.01)
    np.testing.assert_allclose(gg_cdnow.params_, list(lifetimes_refs["gamma_gamma_params"].values()), rtol=1e-4)
    head = cdnow_summary.head(20)
    np.testing.assert_allclose(
        gg_cdnow.conditional_expected_average_value(head["frequency"], head["monetary_value"]),
        lifetimes_refs["conditional_average_value_first20"], rtol=1e-4)


def test_summary_intervals(bg_cdnow):
    table = bg_cdnow.summary()
    assert list(table.index) == ["r", "alpha", "a", "b"]
    np.testing.assert_allclose(table["upper"] - table["estimate"], 1.959964 * table["std_error"], rtol=1e-6)


# -- contract and bad inputs --------------------------------------------------------------------
def test_not_fitted():
    with pytest.raises(NotFittedError):
        BetaGeoModel().prob_alive(1, 1, 2)
    with pytest.raises(NotFittedError):
        GammaGammaModel().conditional_expected_average_value(1, 10)
    with pytest.raises(NotFittedError):
        BetaGeoModel().summary()


def test_degenerate_summaries():
    no_repeat = pd.DataFrame({"frequency": [0.0, 0.0], "recency": [0.0, 0.0], "T": [5.0, 6.0],
                              "monetary_value": [0.0, 0.0]})
    with pytest.raises(NotIdentifiableError):
        BetaGeoModel().fit(no_repeat)
    with pytest.raises(DataError):
        GammaGammaModel().fit(no_repeat)
    negative = no_repeat.assign(T=[-1.0, 2.0])
    with pytest.raises(DataError, match=">= 0"):
        BetaGeoModel().fit(negative)


def test_fit_does_not_modify_summary(cdnow_summary):
    before = cdnow_summary.copy()
    GammaGammaModel().fit(cdnow_summary)
    pd.testing.assert_frame_equal(cdnow_summary, before)


def test_analytic_gradients_match_finite_differences():
    from scipy.optimize import approx_fprime

    from ecomlib.retention.bgnbd import bgnbd_gradient
    from ecomlib.retention.gammagamma import gamma_gamma_gradient

    x, t_x, T, w = [0, 1, 4, 9], [0.0, 2.0, 7.5, 30.0], [10.0, 12.0, 20.0, 35.0], [5, 2, 1, 1]
    params = np.array([0.3, 5.0, 0.7, 2.0])
    numeric = approx_fprime(params, lambda p: bgnbd_log_likelihood(p, x, t_x, T, w), 1e-7)
    np.testing.assert_allclose(bgnbd_gradient(params, x, t_x, T, w), numeric, rtol=1e-4, atol=1e-5)
    params = np.array([2.0, 3.0, 10.0])
    numeric = approx_fprime(params, lambda p: gamma_gamma_log_likelihood(p, [1, 3, 6], [20.0, 8.0, 15.0]), 1e-7)
    np.testing.assert_allclose(gamma_gamma_gradient(params, [1, 3, 6], [20.0, 8.0, 15.0]), numeric, rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("with_gradient", [True, False])
def test_positive_mle_on_an_exponential_sample(with_gradient):
    # exponential rate: MLE n / sum(x), standard error rate / sqrt(n) (textbook results)
    from ecomlib.retention.likelihood import fit_positive_mle

    x = np.random.default_rng(1).exponential(1 / 2.5, 400)
    n, total = len(x), x.sum()

    def ll(p):
        return n * np.log(p[0]) - p[0] * total

    def grad(p):
        return np.array([n / p[0] - total])

    fit = fit_positive_mle(ll, np.array([1.0]), model="exponential", gradient=grad if with_gradient else None,
                           scale=float(n))
    assert fit.params[0] == pytest.approx(n / total, rel=1e-6)
    assert fit.standard_errors[0] == pytest.approx(fit.params[0] / np.sqrt(n), rel=1e-4)
    assert fit.converged
