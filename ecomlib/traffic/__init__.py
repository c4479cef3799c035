"""Traffic, conversion and data-driven marketing decisions (book 6.1, 6.2, 6.4).

- Funnels (6.2): :func:`funnel`, :func:`compare_funnels`, :func:`funnel_from_events`,
  :func:`wilson_interval`.
- Channel economics (6.1): :func:`channel_performance`, :func:`simple_customer_value`,
  :func:`response_curve` (diminishing returns, marginal ROAS).
- A/B tests (6.4): :func:`ab_test`, :func:`srm_check`, :func:`sample_size`, :func:`power`,
  :func:`minimum_detectable_effect`, :func:`duration_days`, :func:`plan_experiment`,
  :func:`simulate_peeking`, and the remedy for peeking: :func:`sequential_bounds`,
  :func:`sequential_test` (group-sequential, Lan-DeMets alpha spending).
- What-if (6.2): :func:`funnel_what_if`, :func:`value_of_one_point`.
- Attribution (6.4): :func:`attribute` (last, first, linear, time decay, position, Markov of
  order 1-3, Shapley), :func:`markov_order_comparison` (which chain order the journeys support).

Plots live in :mod:`ecomlib.traffic.plotting`; exercises in :mod:`ecomlib.traffic.exercises`.
"""

from ecomlib.traffic.abtest import ABTestResult, SRMResult, ab_test, p_text, srm_check
from ecomlib.traffic.attribution import ATTRIBUTION_MODELS, attribute, rule_weights
from ecomlib.traffic.channels import (
    CustomerEconomics,
    channel_performance,
    customer_economics,
    poisson_interval,
    simple_customer_value,
)
from ecomlib.traffic.funnel import (
    DEFAULT_STEPS,
    compare_funnels,
    funnel,
    funnel_from_events,
    wilson_interval,
)
from ecomlib.traffic.journeys import Journeys, build_journeys
from ecomlib.traffic.markov import (
    MarkovAttribution,
    markov_attribution,
    markov_order_comparison,
    markov_orders,
)
from ecomlib.traffic.peeking import PeekingResult, simulate_peeking
from ecomlib.traffic.power import duration_days, minimum_detectable_effect, power, sample_size
from ecomlib.traffic.response import ResponseCurves, response_curve
from ecomlib.traffic.scenarios import (
    ExperimentPlan,
    FunnelWhatIf,
    PlanningInputs,
    funnel_what_if,
    plan_experiment,
    planning_inputs,
    value_of_one_point,
)
from ecomlib.traffic.sequential import (
    SequentialBounds,
    SequentialTestResult,
    alpha_spent,
    sequential_bounds,
    sequential_test,
)
from ecomlib.traffic.shapley import ShapleyAttribution, shapley_attribution

__all__ = [
    "ATTRIBUTION_MODELS",
    "DEFAULT_STEPS",
    "ABTestResult",
    "CustomerEconomics",
    "ExperimentPlan",
    "FunnelWhatIf",
    "Journeys",
    "MarkovAttribution",
    "PeekingResult",
    "PlanningInputs",
    "ResponseCurves",
    "SRMResult",
    "SequentialBounds",
    "SequentialTestResult",
    "ShapleyAttribution",
    "ab_test",
    "alpha_spent",
    "p_text",
    "attribute",
    "build_journeys",
    "channel_performance",
    "compare_funnels",
    "customer_economics",
    "duration_days",
    "funnel",
    "funnel_from_events",
    "funnel_what_if",
    "markov_attribution",
    "markov_order_comparison",
    "markov_orders",
    "minimum_detectable_effect",
    "plan_experiment",
    "planning_inputs",
    "poisson_interval",
    "power",
    "response_curve",
    "rule_weights",
    "sample_size",
    "sequential_bounds",
    "sequential_test",
    "shapley_attribution",
    "simple_customer_value",
    "simulate_peeking",
    "srm_check",
    "value_of_one_point",
    "wilson_interval",
]
