"""Why did GMV change? Split a change between two periods into its drivers' contributions.

With ``GMV = visitors x conversion rate x units per order x price per unit`` a change of
GMV from a base period 0 to a current period 1 is split into one contribution per driver
that add up **exactly** to the change, with no residual "interaction" term.

Two methods are offered; both are exact:

``method="log"`` (default) — the log-mean Divisia index (LMDI-I, Ang 2004)::

    contribution_i = L(GMV_1, GMV_0) x ln(x_i1 / x_i0),   L(a, b) = (a - b) / (ln a - ln b)

Because ``ln(GMV_1/GMV_0)`` is the sum of the drivers' log changes, the contributions sum
to ``L x ln(GMV_1/GMV_0) = GMV_1 - GMV_0``. It is the default because it is one line a
student can compute by hand, treats all drivers symmetrically, does not depend on the
order in which drivers are changed, and is the standard of index decomposition analysis.
It needs every driver to be positive in both periods.

``method="shapley"`` — the Shapley value: each driver's contribution is its marginal
effect on GMV averaged over every order in which the drivers could be switched from
base to current values (Shorrocks 2013). Also exact and order-free; it also works when a
driver is zero in one period (a channel that did not exist yet), where logs fail.

References
----------
Ang, B. W. (2004). Decomposition analysis for policymaking in energy: which is the
preferred method? *Energy Policy* 32(9), 1131-1139.
Ang, B. W. (2015). LMDI decomposition approach: A guide for implementation.
*Energy Policy* 86, 233-238.
Shorrocks, A. F. (2013). Decomposition procedures for distributional analysis: a unified
framework based on the Shapley value. *Journal of Economic Inequality* 11, 99-126.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.basics.kpi_tree import DRIVERS, ORDER_DRIVERS, KPITree, kpi_tree
from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.validation import check_argument, check_columns, check_frame

__all__ = [
    "METHODS",
    "Decomposition",
    "ComparisonPeriods",
    "compare_periods",
    "comparison_periods",
    "decompose_change",
    "what_if",
    "year_on_year_periods",
]

METHODS = ("log", "shapley")


@dataclass(frozen=True)
class Decomposition:
    """Contributions of each driver to a change of GMV.

    Attributes
    ----------
    table : DataFrame
        One row per group (and a ``"total"`` row, the sum over groups) with ``gmv_base``,
        ``gmv_current``, ``change`` (CNY) and one column per driver holding its
        contribution (CNY). The driver columns of each row add up to ``change`` exactly
        (to floating-point precision).
    drivers : tuple of str
        The driver columns, in tree order.
    method : str
        ``"log"`` (LMDI-I) or ``"shapley"``.
    base_drivers, current_drivers : DataFrame
        The driver values in each period, one row per group.
    note : str or None
        Set when the method asked for could not be used and another one was (a group with a
        zero driver under ``zero_driver="shapley"``): one sentence for the report.
    """

    table: pd.DataFrame
    drivers: tuple[str, ...]
    method: str
    base_drivers: pd.DataFrame
    current_drivers: pd.DataFrame
    note: str | None = None

    @property
    def change(self) -> float:
        """Total change of GMV (CNY)."""
        return float(self.table.loc["total", "change"])

    @property
    def contributions(self) -> pd.DataFrame:
        """Only the driver columns (CNY)."""
        return self.table[list(self.drivers)].copy()

    def largest_driver(self, row: str = "total") -> str:
        """The driver with the largest contribution in absolute value (a rise or a fall)."""
        return str(self.contributions.loc[row].abs().idxmax())

    def headline(self) -> str:
        """One line for people: ``"GMV ¥1.20M -> ¥1.32M (+10.0%); largest driver: visitors"``."""
        from ecomlib.viz import fmt_cny, fmt_pct

        r = self.table.loc["total"]
        pct = fmt_pct(r["change"] / r["gmv_base"], signed=True) if r["gmv_base"] else "n/a"
        return (
            f"GMV {fmt_cny(r['gmv_base'], compact=True)} -> {fmt_cny(r['gmv_current'], compact=True)}"
            f" ({pct}); largest driver: {self.largest_driver()}"
        )

    def summary(self) -> pd.DataFrame:
        """The table plus each driver's share of the change (``share_<driver>``, fraction)."""
        out = self.table.copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            for d in self.drivers:
                out[f"share_{d}"] = out[d] / out["change"]
        return out


def _log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """L(a, b) = (a - b) / (ln a - ln b), with L(a, a) = a."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b, rtol=1e-12, atol=0.0), a, out)


def _lmdi(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    g0, g1 = x0.prod(axis=1), x1.prod(axis=1)
    return _log_mean(g1, g0)[:, None] * np.log(x1 / x0)


def _shapley(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    n = x0.shape[1]
    out = np.zeros_like(x0, dtype=float)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                switched = np.zeros(n, dtype=bool)
                switched[list(subset)] = True
                without = np.where(switched, x1, x0).prod(axis=1)
                switched[i] = True
                with_i = np.where(switched, x1, x0).prod(axis=1)
                out[:, i] += weight * (with_i - without)
    return out


ZERO_DRIVER = ("raise", "shapley")


def _decompose(base: pd.DataFrame, current: pd.DataFrame, drivers: Sequence[str],
               method: str, zero_driver: str = "raise") -> Decomposition:
    check_argument("method", METHODS, method)
    check_argument("zero_driver", ZERO_DRIVER, zero_driver)
    drivers = tuple(drivers)
    index = base.index.union(current.index, sort=False)
    b = base.reindex(index)[list(drivers)].astype(float).fillna(0.0)
    c = current.reindex(index)[list(drivers)].astype(float).fillna(0.0)
    x0, x1 = b.to_numpy(), c.to_numpy()
    if not (np.isfinite(x0).all() and np.isfinite(x1).all()):
        raise NotIdentifiableError(
            "A driver is undefined (for example a conversion rate with no visitors) in one "
            "of the periods, so its contribution cannot be computed.",
            fix="Check that both periods have traffic and orders in every group.",
        )
    note = None
    if method == "log":
        bad = (x0 <= 0).any(axis=1) | (x1 <= 0).any(axis=1)
        if bad.any() and zero_driver == "shapley":
            method = "shapley"
            names = ", ".join(repr(str(g)) for g in index[bad])
            note = (f"{names} had a driver of zero in one period (no sales or no visitors there), "
                    f"where the log (LMDI) split is undefined: the change is split by the Shapley "
                    f"method instead")
        elif bad.any():
            raise NotIdentifiableError(
                f"The log (LMDI) decomposition needs every driver above zero in both periods, "
                f"but group(s) {list(index[bad])} have a zero driver.",
                fix="Use method='shapley' (or zero_driver='shapley'), which handles zeros, or "
                    "drop those groups.",
            )
    contrib = _lmdi(x0, x1) if method == "log" else _shapley(x0, x1)
    table = pd.DataFrame(contrib, index=index, columns=list(drivers))
    table.insert(0, "change", x1.prod(axis=1) - x0.prod(axis=1))
    table.insert(0, "gmv_current", x1.prod(axis=1))
    table.insert(0, "gmv_base", x0.prod(axis=1))
    if len(index) > 1 or index[0] != "total":
        table.loc["total"] = table.sum(axis=0)
    return Decomposition(table=table, drivers=drivers, method=method,
                         base_drivers=b, current_drivers=c, note=note)


def decompose_change(base: KPITree, current: KPITree, *, method: str = "log",
                     zero_driver: str = "raise") -> Decomposition:
    """Split the change of GMV from ``base`` to ``current`` into driver contributions.

    Parameters
    ----------
    base, current : KPITree
        Trees of the two periods from :func:`~ecomlib.basics.kpi_tree`, both ungrouped or
        both by channel. With sessions the drivers are visitors, conversion rate, units per
        order and price per unit; without (in either period) orders, units per order and
        price per unit.
    method : {"log", "shapley"}
        LMDI-I log decomposition (default) or Shapley decomposition; see the module notes.
    zero_driver : {"raise", "shapley"}
        What ``method="log"`` does when a group has a driver of zero in one period (a
        channel without sales in the base period), where logs are undefined: raise
        :class:`~ecomlib.errors.NotIdentifiableError` (default), or split the whole table by
        the Shapley method and say so in :attr:`Decomposition.note`.

    Returns
    -------
    Decomposition
        ``table`` has one row per channel plus ``"total"``; in every row the driver columns
        add up exactly to ``change`` (CNY).

    Examples
    --------
    A shop went from 1,000 visitors x 2 % x 1 unit x ¥100 (GMV ¥2,000) to 1,100 visitors
    x 2 % x 1 unit x ¥100 (GMV ¥2,200): the whole ¥200 is the visitors' contribution.
    """
    for name, tree in (("base", base), ("current", current)):
        if not isinstance(tree, KPITree):
            raise ParameterError(
                f"`{name}` must be a KPITree from ecomlib.basics.kpi_tree, but a "
                f"{type(tree).__name__} was passed."
            )
    if base.by != current.by:
        raise ParameterError(
            f"`base` and `current` must have the same grouping, but they are grouped by "
            f"{list(base.by)} and {list(current.by)}."
        )
    if "month" in base.by:
        raise ParameterError(
            "`base` and `current` must be trees of whole periods (ungrouped or by channel), not "
            "by month.",
            fix="Build each period's tree with kpi_tree(..., by='channel') or use compare_periods.",
        )
    drivers = DRIVERS if (base.has_traffic and current.has_traffic) else ORDER_DRIVERS
    return _decompose(base.table, current.table, drivers, method, zero_driver)


def _period(param: str, value) -> tuple[pd.Timestamp, pd.Timestamp]:
    try:
        lo, hi = value
        lo, hi = pd.Timestamp(lo).normalize(), pd.Timestamp(hi).normalize()
    except (TypeError, ValueError):
        raise ParameterError(
            f"`{param}` must be a pair of dates (first day, last day), e.g. "
            f"('2024-01-01', '2024-06-30'), but {value!r} was passed."
        ) from None
    if hi < lo:
        raise ParameterError(f"`{param}` ends before it starts: {value!r}.")
    return lo, hi


def _between(frame: pd.DataFrame, col: str, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    dates = pd.to_datetime(frame[col])
    return frame.loc[(dates >= lo) & (dates < hi + pd.Timedelta(days=1))]


def compare_periods(
    transactions: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    *,
    base: tuple,
    current: tuple,
    by: str | None = None,
    method: str = "log",
    zero_driver: str = "raise",
    date_col: str = "order_date",
    session_date_col: str = "date",
    **tree_kwargs,
) -> Decomposition:
    """Decompose the change of GMV between two date ranges, overall or by channel.

    Parameters
    ----------
    transactions, sessions : DataFrame
        As for :func:`~ecomlib.basics.kpi_tree`.
    base, current : (date, date)
        First and last day (inclusive) of each period, e.g. ``("2024-01-01", "2024-03-31")``.
        Periods of different length are compared as they are (totals, not daily rates).
    by : {None, "channel"}
        Decompose each channel's change (the ``"total"`` row then sums the channels).
    method : {"log", "shapley"}
        See :func:`decompose_change`.
    zero_driver : {"raise", "shapley"}
        See :func:`decompose_change`: ``"shapley"`` splits by the Shapley method when a group
        had no sales in one period, and says so in ``note``.
    **tree_kwargs
        Column names and options passed to :func:`~ecomlib.basics.kpi_tree`.

    Returns
    -------
    Decomposition
    """
    check_argument("by", (None, "channel"), by)
    b0, b1 = _period("base", base)
    c0, c1 = _period("current", current)
    check_frame(transactions, "transactions")
    check_columns(transactions, [date_col], "transactions")
    if sessions is not None:
        check_frame(sessions, "sessions")
        check_columns(sessions, [session_date_col], "sessions")
    trees = []
    for lo, hi in ((b0, b1), (c0, c1)):
        tx = _between(transactions, date_col, lo, hi)
        ss = None if sessions is None else _between(sessions, session_date_col, lo, hi)
        if tx.empty:
            raise DataError(
                f"No transactions between {lo.date()} and {hi.date()}.",
                fix="Choose periods inside the data's date range.",
            )
        trees.append(kpi_tree(tx, ss, by=by, date_col=date_col, session_date_col=session_date_col,
                              **tree_kwargs))
    return decompose_change(trees[0], trees[1], method=method, zero_driver=zero_driver)


def what_if(
    tree: KPITree,
    visitors: float = 0.0,
    conversion_rate: float = 0.0,
    units_per_order: float = 0.0,
    price_per_unit: float = 0.0,
    *,
    method: str = "log",
) -> Decomposition:
    """GMV after moving each driver of ``tree``'s total by a relative change.

    Parameters
    ----------
    tree : KPITree
        The starting point (its :meth:`KPITree.total` row), with traffic.
    visitors, conversion_rate, units_per_order, price_per_unit : float
        Relative change of each driver, as a fraction (``0.1`` = +10 %, ``-0.2`` = -20 %).
    method : {"log", "shapley"}

    Returns
    -------
    Decomposition
        ``gmv_base`` is today's GMV, ``gmv_current`` the scenario's, and the driver columns
        show how much each move adds. Moves multiply: +10 % visitors and +10 % conversion
        give +21 % GMV.

    Examples
    --------
    >>> # what_if(tree, visitors=0.1, price_per_unit=-0.05).change
    """
    if not isinstance(tree, KPITree):
        raise ParameterError(f"`tree` must be a KPITree, but a {type(tree).__name__} was passed.")
    if not tree.has_traffic:
        raise ParameterError(
            "`tree` has no traffic data, so visitors and conversion cannot be moved.",
            fix="Build the tree with sessions: kpi_tree(transactions, sessions).",
        )
    moves = {"visitors": visitors, "conversion_rate": conversion_rate,
             "units_per_order": units_per_order, "price_per_unit": price_per_unit}
    for name, value in moves.items():
        try:
            ok = float(value) > -1 and np.isfinite(float(value))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ParameterError(
                f"`{name}` must be a relative change above -1 (e.g. 0.1 for +10 %), but "
                f"{value!r} was passed."
            )
    now = tree.total()[list(DRIVERS)].to_frame().T
    now.index = pd.Index(["total"])
    scenario = now * pd.Series({k: 1.0 + float(v) for k, v in moves.items()})
    return _decompose(now, scenario, DRIVERS, method)


def year_on_year_periods(
    transactions: pd.DataFrame, months: int = 6, *, date_col: str = "order_date"
) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """The last ``months`` whole calendar months of the data and the same months a year earlier.

    Comparing with the same season a year before keeps festivals (618, Double 11) and
    the yearly rhythm out of the change.

    Parameters
    ----------
    transactions : DataFrame
        With ``order_date``.
    months : int
        Length of each period in calendar months (1-12).

    Returns
    -------
    (base, current)
        Each a pair (first day, last day), ready for :func:`compare_periods`. A last month
        that is not complete in the data is left out.
    """
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or not 1 <= months <= 12:
        raise ParameterError(f"`months` must be a whole number from 1 to 12, but {months!r} was passed.")
    check_frame(transactions, "transactions")
    check_columns(transactions, [date_col], "transactions")
    dates = pd.to_datetime(transactions[date_col])
    first, last = dates.min().normalize(), dates.max().normalize()
    end = last if (last + pd.Timedelta(days=1)).day == 1 else last.replace(day=1) - pd.Timedelta(days=1)
    start = (end.replace(day=1) - pd.DateOffset(months=months - 1)).normalize()
    base_start, base_end = start - pd.DateOffset(years=1), end.replace(day=1) - pd.DateOffset(years=1)
    base_end = base_end + pd.offsets.MonthEnd(0)
    if base_start < first:
        raise DataError(
            f"The data run from {first.date()} to {last.date()}, too short to compare the last "
            f"{months} month(s) with the same months a year earlier.",
            fix="Choose fewer months, or pass your own periods to compare_periods.",
        )
    return (base_start, base_end), (start, end)


@dataclass(frozen=True)
class ComparisonPeriods:
    """Two periods to compare: ``base`` and ``current`` as (first day, last day), and ``kind``."""

    base: tuple[pd.Timestamp, pd.Timestamp]
    current: tuple[pd.Timestamp, pd.Timestamp]
    kind: str

    def describe(self) -> str:
        """``"2024-07-01..2024-12-31 vs 2023-07-01..2023-12-31 (year on year)"``."""
        def span(p):
            return f"{p[0].date()}..{p[1].date()}"

        return f"{span(self.current)} vs {span(self.base)} ({self.kind})"


def comparison_periods(
    transactions: pd.DataFrame,
    months: int = 6,
    *,
    strict: bool = True,
    date_col: str = "order_date",
) -> ComparisonPeriods | None:
    """Year-on-year periods when the data are long enough, else the previous ``months``.

    The last ``months`` whole calendar months are compared with the same months a year
    earlier (:func:`year_on_year_periods`). With less than a year and ``months`` of data
    they are compared with the ``months`` just before them instead (``kind`` says which;
    seasonality then moves GMV too, so read the result with care).

    Parameters
    ----------
    transactions : DataFrame
        With ``order_date``.
    months : int
        Length of each period in whole calendar months (1-12).
    strict : bool, default True
        When the data hold fewer than ``2 x months`` whole months: raise
        :class:`~ecomlib.errors.DataError` (True) or return None (False, for notebooks that
        then skip the comparison with a note).

    Returns
    -------
    ComparisonPeriods or None
    """
    try:
        base, current = year_on_year_periods(transactions, months, date_col=date_col)
        return ComparisonPeriods(base, current, "year on year")
    except DataError:
        pass
    try:
        return _previous_periods(transactions, months, date_col)
    except DataError:
        if strict:
            raise
        return None


def _previous_periods(transactions, months, date_col) -> ComparisonPeriods:
    dates = pd.to_datetime(transactions[date_col])
    first, last = dates.min().normalize(), dates.max().normalize()
    end = last if (last + pd.Timedelta(days=1)).day == 1 else last.replace(day=1) - pd.Timedelta(days=1)
    start = (end.replace(day=1) - pd.DateOffset(months=months - 1)).normalize()
    base_start = start - pd.DateOffset(months=months)
    base_end = start - pd.Timedelta(days=1)
    if base_start < first:
        whole = _whole_months(first, end)
        fewer = (f"lower `compare_months` to at most {whole // 2}, or supply a longer export"
                 if whole >= 2 else "supply orders covering at least 2 whole calendar months")
        raise DataError(
            f"Comparing two periods of {months} whole month(s) needs at least {2 * months} whole "
            f"calendar months of orders (2 x compare_months), but the data run from "
            f"{first.date()} to {last.date()}: {whole} whole month(s), too short; {fewer}.",
            fix=fewer[0].upper() + fewer[1:] + ".",
        )
    return ComparisonPeriods((base_start, base_end), (start, end), "previous period")


def _whole_months(first: pd.Timestamp, end: pd.Timestamp) -> int:
    """Calendar months that lie wholly between ``first`` and ``end`` (the last whole month's end)."""
    begin = first if first.day == 1 else first + pd.offsets.MonthBegin(1)
    return max(0, (end.year - begin.year) * 12 + end.month - begin.month + 1)
