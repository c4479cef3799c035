"""Regenerate the reference values of the market tests.

Run: ``python tests/market/references/regenerate.py`` (from the repository root).

Where each value comes from:

* HHI 1,540 / 1,580 / 2,540 -- U.S. DoJ & FTC Horizontal Merger Guidelines (1992), section 1.51,
  worked example; recomputed here by integer arithmetic.
* CAGR 12.793 % -- annual totals of AirPassengers (Box & Jenkins series G) 1949 and 1960,
  recomputed here from the 144 embedded values.
* ma1 = -0.4018, sma1 = -0.5569 -- R's ``arima`` on log(AirPassengers). R is not installed in
  this environment; the R code below reproduces them (R 4.x, ``stats::arima``, method "CSS-ML").
  The script also prints what statsmodels gives with ``simple_differencing=True`` and without
  it, so a change in statsmodels shows up here first.

R code::

    fit <- arima(log(AirPassengers), order = c(0, 1, 1),
                 seasonal = list(order = c(0, 1, 1), period = 12))
    round(coef(fit), 4)   #     ma1    sma1
                          # -0.4018 -0.5569
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _air_passengers():
    spec = importlib.util.spec_from_file_location("market_conftest", HERE.parent / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.air_passengers_series()


def main() -> None:
    shares = np.array([25, 20, 15, 10, 8, 7, 6, 5, 4])
    hhi = int((shares**2).sum())
    print(f"HHI guideline example: {hhi}; merge two smallest: {hhi + 2 * 5 * 4}; "
          f"merge two largest: {hhi + 2 * 25 * 20}")  # fmt: skip

    ap = _air_passengers()
    yearly = ap.groupby(ap.index.year).sum()
    rate = (yearly.iloc[-1] / yearly.iloc[0]) ** (1 / 11) - 1
    print(f"AirPassengers totals {yearly.iloc[0]:.0f} (1949) -> {yearly.iloc[-1]:.0f} (1960): CAGR {rate:.6%}")

    from statsmodels.tsa.statespace.sarimax import SARIMAX

    for simple in (True, False):
        fit = SARIMAX(np.log(ap), order=(0, 1, 1), seasonal_order=(0, 1, 1, 12),
                      simple_differencing=simple).fit(disp=False)  # fmt: skip
        print(f"statsmodels SARIMAX simple_differencing={simple}: ma1 {fit.params['ma.L1']:.4f}, "
              f"sma1 {fit.params['ma.S.L12']:.4f}  (R: -0.4018, -0.5569)")


if __name__ == "__main__":
    main()
