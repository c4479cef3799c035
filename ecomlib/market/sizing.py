"""Market size: TAM, SAM and SOM, top-down and bottom-up, with a sensitivity table.

Top-down starts from the population and narrows it; bottom-up multiplies out what one
buyer does. Both then narrow the total addressable market (TAM) to the part the shop can
serve (SAM) and the part it can realistically win (SOM)::

    top-down   TAM = population x penetration x spend per buyer per year
    bottom-up  TAM = buyers x orders per buyer per year x order value
    SAM = TAM x serviceable share          SOM = SAM x obtainable share

Every figure is only as good as its assumptions, so the table carries them beside each
figure, and :func:`market_size_sensitivity` shows which assumption moves the answer most.

References
----------
Blank, S. and Dorf, B. (2012), *The Startup Owner's Manual*, K&S Ranch (TAM / SAM / SOM).
Kotler, P. and Keller, K. L. (2016), *Marketing Management*, 15th ed., Pearson, ch. 3
(estimating market demand; the chain-ratio method).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.shop_sales import completed_lines
from ecomlib.validation import check_argument, check_positive, check_probability

__all__ = [
    "MARKET_SIZE_METHODS",
    "bottom_up_inputs",
    "compare_market_sizes",
    "market_size",
    "market_size_headline",
    "market_size_sensitivity",
]

#: The assumptions each method multiplies into TAM, with their units.
MARKET_SIZE_METHODS: dict[str, dict[str, str]] = {
    "top_down": {
        "population": "people",
        "penetration": "fraction of people who buy online in this market",
        "spend_per_buyer": "CNY per buyer per year",
    },
    "bottom_up": {
        "buyers": "buyers",
        "orders_per_year": "orders per buyer per year",
        "order_value": "CNY per order",
    },
}
_SHARES = {
    "serviceable_share": "fraction of TAM the shop can serve",
    "obtainable_share": "fraction of SAM the shop can win",
}


def _check_assumptions(method: str, assumptions: dict) -> dict[str, float]:
    check_argument("method", list(MARKET_SIZE_METHODS), method)
    needed = [*MARKET_SIZE_METHODS[method], *_SHARES]
    unknown = sorted(set(assumptions) - set(needed))
    missing = [k for k in needed if k not in assumptions]
    if unknown or missing:
        raise ParameterError(
            f"The {method} market size needs exactly {needed}; missing {missing}, unknown {unknown}."
        )
    clean = {}
    for key in needed:
        value = assumptions[key]
        if key in ("penetration", *_SHARES):
            clean[key] = check_probability(key, value, open_interval=False)
        else:
            clean[key] = check_positive(key, value)
    return clean


def market_size(method: str = "top_down", **assumptions: float) -> pd.DataFrame:
    """TAM, SAM and SOM from explicit assumptions, as one tidy table.

    Parameters
    ----------
    method : {"top_down", "bottom_up"}
        Top-down needs ``population``, ``penetration`` (0-1) and ``spend_per_buyer`` (CNY per
        year); bottom-up needs ``buyers``, ``orders_per_year`` and ``order_value`` (CNY).
    **assumptions : float
        The method's three inputs plus ``serviceable_share`` (SAM / TAM, 0-1) and
        ``obtainable_share`` (SOM / SAM, 0-1).

    Returns
    -------
    DataFrame
        Three rows (TAM, SAM, SOM) with columns ``method``, ``level``, ``value`` (CNY per
        year), ``formula`` and ``assumptions`` (the inputs used, written out).

    Examples
    --------
    >>> t = market_size("bottom_up", buyers=1000, orders_per_year=4, order_value=150,
    ...                 serviceable_share=0.5, obtainable_share=0.1)
    >>> t["value"].tolist()
    [600000.0, 300000.0, 30000.0]
    """
    a = _check_assumptions(method, assumptions)
    names = list(MARKET_SIZE_METHODS[method])
    tam = float(np.prod([a[k] for k in names]))
    sam = tam * a["serviceable_share"]
    som = sam * a["obtainable_share"]
    tam_text = ", ".join(f"{k}={a[k]:,.4g}" for k in names)
    return pd.DataFrame(
        {
            "method": method,
            "level": ["TAM", "SAM", "SOM"],
            "value": [tam, sam, som],
            "formula": [
                " x ".join(names),
                "TAM x serviceable_share",
                "SAM x obtainable_share",
            ],
            "assumptions": [
                tam_text,
                f"serviceable_share={a['serviceable_share']:.4g}",
                f"obtainable_share={a['obtainable_share']:.4g}",
            ],
        }
    )


def compare_market_sizes(top_down: dict[str, float], bottom_up: dict[str, float]) -> pd.DataFrame:
    """Top-down and bottom-up TAM / SAM / SOM in one tidy table, to check one against the other.

    Parameters
    ----------
    top_down, bottom_up : dict of str to float
        The assumptions of each method, as in :func:`market_size`.

    Returns
    -------
    DataFrame
        Six rows (three per method) with the columns of :func:`market_size`, plus
        ``ratio``: each figure over the same level of the other method (1 = they agree).

    Examples
    --------
    >>> both = compare_market_sizes(
    ...     dict(population=1e6, penetration=0.1, spend_per_buyer=500, serviceable_share=0.5,
    ...          obtainable_share=0.1),
    ...     dict(buyers=1e5, orders_per_year=4, order_value=100, serviceable_share=0.5,
    ...          obtainable_share=0.1))
    >>> both["ratio"].round(2).tolist()
    [1.25, 1.25, 1.25, 0.8, 0.8, 0.8]
    """
    for name, value in {"top_down": top_down, "bottom_up": bottom_up}.items():
        if not isinstance(value, dict):
            raise ParameterError(f"`{name}` must be a dict of assumptions, but a {type(value).__name__} was passed.")
    top = market_size("top_down", **top_down)
    bottom = market_size("bottom_up", **bottom_up)
    top["ratio"] = top["value"].to_numpy() / bottom["value"].to_numpy()
    bottom["ratio"] = 1.0 / top["ratio"].to_numpy()
    return pd.concat([top, bottom], ignore_index=True)


def market_size_sensitivity(
    method: str = "top_down",
    *,
    change: float = 0.2,
    level: str = "SOM",
    **assumptions: float,
) -> pd.DataFrame:
    """How much ``level`` moves when each assumption is moved by +/- ``change``, one at a time.

    Shares and penetration are capped at 1 when raised.

    Parameters
    ----------
    method : {"top_down", "bottom_up"}
        As in :func:`market_size`.
    change : float, default 0.2
        Relative change applied to each assumption (0.2 = 20% down and 20% up).
    level : {"TAM", "SAM", "SOM"}
        Which figure to follow.
    **assumptions : float
        As in :func:`market_size`.

    Returns
    -------
    DataFrame
        One row per assumption, largest swing first: ``assumption``, ``base_input``,
        ``low_input``, ``high_input``, ``low``, ``base``, ``high`` (CNY per year) and
        ``swing`` = high - low.

    Examples
    --------
    >>> s = market_size_sensitivity("bottom_up", buyers=1000, orders_per_year=4,
    ...                             order_value=150, serviceable_share=0.5, obtainable_share=0.1)
    >>> s["swing"].round().tolist()[:1]
    [12000.0]
    """
    base_inputs = _check_assumptions(method, assumptions)
    check_argument("level", ["TAM", "SAM", "SOM"], level)
    change = check_positive("change", change)
    if change >= 1:
        raise ParameterError(f"`change` must be below 1 (100%), but {change!r} was passed.")
    base = market_size(method, **base_inputs).set_index("level")["value"][level]
    capped = {"penetration", *_SHARES}
    rows = []
    for key, value in base_inputs.items():
        low_in = value * (1 - change)
        high_in = min(value * (1 + change), 1.0) if key in capped else value * (1 + change)
        low = market_size(method, **{**base_inputs, key: low_in}).set_index("level")["value"][level]
        high = market_size(method, **{**base_inputs, key: high_in}).set_index("level")["value"][
            level
        ]
        rows.append((key, value, low_in, high_in, low, base, high))
    out = pd.DataFrame(
        rows,
        columns=["assumption", "base_input", "low_input", "high_input", "low", "base", "high"],
    )
    out["swing"] = out["high"] - out["low"]
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def market_size_headline(table: pd.DataFrame) -> str:
    """One line naming TAM, SAM and SOM of a :func:`market_size` table (display currency per year).

    With several methods in the table, the first method's figures are named.

    Examples
    --------
    >>> market_size_headline(market_size("bottom_up", buyers=1000, orders_per_year=4,
    ...     order_value=150, serviceable_share=0.5, obtainable_share=0.1))
    'TAM 600,000 CNY > SAM 300,000 CNY > SOM 30,000 CNY per year'
    """
    values = table.drop_duplicates("level").set_index("level")["value"]
    from ecomlib.viz import currency  # the display currency of the data (CNY unless set)

    parts = [f"{level} {values[level]:,.0f} {currency()}" for level in ("TAM", "SAM", "SOM")]
    return " > ".join(parts) + " per year"


def bottom_up_inputs(
    transactions: pd.DataFrame,
    *,
    days: int = 365,
    customer_col: str = "customer_id",
    order_col: str = "order_id",
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> dict[str, float]:
    """The shop's own buyers, orders per buyer per year and order value, for a bottom-up size.

    Measured over the last ``days`` days of the data (completed lines of known customers),
    and scaled to a year when ``days`` differs from 365. The data must cover the whole window:
    a few weeks of orders hold fewer repeat orders per buyer than a year does.

    Parameters
    ----------
    transactions : DataFrame
        Order lines; required columns ``customer_id``, ``order_id``, ``order_date``,
        ``revenue``, ``status``.
    days : int, default 365
        Length of the window ending on the last order day.
    customer_col, order_col, date_col, revenue_col, status_col, status
        Column names and the status counted as a sale.

    Returns
    -------
    dict
        ``buyers`` (distinct customers), ``orders_per_year`` (orders per buyer per year) and
        ``order_value`` (CNY per order): the inputs of ``market_size("bottom_up", ...)``
        for the shop itself, so buyers x orders_per_year x order_value = its yearly revenue
        from known customers.

    Raises
    ------
    DataError
        If the data cover fewer than ``days`` days, or no completed order in the window has
        a customer id.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"],
    ...                   "order_date": pd.to_datetime(["2024-01-02", "2024-06-01", "2024-12-31"]),
    ...                   "revenue": [100.0, 50.0, 150.0], "status": "completed"})
    >>> bottom_up_inputs(t)
    {'buyers': 2.0, 'orders_per_year': 1.5, 'order_value': 100.0}
    """
    if not isinstance(days, int | np.integer) or days < 28:
        raise ParameterError(f"`days` must be an integer of at least 28, but {days!r} was passed.")
    lines = completed_lines(
        transactions,
        columns=[customer_col, order_col],
        date_col=date_col,
        revenue_col=revenue_col,
        status_col=status_col,
        status=status,
    )
    last = lines[date_col].max()
    covered = (last.normalize() - lines[date_col].min().normalize()).days + 1
    if covered < int(days):
        raise DataError(
            f"The orders cover {covered} days: orders per buyer per year need a window of {days} days "
            "(a shorter span counts fewer repeat orders than a year holds).",
            fix=f"Supply at least {days} days of orders, or pass a shorter `days` window.",
        )
    window = lines[(lines[date_col] > last - pd.Timedelta(days=int(days))) & lines[customer_col].notna()]
    if window.empty:
        raise DataError(
            f"No completed order of a known customer in the last {days} days: the bottom-up size "
            f"needs customer ids ({customer_col}) to count buyers and their orders per year.",
            fix="Supply customer ids, or size the market top-down only.",
        )
    buyers = float(window[customer_col].nunique())
    orders = float(window[order_col].nunique())
    return {
        "buyers": buyers,
        "orders_per_year": orders / buyers * 365.0 / int(days),
        "order_value": float(window[revenue_col].sum()) / orders,
    }
