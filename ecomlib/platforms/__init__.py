"""Platforms, channels, partners and cross-border operations (book chapter 7).

* :func:`read_fee_schedule`, :func:`platform_pnl`, :func:`break_even_volume`,
  :func:`platform_scorecard` — platform choice: per-platform P&L under an editable fee schedule
  (illustrative defaults), break-even volume, a weighted scorecard (7.1).
* :func:`platform_overlap`, :func:`channel_incrementality`, :func:`clv_by_channel` — channel
  expansion: customers across platforms (UpSet table), whether a new channel added demand or
  moved it (the promotion chapter's DiD or synthetic control), CLV per platform with the
  retention chapter's models (7.2).
* :func:`partner_scorecard`, :func:`partner_safety_stock`, :func:`partner_concentration` —
  suppliers and logistics partners: OTIF, defect and damage rates with Wilson intervals, lead
  time, a ranked review list, safety stock (risk chapter) and HHI (market chapter) (7.3).
* :func:`read_tax_rules`, :func:`landed_cost`, :func:`price_margin`, :func:`localised_price`,
  :func:`fx_margin_sensitivity` — cross-border: landed cost per destination from an editable
  rules table (each figure sourced or labelled illustrative), a localised price that keeps a
  target margin, the margin's FX risk through the risk chapter's Monte Carlo (7.4).

Figures are in :mod:`ecomlib.platforms.plotting` (``plot_overlap``, ``plot_platform_pnl``,
``plot_landed_cost``, ``plot_partner_otif``, ``plot_fx_margin``), imported on their own so that
the computations load without matplotlib.
"""

from ecomlib.platforms.channels import (
    Incrementality,
    channel_incrementality,
    clv_by_channel,
    platform_overlap,
)
from ecomlib.platforms.crossborder import (
    LANDED_COLUMNS,
    TAX_COLUMNS,
    FxSensitivity,
    fx_margin_sensitivity,
    landed_cost,
    localised_price,
    price_margin,
    read_tax_rules,
)
from ecomlib.platforms.partners import (
    DELIVERY_COLUMNS,
    partner_concentration,
    partner_safety_stock,
    partner_scorecard,
)
from ecomlib.platforms.pnl import (
    FEE_COLUMNS,
    PNL_COLUMNS,
    break_even_volume,
    platform_pnl,
    platform_scorecard,
    read_fee_schedule,
)

__all__ = [
    "Incrementality",
    "channel_incrementality",
    "clv_by_channel",
    "platform_overlap",
    "LANDED_COLUMNS",
    "TAX_COLUMNS",
    "FxSensitivity",
    "fx_margin_sensitivity",
    "landed_cost",
    "localised_price",
    "price_margin",
    "read_tax_rules",
    "DELIVERY_COLUMNS",
    "partner_concentration",
    "partner_safety_stock",
    "partner_scorecard",
    "FEE_COLUMNS",
    "PNL_COLUMNS",
    "break_even_volume",
    "platform_pnl",
    "platform_scorecard",
    "read_fee_schedule",
]
