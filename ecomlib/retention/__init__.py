"""Retention, repurchase and customer lifetime value (book section 6.3).

How many customers come back (:func:`cohort_table`, :func:`average_retention`), when a
customer counts as lost (:func:`inter_purchase_times`, :func:`suggest_churn_threshold`,
:func:`gap_distribution`, :func:`churn_table`, :func:`survival_by_group`), who they are (:func:`rfm_scores`,
:func:`rfm_segments`), what they are worth (:func:`rfm_summary`, :class:`BetaGeoModel`,
:class:`GammaGammaModel`, :func:`customer_lifetime_value`, simple constant-retention formulas
:func:`retention_clv` and :func:`simple_clv`) and what to do (:func:`customer_actions`,
:func:`repurchase_by_group`). Plots are in :mod:`ecomlib.retention.plotting`.
"""

from ecomlib.retention.actions import (
    action_summary,
    customer_actions,
    first_order_flag,
    repurchase_by_group,
)
from ecomlib.retention.bgnbd import BetaGeoModel, bgnbd_log_likelihood
from ecomlib.retention.churn import (
    churn_table,
    gap_distribution,
    gap_quantile,
    inter_purchase_times,
    repeat_purchase_rate,
    suggest_churn_threshold,
)
from ecomlib.retention.clv import (
    BookCLV,
    ShopCustomerValue,
    book_clv_inputs,
    book_clv_projection,
    clv_by_group,
    customer_lifetime_value,
    margin_rate,
    retention_clv,
    shop_customer_value,
    simple_clv,
)
from ecomlib.retention.cohorts import average_retention, cohort_table
from ecomlib.retention.gammagamma import GammaGammaModel, gamma_gamma_log_likelihood
from ecomlib.retention.holdout import HoldoutCheck, holdout_comparison
from ecomlib.retention.purchases import NO_CUSTOMER_IDS, data_overview, purchase_log
from ecomlib.retention.rfm import calibration_holdout_split, rfm_summary
from ecomlib.retention.segments import (
    DEFAULT_SEGMENTS,
    SEGMENT_ACTIONS,
    rescore_by_thresholds,
    rfm_scores,
    rfm_segments,
    segment_headline,
    segment_shares,
)
from ecomlib.retention.survival import SurvivalResult, survival_by_group

__all__ = [
    "BetaGeoModel",
    "DEFAULT_SEGMENTS",
    "GammaGammaModel",
    "HoldoutCheck",
    "SEGMENT_ACTIONS",
    "SurvivalResult",
    "action_summary",
    "average_retention",
    "bgnbd_log_likelihood",
    "ShopCustomerValue",
    "margin_rate",
    "shop_customer_value",
    "book_clv_inputs",
    "book_clv_projection",
    "BookCLV",
    "clv_by_group",
    "calibration_holdout_split",
    "churn_table",
    "cohort_table",
    "customer_actions",
    "customer_lifetime_value",
    "data_overview",
    "first_order_flag",
    "gamma_gamma_log_likelihood",
    "gap_distribution",
    "gap_quantile",
    "holdout_comparison",
    "inter_purchase_times",
    "purchase_log",
    "NO_CUSTOMER_IDS",
    "repurchase_by_group",
    "repeat_purchase_rate",
    "retention_clv",
    "rescore_by_thresholds",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "segment_headline",
    "segment_shares",
    "simple_clv",
    "suggest_churn_threshold",
    "survival_by_group",
]
