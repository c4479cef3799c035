"""Market shares and concentration: shares, HHI, CRn and guideline bands.

The Herfindahl-Hirschman index (HHI) is the sum of squared market shares, with shares in
percent, so it runs from near 0 (many tiny firms) to 10,000 (one firm):

    HHI = sum_i (100 * s_i) ** 2        CRn = sum of the n largest shares

Merger screens (the HHI change of a hypothetical merger) are in :mod:`ecomlib.market.merger`.

Nothing here assumes the "firms" are companies: the same functions measure how concentrated
a shop's suppliers, channels or customers are (the risk chapter, on book chapter 9, reuses them).

References
----------
U.S. Department of Justice and Federal Trade Commission (1992, rev. 1997), *Horizontal Merger
Guidelines*, section 1.5 (bands 1,000 / 1,800 and the worked HHI example).
U.S. DoJ and FTC (2010), *Horizontal Merger Guidelines*, section 5.3 (bands 1,500 / 2,500).
U.S. DoJ and FTC (2023), *Merger Guidelines*, guideline 1 (HHI above 1,800 is highly
concentrated; a change above 100 in such a market is presumed to lessen competition).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_argument, check_columns, check_frame, check_numeric

__all__ = [
    "HHI_BANDS",
    "ConcentrationResult",
    "concentration",
    "concentration_by_period",
    "hhi_band",
    "market_shares",
]

#: Concentration bands on the 0-10,000 HHI scale: (moderate from, high above).
#: "2023": the 2023 Merger Guidelines threshold 1,800 with the long-used 1,000 lower band
#: (the same numbers as the 1992 guidelines); "2010": the 2010 guidelines' 1,500 / 2,500.
HHI_BANDS: dict[str, tuple[float, float]] = {"2023": (1000.0, 1800.0), "2010": (1500.0, 2500.0)}


def hhi_band(hhi: float, bands: str = "2023") -> str:
    """Name the concentration band of an HHI value (0-10,000 scale).

    Parameters
    ----------
    hhi : float
        Herfindahl-Hirschman index on the 0-10,000 scale.
    bands : {"2023", "2010"}
        Which guideline bands: 2023 (above 1,800 highly, 1,000-1,800 moderately concentrated)
        or 2010 (above 2,500 highly, 1,500-2,500 moderately).

    Returns
    -------
    str
        ``"unconcentrated"``, ``"moderately concentrated"`` or ``"highly concentrated"``.

    Examples
    --------
    >>> hhi_band(1540), hhi_band(1540, bands="2010")
    ('moderately concentrated', 'moderately concentrated')
    """
    check_argument("bands", list(HHI_BANDS), str(bands))
    low, high = HHI_BANDS[str(bands)]
    if hhi > high:
        return "highly concentrated"
    if hhi >= low:
        return "moderately concentrated"
    return "unconcentrated"


def market_shares(
    df: pd.DataFrame,
    by: str = "company",
    value: str = "sales",
    period: str | None = None,
) -> pd.DataFrame:
    """Each firm's share of the total ``value``, overall or within each period.

    Parameters
    ----------
    df : DataFrame
        One row per firm (and period), or raw lines such as transactions: rows of the same
        firm and period are summed first. Required columns: ``by``, ``value`` (and ``period``).
    by : str, default "company"
        Column naming the firm (or category, supplier, channel, ...).
    value : str, default "sales"
        Numeric column to share out, e.g. sales in CNY; negative totals are an error.
    period : str, optional
        Column such as ``"year"``; shares then sum to 1 within each period.

    Returns
    -------
    DataFrame
        Columns ``[period,] by, value, share, rank``; ``share`` is a fraction (0-1) of the
        period's total, ``rank`` 1 for the largest firm. Sorted by period, then rank.

    Examples
    --------
    >>> df = pd.DataFrame({"company": ["a", "b", "a"], "sales": [30.0, 50.0, 20.0]})
    >>> market_shares(df)["share"].tolist()
    [0.5, 0.5]
    """
    df = check_frame(df, "df")
    keys = [by] if period is None else [period, by]
    check_columns(df, [*keys, value], param="df")
    check_numeric(df, [value], param="df")
    totals = df.groupby(keys, sort=False, observed=True, dropna=False)[value].sum().reset_index()
    if (totals[value] < 0).any():
        bad = totals.loc[totals[value] < 0, by].astype(str).tolist()[:5]
        raise DataError(
            f"`{value}` sums to a negative amount for {bad}; shares need non-negative totals.",
            fix="Filter out returns or cancelled lines before computing shares.",
        )
    group_total = (
        totals[value].sum() if period is None else totals.groupby(period)[value].transform("sum")
    )
    if np.any(np.asarray(group_total) <= 0):
        raise DataError(f"`{value}` totals zero in at least one period; a share is undefined.")
    totals["share"] = totals[value] / group_total
    order = ["share"] if period is None else [period, "share"]
    totals = totals.sort_values(order, ascending=[False] if period is None else [True, False])
    if period is None:
        totals["rank"] = np.arange(1, len(totals) + 1)
    else:
        totals["rank"] = totals.groupby(period).cumcount() + 1
    return totals.reset_index(drop=True)


def _share_vector(shares, share_col: str, scale: str) -> np.ndarray:
    """Return the shares as fractions (0-1), whatever form they were passed in."""
    if isinstance(shares, pd.DataFrame):
        check_frame(shares, "shares")
        check_columns(shares, [share_col], param="shares")
        check_numeric(shares, [share_col], param="shares")
        values = shares[share_col].to_numpy(dtype=float)
    elif isinstance(shares, pd.Series | np.ndarray | list | tuple):
        try:
            values = np.asarray(shares, dtype=float).ravel()
        except (TypeError, ValueError):
            raise ParameterError("`shares` must hold numbers.") from None
        if values.size == 0:
            raise DataError("`shares` is empty; at least one share is needed.")
    else:
        raise ParameterError(
            "`shares` must be a DataFrame with a share column, a Series, an array or a list, "
            f"but a {type(shares).__name__} was passed."
        )
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise DataError("`shares` must be finite and non-negative.")
    check_argument("scale", ["auto", "fraction", "percent"], scale)
    total = values.sum()
    if scale == "auto":
        if total > 1 + 1e-9 and values.max() <= 1:
            raise DataError(
                f"`shares` look like fractions (none above 1) but sum to {total:g}: they seem to "
                "cover more than one period or market.",
                fix="Keep one period only (concentration_by_period() does every period), or pass "
                "scale='percent' if these are percentages.",
            )
        scale = "fraction" if total <= 1 + 1e-9 else "percent"
    limit = 1.0 if scale == "fraction" else 100.0
    if total > limit * (1 + 1e-9):
        raise DataError(
            f"`shares` sum to {total:g}, more than {limit:g}, so they are not {scale} shares.",
            fix="Pass raw sales through market_shares() first, which turns them into shares, and "
            "keep one period only (concentration_by_period() does every period).",
        )
    if total <= 0:
        raise DataError("`shares` are all zero; concentration is undefined.")
    return values / limit


@dataclass(frozen=True)
class ConcentrationResult:
    """Concentration of one market.

    Attributes
    ----------
    hhi : float
        Herfindahl-Hirschman index, 0-10,000.
    cr : dict of int to float
        Concentration ratios: ``cr[n]`` is the combined share (fraction) of the n largest firms.
    n_firms : int
        Number of firms with a positive share.
    equivalent_firms : float
        10,000 / HHI: how many equal-sized firms would give the same HHI.
    band : str
        Band name under ``bands``.
    bands : str
        Which guideline bands were used ("2023" or "2010").
    """

    hhi: float
    cr: dict
    n_firms: int
    equivalent_firms: float
    band: str
    bands: str

    @property
    def cr4(self) -> float:
        """Combined share (fraction) of the four largest firms."""
        return self.cr[4]

    def summary(self) -> pd.DataFrame:
        """One row per figure: ``measure``, ``value``."""
        rows = [("HHI (0-10,000)", self.hhi)]
        rows += [(f"CR{n}", v) for n, v in sorted(self.cr.items())]
        rows += [("firms", float(self.n_firms)), ("equivalent equal firms", self.equivalent_firms)]
        out = pd.DataFrame(rows, columns=["measure", "value"])
        out["band"] = f"{self.band} ({self.bands} bands)"
        return out


def concentration(
    shares,
    *,
    share_col: str = "share",
    n: int | tuple[int, ...] = (4,),
    bands: str = "2023",
    scale: str = "auto",
) -> ConcentrationResult:
    """HHI, concentration ratios CRn and the guideline band of one market.

    Parameters
    ----------
    shares : DataFrame, Series, array or list
        Shares of the firms of one market (one period). A DataFrame needs the column
        ``share_col``, e.g. the output of :func:`market_shares` for one year.
    share_col : str, default "share"
        Share column when ``shares`` is a DataFrame.
    n : int or tuple of int, default (4,)
        Which concentration ratios to report besides CR4 (always reported).
    bands : {"2023", "2010"}
        Guideline bands for the label, see :func:`hhi_band`.
    scale : {"auto", "fraction", "percent"}
        Whether shares are fractions summing to at most 1 or percentages summing to at most
        100; "auto" takes fractions when they sum to at most 1, percentages when they sum to
        more and some share is above 1, and refuses shares that are all at most 1 but sum to
        more than 1 (several periods mixed). Shares may sum to less than the whole (firms left
        out), which gives a lower bound of the HHI.

    Returns
    -------
    ConcentrationResult

    Examples
    --------
    >>> concentration([25, 20, 15, 10, 8, 7, 6, 5, 4]).hhi   # 1992 guidelines' example
    1540.0
    """
    values = _share_vector(shares, share_col, scale)
    sizes = sorted({4, *((n,) if isinstance(n, int | np.integer) else tuple(n))})
    for k in sizes:
        if not isinstance(k, int | np.integer) or k < 1:
            raise ParameterError(f"`n` must hold positive integers, but {n!r} was passed.")
    ordered = np.sort(values)[::-1]
    hhi = float(np.sum((100.0 * values) ** 2))
    cr = {int(k): float(ordered[:k].sum()) for k in sizes}
    return ConcentrationResult(
        hhi=hhi,
        cr=cr,
        n_firms=int(np.sum(values > 0)),
        equivalent_firms=10_000.0 / hhi,
        band=hhi_band(hhi, bands),
        bands=str(bands),
    )


def concentration_by_period(
    shares: pd.DataFrame,
    period: str = "year",
    *,
    share_col: str = "share",
    bands: str = "2023",
) -> pd.DataFrame:
    """HHI, CR4 and band for each period of a shares table.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`market_shares` with ``period``; required columns ``period``,
        ``share_col`` (fractions summing to 1 within each period).
    period : str, default "year"
        Period column.
    share_col : str, default "share"
        Share column (fraction).
    bands : {"2023", "2010"}
        Guideline bands.

    Returns
    -------
    DataFrame
        Columns ``period, hhi, cr4, n_firms, band``, one row per period.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [1, 1, 2], "share": [0.5, 0.5, 1.0]})
    >>> concentration_by_period(df)["hhi"].tolist()
    [5000.0, 10000.0]
    """
    shares = check_frame(shares, "shares")
    check_columns(shares, [period, share_col], param="shares")
    check_numeric(shares, [share_col], param="shares")
    check_argument("bands", list(HHI_BANDS), str(bands))
    s = shares[share_col].astype(float)
    if (s < 0).any() or s.isna().any():
        raise DataError(f"`{share_col}` must be non-negative numbers without gaps.")
    frame = pd.DataFrame({period: shares[period], "sq": (100.0 * s) ** 2, "s": s})
    frame["rank"] = frame.groupby(period)["s"].rank(method="first", ascending=False)
    frame["top4"] = frame["s"].where(frame["rank"] <= 4, 0.0)
    frame["pos"] = frame["s"] > 0
    out = frame.groupby(period, sort=True).agg(
        hhi=("sq", "sum"), cr4=("top4", "sum"), n_firms=("pos", "sum"), total=("s", "sum")
    )
    if (out["total"] > 1 + 1e-9).any():
        raise DataError(
            f"`{share_col}` sums to more than 1 within a period; pass fractions from market_shares()."
        )
    low, high = HHI_BANDS[str(bands)]
    out["band"] = np.select(
        [out["hhi"] > high, out["hhi"] >= low],
        ["highly concentrated", "moderately concentrated"],
        default="unconcentrated",
    )
    out["n_firms"] = out["n_firms"].astype(int)
    return out.drop(columns="total").reset_index()
