"""Risk management (book chapter 9): identify, respond, monitor, comply.

* :func:`risk_matrix` — score a risk register (likelihood x impact), residual risk (9.1, 9.2).
* :func:`simulate_profit`, :func:`tornado`, :func:`variance_contribution` — Monte Carlo P&L of a
  launch with uncertain demand, cost and exchange rate (9.1).
* :func:`newsvendor`, :func:`safety_stock`, :func:`demand_profile` — inventory buffers (9.2).
* :func:`dependence_risk` — concentration on suppliers, channels, platforms (9.2).
* :func:`individuals_chart`, :func:`ewma_chart`, :func:`cusum_chart`, :func:`detect_anomalies`,
  :func:`change_point`, :func:`change_points` (several shifts, PELT), :func:`kpi_change_points`,
  :func:`detection_scores`, :func:`kpi_control_charts` — KPI monitoring (9.3).
* :func:`festival_window`, :func:`check_daily`, :func:`partial_months` — which days of a thin or
  coarse export the analyses can use.
* :func:`compliance_checklist`, :func:`compliance_score` — compliance self-assessment (9.4).
"""

from ecomlib.risk.anomalies import ChangePoint, change_point, detect_anomalies, detection_scores
from ecomlib.risk.changepoints import (
    ChangePoints,
    bic_penalty,
    change_points,
    kpi_change_points,
    noise_sd,
    segment_cost,
)
from ecomlib.risk.compliance import compliance_checklist, compliance_score, sample_assessment
from ecomlib.risk.control_charts import (
    ChartResult,
    KpiCharts,
    cusum_chart,
    d2,
    d3,
    ewma_chart,
    individuals_chart,
    kpi_control_charts,
)
from ecomlib.risk.dependence import ShopDependence, dependence_risk, shop_dependence
from ecomlib.risk.distributions import Constant, Empirical, LogNormal, Normal, Triangular, Uniform
from ecomlib.risk.inventory import (
    NewsvendorResult,
    ServiceLevelTradeoff,
    demand_growth,
    demand_profile,
    everyday_demand,
    festival_order_plan,
    newsvendor,
    normal_loss,
    safety_stock,
    service_level_curve,
    service_level_tradeoff,
)
from ecomlib.risk.kpis import KPI_COLUMNS, check_kpi_history, daily_kpis
from ecomlib.risk.montecarlo import (
    ProfitSimulation,
    simulate_profit,
    tornado,
    variance_contribution,
)
from ecomlib.risk.periods import (
    FestivalWindow,
    check_daily,
    completed_lines,
    festival_window,
    partial_months,
)
from ecomlib.risk.register import DEFAULT_BANDS, RESPONSES, RiskMatrixResult, risk_matrix
from ecomlib.risk.scenario import WHOLE_SHOP, LaunchScenario, launch_scenario, launch_what_if

__all__ = [
    "DEFAULT_BANDS",
    "RESPONSES",
    "ChangePoint",
    "ChangePoints",
    "ChartResult",
    "ShopDependence",
    "shop_dependence",
    "FestivalWindow",
    "KpiCharts",
    "WHOLE_SHOP",
    "check_daily",
    "check_kpi_history",
    "completed_lines",
    "festival_window",
    "kpi_control_charts",
    "partial_months",
    "Constant",
    "Empirical",
    "LogNormal",
    "NewsvendorResult",
    "Normal",
    "ProfitSimulation",
    "RiskMatrixResult",
    "Triangular",
    "Uniform",
    "change_point",
    "change_points",
    "kpi_change_points",
    "bic_penalty",
    "noise_sd",
    "segment_cost",
    "compliance_checklist",
    "compliance_score",
    "cusum_chart",
    "d2",
    "d3",
    "demand_profile",
    "everyday_demand",
    "demand_growth",
    "festival_order_plan",
    "daily_kpis",
    "KPI_COLUMNS",
    "LaunchScenario",
    "launch_scenario",
    "launch_what_if",
    "dependence_risk",
    "detect_anomalies",
    "detection_scores",
    "ewma_chart",
    "individuals_chart",
    "newsvendor",
    "normal_loss",
    "risk_matrix",
    "safety_stock",
    "sample_assessment",
    "service_level_curve",
    "ServiceLevelTradeoff",
    "service_level_tradeoff",
    "simulate_profit",
    "tornado",
    "variance_contribution",
]
