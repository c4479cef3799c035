"""Merger screens: the HHI change of a hypothetical merger of two firms.

A merger of firms a and b raises HHI by ``2 * (100 s_a) * (100 s_b)``: the cross term that
appears when the two shares are added before squaring. The guidelines presume harm when the
market is highly concentrated afterwards and the change exceeds 100 points (2023) or 200
points (2010).

References
----------
U.S. Department of Justice and Federal Trade Commission (1992, rev. 1997), *Horizontal Merger
Guidelines*, section 1.51 (the worked example: 1,540 -> 1,580 or 2,540).
U.S. DoJ and FTC (2010), *Horizontal Merger Guidelines*, section 5.3.
U.S. DoJ and FTC (2023), *Merger Guidelines*, guideline 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import ParameterError
from ecomlib.market.concentration import _share_vector, concentration, hhi_band
from ecomlib.validation import check_columns, check_frame

__all__ = ["MergerResult", "merger_hhi", "merger_scenario"]

#: The change in HHI that, together with a highly concentrated result, triggers the
#: guideline presumption that a merger harms competition.
_PRESUMPTION_DELTA = {"2023": 100.0, "2010": 200.0}


@dataclass(frozen=True)
class MergerResult:
    """HHI before and after a hypothetical merger of two firms.

    Attributes
    ----------
    firms : tuple of str
        The two merging firms.
    hhi_before, hhi_after, delta : float
        HHI before, after, and the change ``2 * s_a * s_b`` (shares in percent).
    band_before, band_after : str
        Guideline bands before and after.
    presumed_harmful : bool
        Whether the guidelines presume harm: highly concentrated after and a change above
        100 (2023) or 200 (2010).
    bands : str
        Which guideline bands were used.
    """

    firms: tuple
    hhi_before: float
    hhi_after: float
    delta: float
    band_before: str
    band_after: str
    presumed_harmful: bool
    bands: str

    def headline(self) -> str:
        """One sentence: the HHI change and what the guidelines presume."""
        if len(self.firms) < 2:
            return f"No merger: HHI stays {self.hhi_before:,.0f} ({self.band_before})."
        verdict = "presumed to harm competition" if self.presumed_harmful else "not presumed harmful"
        return (
            f"{' + '.join(self.firms)}: HHI {self.hhi_before:,.0f} -> {self.hhi_after:,.0f} "
            f"(+{self.delta:,.0f}), {self.band_after}; {verdict} under the {self.bands} guidelines."
        )

    def summary(self) -> pd.DataFrame:
        """One row: firms, HHI before/after, change, bands and the presumption."""
        return pd.DataFrame(
            [
                {
                    "merging firms": " + ".join(map(str, self.firms)),
                    "HHI before": self.hhi_before,
                    "HHI after": self.hhi_after,
                    "change": self.delta,
                    "band before": self.band_before,
                    "band after": self.band_after,
                    "presumed harmful": self.presumed_harmful,
                }
            ]
        )


def merger_hhi(
    shares: pd.DataFrame,
    firms: tuple[str, str],
    *,
    by: str = "company",
    share_col: str = "share",
    bands: str = "2023",
    scale: str = "auto",
) -> MergerResult:
    """Screen a hypothetical merger of two firms by its HHI change.

    Parameters
    ----------
    shares : DataFrame
        One row per firm of one market; required columns ``by`` and ``share_col``.
    firms : tuple of two str
        Names (values of ``by``) of the merging firms.
    by : str, default "company"
        Firm column.
    share_col : str, default "share"
        Share column, fractions or percent (see ``scale``).
    bands : {"2023", "2010"}
        Guideline bands and presumption threshold.
    scale : {"auto", "fraction", "percent"}
        Units of the shares, as in :func:`concentration`.

    Returns
    -------
    MergerResult

    Examples
    --------
    >>> df = pd.DataFrame({"company": list("abcdefghi"),
    ...                    "share": [25, 20, 15, 10, 8, 7, 6, 5, 4]})
    >>> merger_hhi(df, ("h", "i")).hhi_after
    1580.0
    """
    shares = check_frame(shares, "shares")
    check_columns(shares, [by, share_col], param="shares")
    if not isinstance(firms, list | tuple) or len(firms) != 2 or firms[0] == firms[1]:
        raise ParameterError(f"`firms` must name two different firms, but {firms!r} was passed.")
    values = _share_vector(shares, share_col, scale)
    names = shares[by].astype(str).to_numpy()
    for firm in firms:
        if str(firm) not in names:
            raise ParameterError(
                f"`firms` names {firm!r}, which is not in column {by!r}; found {sorted(set(names))[:10]}."
            )
    s_a = values[names == str(firms[0])].sum() * 100.0
    s_b = values[names == str(firms[1])].sum() * 100.0
    before = float(np.sum((100.0 * values) ** 2))
    delta = float(2.0 * s_a * s_b)
    after = before + delta
    band_after = hhi_band(after, bands)
    return MergerResult(
        firms=(str(firms[0]), str(firms[1])),
        hhi_before=before,
        hhi_after=after,
        delta=delta,
        band_before=hhi_band(before, bands),
        band_after=band_after,
        presumed_harmful=bool(
            band_after == "highly concentrated" and delta > _PRESUMPTION_DELTA[str(bands)]
        ),
        bands=str(bands),
    )


def merger_scenario(
    shares: pd.DataFrame,
    firm_a: str,
    firm_b: str,
    *,
    by: str = "company",
    share_col: str = "share",
    bands: str = "2023",
) -> MergerResult:
    """:func:`merger_hhi` for two firms named separately; the same firm twice means no merger.

    This is the form a trainer's merger simulator calls with two dropdowns.

    Parameters
    ----------
    shares : DataFrame
        One row per firm of one market (``by``, ``share_col``).
    firm_a, firm_b : str
        The merging firms; equal names give the market unchanged (change 0).
    by, share_col, bands
        As in :func:`merger_hhi`.

    Returns
    -------
    MergerResult

    Examples
    --------
    >>> df = pd.DataFrame({"company": ["a", "b", "c"], "share": [0.5, 0.3, 0.2]})
    >>> merger_scenario(df, "b", "c").delta, merger_scenario(df, "a", "a").delta
    (1200.0, 0.0)
    """
    if firm_a != firm_b:
        return merger_hhi(shares, (firm_a, firm_b), by=by, share_col=share_col, bands=bands)
    result = concentration(shares, share_col=share_col, bands=bands)
    check_columns(shares, [by], param="shares")
    if str(firm_a) not in set(shares[by].astype(str)):
        raise ParameterError(f"`firm_a` names {firm_a!r}, which is not in column {by!r}.")
    return MergerResult(
        firms=(str(firm_a),),
        hhi_before=result.hhi,
        hhi_after=result.hhi,
        delta=0.0,
        band_before=result.band,
        band_after=result.band,
        presumed_harmful=False,
        bands=str(bands),
    )
