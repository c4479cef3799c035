"""Pricing strategy (book section 3.3 價格策略制定): elasticity, optimal price, break-even,
unit economics, discount depth and the Van Westendorp price-sensitivity meter.

Computation modules are pure (DataFrame in, DataFrame or result object out); figures live
in :mod:`ecomlib.pricing.plotting`, exercises in :mod:`ecomlib.pricing.exercises`.
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
)
from ecomlib.pricing.observations import price_quantity_observations
from ecomlib.pricing.scenarios import (
    BreakEvenScenario,
    PriceScenario,
    break_even_scenario,
    price_scenario,
)
from ecomlib.pricing.unit_economics import line_costs, price_index, price_tiers, unit_economics
from ecomlib.pricing.van_westendorp import (
    NMSResult,
    VanWestendorpResult,
    nms_purchase_probability,
    van_westendorp,
)

__all__ = [
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
