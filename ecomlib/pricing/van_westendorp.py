"""Van Westendorp price-sensitivity meter (PSM) and the Newton-Miller-Smith extension.

Each respondent names four prices: *too cheap* (quality doubtful), *cheap* (a bargain),
*expensive* (would think twice) and *too expensive* (would not buy). Over a grid of prices
``p`` the four cumulative curves are

* too cheap(p)     = share of respondents whose too-cheap price is >= p  (falls with p)
* not cheap(p)     = 1 - share whose cheap price is >= p                 (rises)
* not expensive(p) = 1 - share whose expensive price is <= p             (falls)
* too expensive(p) = share whose too-expensive price is <= p             (rises)

and the price points are where they cross:

* point of marginal cheapness PMC = too cheap x not cheap (lower end of the acceptable range)
* optimal price point OPP         = too cheap x too expensive
* indifference price point IPP    = not cheap x not expensive
* point of marginal expensiveness PME = too expensive x not expensive (upper end)

Each pair is one falling and one rising curve, so the difference is monotone and they cross
once, except that empirical step curves can coincide over an interval (ties); the crossing
is then the middle of that interval. Should a pair ever cross more than once (e.g. on
user-supplied curves), ``intersection`` picks the lowest (default, as the R package
*pricesensitivitymeter*), highest or median crossing, and ``n_crossings`` reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_argument, check_columns, check_frame, check_numeric

__all__ = ["VanWestendorpResult", "NMSResult", "van_westendorp", "nms_purchase_probability",
           "curve_crossings"]  # fmt: skip

ANSWERS = ("too_cheap", "cheap", "expensive", "too_expensive")
POINTS = {  # point -> (curve falling, curve rising, description)
    "PMC": ("too_cheap", "not_cheap", "point of marginal cheapness"),
    "OPP": ("too_cheap", "too_expensive", "optimal price point"),
    "IPP": ("not_expensive", "not_cheap", "indifference price point"),
    "PME": ("not_expensive", "too_expensive", "point of marginal expensiveness"),
}


@dataclass(frozen=True)
class VanWestendorpResult:
    """Curves, price points and answer counts of a price-sensitivity-meter analysis.

    Attributes
    ----------
    curves : DataFrame
        ``price`` (CNY) and the shares ``too_cheap``, ``cheap``, ``not_cheap``,
        ``expensive``, ``not_expensive``, ``too_expensive`` (0-1).
    points : DataFrame
        Index ``PMC``, ``OPP``, ``IPP``, ``PME``: ``price`` (CNY, NaN if the curves do not
        cross on the grid), ``curves``, ``description``, ``n_crossings``.
    n_respondents, n_missing, n_inconsistent, n_used : int
        Answers given, dropped for a missing price, dropped as inconsistent (not
        too cheap <= cheap <= expensive <= too expensive, or a price <= 0), and used.
    """

    curves: pd.DataFrame
    points: pd.DataFrame
    n_respondents: int
    n_missing: int
    n_inconsistent: int
    n_used: int

    def summary(self) -> pd.DataFrame:
        """The four price points."""
        return self.points

    @property
    def acceptable_range(self) -> tuple[float, float]:
        """(PMC, PME) in CNY: the range of acceptable prices."""
        return float(self.points.loc["PMC", "price"]), float(self.points.loc["PME", "price"])


@dataclass(frozen=True)
class NMSResult:
    """Newton-Miller-Smith purchase probability over prices.

    ``curve`` has ``price`` (CNY), ``trial`` (mean purchase probability, 0-1) and
    ``revenue_index`` (price x trial, CNY per respondent); ``trial_price`` maximises trial
    and ``revenue_price`` maximises the revenue index (grid points).
    """

    curve: pd.DataFrame
    trial_price: float
    revenue_price: float
    n_used: int

    def summary(self) -> pd.DataFrame:
        """The two optimal prices."""
        best = self.curve.set_index("price")
        return pd.DataFrame({
            "price": [self.trial_price, self.revenue_price],
            "trial": [best.loc[self.trial_price, "trial"], best.loc[self.revenue_price, "trial"]],
        }, index=pd.Index(["max trial", "max revenue"], name="point"))  # fmt: skip


def _clean_answers(survey: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, int, int]:
    """Keep consistent, complete answers; return them with the counts dropped."""
    check_frame(survey, "survey")
    check_columns(survey, cols, "survey")
    check_numeric(survey, cols, "survey")
    values = survey[cols].to_numpy(dtype=float)
    missing = np.isnan(values).any(axis=1)
    with np.errstate(invalid="ignore"):
        ordered = (np.diff(values, axis=1) >= 0).all(axis=1) & (values > 0).all(axis=1)
    inconsistent = ~missing & ~ordered
    kept = survey.loc[~missing & ordered]
    if len(kept) < 2:
        raise DataError(
            f"Only {len(kept)} of {len(survey)} survey answer(s) are complete and consistent "
            "(too cheap <= cheap <= expensive <= too expensive, all > 0); at least 2 needed.",
            fix="Check the column order: too_cheap_col, cheap_col, expensive_col, too_expensive_col.",
        )
    return kept, int(missing.sum()), int(inconsistent.sum())


def _grid(values: np.ndarray, prices) -> np.ndarray:
    if prices is None:
        return np.unique(values)
    grid = np.asarray(prices, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) <= 0):
        raise ParameterError("`prices` must be an increasing 1-d array of at least 2 finite prices.")
    return grid


def curve_crossings(price: np.ndarray, falling: np.ndarray, rising: np.ndarray) -> np.ndarray:
    """Prices where two curves on a common grid cross (linear interpolation between points).

    Where the curves coincide over a run of grid points, the crossing is the middle of the
    run. Returns an increasing array (empty when they do not cross).
    """
    d = np.asarray(falling, dtype=float) - np.asarray(rising, dtype=float)
    sign = np.sign(np.round(d, 12))
    nz = np.flatnonzero(sign != 0)
    if nz.size < 2:
        return np.array([(price[0] + price[-1]) / 2]) if nz.size == 0 else np.array([])
    change = sign[nz[:-1]] != sign[nz[1:]]
    i, j = nz[:-1][change], nz[1:][change]
    adjacent = j == i + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        interp = price[i] + (price[np.minimum(i + 1, len(price) - 1)] - price[i]) * d[i] / (d[i] - d[j])
    tie_mid = (price[np.minimum(i + 1, len(price) - 1)] + price[np.maximum(j - 1, 0)]) / 2
    return np.where(adjacent, interp, tie_mid)


def van_westendorp(
    survey: pd.DataFrame,
    *,
    prices=None,
    intersection: str = "lowest",
    too_cheap_col: str = "too_cheap",
    cheap_col: str = "cheap",
    expensive_col: str = "expensive",
    too_expensive_col: str = "too_expensive",
) -> VanWestendorpResult:
    """Van Westendorp price-sensitivity meter: the four curves and four price points.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent with the four prices (CNY): ``too_cheap``, ``cheap``,
        ``expensive``, ``too_expensive``. Incomplete answers and inconsistent ones (not
        too cheap <= cheap <= expensive <= too expensive, or a price <= 0) are dropped and
        counted.
    prices : array-like, optional
        Increasing price grid (CNY). Default: every distinct price answered, where the
        empirical curves change. Crossings are interpolated linearly between grid points.
    intersection : {"lowest", "highest", "median"}, default "lowest"
        Which crossing to report if a pair of curves crosses more than once.
    too_cheap_col, cheap_col, expensive_col, too_expensive_col : str
        Column names, when they differ.

    Returns
    -------
    VanWestendorpResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> u = (np.arange(200) + 0.5) / 200
    >>> survey = pd.DataFrame({"too_cheap": 40 * u, "cheap": 30 + 40 * u,
    ...                        "expensive": 50 + 40 * u, "too_expensive": 80 + 40 * u})
    >>> res = van_westendorp(survey, prices=np.arange(0, 121, 0.5))
    >>> round(float(res.points.loc["IPP", "price"]), 1)
    60.0

    References
    ----------
    Van Westendorp, P. (1976). NSS-Price Sensitivity Meter (PSM): a new approach to study
    consumer perception of prices. *Proceedings of the 29th ESOMAR Congress*, 139-167.
    Alletsee, M. *pricesensitivitymeter* (R package), curve and point definitions.
    """
    check_argument("intersection", ["lowest", "highest", "median"], intersection)
    cols = [too_cheap_col, cheap_col, expensive_col, too_expensive_col]
    kept, n_missing, n_inconsistent = _clean_answers(survey, cols)
    answers = {name: np.sort(kept[col].to_numpy(dtype=float)) for name, col in zip(ANSWERS, cols, strict=True)}
    grid = _grid(np.concatenate(list(answers.values())), prices)
    n = len(kept)
    curves = pd.DataFrame({"price": grid})
    curves["too_cheap"] = (n - np.searchsorted(answers["too_cheap"], grid, side="left")) / n
    curves["cheap"] = (n - np.searchsorted(answers["cheap"], grid, side="left")) / n
    curves["not_cheap"] = 1 - curves["cheap"]
    curves["expensive"] = np.searchsorted(answers["expensive"], grid, side="right") / n
    curves["not_expensive"] = 1 - curves["expensive"]
    curves["too_expensive"] = np.searchsorted(answers["too_expensive"], grid, side="right") / n
    rows = []
    for point, (falling, rising, text) in POINTS.items():  # four fixed points
        found = curve_crossings(grid, curves[falling].to_numpy(), curves[rising].to_numpy())
        pick = {"lowest": np.min, "highest": np.max, "median": np.median}[intersection]
        price = float(pick(found)) if found.size else np.nan
        rows.append((point, price, f"{falling} x {rising}", text, int(found.size)))
    points = pd.DataFrame(rows, columns=["point", "price", "curves", "description", "n_crossings"])
    return VanWestendorpResult(
        curves=curves, points=points.set_index("point"), n_respondents=len(survey),
        n_missing=n_missing, n_inconsistent=n_inconsistent, n_used=n,
    )  # fmt: skip


def nms_purchase_probability(
    survey: pd.DataFrame,
    *,
    prices=None,
    buy_cheap_col: str = "buy_cheap",
    buy_expensive_col: str = "buy_expensive",
    too_cheap_col: str = "too_cheap",
    cheap_col: str = "cheap",
    expensive_col: str = "expensive",
    too_expensive_col: str = "too_expensive",
) -> NMSResult:
    """Newton-Miller-Smith extension: purchase probability and revenue over prices.

    Each respondent also states how likely they would buy at their *cheap* and *expensive*
    prices (``buy_cheap``, ``buy_expensive``, probabilities 0-1; a 5-point scale is usually
    calibrated to 0.7 / 0.5 / 0.3 / 0.1 / 0). Their purchase probability is 0 at and
    below *too cheap* and at and above *too expensive* and linear between the four points;
    the average over respondents is the trial curve, and price x trial the revenue index.

    Returns
    -------
    NMSResult

    Examples
    --------
    >>> import pandas as pd
    >>> two = pd.DataFrame({"too_cheap": [10.0, 10.0], "cheap": [20.0, 20.0],
    ...     "expensive": [30.0, 30.0], "too_expensive": [40.0, 40.0],
    ...     "buy_cheap": [0.8, 0.8], "buy_expensive": [0.4, 0.4]})
    >>> nms_purchase_probability(two, prices=[15.0, 25.0, 35.0]).curve["trial"].round(3).tolist()
    [0.4, 0.6, 0.2]

    References
    ----------
    Newton, D., Miller, J., Smith, P. (1993). A market acceptance extension to traditional
    price sensitivity measurement. *AMA Advanced Research Techniques Forum*.
    """
    cols = [too_cheap_col, cheap_col, expensive_col, too_expensive_col]
    kept, _, _ = _clean_answers(survey, cols)
    check_columns(kept, [buy_cheap_col, buy_expensive_col], "survey")
    check_numeric(kept, [buy_cheap_col, buy_expensive_col], "survey")
    probs = kept[[buy_cheap_col, buy_expensive_col]].to_numpy(dtype=float)
    if np.isnan(probs).any() or (probs < 0).any() or (probs > 1).any():
        raise DataError("`buy_cheap` / `buy_expensive` must be probabilities between 0 and 1, "
                        "without missing values.")  # fmt: skip
    tc, ch, ex, te = (kept[c].to_numpy(dtype=float)[:, None] for c in cols)
    grid = _grid(kept[cols].to_numpy(dtype=float).ravel(), prices)
    p = grid[None, :]
    pc, pe = probs[:, :1], probs[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = np.where(ch > tc, pc * (p - tc) / (ch - tc), pc)
        middle = np.where(ex > ch, pc + (pe - pc) * (p - ch) / (ex - ch), pc)
        fall = np.where(te > ex, pe * (te - p) / (te - ex), pe)
    prob = np.select([(p > tc) & (p < ch), (p >= ch) & (p <= ex), (p > ex) & (p < te)],
                     [rise, middle, fall], default=0.0)  # fmt: skip
    trial = prob.mean(axis=0)
    curve = pd.DataFrame({"price": grid, "trial": trial, "revenue_index": grid * trial})
    return NMSResult(
        curve=curve, trial_price=float(grid[np.argmax(trial)]),
        revenue_price=float(grid[np.argmax(grid * trial)]), n_used=len(kept),
    )  # fmt: skip
