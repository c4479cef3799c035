"""Platforms, channels, partners and cross-border operations (book chapter 7).

* :func:`read_fee_schedule`, :func:`platform_pnl`, :func:`break_even_volume`,
  :func:`platform_scorecard` — platform choice: per-platform P&L under an editable fee schedule
  (illustrative defaults), break-even volume, a weighted scorecard (7.1).
"""

from ecomlib.platforms.pnl import (
    FEE_COLUMNS,
    PNL_COLUMNS,
    break_even_volume,
    platform_pnl,
    platform_scorecard,
    read_fee_schedule,
)

__all__ = [
    "FEE_COLUMNS",
    "PNL_COLUMNS",
    "break_even_volume",
    "platform_pnl",
    "platform_scorecard",
    "read_fee_schedule",
]
