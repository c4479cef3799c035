"""The sample shop: :class:`Store` and :func:`make_store`.

``make_store`` runs the simulators ``sim_core``, ``sim_traffic``, ``sim_market``,
``sim_survey`` and ``sim_risk`` (in that order; each one present in
``ecomlib/datasets/`` is used), passing each the tables and truth of the ones before it,
and merges what they return into one :class:`Store`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from ecomlib.datasets.simulation import SimContext, SimResult
from ecomlib.errors import ParameterError
from ecomlib.validation import check_positive

__all__ = ["Store", "make_store", "DEFAULT_SEED", "DEFAULT_N_CUSTOMERS", "SIMULATORS", "TABLES"]

DEFAULT_SEED = 2024
DEFAULT_N_CUSTOMERS = 20_000
DEFAULT_START = "2024-01-01"
DEFAULT_END = "2025-12-31"
#: simulator modules, in the order they run
SIMULATORS = ("core", "traffic", "market", "survey", "risk")
#: canonical tables a store can hold, in a fixed order
TABLES = (
    "transactions", "products", "customers", "sessions", "promotions", "marketing_spend",
    "experiment", "touchpoints", "market", "competitors", "price_survey", "risk_register",
    "suppliers", "kpis_daily",
)
MAX_DAYS = 366 * 5


@dataclass
class Store:
    """A simulated shop: one DataFrame per canonical table (None when not simulated), the
    ground truth and its documentation, and the settings used.

    Examples
    --------
    >>> from ecomlib.datasets import make_store
    >>> store = make_store(seed=1, n_customers=500, start="2024-01-01", end="2024-03-31")
    >>> "transactions" in store.tables()
    True
    >>> store.truth["bgnbd"]["time_unit"]
    'week'
    """

    transactions: pd.DataFrame | None = None
    products: pd.DataFrame | None = None
    customers: pd.DataFrame | None = None
    sessions: pd.DataFrame | None = None
    promotions: pd.DataFrame | None = None
    marketing_spend: pd.DataFrame | None = None
    experiment: pd.DataFrame | None = None
    touchpoints: pd.DataFrame | None = None
    market: pd.DataFrame | None = None
    competitors: pd.DataFrame | None = None
    price_survey: pd.DataFrame | None = None
    risk_register: pd.DataFrame | None = None
    suppliers: pd.DataFrame | None = None
    kpis_daily: pd.DataFrame | None = None
    truth: dict[str, Any] = field(default_factory=dict)
    truth_doc: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables that are present, by canonical name, in the canonical order."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v):,}" for k, v in self.tables().items())
        return f"Store(seed={self.settings.get('seed')}, {sizes}, truth keys={len(self.truth)})"


def _check_settings(seed, n_customers, start, end):
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"`seed` must be a non-negative integer, but {seed!r} was passed.")
    if isinstance(n_customers, bool) or not isinstance(n_customers, int):
        raise ParameterError(f"`n_customers` must be an integer, but {n_customers!r} was passed.")
    check_positive("n_customers", n_customers)
    if n_customers < 50 or n_customers > 1_000_000:
        raise ParameterError(
            f"`n_customers` must be between 50 and 1,000,000, but {n_customers!r} was passed.")
    out = []
    for name, value in (("start", start), ("end", end)):
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"`{name}` must be a date such as '2024-01-01', but {value!r} was passed.") from None
        if ts is pd.NaT or ts != ts.normalize():
            raise ParameterError(f"`{name}` must be a calendar day without a time, but {value!r} was passed.")
        out.append(ts.as_unit("us"))
    start_ts, end_ts = out
    n_days = (end_ts - start_ts).days + 1
    if n_days < 60 or n_days > MAX_DAYS:
        raise ParameterError(
            f"`end` must be 60 days to 5 years after `start`, but start={start!r} and end={end!r} "
            f"span {n_days} day(s).")
    return start_ts, end_ts


def _simulator(name: str):
    """Import ``ecomlib.datasets.sim_<name>`` or return None when it is not built (yet)."""
    module_name = f"ecomlib.datasets.sim_{name}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None


def make_store(seed: int = DEFAULT_SEED, n_customers: int = DEFAULT_N_CUSTOMERS,
               start: str | pd.Timestamp = DEFAULT_START, end: str | pd.Timestamp = DEFAULT_END) -> Store:
    """Simulate the sample shop and return it with its ground truth.

    Parameters
    ----------
    seed : int, default 2024
        Seed of every random stream; the same seed gives identical tables.
    n_customers : int, default 20000
        Customers acquired over the period (50 to 1,000,000). Guests come on top.
    start, end : str or Timestamp, default "2024-01-01", "2025-12-31"
        First and last day simulated (inclusive; 60 days to 5 years).

    Returns
    -------
    Store
        One DataFrame per simulated canonical table, ``truth`` (every parameter and true
        effect), ``truth_doc`` (one line per truth key, with units) and ``settings``.

    Raises
    ------
    ParameterError
        For a seed, customer count or period outside what is allowed, or when two
        simulators report the same truth key or table.

    Examples
    --------
    >>> store = make_store(seed=7, n_customers=300, start="2024-01-01", end="2024-06-30")
    >>> store.transactions["status"].isin(["completed", "cancelled", "returned"]).all()
    np.True_
    """
    start_ts, end_ts = _check_settings(seed, n_customers, start, end)
    ctx = SimContext(seed=seed, start=start_ts, end=end_ts, n_customers=n_customers)
    doc: dict[str, str] = {}
    used = []
    for name in SIMULATORS:
        module = _simulator(name)
        if module is None:
            continue
        result: SimResult = module.simulate(ctx)
        _merge(ctx, doc, module.NAME, result)
        used.append(module.NAME)
    known = {f.name for f in fields(Store)}
    tables = {k: v for k, v in ctx.tables.items() if k in known}
    settings = {"seed": seed, "n_customers": n_customers, "start": str(start_ts.date()),
                "end": str(end_ts.date()), "simulators": used}
    return Store(**tables, truth=dict(ctx.truth), truth_doc=doc, settings=settings)


def _merge(ctx: SimContext, doc: dict[str, str], name: str, result: SimResult) -> None:
    clash = sorted(set(result.truth) & set(ctx.truth))
    if clash:
        raise ParameterError(f"Simulator {name!r} reports truth key(s) {clash} already set by an "
                             "earlier simulator; truth keys must be unique.")
    table_clash = sorted(set(result.tables) & set(ctx.tables))
    if table_clash:
        raise ParameterError(f"Simulator {name!r} returns table(s) {table_clash} already made by an "
                             "earlier simulator.")
    unknown = sorted(set(result.tables) - set(TABLES))
    if unknown:
        raise ParameterError(f"Simulator {name!r} returns table(s) {unknown} that are not canonical; "
                             f"allowed: {list(TABLES)}.")
    undocumented = sorted(set(result.truth) - set(result.truth_doc))
    if undocumented:
        raise ParameterError(f"Simulator {name!r} does not document truth key(s) {undocumented} "
                             "in truth_doc.")
    ctx.tables.update(result.tables)
    ctx.truth.update(result.truth)
    doc.update({k: result.truth_doc[k] for k in result.truth})
