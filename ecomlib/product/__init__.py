"""Product strategy, new products and brand (book 3.2 and 5.1-5.4).

* :func:`bass_share`, :func:`bass_cumulative`, :func:`bass_adopters`, :func:`bass_peak`,
  :func:`fit_bass`, :func:`bass_forecast` — Bass diffusion of a new product: closed forms,
  nonlinear least-squares fit with intervals, forecast from the first weeks (5.2).
* :func:`basket_matrix`, :func:`frequent_itemsets`, :func:`association_rules` — cross-sell rules
  on order baskets (support, confidence, lift, leverage, conviction) (3.2, 5.3).
* :func:`growth_share`, :func:`abc_xyz`, :func:`life_cycle_stage`, :func:`weekly_units` — the
  product portfolio: growth-share quadrants, ABC-XYZ classes, life-cycle stage (3.2, 5.1).
"""

from ecomlib.product.baskets import (
    BasketMatrix,
    association_rules,
    basket_matrix,
    frequent_itemsets,
)
from ecomlib.product.diffusion import (
    BassFit,
    bass_adopters,
    bass_cumulative,
    bass_forecast,
    bass_peak,
    bass_share,
    fit_bass,
)
from ecomlib.product.portfolio import abc_xyz, growth_share, life_cycle_stage, weekly_units

__all__ = [
    "BasketMatrix",
    "BassFit",
    "abc_xyz",
    "growth_share",
    "life_cycle_stage",
    "weekly_units",
    "association_rules",
    "basket_matrix",
    "frequent_itemsets",
    "bass_adopters",
    "bass_cumulative",
    "bass_forecast",
    "bass_peak",
    "bass_share",
    "fit_bass",
]
