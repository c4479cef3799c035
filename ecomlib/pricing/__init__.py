"""Pricing strategy (book section 3.3 價格策略制定), step by step:

1. 市場調研與分析 market research: :func:`price_index` (own price vs competitors').
2. 成本精確核算 cost accounting: :func:`unit_economics` (price, cost, fees, margin per category).
3. 差異化定價策略 differentiated pricing: :func:`estimate_elasticity` (per group, pooled, or with
   period fixed effects; :func:`price_quantity_observations` is its regression table) and
   :func:`price_tiers`.
4. 促銷與活動定價 promotional pricing: :func:`discount_depth` (effective discounts by month).
5. 動態調整價格 dynamic adjustment: :func:`markup_rule_price`, :func:`optimal_price`,
   :func:`price_response` on a :class:`ConstantElasticityDemand` or :class:`LinearDemand`
   (:func:`fit_linear_demand`); :func:`price_scenario` for the price slider.
6. 考慮顧客價值感知 value perception: :func:`van_westendorp`, :func:`nms_purchase_probability`.
7. 維護與優化價格體系 maintaining the price system: :func:`break_even_volume`,
   :func:`break_even_table`, :func:`break_even_scenario` for the explorer.

Computation modules are pure (DataFrame in, DataFrame or result object out); figures live
in :mod:`ecomlib.pricing.plotting`, exercises in :mod:`ecomlib.pricing.exercises`.

:data:`DEFAULT_COST_RATIO` (0.6) is the unit cost, as a share of the paid price, that the
chapters assume when the data has no costs (the pricing notebook's ``unit_cost_ratio``).
"""

from ecomlib.pricing.break_even import break_even_table, break_even_volume
from ecomlib.pricing.demand import (
    ConstantElasticityDemand,
    LinearDemand,
    OptimalPrice,
    markup_rule_price,
    optimal_price,
    price_response,
)
from ecomlib.pricing.discounts import DiscountDepth, discount_depth
from ecomlib.pricing.elasticity import (
    ElasticityResult,
    choose_controls,
    estimate_elasticity,
    fit_linear_demand,
    focus_group,
)
from ecomlib.pricing.observations import price_quantity_observations
from ecomlib.pricing.scenarios import (
    BreakEvenScenario,
    PriceScenario,
    break_even_scenario,
    price_scenario,
)
from ecomlib.pricing.unit_economics import (
    DEFAULT_COST_RATIO,
    line_costs,
    price_index,
    price_tiers,
    unit_economics,
)
from ecomlib.pricing.van_westendorp import (
    NMSResult,
    VanWestendorpResult,
    nms_purchase_probability,
    van_westendorp,
)

__all__ = [
    "DEFAULT_COST_RATIO",
    "BreakEvenScenario",
    "ConstantElasticityDemand",
    "DiscountDepth",
    "ElasticityResult",
    "LinearDemand",
    "NMSResult",
    "OptimalPrice",
    "PriceScenario",
    "VanWestendorpResult",
    "break_even_scenario",
    "break_even_table",
    "break_even_volume",
    "choose_controls",
    "discount_depth",
    "estimate_elasticity",
    "fit_linear_demand",
    "focus_group",
    "line_costs",
    "markup_rule_price",
    "nms_purchase_probability",
    "optimal_price",
    "price_index",
    "price_quantity_observations",
    "price_response",
    "price_scenario",
    "price_tiers",
    "unit_economics",
    "van_westendorp",
]
