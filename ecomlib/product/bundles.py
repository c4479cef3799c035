"""How sure a basket rule's lift is, and what a bundle discount would do (book 3.2 and 5.3).

* :func:`lift_interval` adds a confidence interval for each rule's lift (delta method on the
  log lift, from the rule's four basket counts).
* :func:`pair_inputs` reads, from the order lines, what :func:`bundle_what_if` needs of two
  products (median paid price and cost, units sold, pairs bought together).
* :func:`bundle_what_if` compares two products sold apart with the same two also offered as a
  bundle at a discount, using price elasticities such as the pricing chapter's
  (:func:`ecomlib.pricing.estimate_elasticity`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import ParameterError
from ecomlib.validation import check_columns, check_frame, check_probability

__all__ = ["bundle_what_if", "group_elasticities", "lift_interval", "pair_inputs"]

ASSUMED_COST_SHARE = 0.6  # unit cost as a share of the price when the lines have no unit_cost (ours)


def lift_interval(rules: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Add ``lift_low`` and ``lift_high``, a ``level`` interval for each rule's lift.

    With N baskets, ``a`` holding A and C, ``b`` A without C, ``c`` C without A, the lift is
    ``a N / ((a + b)(a + c))``. Treating the four basket counts as multinomial, the delta method
    gives the variance of the log lift (ours):

    ``Var(log lift) = (p_a g^2 + p_b / (p_a + p_b)^2 + p_c / (p_a + p_c)^2 - 1) / N``,
    ``g = 1/p_a - 1/(p_a + p_b) - 1/(p_a + p_c)``, ``p_x = x / N``;

    the interval is ``exp(log lift -/+ z se)``. A lift whose interval holds 1 is not told apart
    from products bought independently.

    Parameters
    ----------
    rules : pandas.DataFrame
        From :func:`association_rules` (``n_baskets``, ``support``, ``antecedent_support``,
        ``consequent_support``).
    level : float
        Confidence level.
    """
    rules = check_frame(rules, "rules", min_rows=0)
    check_columns(rules, ["n_baskets", "support", "antecedent_support", "consequent_support"], "rules")
    level = check_probability("level", level)
    out = rules.copy()
    if out.empty:
        return out.assign(lift_low=pd.Series(dtype=float), lift_high=pd.Series(dtype=float))
    a = out["n_baskets"].to_numpy(dtype=float)
    n = a / out["support"].to_numpy(dtype=float)
    pa = a / n
    pab = out["antecedent_support"].to_numpy(dtype=float)  # p_a + p_b
    pac = out["consequent_support"].to_numpy(dtype=float)  # p_a + p_c
    g = 1 / pa - 1 / pab - 1 / pac
    var = (pa * g**2 + (pab - pa) / pab**2 + (pac - pa) / pac**2 - 1) / n
    se = np.sqrt(np.maximum(var, 0.0))
    z = stats.norm.ppf(0.5 + level / 2)
    log_lift = np.log(pa / (pab * pac))
    out["lift_low"] = np.exp(log_lift - z * se)
    out["lift_high"] = np.exp(log_lift + z * se)
    return out


def bundle_what_if(*, price_a: float, price_b: float, cost_a: float, cost_b: float, units_a: float,
                   units_b: float, together: float, elasticity_a: float, elasticity_b: float,
                   discount: float) -> pd.DataFrame:
    """Units, revenue and margin of two products with and without a bundle at ``discount``.

    The model (ours, a first what-if, not a forecast): of the period's ``units_a`` and
    ``units_b``, ``together`` are bought in the same basket (e.g. a rule's ``n_baskets``). The
    bundle sells both at ``(price_a + price_b)(1 - discount)``. Only the pairs respond, with the
    revenue-weighted elasticity of the two products,
    ``e = (price_a e_a + price_b e_b) / (price_a + price_b)``: bundles sold
    ``= together (1 - discount)^e`` (constant elasticity, as in the pricing chapter). Single
    purchases stay as they were, and every extra bundle adds one unit of each product (no
    buyer switches from a single item to the bundle beyond the pairs already bought).

    Parameters
    ----------
    price_a, price_b : float
        Unit prices today (currency of the data), > 0.
    cost_a, cost_b : float
        Unit costs, >= 0.
    units_a, units_b : float
        Units sold in the period, >= ``together``.
    together : float
        Of these, units bought together (pairs), >= 0.
    elasticity_a, elasticity_b : float
        Own-price elasticities (negative: demand falls as the price rises).
    discount : float
        Bundle discount as a fraction of the two prices, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        Index ``without``, ``with bundle``, ``change``; columns ``units_a``, ``units_b``,
        ``bundles``, ``revenue``, ``margin``.

    Examples
    --------
    >>> t = bundle_what_if(price_a=100, price_b=50, cost_a=60, cost_b=20, units_a=100, units_b=80,
    ...                    together=20, elasticity_a=-2, elasticity_b=-1, discount=0.1)
    >>> round(float(t.loc["with bundle", "bundles"]), 3)
    23.839
    """
    values = {"price_a": price_a, "price_b": price_b, "cost_a": cost_a, "cost_b": cost_b,
              "units_a": units_a, "units_b": units_b, "together": together,
              "elasticity_a": elasticity_a, "elasticity_b": elasticity_b, "discount": discount}
    for name, v in values.items():
        if isinstance(v, bool) or not np.isfinite(float(v)):
            raise ParameterError(f"`{name}` must be a finite number, but {v!r} was passed.")
    if price_a <= 0 or price_b <= 0 or cost_a < 0 or cost_b < 0:
        raise ParameterError("Prices must be > 0 and costs >= 0.",
                             fix="Pass unit prices and unit costs in the data's currency.")
    if not 0 <= discount < 1:
        raise ParameterError(f"`discount` must be in [0, 1), but {discount!r} was passed.")
    if together < 0 or together > min(units_a, units_b):
        raise ParameterError(
            f"`together` must be between 0 and the smaller of units_a and units_b, but {together!r} was passed.")
    e = (price_a * elasticity_a + price_b * elasticity_b) / (price_a + price_b)
    bundles = together * (1 - discount) ** e
    bundle_price = (price_a + price_b) * (1 - discount)
    single_a, single_b = units_a - together, units_b - together
    base_rev = price_a * units_a + price_b * units_b
    base_margin = (price_a - cost_a) * units_a + (price_b - cost_b) * units_b
    rev = price_a * single_a + price_b * single_b + bundle_price * bundles
    margin = (price_a - cost_a) * single_a + (price_b - cost_b) * single_b + (bundle_price - cost_a - cost_b) * bundles
    table = pd.DataFrame(
        {"units_a": [units_a, single_a + bundles], "units_b": [units_b, single_b + bundles],
         "bundles": [0.0, bundles], "revenue": [base_rev, rev], "margin": [base_margin, margin]},
        index=["without", "with bundle"], dtype=float,
    )
    table.loc["change"] = table.loc["with bundle"] - table.loc["without"]
    return table


def pair_inputs(lines: pd.DataFrame, product_a: str, product_b: str, together_baskets: float, *,
                product_col: str = "product_id", price_col: str = "unit_price",
                quantity_col: str = "quantity", cost_col: str = "unit_cost") -> dict:
    """What :func:`bundle_what_if` needs of two products, read from their order lines.

    Price and cost are each product's median over its lines (currency of the data); units the
    sum of its quantities; ``together`` the rule's baskets holding both, at most the smaller
    product's units. Without a ``cost_col`` column, cost is taken as
    :data:`ASSUMED_COST_SHARE` of the price and ``costs_assumed`` is True (say so beside the
    result).

    Parameters
    ----------
    lines : pandas.DataFrame
        Completed sale lines (e.g. :func:`ecomlib.pricing.observations.completed_sales`).
    product_a, product_b : str
        The two products (a rule's antecedent and consequent).
    together_baskets : float
        Baskets holding both (a rule's ``n_baskets``), >= 0.
    product_col, price_col, quantity_col, cost_col : str
        Column names.

    Returns
    -------
    dict
        ``price_a``, ``price_b``, ``cost_a``, ``cost_b``, ``units_a``, ``units_b``, ``together``
        (the keyword arguments of :func:`bundle_what_if` but the elasticities and the discount),
        and ``costs_assumed``.

    Raises
    ------
    DataError
        When a product has no lines.

    Examples
    --------
    >>> lines = pd.DataFrame({"product_id": ["a", "a", "b"], "unit_price": [10.0, 12.0, 5.0],
    ...                       "quantity": [1, 2, 4], "unit_cost": [6.0, 6.0, 2.0]})
    >>> inputs = pair_inputs(lines, "a", "b", 1)
    >>> inputs["price_a"], inputs["units_b"], inputs["together"], inputs["costs_assumed"]
    (11.0, 4.0, 1.0, False)
    """
    from ecomlib.errors import DataError

    check_frame(lines, "lines")
    check_columns(lines, [product_col, price_col, quantity_col], "lines")
    pair = lines[lines[product_col].isin([product_a, product_b])]
    by = pair.groupby(product_col)
    price, units = by[price_col].median(), by[quantity_col].sum().astype(float)
    absent = [p for p in (product_a, product_b) if p not in price.index]
    if absent:
        raise DataError(f"`lines` has no lines of {absent}.", fix="Pass the lines the rules were found in.")
    costs_assumed = cost_col not in lines.columns
    cost = ASSUMED_COST_SHARE * price if costs_assumed else by[cost_col].median()
    return {"price_a": float(price[product_a]), "price_b": float(price[product_b]),
            "cost_a": float(cost[product_a]), "cost_b": float(cost[product_b]),
            "units_a": float(units[product_a]), "units_b": float(units[product_b]),
            "together": float(min(together_baskets, units.min())), "costs_assumed": costs_assumed}


def group_elasticities(result, groups) -> list[float]:
    """Each group's elasticity from a pricing-chapter fit, for :func:`bundle_what_if`.

    A group whose elasticity is missing or not finite (not identifiable, or not in the fit) gets
    the median of the finite ones.

    Parameters
    ----------
    result : ecomlib.pricing.ElasticityResult
        From :func:`ecomlib.pricing.estimate_elasticity`.
    groups : sequence of str
        Groups (e.g. the products' categories).

    Raises
    ------
    DataError
        When no group of the fit has a finite elasticity.
    """
    from ecomlib.errors import DataError

    table = result.summary()["elasticity"].astype(float)
    finite = table[np.isfinite(table)]
    if finite.empty:
        raise DataError("No group of the price fit has an identifiable elasticity.",
                        fix="Use a longer order history with price changes (see the pricing chapter).")
    fallback = float(finite.median())
    return [float(finite.get(g, fallback)) for g in groups]

