"""Market analysis and target customers (book 3.1 and chapter 4).

- market size: :func:`market_size`, :func:`compare_market_sizes`, :func:`bottom_up_inputs`,
  :func:`market_size_sensitivity` (TAM / SAM / SOM);
- growth: :func:`growth_rates`, :func:`cagr`, :func:`cagr_table`;
- shares and concentration: :func:`market_shares`, :func:`concentration`,
  :func:`concentration_by_period`, :func:`merger_hhi`, :func:`hhi_band`; without competitors,
  :func:`sales_shares` (the shop's own revenue by country or product);
- competitors: :func:`competitor_benchmark` (price index, rating, share, growth);
- the shop's own sales: :func:`daily_sales`, :func:`sales_by_period`,
  :func:`category_shares`, :func:`abc_analysis`;
- target customers: :func:`segment_profiles`, :func:`segment_attractiveness`;
- trends: :func:`stl_decompose`, :func:`forecast`, :func:`festival_calendar`,
  :func:`festival_effects`, :func:`backtest`.

Plots live in :mod:`ecomlib.market.plotting`, exercises in :mod:`ecomlib.market.exercises`,
trainer panels whose ranges follow the data in :mod:`ecomlib.market.widgets`.
"""

from ecomlib.market.backtest import BacktestResult, backtest
from ecomlib.market.competitors import competitor_benchmark
from ecomlib.market.concentration import (
    HHI_BANDS,
    ConcentrationResult,
    concentration,
    concentration_by_period,
    hhi_band,
    market_shares,
)
from ecomlib.market.decomposition import Decomposition, stl_decompose
from ecomlib.market.festivals import FESTIVALS, FestivalEffects, festival_calendar, festival_effects
from ecomlib.market.forecasting import ForecastResult, forecast
from ecomlib.market.growth import cagr, cagr_table, growth_rates
from ecomlib.market.merger import MergerResult, merger_hhi, merger_scenario
from ecomlib.market.own_shares import SalesShares, sales_shares
from ecomlib.market.pareto import ABCResult, abc_analysis
from ecomlib.market.segments import (
    DEFAULT_SEGMENT_WEIGHTS,
    segment_attractiveness,
    segment_profiles,
)
from ecomlib.market.shop_sales import (
    category_shares,
    check_daily_dates,
    completed_lines,
    daily_sales,
    sales_by_period,
)
from ecomlib.market.sizing import (
    bottom_up_inputs,
    compare_market_sizes,
    market_size,
    market_size_headline,
    market_size_sensitivity,
)

__all__ = [
    "ABCResult",
    "BacktestResult",
    "ConcentrationResult",
    "DEFAULT_SEGMENT_WEIGHTS",
    "Decomposition",
    "FESTIVALS",
    "FestivalEffects",
    "ForecastResult",
    "HHI_BANDS",
    "MergerResult",
    "SalesShares",
    "abc_analysis",
    "backtest",
    "bottom_up_inputs",
    "cagr",
    "cagr_table",
    "category_shares",
    "check_daily_dates",
    "compare_market_sizes",
    "competitor_benchmark",
    "completed_lines",
    "concentration",
    "concentration_by_period",
    "daily_sales",
    "festival_calendar",
    "festival_effects",
    "forecast",
    "growth_rates",
    "hhi_band",
    "market_shares",
    "market_size",
    "market_size_headline",
    "market_size_sensitivity",
    "merger_hhi",
    "merger_scenario",
    "sales_by_period",
    "sales_shares",
    "segment_attractiveness",
    "segment_profiles",
    "stl_decompose",
]
