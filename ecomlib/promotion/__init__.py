"""Promotion ROI (book 3.4 促銷策略制定 and 5.3 產品推廣策略).

* :func:`daily_sales`, :func:`scope_mask` — day x product sales and what a promotion covers.
* :func:`baseline` — what would have sold without the promotion (pre-period, forecast, control).
* :func:`promotion_effects` — lift, pull-forward, cannibalisation, halo, net margin.
* :func:`did`, :func:`category_week_panel` — difference-in-differences with a parallel-trends check and
  inference that stays valid with one or few treated units; :func:`synthetic_control` — a weighted
  mix of untreated units fitted on the pre-period, as a second estimate.
* :func:`roi`, :func:`roas`, :func:`coupon_cost`, :func:`break_even_lift`,
  :func:`max_discount_for_lift`, :func:`discount_economics` — promotion economics.
* :func:`campaign_table`, :func:`allocate_budget` — every promotion ranked; next year's festival budget;
  :func:`estimated_promotions`, :func:`focus_promotion`, :func:`study_promotion`, :func:`did_promotion`
  pick the promotions a report studies (a clear :class:`DataError` when there is none).
* :func:`who_responds`, :func:`product_contributions` — which customers, channels and products
  carried a promotion.
* :func:`festival_calendar`, :func:`promotions_from_discounts` — a calendar when the data has none.
"""

from ecomlib.promotion.baseline import BASELINE_METHODS, BaselineResult, baseline
from ecomlib.promotion.calendar import festival_calendar, promotions_from_discounts
from ecomlib.promotion.campaigns import (
    allocate_budget,
    beside_truth,
    by_kind,
    campaign_table,
    did_promotion,
    estimated_promotions,
    focus_promotion,
    last_festivals,
    study_promotion,
)
from ecomlib.promotion.did import DiDResult, comparison_target, did
from ecomlib.promotion.economics import (
    DiscountEconomics,
    break_even_lift,
    coupon_cost,
    discount_economics,
    max_discount_for_lift,
    roas,
    roi,
)
from ecomlib.promotion.effects import (
    PromotionEffects,
    category_elasticities,
    promotion_effects,
    scope_elasticity,
)
from ecomlib.promotion.panel import category_week_panel
from ecomlib.promotion.response import product_contributions, who_responds
from ecomlib.promotion.sales import (
    DailySales,
    daily_sales,
    other_promotion_days,
    require_promotion,
    scope_mask,
    scope_masks,
)
from ecomlib.promotion.synthetic import SyntheticResult, synthetic_control

__all__ = [
    "BASELINE_METHODS",
    "BaselineResult",
    "DailySales",
    "DiDResult",
    "DiscountEconomics",
    "PromotionEffects",
    "SyntheticResult",
    "allocate_budget",
    "beside_truth",
    "baseline",
    "break_even_lift",
    "by_kind",
    "campaign_table",
    "category_elasticities",
    "category_week_panel",
    "coupon_cost",
    "daily_sales",
    "comparison_target",
    "did",
    "did_promotion",
    "discount_economics",
    "estimated_promotions",
    "festival_calendar",
    "focus_promotion",
    "last_festivals",
    "max_discount_for_lift",
    "other_promotion_days",
    "product_contributions",
    "promotion_effects",
    "promotions_from_discounts",
    "roas",
    "require_promotion",
    "roi",
    "scope_elasticity",
    "scope_mask",
    "scope_masks",
    "study_promotion",
    "synthetic_control",
    "who_responds",
]
