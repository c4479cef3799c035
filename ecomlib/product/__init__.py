"""Product strategy, new products and brand (book 3.2 and 5.1-5.4).

* :func:`bass_share`, :func:`bass_cumulative`, :func:`bass_adopters`, :func:`bass_peak`,
  :func:`fit_bass`, :func:`bass_forecast`, :func:`forecast_by_analogy`, :func:`launch_readout` — Bass diffusion of a new product: closed forms,
  nonlinear least-squares fit with intervals, forecast from the first weeks or by analogy with
  earlier launches, a test-launch read-out (5.2).
* :func:`basket_matrix`, :func:`frequent_itemsets`, :func:`association_rules`, :func:`lift_interval`,
  :func:`support_for_top_pairs`, :func:`rules_for_pairs`, :func:`rules_without_pairs`
  — cross-sell rules on order baskets (support, confidence, lift with its interval, leverage,
  conviction); :func:`bundle_what_if` — two products with and without a bundle discount, from
  their price elasticities (:func:`group_elasticities` reads them from the pricing chapter's fit) (3.2, 5.3).
* :func:`launch_weeks`, :func:`launches_from_transactions`, :func:`fit_launches` — a launch's
  weekly units, launches found in order lines alone, Bass fits of many launches; :func:`bass_explorer`, :func:`rule_explorer` — what the
  notebook's trainer panels compute (5.2, 5.3).
* :func:`growth_share`, :func:`abc_xyz`, :func:`life_cycle_stage`, :func:`weekly_units` — the
  product portfolio: growth-share quadrants, ABC-XYZ classes, life-cycle stage (3.2, 5.1).
* :func:`bayesian_average`, :func:`price_premium`, :func:`repeat_buyer_share`,
  :func:`branded_traffic_share` — brand measures from the shop's own data: ratings shrunk toward
  the category mean, price premium at equal rating and category, repeat buyers and branded
  traffic over time (5.4).
"""

from ecomlib.product.baskets import (
    BasketMatrix,
    association_rules,
    basket_matrix,
    frequent_itemsets,
    rules_for_pairs,
    rules_without_pairs,
    support_for_top_pairs,
)
from ecomlib.product.brand import (
    bayesian_average,
    branded_traffic_share,
    price_premium,
    repeat_buyer_share,
)
from ecomlib.product.bundles import bundle_what_if, group_elasticities, lift_interval, pair_inputs
from ecomlib.product.diffusion import (
    BassFit,
    bass_adopters,
    bass_cumulative,
    bass_forecast,
    bass_peak,
    bass_share,
    fit_bass,
    forecast_by_analogy,
    launch_readout,
)
from ecomlib.product.launches import (
    BassCurve,
    LaunchWeeks,
    RuleSet,
    bass_explorer,
    fit_launches,
    launch_weeks,
    launches_from_transactions,
    rule_explorer,
)
from ecomlib.product.portfolio import abc_xyz, growth_share, life_cycle_stage, weekly_units

__all__ = [
    "BasketMatrix",
    "BassCurve",
    "BassFit",
    "LaunchWeeks",
    "RuleSet",
    "bass_explorer",
    "bundle_what_if",
    "pair_inputs",
    "fit_launches",
    "group_elasticities",
    "launch_weeks",
    "launches_from_transactions",
    "lift_interval",
    "rule_explorer",
    "abc_xyz",
    "association_rules",
    "basket_matrix",
    "bass_adopters",
    "bass_cumulative",
    "bass_forecast",
    "bass_peak",
    "bass_share",
    "bayesian_average",
    "branded_traffic_share",
    "fit_bass",
    "forecast_by_analogy",
    "launch_readout",
    "frequent_itemsets",
    "growth_share",
    "life_cycle_stage",
    "price_premium",
    "support_for_top_pairs",
    "repeat_buyer_share",
    "rules_for_pairs",
    "rules_without_pairs",
    "weekly_units",
]
