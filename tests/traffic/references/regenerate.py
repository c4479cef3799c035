"""Regenerate the reference values of tests/traffic that come from another library.

Run ``.venv/bin/python tests/traffic/references/regenerate.py`` and compare with
``tests/traffic/references/values.json`` (it rewrites that file). Values from papers or
from R help pages are not here: they are constants in the tests, with their citation.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize
from statsmodels.stats.weightstats import ttest_ind


def main() -> dict:
    h = proportion_effectsize(0.75, 0.50)  # Cohen's h, 2*asin(sqrt(.75)) - 2*asin(sqrt(.5))
    welch_x = np.array([12.0, 0.0, 0.0, 30.5, 8.0, 0.0, 14.0, 0.0])
    welch_y = np.array([0.0, 22.0, 41.0, 0.0, 18.5, 25.0, 0.0, 33.0, 12.0])
    t, p, df = ttest_ind(welch_y, welch_x, usevar="unequal")
    values = {
        "statsmodels_normalindpower_n_p50_p75_power90": NormalIndPower().solve_power(
            h, power=0.90, alpha=0.05, ratio=1.0),
        "statsmodels_normalindpower_power_p50_p75_n50": NormalIndPower().power(
            h, nobs1=50, alpha=0.05, ratio=1.0),
        "statsmodels_normalindpower_n_p50_p75_power90_ratio2": NormalIndPower().solve_power(
            h, power=0.90, alpha=0.05, ratio=2.0),
        "statsmodels_ttestindpower_n_d1_power90": TTestIndPower().solve_power(
            1.0, power=0.90, alpha=0.05, alternative="larger"),
        "statsmodels_wilson_81_263": list(proportion_confint(81, 263, alpha=0.05, method="wilson")),
        "statsmodels_wilson_0_20": list(proportion_confint(0, 20, alpha=0.05, method="wilson")),
        "statsmodels_welch_t": float(t),
        "statsmodels_welch_p": float(p),
        "statsmodels_welch_df": float(df),
        "scipy_gamma_poisson_limits_10": [float(stats.gamma.ppf(0.025, 10)),
                                          float(stats.gamma.ppf(0.975, 11))],
    }
    return {k: (float(v) if np.ndim(v) == 0 else [float(x) for x in v]) for k, v in values.items()}


if __name__ == "__main__":
    out = main()
    path = Path(__file__).with_name("values.json")
    path.write_text(json.dumps(out, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2, sort_keys=True))
