"""Chapter 2 電商運營基礎 · E-commerce operations basics.

Book section -> function:

- 2.1-2.2 what operations manage and why it matters: the KPI tree
  ``GMV = visitors x conversion rate x units per order x price per unit``
  (:func:`kpi_tree`, overall, by channel, by month);
- why GMV changed between two periods, driver by driver, with contributions that add up
  exactly (:func:`compare_periods`, :func:`decompose_change`; log/LMDI or Shapley), and
  what a move of each driver would do (:func:`what_if`);
- 2.3 the five elements: product (:func:`category_mix`; by product via :func:`sales_groups`
  when the data have no categories), positioning (:func:`price_positioning`), users
  (:func:`customer_mix`), traffic (the top of the tree) and data (:func:`status_mix`,
  ``ecomlib.reports.open_data`` and the data-quality report).

Figures are in :mod:`ecomlib.basics.plotting`; exercises in :mod:`ecomlib.basics.exercises`.
"""

from ecomlib.basics.decomposition import (
    METHODS,
    ComparisonPeriods,
    Decomposition,
    compare_periods,
    comparison_periods,
    decompose_change,
    what_if,
    year_on_year_periods,
)
from ecomlib.basics.elements import (
    category_mix,
    customer_mix,
    describe_customers,
    describe_mix,
    price_positioning,
    sales_groups,
    status_mix,
    top_group,
)
from ecomlib.basics.kpi_tree import DRIVERS, KPITree, kpi_tree
from ecomlib.basics.reconcile import describe_channel_total, describe_channel_visitors

__all__ = [
    "DRIVERS",
    "METHODS",
    "ComparisonPeriods",
    "Decomposition",
    "KPITree",
    "category_mix",
    "compare_periods",
    "comparison_periods",
    "customer_mix",
    "decompose_change",
    "describe_channel_total",
    "describe_channel_visitors",
    "describe_customers",
    "describe_mix",
    "kpi_tree",
    "price_positioning",
    "sales_groups",
    "status_mix",
    "top_group",
    "what_if",
    "year_on_year_periods",
]
