"""Regenerate the wild cluster bootstrap reference values from the independent ``wildboottest`` package.

Run from the repository root (about 5 minutes on one core; needs the dev extra):

    .venv/bin/python tests/promotion/references/wild_bootstrap_reference.py

It writes two small panels from ``tests/promotion/did_simulation.py`` (8 units, 14 weeks; one and
three treated units) to ``wild_bootstrap_panels.csv`` so the test data never depend on a numpy
version, then for each panel and weight type asks ``wildboottest.wildboottest`` (WCR11: null
imposed, CR1 small-sample factor, two-sided symmetric p-value; B = 9,999, seed 1, which with
Rademacher weights and 2^8 < B means full enumeration) for

* the p-value of delta = 0, and
* the 95 % interval, found here by bisection on wildboottest's own p-value of delta = delta0
  (the outcome shifted by -delta0 x D), to 1e-5, searching outward from the estimate.

The values go to ``wild_bootstrap_reference.json``; ``tests/promotion/test_did_inference.py``
compares ecomlib's own implementation with them.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from wildboottest.wildboottest import wildboottest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from did_simulation import simulated_panel  # noqa: E402

B, SEED, LEVEL = 9999, 1, 0.95


def design(panel: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    d = (panel["treated"] * panel["post"]).astype(float)
    fe = pd.get_dummies(panel[["unit", "week"]].astype("str"), drop_first=True, dtype="float64")
    X = pd.concat([pd.DataFrame({"const": 1.0, "D": d}), fe], axis=1)
    return panel["y"].to_numpy(), X, pd.factorize(panel["unit"])[0]


def p_value(y, X, groups, weights, delta0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = wildboottest(OLS(y - delta0 * X["D"].to_numpy(), X), B=B, cluster=groups, param="D",
                           weights_type=weights, seed=SEED, show=False)
    return float(res["p-value"].iloc[0])


def bound(y, X, groups, weights, estimate, se, sign):
    inside, outside = estimate, None
    for k in range(12):
        trial = estimate + sign * 4 * se * 2**k
        if p_value(y, X, groups, weights, trial) <= 1 - LEVEL:
            outside = trial
            break
        inside = trial
    if outside is None:
        return sign * float("inf")
    while abs(outside - inside) > 1e-5:
        mid = (inside + outside) / 2
        if p_value(y, X, groups, weights, mid) <= 1 - LEVEL:
            outside = mid
        else:
            inside = mid
    return (inside + outside) / 2


def main() -> None:
    panels = pd.concat([simulated_panel(11, n_treated=1).assign(case="one_treated"),
                        simulated_panel(12, n_treated=3).assign(case="three_treated")], ignore_index=True)
    panels.to_csv(HERE / "wild_bootstrap_panels.csv", index=False, float_format="%.12g")
    panels = pd.read_csv(HERE / "wild_bootstrap_panels.csv")
    out = {"source": "wildboottest 0.3.2 (WCR11, B=9999, seed=1); intervals by bisection on its p-value",
           "cases": {}}
    for case, panel in panels.groupby("case"):
        y, X, groups = design(panel.reset_index(drop=True))
        fit = OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
        est, se = float(fit.params["D"]), float(fit.bse["D"])
        for weights in ("rademacher", "webb"):
            out["cases"][f"{case}/{weights}"] = {
                "estimate": est, "p_value": p_value(y, X, groups, weights, 0.0),
                "ci_low": bound(y, X, groups, weights, est, se, -1.0),
                "ci_high": bound(y, X, groups, weights, est, se, 1.0)}
            print(case, weights, out["cases"][f"{case}/{weights}"])
    (HERE / "wild_bootstrap_reference.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
