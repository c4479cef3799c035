"""Regenerate the reference values the retention tests take from another library.

Oracle: lifetimes 0.11.3 (a test-only dependency; never imported by ecomlib). Input: the
CDNOW sample as loaded by ``ecomlib.datasets.load_cdnow("sample")``, summarised by
lifetimes itself (39-week calibration ending 1997-09-30, purchases grouped by day, time in
weeks: ``freq="D", freq_multiplier=7``). Run from the repository root:

    .venv/bin/python tests/retention/references/regenerate.py

and commit the rewritten ``lifetimes_cdnow.json`` beside this script.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

from ecomlib.datasets import load_cdnow

OUT = Path(__file__).with_name("lifetimes_cdnow.json")
CALIBRATION_END = "1997-09-30"
#: customers (frequency, recency, T in weeks) at which predictions are compared
PROBES = [[0, 0.0, 38.86], [1, 1.71, 38.86], [2, 30.43, 38.86], [7, 35.57, 36.71], [18, 10.0, 37.0]]


def main() -> None:
    tx = load_cdnow("sample")
    summary = summary_data_from_transaction_data(
        tx, "customer_id", "order_date", "revenue",
        observation_period_end=CALIBRATION_END, freq="D", freq_multiplier=7,
    )
    bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"], tol=1e-10)
    repeat = summary[summary["frequency"] > 0]
    gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    x, t_x, T = (np.array(c, dtype=float) for c in zip(*PROBES, strict=True))
    clv = gg.customer_lifetime_value(
        bg, summary["frequency"].head(20), summary["recency"].head(20), summary["T"].head(20),
        summary["monetary_value"].head(20), time=12, discount_rate=0.01, freq="W",
    )
    refs = {
        "bgnbd_params": {k: float(v) for k, v in bg.params_.items()},
        "bgnbd_std_errors": {k: float(v) for k, v in bg.summary["se(coef)"].items()},
        "probes": PROBES,
        "conditional_expected_39": [float(v) for v in bg.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T)],
        "prob_alive": [float(v) for v in bg.conditional_probability_alive(x, t_x, T)],
        "expected_purchases_t": [13.0, 39.0, 78.0],
        "expected_purchases": [float(bg.expected_number_of_purchases_up_to_time(t)) for t in (13.0, 39.0, 78.0)],
        "gamma_gamma_params": {"p": float(gg.params_["p"]), "q": float(gg.params_["q"]), "gamma": float(gg.params_["v"])},
        "gamma_gamma_log_likelihood": float(-gg._negative_log_likelihood_ * len(repeat)),
        "conditional_average_value_first20": [float(v) for v in gg.conditional_expected_average_profit(
            summary["frequency"].head(20), summary["monetary_value"].head(20))],
        "clv_first20_ids": [str(i) for i in summary.head(20).index],
        "clv_first20_monthly_discount_0.01_12_months": [float(v) for v in clv],
    }
    OUT.write_text(json.dumps(refs, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
