"""Does the BG/NBD model predict the future? Calibration-period fit against holdout purchases.

Fit the model on the calibration columns of :func:`ecomlib.retention.calibration_holdout_split`,
predict each customer's purchases over the holdout with
:meth:`BetaGeoModel.conditional_expected_purchases`, and compare with what they did,
in total and by number of calibration-period repeat purchases (Fader, Hardie & Lee 2005,
figure 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.retention.bgnbd import BetaGeoModel
from ecomlib.retention.likelihood import check_summary_columns

__all__ = ["HoldoutCheck", "holdout_comparison"]


@dataclass(frozen=True)
class HoldoutCheck:
    """Predicted against actual holdout purchases.

    Attributes
    ----------
    table : DataFrame
        Index ``frequency_cal`` (repeat purchases in calibration, the last row grouping
        ``max_frequency`` and more); columns ``customers``, ``actual`` and ``predicted``
        (mean holdout purchases per customer).
    actual_total, predicted_total : float
        Total holdout purchases, observed and predicted.
    relative_error : float
        (predicted - actual) / actual.
    """

    table: pd.DataFrame
    actual_total: float
    predicted_total: float
    relative_error: float

    def summary(self) -> pd.DataFrame:
        """One-row table of the totals."""
        return pd.DataFrame(
            {"actual_total": [self.actual_total], "predicted_total": [self.predicted_total],
             "relative_error": [self.relative_error]}
        )


def holdout_comparison(model: BetaGeoModel, split: pd.DataFrame, max_frequency: int = 7) -> HoldoutCheck:
    """Compare a fitted BG/NBD model's holdout predictions with actual purchases.

    Parameters
    ----------
    model : BetaGeoModel
        Model fitted on ``split``'s calibration columns.
    split : DataFrame
        Output of :func:`ecomlib.retention.calibration_holdout_split`.
    max_frequency : int
        Customers with at least this many calibration repeat purchases share one row.

    Returns
    -------
    HoldoutCheck

    Examples
    --------
    >>> check = holdout_comparison(model, split)       # doctest: +SKIP
    >>> check.relative_error                            # doctest: +SKIP
    """
    cols = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    check_summary_columns(split, cols, "split")
    predicted = model.conditional_expected_purchases(
        split["duration_holdout"].to_numpy(dtype=float),
        split["frequency_cal"].to_numpy(dtype=float),
        split["recency_cal"].to_numpy(dtype=float),
        split["T_cal"].to_numpy(dtype=float),
    )
    actual = split["frequency_holdout"].to_numpy(dtype=float)
    bins = np.minimum(split["frequency_cal"].to_numpy(dtype=float), max_frequency).astype(int)
    frame = pd.DataFrame({"frequency_cal": bins, "actual": actual, "predicted": predicted})
    grouped = frame.groupby("frequency_cal")
    table = grouped[["actual", "predicted"]].mean()
    table.insert(0, "customers", grouped.size())
    total_actual, total_predicted = float(actual.sum()), float(predicted.sum())
    rel = (total_predicted - total_actual) / total_actual if total_actual > 0 else float("nan")
    return HoldoutCheck(table, total_actual, total_predicted, float(rel))
