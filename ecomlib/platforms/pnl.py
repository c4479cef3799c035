"""Platform choice: a per-platform P&L, break-even volume and a weighted scorecard (book 7.1).

The P&L of a platform is built from the shop's own order lines and a fee schedule (one row per
platform: commission, payment fee and advertising take as shares of GMV, fulfilment per order
and a fixed fee per month, all in CNY). Per platform:

* ``gmv`` = revenue of the ``completed`` lines; ``refunds`` = the revenue given back on
  ``returned`` lines (the shop's negative return lines), as a positive amount; ``cancelled`` lines
  carry no revenue, no fee and no cost and are dropped;
* ``cogs`` = quantity x unit cost over completed and returned lines (returned goods go back to
  stock, so their cost is recovered);
* ``commission``, ``payment_fees``, ``ad_take`` = rate x GMV (charged on the sale and not given
  back on a return: a simplification, platforms differ);
* ``fulfilment`` = fulfilment per order x orders, ``fixed_fees`` = fixed fee per month x months;

    contribution = gmv - refunds - cogs - commission - payment_fees - ad_take - fulfilment - fixed_fees

and ``contribution_per_order``, ``_per_customer`` and ``_per_gmv`` divide it by the orders, the
customers and the GMV. Break-even volume of a new platform is ``fixed costs / contribution per
order`` (orders).

The bundled fee schedule (``fee_schedule_illustrative.csv``) holds **invented, illustrative**
numbers for teaching; edit a copy with your own contract's fees and pass its path.

References
----------
Horngren, Datar & Rajan (2015). *Cost Accounting: A Managerial Emphasis*, 15th ed., Pearson,
ch. 3 (contribution margin, break-even point) and ch. 14 (customer-profitability analysis).
Keeney & Raiffa (1976). *Decisions with Multiple Objectives*, Wiley (additive weighted scores).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.engine.rules import COMPLETED, completed_sale, is_ibis, month_number
from ecomlib.errors import DataError, ParameterError
from ecomlib.platforms.groups import codes, distinct_per_group
from ecomlib.platforms.tables import open_table
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = [
    "FEE_COLUMNS",
    "FEE_RATES",
    "PNL_COLUMNS",
    "break_even_volume",
    "platform_pnl",
    "platform_scorecard",
    "read_fee_schedule",
]

#: Shares of GMV in a fee schedule (each in [0, 1)).
FEE_RATES = ("commission_rate", "payment_fee_rate", "ad_take_rate")
#: Every column of a fee schedule; ``platform`` and the numeric ones are required.
FEE_COLUMNS = ("platform", "platform_type", *FEE_RATES, "fulfilment_per_order",
               "fixed_fee_per_month", "start_date", "note")
_FEE_NUMERIC = (*FEE_RATES, "fulfilment_per_order", "fixed_fee_per_month")
#: Output columns of :func:`platform_pnl` after the group column.
PNL_COLUMNS = ("orders", "customers", "gmv", "commission", "payment_fees", "ad_take", "fulfilment",
               "refunds", "cogs", "fixed_fees", "contribution", "contribution_per_order",
               "contribution_per_customer", "contribution_per_gmv")
#: The status of a returned line (its negative revenue is a refund).
RETURNED = "returned"
_STATUSES = (COMPLETED, RETURNED, "cancelled")
ILLUSTRATIVE_FEES = "fee_schedule_illustrative.csv"


def read_fee_schedule(path_or_frame=None) -> pd.DataFrame:
    """Read and check a fee schedule: one row per platform.

    Parameters
    ----------
    path_or_frame : str, Path, DataFrame or None
        A CSV file (the notebook's ``fee_schedule`` parameter), a DataFrame, or None (or "") for
        the bundled illustrative schedule. Required columns: ``platform``, ``commission_rate``,
        ``payment_fee_rate``, ``ad_take_rate`` (shares of GMV, 0 <= rate < 1),
        ``fulfilment_per_order`` (CNY per order) and ``fixed_fee_per_month`` (CNY), both >= 0.
        Optional: ``platform_type``, ``start_date``, ``note``.

    Returns
    -------
    DataFrame
        The :data:`FEE_COLUMNS` (missing optional ones filled: type and note empty, start date
        missing), platform as string, rates and fees as float, ``start_date`` as ``datetime64``.

    Raises
    ------
    DataError
        If the file is missing, a required column is missing, a number is missing, negative or
        a rate is not below 1, or a platform appears twice.

    Examples
    --------
    >>> read_fee_schedule()["platform"].tolist()[:2]
    ['Own site', 'Marketplace A']
    """
    fees, where = open_table(path_or_frame, parameter="fee_schedule", default_file=ILLUSTRATIVE_FEES,
                             file_label="fee schedule", label="fee schedule",
                             not_found_fix="Pass the path of a CSV with one row per platform, or leave "
                                           "`fee_schedule` empty for the bundled illustrative schedule.")
    missing = [c for c in ("platform", *_FEE_NUMERIC) if c not in fees.columns]
    if missing:
        raise DataError(f"{where} lacks the column(s) {missing}; found {[str(c) for c in fees.columns]}.",
                        fix="Start from the bundled fee_schedule_illustrative.csv and keep its header: "
                            + ", ".join(FEE_COLUMNS) + ".")
    for col in _FEE_NUMERIC:
        values = pd.to_numeric(fees[col], errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise DataError(f"{where}: `{col}` must be a number >= 0 on every row.",
                            fix="Fill the missing or negative fees (0 if a platform charges none).")
        fees[col] = values.astype("float64")
    too_big = [c for c in FEE_RATES if (fees[c] >= 1).any()]
    if too_big:
        raise DataError(f"{where}: {too_big} are shares of GMV and must be below 1.",
                        fix="Write 5 % as 0.05, not 5.")
    fees["platform"] = fees["platform"].astype("str")
    if fees["platform"].duplicated().any():
        dup = sorted(fees.loc[fees["platform"].duplicated(), "platform"].unique())
        raise DataError(f"{where}: platform(s) {dup} appear more than once.",
                        fix="Keep one row per platform.")
    for col, empty in (("platform_type", ""), ("note", "")):
        fees[col] = fees[col].fillna(empty).astype("str") if col in fees else pd.Series(empty, index=fees.index, dtype="str")
    fees["start_date"] = pd.to_datetime(fees["start_date"]) if "start_date" in fees else pd.NaT
    fees["start_date"] = fees["start_date"].astype("datetime64[us]")
    return fees[list(FEE_COLUMNS)].reset_index(drop=True)


def _months(months, index: pd.Index, spanned: pd.Series) -> pd.Series:
    if months is None:
        return spanned.reindex(index)
    if isinstance(months, dict | pd.Series):
        given = pd.Series(months, dtype="float64")
        unknown = sorted(set(given.index) - set(index))
        if unknown:
            raise ParameterError(f"`months` names platform(s) {unknown} that have no orders; "
                                 f"platforms: {list(index)}.")
        out = given.reindex(index).fillna(spanned.reindex(index))
    else:
        out = pd.Series(float(months), index=index)
    if (out < 0).any() or not np.isfinite(out.to_numpy()).all():
        raise ParameterError(f"`months` must be finite and >= 0, but {months!r} was passed.")
    return out


def platform_pnl(
    lines: pd.DataFrame,
    fee_schedule=None,
    *,
    by: str = "platform",
    months=None,
    unit_cost_col: str = "unit_cost",
) -> pd.DataFrame:
    """Per-platform P&L of the shop's order lines under a fee schedule (CNY).

    Parameters
    ----------
    lines : DataFrame or ibis Table
        Order lines with ``by`` (the platform), ``order_id``, ``order_date``, ``customer_id``
        (missing allowed), ``revenue`` (CNY; negative on returned lines), ``quantity``,
        ``unit_cost_col`` (CNY per unit) and ``status`` (completed / returned / cancelled).
    fee_schedule : DataFrame, path or None
        Read through :func:`read_fee_schedule` (None: the bundled illustrative schedule). Every
        platform of the lines needs a row.
    by : str, default "platform"
        Column naming the platform of each line; it must match the schedule's ``platform``.
    months : float, dict or Series, optional
        Months of fixed fees per platform (one number for all, or per platform). Default: the
        calendar months from the platform's first to its last order, both included.
    unit_cost_col : str, default "unit_cost"
        Unit cost column.

    An ibis Table (DuckDB, a warehouse), or a frame large enough for the engine setting
    (:func:`ecomlib.engine.choose_engine`), is summed per platform and status there
    (:func:`ecomlib.engine.platforms.platform_status_sums`); only that small table comes back
    and the fees are applied to it in pandas, as on the pandas path.

    Returns
    -------
    DataFrame
        One row per platform (sorted by contribution, largest first): ``by`` and
        :data:`PNL_COLUMNS`; amounts in CNY, ``contribution_per_gmv`` a share. Customers count
        known customer ids only (``contribution_per_customer`` is NaN without any).

    Raises
    ------
    DataError
        If no line is completed, a status is unknown, or a platform has no fee-schedule row.

    Examples
    --------
    >>> lines = pd.DataFrame({"platform": ["Own site"] * 2, "order_id": ["o1", "o2"],
    ...     "order_date": pd.to_datetime(["2024-01-03", "2024-01-09"]), "customer_id": ["c1", "c1"],
    ...     "revenue": [100.0, 50.0], "quantity": [1, 1], "unit_cost": [40.0, 20.0],
    ...     "status": ["completed"] * 2})
    >>> fees = pd.DataFrame({"platform": ["Own site"], "commission_rate": [0.1],
    ...     "payment_fee_rate": [0.0], "ad_take_rate": [0.0], "fulfilment_per_order": [5.0],
    ...     "fixed_fee_per_month": [10.0]})
    >>> float(platform_pnl(lines, fees)["contribution"].iloc[0])   # 150 - 60 - 15 - 10 - 10
    55.0
    """
    fees = read_fee_schedule(fee_schedule).set_index("platform")
    if route(lines) == "ibis":
        from ecomlib.engine import platforms as engine

        if not is_ibis(lines):
            _check_lines(lines, by, unit_cost_col)
            lines = _with_dates(lines)
        cells = engine.platform_status_sums(lines, by=by, unit_cost_col=unit_cost_col)
        sums, statuses, n_sales = _from_status_cells(cells)
    else:
        _check_lines(lines, by, unit_cost_col)
        sums, statuses, n_sales = _line_sums(_with_dates(lines), by, unit_cost_col)
    return _apply_fees(sums, statuses, n_sales, fees, by, months)


def _check_lines(lines: pd.DataFrame, by: str, unit_cost_col: str) -> None:
    check_frame(lines, "lines")
    needed = [by, "order_id", "order_date", "customer_id", "revenue", "quantity", unit_cost_col, "status"]
    check_columns(lines, needed, "lines")
    check_numeric(lines, ["revenue", "quantity", unit_cost_col], "lines")


def _with_dates(lines: pd.DataFrame) -> pd.DataFrame:
    """``lines`` with naive timestamps as order dates (a time zone's dates keep their local month)."""
    dates = lines["order_date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates)
    elif not isinstance(dates.dtype, pd.DatetimeTZDtype):
        return lines
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    return lines.assign(order_date=dates)


def _sale_and_kept(status):
    """Completed lines (the sales) and the lines a P&L reads (completed or returned)."""
    return completed_sale(status), completed_sale(status, (COMPLETED, RETURNED))


def _line_sums(lines: pd.DataFrame, by: str, unit_cost_col: str):
    """The per-platform sums of the pandas path (numpy codes and bincounts)."""
    status, status_names = codes(lines["status"].astype("str"))
    sale, keep = (np.append(np.asarray(m, dtype=bool), False)[status] for m in _sale_and_kept(pd.Series(status_names)))
    platform, names = codes(lines[by].astype("str"))
    n_sales = int(sale.sum())
    platform = np.where(keep, platform, -1)  # cancelled lines belong to no platform
    revenue = lines["revenue"].to_numpy(dtype=float)
    cost = lines["quantity"].to_numpy(dtype=float) * lines[unit_cost_col].to_numpy(dtype=float)
    used = platform >= 0
    p = platform[used]

    def total(weights) -> np.ndarray:
        return np.bincount(p, weights=weights[used], minlength=len(names))

    sold_platform = np.where(sale, platform, -1)
    sums = pd.DataFrame({
        "orders": distinct_per_group(codes(lines["order_id"])[0], sold_platform, len(names)),
        "customers": distinct_per_group(codes(lines["customer_id"])[0], sold_platform, len(names)),
        "gmv": total(np.where(sale, revenue, 0.0)), "refunds": total(np.where(sale, 0.0, np.abs(revenue))),
        "cogs": total(cost), "sales": np.bincount(sold_platform[sale & used], minlength=len(names)),
        "lines": np.bincount(p, minlength=len(names)),
    }, index=pd.Index(names.astype("str"), name="platform"))  # fmt: skip
    dates = lines["order_date"].to_numpy()
    month = np.where(np.isnat(dates), np.nan, month_number(np.where(np.isnat(dates), np.datetime64(0, "us"), dates)))
    span = pd.Series(month[sale & used]).groupby(platform[sale & used]).agg(["min", "max"])
    sums["spanned"] = (span["max"] - span["min"] + 1).reindex(np.arange(len(names))).to_numpy()
    return sums[sums["lines"] > 0].drop(columns="lines"), list(status_names), n_sales


def _from_status_cells(cells: pd.DataFrame):
    """The per-platform sums of the engine path, from its (platform, status) cells."""
    sale, keep = (np.asarray(m, dtype=bool) for m in _sale_and_kept(cells["status"]))
    n_sales = int(cells.loc[sale, "lines"].sum())
    statuses = sorted(str(s) for s in cells["status"].dropna().unique())
    kept = cells[keep & cells["platform"].notna().to_numpy()]
    kept_sale = np.asarray(completed_sale(kept["status"]), dtype=bool)
    sold = kept[kept_sale].set_index("platform")
    names = pd.Index(sorted(str(p) for p in kept["platform"].unique()), name="platform")
    sums = pd.DataFrame({
        "orders": sold["orders"].reindex(names).fillna(0).astype("int64"),
        "customers": sold["customers"].reindex(names).fillna(0).astype("int64"),
        "gmv": sold["revenue"].reindex(names).fillna(0.0),
        "refunds": kept[~kept_sale].groupby("platform")["abs_revenue"].sum().reindex(names).fillna(0.0),
        "cogs": kept.groupby("platform")["cogs"].sum().reindex(names),
        "sales": sold["lines"].reindex(names).fillna(0).astype("int64"),
        "spanned": (sold["last_month"] - sold["first_month"] + 1).reindex(names),
    }, index=names)  # fmt: skip
    return sums, statuses, n_sales


def _apply_fees(sums: pd.DataFrame, statuses, n_sales: int, fees: pd.DataFrame, by: str, months) -> pd.DataFrame:
    """The P&L of each platform with a sale from its sums (shared by the pandas and engine paths)."""
    unknown = sorted(set(statuses) - set(_STATUSES))
    if unknown:
        raise DataError(f"`lines.status` holds {unknown}; allowed: {list(_STATUSES)}.",
                        fix="Map your export's statuses onto completed / returned / cancelled.")
    if n_sales == 0:
        raise DataError("`lines` has no completed line, so no platform has any sale.")
    missing = sorted(set(sums.index) - set(fees.index))
    if missing:
        raise DataError(f"Platform(s) {missing} of `lines` have no row in the fee schedule "
                        f"(it has {list(fees.index)}).",
                        fix="Add a row per platform to the fee schedule, or rename the platforms.")
    out = sums[sums["sales"] > 0].copy()
    rate = fees.loc[out.index]
    out["orders"] = out["orders"].astype("int64")
    out["customers"] = out["customers"].astype("int64")
    out["commission"] = rate["commission_rate"] * out["gmv"]
    out["payment_fees"] = rate["payment_fee_rate"] * out["gmv"]
    out["ad_take"] = rate["ad_take_rate"] * out["gmv"]
    out["fulfilment"] = rate["fulfilment_per_order"] * out["orders"]
    out["fixed_fees"] = rate["fixed_fee_per_month"] * _months(months, out.index, out["spanned"].astype("float64"))
    costs = ["refunds", "cogs", "commission", "payment_fees", "ad_take", "fulfilment", "fixed_fees"]
    out["contribution"] = out["gmv"] - out[costs].sum(axis=1)
    out["contribution_per_order"] = out["contribution"] / out["orders"]
    out["contribution_per_customer"] = out["contribution"] / out["customers"].where(out["customers"] > 0)
    out["contribution_per_gmv"] = out["contribution"] / out["gmv"].where(out["gmv"] > 0)
    out = out.rename_axis(by).reset_index()
    out[by] = out[by].astype("str")
    return out[[by, *PNL_COLUMNS]].sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)


def break_even_volume(fixed_costs, contribution_per_order):
    """Orders needed for a platform's contribution to cover its fixed costs.

    Parameters
    ----------
    fixed_costs : float or array-like
        Fixed costs to recover (CNY: set-up, deposit, monthly fees over the horizon), >= 0.
    contribution_per_order : float or array-like
        Contribution per order before fixed costs (CNY).

    Returns
    -------
    float or ndarray
        ``fixed_costs / contribution_per_order`` orders; ``inf`` where the contribution per order
        is zero or negative (no volume breaks even). A scalar for scalar inputs.

    Examples
    --------
    >>> break_even_volume(30_000, 25.0)
    1200.0
    >>> break_even_volume(30_000, -2.0)
    inf
    """
    fixed = np.asarray(fixed_costs, dtype=float)
    unit = np.asarray(contribution_per_order, dtype=float)
    if not (np.isfinite(fixed).all() and (fixed >= 0).all()):
        raise ParameterError(f"`fixed_costs` must be finite and >= 0, but {fixed_costs!r} was passed.")
    if np.isnan(unit).any():
        raise ParameterError("`contribution_per_order` holds a missing value.")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(unit > 0, fixed / np.where(unit > 0, unit, 1.0), np.inf)
    return float(out) if out.ndim == 0 else out


def platform_scorecard(table: pd.DataFrame, weights: dict, *, by: str = "platform",
                       lower_is_better=()) -> pd.DataFrame:
    """Weighted score of each platform over chosen criteria, and its rank.

    Each criterion is rescaled to 0-1 across the platforms (min-max: the best platform gets 1,
    the worst 0; a criterion equal for all gives 0.5 to all), then

        score = sum_k w_k x scaled_k / sum_k w_k

    so the weights are normalised and need not sum to 1.

    Parameters
    ----------
    table : DataFrame
        One row per platform: ``by`` and a numeric column per criterion (e.g. the output of
        :func:`platform_pnl`, plus columns you add such as ``reach`` or ``brand_fit`` scores).
    weights : dict of str to float
        Criterion (column) -> weight >= 0; at least one weight > 0.
    by : str, default "platform"
        Name column.
    lower_is_better : sequence of str
        Criteria where less is better (e.g. ``"return_rate"``); their scale is reversed.

    Returns
    -------
    DataFrame
        ``by``, one ``<criterion>_scaled`` column per criterion, ``score`` (0-1) and ``rank``
        (1 = best; ties share the smaller rank), sorted by rank.

    Raises
    ------
    ParameterError
        On an unknown criterion, a negative or missing weight, or all weights zero.

    Examples
    --------
    >>> t = pd.DataFrame({"platform": ["A", "B"], "margin": [10.0, 20.0], "reach": [5.0, 1.0]})
    >>> platform_scorecard(t, {"margin": 3, "reach": 1})[["platform", "score"]].to_dict("list")
    {'platform': ['B', 'A'], 'score': [0.75, 0.25]}
    """
    check_frame(table, "table")
    check_columns(table, [by], "table")
    if not isinstance(weights, dict) or not weights:
        raise ParameterError("`weights` must be a non-empty dict of criterion -> weight, "
                             f"but {weights!r} was passed.")
    candidates = [c for c in table.columns if c != by and pd.api.types.is_numeric_dtype(table[c])]
    unknown = [k for k in weights if k not in candidates]
    if unknown:
        raise ParameterError(f"`weights` names criteria {unknown} that are not numeric columns of `table`; "
                             f"criteria available: {candidates}.",
                             fix="Use column names of the table as keys, or add the column first.")
    bad_lower = [k for k in lower_is_better if k not in weights]
    if bad_lower:
        raise ParameterError(f"`lower_is_better` names {bad_lower}, which have no weight.")
    w = pd.Series(weights, dtype="float64")
    if w.isna().any() or (w < 0).any() or not np.isfinite(w.to_numpy()).all():
        raise ParameterError(f"Weights must be finite numbers >= 0, but {weights!r} was passed.")
    if w.sum() <= 0:
        raise ParameterError("At least one weight must be above 0.")
    values = table[list(w.index)].astype("float64")
    if values.isna().any().any():
        raise DataError("`table` has missing values in the scored criteria "
                        f"{[c for c in values if values[c].isna().any()]}.",
                        fix="Fill them (or drop the platform) before scoring.")
    low, high = values.min(), values.max()
    spread = (high - low).where(high > low)
    scaled = ((values - low) / spread).fillna(0.5)
    for col in lower_is_better:
        scaled[col] = 1.0 - scaled[col]
    out = pd.DataFrame({by: table[by].astype("str").to_numpy()})
    for col in w.index:
        out[f"{col}_scaled"] = scaled[col].to_numpy()
    out["score"] = scaled.to_numpy() @ (w / w.sum()).to_numpy()
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("int64")
    return out.sort_values(["rank", by], kind="stable").reset_index(drop=True)
