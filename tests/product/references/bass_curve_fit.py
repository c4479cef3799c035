"""Regenerate tests/product/references/bass_curve_fit.json: an independent Bass fit.

The series: 40 weeks of adopters from p = 0.01, q = 0.4, m = 10,000 plus Normal(0, 25) noise cut at 0
(numpy seed 19). The fit: scipy.optimize.curve_fit (Levenberg-Marquardt) of the adopters per
period written from the cumulative form, m * (F(t) - F(t-1)) with F the Bass share, coded here
independently of ecomlib. Its estimates and standard errors (pcov, absolute_sigma=False) are what
ecomlib.product.fit_bass must reproduce to 1e-4 (relative).

    python tests/product/references/bass_curve_fit.py
"""

import json
from pathlib import Path

import numpy as np
from scipy.optimize import curve_fit

P, Q, M, WEEKS, NOISE, SEED = 0.01, 0.4, 10_000.0, 40, 25.0, 19


def cumulative(t, p, q, m):
    return m * (1 - np.exp(-(p + q) * t)) / (1 + q / p * np.exp(-(p + q) * t))


def per_period(t, p, q, m):
    return cumulative(t, p, q, m) - cumulative(t - 1, p, q, m)


def series():
    t = np.arange(1, WEEKS + 1, dtype=float)
    rng = np.random.default_rng(SEED)
    # adopters cannot be negative: noise in the thin tail is cut at 0
    return np.maximum(per_period(t, P, Q, M) + rng.normal(0, NOISE, WEEKS), 0.0)


def main():
    t = np.arange(1, WEEKS + 1, dtype=float)
    y = series()
    est, pcov = curve_fit(per_period, t, y, p0=[0.02, 0.3, 8000.0], maxfev=20_000, xtol=1e-14, ftol=1e-14)
    out = {
        "truth": {"p": P, "q": Q, "m": M, "weeks": WEEKS, "noise_sd": NOISE, "seed": SEED},
        "series": y.tolist(),
        "estimate": dict(zip("pqm", est.tolist(), strict=True)),
        "se": dict(zip("pqm", np.sqrt(np.diag(pcov)).tolist(), strict=True)),
    }
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(out["estimate"], out["se"])


if __name__ == "__main__":
    main()
