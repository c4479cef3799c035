"""Customer service and the operations team (book 3.5 and chapter 8).

* :func:`ticket_durations`, :func:`time_percentiles`, :func:`quantile_interval`,
  :func:`sla_attainment`, :func:`first_contact_resolution`, :func:`reasons_pareto`,
  :func:`csat_summary`, :func:`csat_trend`, :func:`contact_rate`, :func:`response_repurchase` — service
  levels (3.5).
* :func:`erlang_b`, :func:`erlang_c`, :func:`service_level`, :func:`average_speed_of_answer`,
  :func:`occupancy`, :func:`scheduled_agents`, :func:`agents_needed`, :func:`staffing_plan`,
  :func:`erlang_a` — staffing with Erlang C and Erlang A (8.1, 8.2).
* :func:`kpi_cascade`, :func:`arrival_profile`, :func:`interval_arrivals`, :func:`staffing_cost`,
  :func:`staffing_curve`, :func:`forecast_staffing`,
  :func:`orders_forecast_staffing` — workload, KPI cascade, peak plans (from the market
  chapter's orders forecast), hire vs temporary staff (8.1, 8.2).
* :func:`payout`, :func:`simulate_incentive`, :func:`agent_kpi_sample`, :func:`assumed_kpi_sample` —
  incentive plans; :func:`training_panel` for a training read-out with ``ecomlib.promotion.did`` (8.3).
* :func:`cronbach_alpha`, :func:`item_scores`, :func:`scale_scores`, :func:`compare_teams` — team
  survey (8.4).
"""

from ecomlib.service.erlang import (
    ErlangA,
    StaffingCurve,
    StaffingPlan,
    agents_needed,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    offered_load,
    scheduled_agents,
    service_level,
    staffing_curve,
    staffing_plan,
)
from ecomlib.service.incentives import (
    PLANS,
    IncentiveSimulation,
    agent_kpi_sample,
    assumed_kpi_sample,
    payout,
    simulate_incentive,
)
from ecomlib.service.levels import (
    ContactRate,
    contact_rate,
    csat_summary,
    csat_trend,
    first_contact_resolution,
    quantile_interval,
    reasons_pareto,
    response_repurchase,
    sla_attainment,
    ticket_durations,
    time_percentiles,
)
from ecomlib.service.survey import Alpha, compare_teams, cronbach_alpha, item_scores, scale_scores
from ecomlib.service.training import training_panel
from ecomlib.service.workload import (
    ArrivalProfile,
    arrival_profile,
    forecast_staffing,
    interval_arrivals,
    kpi_cascade,
    orders_forecast_staffing,
    staffing_cost,
)

__all__ = [
    "PLANS",
    "Alpha",
    "ArrivalProfile",
    "ContactRate",
    "ErlangA",
    "IncentiveSimulation",
    "StaffingCurve",
    "StaffingPlan",
    "agent_kpi_sample",
    "agents_needed",
    "arrival_profile",
    "forecast_staffing",
    "orders_forecast_staffing",
    "assumed_kpi_sample",
    "average_speed_of_answer",
    "compare_teams",
    "contact_rate",
    "cronbach_alpha",
    "csat_summary",
    "csat_trend",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "first_contact_resolution",
    "interval_arrivals",
    "item_scores",
    "kpi_cascade",
    "occupancy",
    "offered_load",
    "payout",
    "quantile_interval",
    "reasons_pareto",
    "response_repurchase",
    "scale_scores",
    "scheduled_agents",
    "service_level",
    "simulate_incentive",
    "sla_attainment",
    "staffing_cost",
    "staffing_curve",
    "staffing_plan",
    "ticket_durations",
    "training_panel",
    "time_percentiles",
]
