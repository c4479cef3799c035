"""The sample shop: :class:`Store` and :func:`make_store`.

:func:`read_cached` keeps a parsed copy of a sample-shop folder in the user's cache, keyed
on the files' content, so each report's kernel does not re-read the gzipped CSVs.

``make_store`` runs the simulators ``sim_core``, ``sim_traffic``, ``sim_market``,
``sim_survey``, ``sim_risk``, ``sim_service``, ``sim_product`` and ``sim_platforms`` (in that
order; each one present in ``ecomlib/datasets/`` is used), passing each the tables and truth of the ones before it,
and merges what they return into one :class:`Store`.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ecomlib.datasets.simulation import SimContext, SimResult
from ecomlib.errors import ParameterError
from ecomlib.validation import check_positive

__all__ = ["Store", "make_store", "read_cached", "cache_dir", "DEFAULT_SEED", "DEFAULT_N_CUSTOMERS",
           "SIMULATORS", "TABLES"]

DEFAULT_SEED = 2024
DEFAULT_N_CUSTOMERS = 20_000
DEFAULT_START = "2024-01-01"
DEFAULT_END = "2025-12-31"
#: simulator modules, in the order they run
SIMULATORS = ("core", "traffic", "market", "survey", "risk", "service", "product", "platforms")
#: canonical tables a store can hold, in a fixed order
TABLES = (
    "transactions", "products", "customers", "sessions", "promotions", "marketing_spend",
    "experiment", "touchpoints", "market", "competitors", "price_survey", "risk_register",
    "suppliers", "kpis_daily", "tickets", "service_team", "team_survey", "launches", "launch_sales",
    "reviews", "platforms", "order_platforms", "channel_panel", "partner_deliveries",
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
    tickets: pd.DataFrame | None = None
    service_team: pd.DataFrame | None = None
    team_survey: pd.DataFrame | None = None
    launches: pd.DataFrame | None = None
    launch_sales: pd.DataFrame | None = None
    reviews: pd.DataFrame | None = None
    platforms: pd.DataFrame | None = None
    order_platforms: pd.DataFrame | None = None
    channel_panel: pd.DataFrame | None = None
    partner_deliveries: pd.DataFrame | None = None
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


# ---------------------------------------------------------------- cache of a parsed folder
#: Cached copies kept per folder kind; older ones are removed when a new one is written.
CACHE_KEEP = 3
CACHE_FORMAT = 1  # bump when the cached object's layout changes


def cache_dir() -> Path | None:
    """The folder for cached sample shops, or None when caching is switched off.

    ``ECOMLIB_CACHE_DIR`` if set (empty or ``off``: no cache), else ``$XDG_CACHE_HOME/ecomlib``
    or ``~/.cache/ecomlib`` (``%LOCALAPPDATA%\\ecomlib\\cache`` on Windows).
    """
    configured = os.environ.get("ECOMLIB_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "no", "false") else Path(configured)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "ecomlib" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecomlib"


def _code_files(read: Callable[[Path], Store]) -> list[Path]:
    """The source files whose code decides what a cached copy holds.

    This module (the :class:`Store` layout) and the module that defines ``read`` (for the
    sample shop, :mod:`ecomlib.datasets.bundled`, whose reader uses only its own helpers and
    pandas). A changed reader, even without a new ecomlib version, so makes a new key.
    """
    import inspect

    files = {Path(inspect.getsourcefile(_content_key)).resolve()}  # this module
    try:
        files.add(Path(inspect.getsourcefile(read)).resolve())
    except TypeError:  # a builtin or C function: no source to hash
        pass
    return sorted(files)


def _content_key(folder: Path, read: Callable[[Path], Store] | None = None) -> str:
    """SHA-256 of every file in ``folder`` (names and bytes), the code and versions that parse them."""
    import pandas as pd

    from ecomlib import __version__

    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{pd.__version__}|{sys.version_info[:2]}".encode())
    for code in _code_files(read) if read is not None else ():
        digest.update(code.name.encode() + b"\0" + code.read_bytes() + b"\0")
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def read_cached(folder: str | Path, read: Callable[[Path], Store], *, kind: str = "sample") -> Store:
    """``read(folder)``, from a cached copy when the folder's files are unchanged.

    The copy lives in :func:`cache_dir` under the SHA-256 of the folder's files, of the source
    of ``read``'s module and of this one, and of the ecomlib and pandas versions (see
    :func:`_code_files`), so a regenerated folder or a changed reader is read afresh and an unchanged one
    is unpickled in a fraction of the time its gzipped CSVs take to parse. A copy is written
    only when the files did not change while they were read, atomically (other processes
    read the same cache), and only the newest :data:`CACHE_KEEP` are kept. When the cache
    cannot be used (switched off, not writable, damaged), the folder is simply read.

    Parameters
    ----------
    folder : str or Path
        The folder ``read`` takes.
    read : callable
        ``read(folder) -> Store``, the uncached reader.
    kind : str
        File name prefix of the cached copies.
    """
    folder = Path(folder)
    where = cache_dir()
    if where is None or not folder.is_dir():
        return read(folder)
    key = _content_key(folder, read)
    cached = where / f"{kind}-{key[:32]}.pickle"
    if cached.is_file():
        try:
            with cached.open("rb") as fh:
                store = pickle.load(fh)
            if isinstance(store, Store):
                return store
        except Exception:  # a damaged or foreign file: read the folder instead
            pass
    store = read(folder)
    if _content_key(folder, read) != key:  # rewritten while being read: do not cache a mixture
        return store
    try:
        where.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(store, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cached)
        old = sorted(where.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk only costs the speed-up
    return store
