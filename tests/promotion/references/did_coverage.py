"""Measure the coverage of every ``did`` inference (and the synthetic control) on simulated panels.

Run from the repository root (a few minutes on one core):

    .venv/bin/python tests/promotion/references/did_coverage.py

Panels from ``tests/promotion/did_simulation.py`` (8 units, 12 + 2 weeks, true effect log 1.5),
seeds 0..R-1. Prints, for one treated unit and then for 2 and 3 treated units, each method's share of
95 % intervals that hold the truth and their median width. ``test_did_coverage.py`` and
``test_did_synthetic.py`` check the figures its docstrings quote.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from did_simulation import EFFECT, simulated_panel  # noqa: E402

from ecomlib.promotion import did, synthetic_control  # noqa: E402

KW = {"outcome": "y", "treated": "treated", "post": "post", "unit": "unit", "time": "week"}


def measure(fit, reps: int, n_treated: int) -> tuple[float, float]:
    hits, widths = [], []
    for seed in range(reps):
        r = fit(simulated_panel(seed, n_treated=n_treated))
        hits.append(r.ci_low <= EFFECT <= r.ci_high)
        widths.append(r.ci_high - r.ci_low)
    return float(np.mean(hits)), float(np.median(widths))


def main() -> None:
    plans = [(1, "aggregated-t", 1000), (1, "cluster-t", 300), (1, "normal", 300), (1, "wild", 100),
             (1, "permutation", 100), (1, "synthetic control", 300)]
    plans += [(k, m, 300) for k in (2, 3) for m in ("aggregated-t", "wild", "cluster-t")]
    print("treated  method              reps  coverage  median width")
    for n_treated, method, reps in plans:
        if method == "synthetic control":
            def fit(p):
                return synthetic_control(p, **KW)
        else:
            def fit(p, m=method):
                return did(p, **KW, inference=m, n_boot=999)
        cov, width = measure(fit, reps, n_treated)
        print(f"{n_treated:>7}  {method:<18} {reps:>5}  {cov:8.3f}  {width:12.3f}", flush=True)


if __name__ == "__main__":
    main()
