"""Where the heavy group-bys run: pandas in memory, DuckDB, or a warehouse through ibis.

The models of every chapter need only customer-, period- or arm-level aggregates; the work that
grows with the data is the group-by over order lines, sessions or touchpoints before them. This
package runs that group-by on an engine chosen by :func:`ecomlib.engine.config.choose_engine`
(``"pandas"``, ``"duckdb"``, or ``"auto"``, which picks DuckDB above a documented size,
:data:`~ecomlib.engine.config.AUTO_DUCKDB_ROWS`).

Each pushed-down public function accepts a pandas DataFrame, as always, or an **ibis Table**
(a DuckDB file, PostgreSQL, BigQuery, ... connected through ibis). A Table is aggregated on its
own backend and only the aggregate comes back to pandas; a frame goes to an in-memory DuckDB
(zero-copy through Arrow) when the engine says so. Both paths give the same result and read
their rules from :mod:`ecomlib.engine.rules`.

Pushed down (ibis expressions in this package):

* retention (:mod:`.retention`): ``rfm_summary``, ``purchase_arrays`` / ``purchase_log``,
  ``cohort_table`` (and ``average_retention``), ``churn_table``, ``inter_purchase_times``;
  and (:mod:`.customers`) the retention notebook's other line-level steps: ``data_overview``,
  ``margin_rate``, ``repeat_purchase_rate``, ``repurchase_by_group``, ``gap_distribution``
  (repeat purchases per gap length, read by ``gap_quantile`` / ``suggest_churn_threshold``
  / the histogram), ``rfm_scores``, ``book_clv_inputs``, ``calibration_holdout_split``,
  ``first_order_flag``;
* sales (:mod:`.basics`): ``kpi_tree`` (total, by month and/or channel, with sessions),
  ``market.sales_by_period``, ``market.daily_sales``, ``market.category_shares``,
  ``traffic.funnel`` counts;
* pricing and promotion (:mod:`.pricing`): ``price_quantity_observations`` (cells per group,
  product and period), ``unit_economics``, ``promotion.daily_sales`` (long day x product
  sums, pivoted in pandas), ``discount_depth`` (the per group and period table with exact
  line-level quantiles; ``lines`` is None from an engine);
* traffic (:mod:`.traffic`): ``channel_performance`` (orders, revenue, first-line new
  customers, sessions, spend per channel), ``build_journeys`` (the sort and numbering run on
  the engine; the per-touch arrays come back, as the rule-based models read every touch),
  and the Markov step counts and Shapley channel-set counts behind ``attribute(...,
  model="markov" / "shapley")``, which on an ibis Table never fetch the touches;
* risk (:mod:`.risk`): ``risk.daily_kpis``.

Long loads and aggregations can report progress (quiet by default): :mod:`.progress`.

Kept in memory: the models (BG/NBD, Gamma-Gamma, elasticity fits, DiD, survival, the Markov
chain's linear solves, the Shapley sums), which read only the aggregates above; the
rule-based attribution weights and ``markov_order_comparison`` (they read every touch of a
:class:`~ecomlib.traffic.Journeys`, whose sort runs on the engine).
"""

from __future__ import annotations

from ecomlib.engine.config import ENGINES, choose_engine, engine_option, get_engine, set_engine

__all__ = ["ENGINES", "choose_engine", "engine_option", "get_engine", "set_engine"]
