"""Cross-border sales: landed cost, a localised price that keeps a margin, FX risk (book 7.4).

The shop sells from China in CNY; a buyer abroad pays in the destination currency. With ``x``
the exchange rate (CNY per unit of the destination currency), one item priced ``price_cny``
(the goods, before freight, duty and tax: the transaction value customs assess) gives, in the
destination currency:

* ``goods = price_cny / x`` and ``freight = freight_cny / x`` (shipping, charged to the buyer at
  cost);
* ``customs_value = goods + freight`` (``duty_base`` "cif") or ``goods`` ("goods");
* the de-minimis test compares ``goods`` with the rule's threshold (value at or below it is
  exempt): "duty" exempts the duty, "duty_and_vat" the duty and the import VAT/GST, "none"
  nothing. An exempt duty is replaced by the rule's ``flat_duty`` per item (0 for most);
* ``duty = duty_rate x customs_value``; ``import_vat = import_vat_rate x base`` with ``base`` the
  row's ``vat_base``: ``goods + freight + duty`` ("cif_plus_duty"), ``goods + freight`` ("cif")
  or ``goods``;
* ``landed_cost = goods + freight + duty + import_vat``: what the buyer pays, delivered duty paid.

The shop receives ``goods + freight``, pays the platform ``platform_fee_rate`` and loses
``fx_margin`` of it converting to CNY, pays the freight and the product's ``unit_cost_cny``:

    contribution = goods + freight - platform_fee - fx_cost - freight - product_cost
    margin       = contribution / (goods + freight)

Duty and import VAT are collected from the buyer and passed on (the shop's margin does not
include them; they decide whether the buyer's landed price is competitive). Solving
``margin = m`` for the local goods price ``G`` gives the closed form used by
:func:`localised_price`

    G = (freight + product_cost) / (1 - platform_fee_rate - fx_margin - m) - freight

so the round trip price -> margin is exact up to rounding. :func:`fx_margin_sensitivity` holds
the local price fixed and draws the exchange rate through the risk chapter's Monte Carlo
(:func:`ecomlib.risk.montecarlo.simulate_profit`).

The bundled rules (``tax_rules.csv``) cite an official page and the date it was read for each
figure found there; every other figure is labelled illustrative (``status`` and
``illustrative_fields``). Duty rates depend on the goods' tariff codes and trade agreements and
are illustrative throughout: edit a copy with your own rates and pass its path.

References
----------
WTO Agreement on Customs Valuation (Agreement on Implementation of Article VII of GATT 1994):
transaction value. OECD (2017). *International VAT/GST Guidelines*, OECD Publishing
(collection on low-value imports). Hull, J. (2022). *Options, Futures, and Other Derivatives*,
11th ed., Pearson, ch. 15 (log-normal exchange rates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.platforms.tables import open_table
from ecomlib.risk.distributions import LogNormal
from ecomlib.risk.montecarlo import simulate_profit

__all__ = [
    "LANDED_COLUMNS",
    "TAX_COLUMNS",
    "FxSensitivity",
    "fx_margin_sensitivity",
    "landed_cost",
    "localised_price",
    "price_margin",
    "read_tax_rules",
]

#: Required columns of a tax-rules table.
TAX_COLUMNS = ("destination", "currency", "duty_rate", "import_vat_rate", "vat_base", "de_minimis",
               "de_minimis_applies_to", "source", "source_date", "status")
#: Optional columns and their defaults.
TAX_OPTIONAL = {"duty_base": "cif", "flat_duty": 0.0, "illustrative_fields": "", "note": ""}
VAT_BASES = ("cif_plus_duty", "cif", "goods")
DE_MINIMIS_RULES = ("duty", "duty_and_vat", "none")
DUTY_BASES = ("cif", "goods")
STATUSES = ("sourced", "illustrative")
#: Output columns of :func:`landed_cost`.
LANDED_COLUMNS = ("destination", "currency", "fx_rate", "goods", "freight", "customs_value",
                  "duty_exempt", "vat_exempt", "duty", "import_vat", "landed_cost", "platform_fee",
                  "fx_cost", "product_cost", "contribution", "margin", "landed_cost_cny")
TAX_RULES_FILE = "tax_rules.csv"


def _bad_values(rules: pd.DataFrame, col: str, allowed) -> list:
    return sorted(set(rules[col].astype("str")) - set(allowed))


def read_tax_rules(path_or_frame=None) -> pd.DataFrame:
    """Read and check a table of duty and import-tax rules, one row per destination.

    Parameters
    ----------
    path_or_frame : str, Path, DataFrame or None
        A CSV (the notebook's ``tax_rules`` parameter), a DataFrame, or None / "" for the bundled
        ``tax_rules.csv``. Columns :data:`TAX_COLUMNS`: destination (ISO 3166 alpha-2), currency
        (ISO 4217), duty_rate and import_vat_rate (shares, 0-1), vat_base
        (cif_plus_duty | cif | goods), de_minimis (in the currency, >= 0), de_minimis_applies_to
        (duty | duty_and_vat | none), source (URL or "illustrative"), source_date (YYYY-MM-DD),
        status (sourced | illustrative). Optional: duty_base (cif | goods, default cif),
        flat_duty (per item below the de-minimis value, default 0), illustrative_fields, note.

    Returns
    -------
    DataFrame
        One row per destination, every column present, rates as float.

    Raises
    ------
    DataError
        On a missing file or column, a value outside what is allowed, a duplicated destination,
        or a row marked "sourced" without a URL.

    Examples
    --------
    >>> rules = read_tax_rules()
    >>> hk = rules.set_index("destination").loc["HK"]
    >>> float(hk["import_vat_rate"]), hk["status"]
    (0.0, 'sourced')
    """
    rules, where = open_table(path_or_frame, parameter="tax_rules", default_file=TAX_RULES_FILE,
                              file_label="tax-rules file", label="tax rules",
                              not_found_fix="Pass the path of a CSV with one row per destination, or leave "
                                            "`tax_rules` empty for the bundled tax_rules.csv.",
                              keep_default_na=False, na_values=[""])
    missing = [c for c in TAX_COLUMNS if c not in rules.columns]
    if missing:
        raise DataError(f"{where} lacks the column(s) {missing}; found {[str(c) for c in rules.columns]}.",
                        fix="Start from the bundled tax_rules.csv and keep its header.")
    for col, default in TAX_OPTIONAL.items():
        if col not in rules:
            rules[col] = default
        rules[col] = rules[col].fillna(default)
    for col in ("duty_rate", "import_vat_rate", "de_minimis", "flat_duty"):
        values = pd.to_numeric(rules[col], errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise DataError(f"{where}: `{col}` must be a number >= 0 on every row.",
                            fix="Fill the missing rates (0 where nothing is charged).")
        rules[col] = values.astype("float64")
    for col in ("duty_rate", "import_vat_rate"):
        if (rules[col] >= 1).any():
            raise DataError(f"{where}: `{col}` is a share and must be below 1.", fix="Write 10 % as 0.10.")
    for col, allowed in (("vat_base", VAT_BASES), ("de_minimis_applies_to", DE_MINIMIS_RULES),
                         ("duty_base", DUTY_BASES), ("status", STATUSES)):
        bad = _bad_values(rules, col, allowed)
        if bad:
            raise DataError(f"{where}: `{col}` holds {bad}; allowed: {list(allowed)}.")
    for col in ("destination", "currency", "source", "source_date", "vat_base", "de_minimis_applies_to",
                "duty_base", "status", "illustrative_fields", "note"):
        rules[col] = rules[col].astype("str")
    rules["destination"] = rules["destination"].str.upper()
    if rules["destination"].duplicated().any():
        raise DataError(f"{where}: destinations {sorted(rules.loc[rules['destination'].duplicated(), 'destination'])} "
                        "appear more than once.", fix="Keep one row per destination.")
    unsourced = rules["status"].eq("sourced") & ~rules["source"].str.startswith("http")
    if unsourced.any():
        raise DataError(f"{where}: rows {rules.loc[unsourced, 'destination'].tolist()} are marked 'sourced' "
                        "without a source URL.",
                        fix="Cite the official page (URL) or mark the row 'illustrative'.")
    dates = pd.to_datetime(rules["source_date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise DataError(f"{where}: `source_date` must be a date YYYY-MM-DD on every row.")
    return rules[[*TAX_COLUMNS, *TAX_OPTIONAL]].reset_index(drop=True)


def _rules_for(destination, rules: pd.DataFrame) -> pd.DataFrame:
    dest = pd.Series(np.atleast_1d(np.asarray(destination, dtype=object))).astype("str").str.upper()
    unknown = sorted(set(dest) - set(rules["destination"]))
    if unknown:
        raise DataError(f"No tax rule for destination(s) {unknown}; the rules cover "
                        f"{rules['destination'].tolist()}.",
                        fix="Add a row per destination to a copy of tax_rules.csv and pass its path "
                            "(domestic CN orders are not cross-border).")
    return rules.set_index("destination").loc[dest.to_numpy()].reset_index()


def _fx(fx_rate, rows: pd.DataFrame) -> np.ndarray:
    """CNY per unit of each row's currency: a number, an array, or a dict / Series by currency or destination."""
    if isinstance(fx_rate, dict | pd.Series):
        table = pd.Series(fx_rate, dtype="float64")
        by_currency = rows["currency"].map(table)
        values = by_currency.fillna(rows["destination"].map(table))
        if values.isna().any():
            missing = sorted(set(rows.loc[values.isna(), "currency"]))
            raise ParameterError(f"`fx_rate` has no rate for currency(ies) {missing}.",
                                 fix="Give CNY per unit of each currency, e.g. {'USD': 7.1}.")
        out = values.to_numpy(dtype=float)
    else:
        out = np.broadcast_to(np.asarray(fx_rate, dtype=float), (len(rows),)).copy()
    if not np.isfinite(out).all() or (out <= 0).any():
        raise ParameterError("`fx_rate` must be finite and > 0 (CNY per unit of the destination currency).")
    return out


def _share(name: str, value, n: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=float), (n,))
    if not np.isfinite(arr).all() or (arr < 0).any() or (arr >= 1).any():
        raise ParameterError(f"`{name}` must be a share in [0, 1), but {value!r} was passed.")
    return arr


def _amount(name: str, value, n: int) -> np.ndarray:
    try:
        arr = np.broadcast_to(np.asarray(value, dtype=float), (n,))
    except ValueError:
        raise ParameterError(f"`{name}` must be a number or hold one number per item ({n}).") from None
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ParameterError(f"`{name}` must be finite and >= 0 (CNY).")
    return arr


def _size(*values) -> int:
    sizes = {np.size(v) for v in values if np.ndim(v) > 0}
    sizes.discard(1)
    if len(sizes) > 1:
        raise ParameterError(f"The array arguments have different lengths {sorted(sizes)}.")
    return sizes.pop() if sizes else 1


def landed_cost(
    price_cny,
    destination,
    *,
    fx_rate,
    freight_cny=0.0,
    tax_rules=None,
    fx_margin=0.0,
    platform_fee_rate=0.0,
    unit_cost_cny=0.0,
) -> pd.DataFrame:
    """Landed cost of each item in its destination currency, component by component.

    Parameters
    ----------
    price_cny : float or array-like
        Price of the goods in CNY before freight, duty and tax (> 0).
    destination : str or array-like of str
        ISO 2 destination code, one per item or one for all.
    fx_rate : float, array-like, dict or Series
        CNY per unit of the destination currency (mid rate), e.g. ``{"USD": 7.10, "EUR": 7.70}``
        (keys: currencies or destinations).
    freight_cny : float or array-like, default 0
        Shipping cost per item (CNY), charged to the buyer at cost.
    tax_rules : DataFrame, path or None
        Read through :func:`read_tax_rules` (None: the bundled table).
    fx_margin : float or array-like, default 0
        Share of the buyer's payment lost converting it to CNY (bank or platform spread).
    platform_fee_rate : float or array-like, default 0
        Platform fees as a share of what the buyer pays the shop (goods + freight).
    unit_cost_cny : float or array-like, default 0
        The product's cost (CNY), for ``contribution`` and ``margin``.

    Returns
    -------
    DataFrame
        One row per item with :data:`LANDED_COLUMNS`: amounts in the destination currency
        (``landed_cost_cny`` in CNY at the mid rate), ``duty_exempt`` / ``vat_exempt`` as bool,
        ``margin`` a share of goods + freight.

    Examples
    --------
    >>> rules = pd.DataFrame({"destination": ["XX"], "currency": ["XXX"], "duty_rate": [0.1],
    ...     "import_vat_rate": [0.2], "vat_base": ["cif_plus_duty"], "de_minimis": [0.0],
    ...     "de_minimis_applies_to": ["none"], "source": ["illustrative"],
    ...     "source_date": ["2026-12-07"], "status": ["illustrative"]})
    >>> row = landed_cost(100.0, "XX", fx_rate=1.0, freight_cny=10.0, tax_rules=rules).iloc[0]
    >>> [round(float(row[c]), 9) for c in ("duty", "import_vat", "landed_cost")]   # 10 % of 110; 20 % of 121
    [11.0, 24.2, 145.2]
    """
    rules = read_tax_rules(tax_rules)
    n = _size(price_cny, destination, freight_cny, fx_rate if not isinstance(fx_rate, dict | pd.Series) else 1,
              fx_margin, platform_fee_rate, unit_cost_cny)
    price = _amount("price_cny", price_cny, n)
    if (price <= 0).any():
        raise ParameterError("`price_cny` must be > 0.")
    dest = np.broadcast_to(np.asarray(destination, dtype=object), (n,))
    row = _rules_for(dest, rules)
    x = _fx(fx_rate, row)
    fee, spread = _share("platform_fee_rate", platform_fee_rate, n), _share("fx_margin", fx_margin, n)
    goods, freight = price / x, _amount("freight_cny", freight_cny, n) / x
    product = _amount("unit_cost_cny", unit_cost_cny, n) / x
    rule = row["de_minimis_applies_to"].to_numpy()
    below = goods <= row["de_minimis"].to_numpy()
    duty_exempt = below & np.isin(rule, ["duty", "duty_and_vat"])
    vat_exempt = below & (rule == "duty_and_vat")
    customs = np.where(row["duty_base"].to_numpy() == "cif", goods + freight, goods)
    duty = np.where(duty_exempt, row["flat_duty"].to_numpy(), row["duty_rate"].to_numpy() * customs)
    base_kind = row["vat_base"].to_numpy()
    base = np.select([base_kind == "cif_plus_duty", base_kind == "cif"],
                     [goods + freight + duty, goods + freight], default=goods)
    vat = np.where(vat_exempt, 0.0, row["import_vat_rate"].to_numpy() * base)
    paid_to_shop = goods + freight
    platform_fee, fx_cost = fee * paid_to_shop, spread * paid_to_shop
    contribution = paid_to_shop - platform_fee - fx_cost - freight - product
    landed = goods + freight + duty + vat
    return pd.DataFrame({
        "destination": row["destination"].astype("str").to_numpy(),
        "currency": row["currency"].astype("str").to_numpy(),
        "fx_rate": x, "goods": goods, "freight": freight, "customs_value": customs,
        "duty_exempt": duty_exempt, "vat_exempt": vat_exempt, "duty": duty, "import_vat": vat,
        "landed_cost": landed, "platform_fee": platform_fee, "fx_cost": fx_cost, "product_cost": product,
        "contribution": contribution, "margin": contribution / paid_to_shop, "landed_cost_cny": landed * x,
    }, columns=list(LANDED_COLUMNS))


def price_margin(local_price, *, unit_cost_cny, fx_rate, freight_cny=0.0, fx_margin=0.0,
                 platform_fee_rate=0.0):
    """The shop's margin (share of goods + freight) at a local goods price.

    Parameters
    ----------
    local_price : float or array-like
        Price of the goods in the destination currency, before freight, duty and tax (> 0).
    unit_cost_cny, freight_cny, fx_rate, fx_margin, platform_fee_rate
        As in :func:`landed_cost` (``fx_rate`` here a number or array).

    Returns
    -------
    float or ndarray
        ``1 - platform_fee_rate - fx_margin - (freight + product_cost) / (local_price + freight)``
        with freight and product cost converted at ``fx_rate``.

    Examples
    --------
    >>> round(price_margin(50.0, unit_cost_cny=140.0, fx_rate=7.0, platform_fee_rate=0.1), 12)
    0.5
    """
    price = np.asarray(local_price, dtype=float)
    x = np.asarray(fx_rate, dtype=float)
    if (price <= 0).any() or (x <= 0).any():
        raise ParameterError("`local_price` and `fx_rate` must be > 0.")
    freight = np.asarray(freight_cny, dtype=float) / x
    product = np.asarray(unit_cost_cny, dtype=float) / x
    out = 1.0 - np.asarray(platform_fee_rate, dtype=float) - np.asarray(fx_margin, dtype=float) \
        - (freight + product) / (price + freight)
    return float(out) if out.ndim == 0 else out


def localised_price(
    target_margin,
    destination,
    *,
    unit_cost_cny,
    fx_rate,
    freight_cny=0.0,
    tax_rules=None,
    fx_margin=0.0,
    platform_fee_rate=0.0,
) -> pd.DataFrame:
    """The local goods price that keeps a target margin, and the buyer's landed cost at it.

    Parameters
    ----------
    target_margin : float or array-like
        Wanted margin as a share of goods + freight; below ``1 - platform_fee_rate - fx_margin``.
    destination, unit_cost_cny, fx_rate, freight_cny, tax_rules, fx_margin, platform_fee_rate
        As in :func:`landed_cost`.

    Returns
    -------
    DataFrame
        ``target_margin``, ``local_price`` (destination currency, unrounded) and the columns of
        :func:`landed_cost` at that price (its ``margin`` equals ``target_margin`` up to
        rounding).

    Raises
    ------
    ParameterError
        If the fees and FX margin leave no room for the target margin.

    Examples
    --------
    >>> rules = pd.DataFrame({"destination": ["XX"], "currency": ["XXX"], "duty_rate": [0.0],
    ...     "import_vat_rate": [0.0], "vat_base": ["goods"], "de_minimis": [0.0],
    ...     "de_minimis_applies_to": ["none"], "source": ["illustrative"],
    ...     "source_date": ["2026-12-07"], "status": ["illustrative"]})
    >>> out = localised_price(0.5, "XX", unit_cost_cny=140.0, fx_rate=7.0, tax_rules=rules,
    ...                       platform_fee_rate=0.1)
    >>> round(float(out["local_price"].iloc[0]), 9)   # 20 / (1 - 0.1 - 0.5)
    50.0
    """
    n = _size(target_margin, destination, unit_cost_cny, freight_cny, fx_margin, platform_fee_rate,
              fx_rate if not isinstance(fx_rate, dict | pd.Series) else 1)
    m = np.broadcast_to(np.asarray(target_margin, dtype=float), (n,))
    if not np.isfinite(m).all():
        raise ParameterError("`target_margin` must be finite.")
    rules = read_tax_rules(tax_rules)
    row = _rules_for(np.broadcast_to(np.asarray(destination, dtype=object), (n,)), rules)
    x = _fx(fx_rate, row)
    fee, spread = _share("platform_fee_rate", platform_fee_rate, n), _share("fx_margin", fx_margin, n)
    room = 1.0 - fee - spread - m
    if (room <= 0).any():
        raise ParameterError(f"A target margin of {m.max():g} leaves nothing once platform fees and the FX "
                             "margin are paid.", fix="Lower the target below 1 - platform_fee_rate - fx_margin.")
    freight = _amount("freight_cny", freight_cny, n) / x
    product = _amount("unit_cost_cny", unit_cost_cny, n) / x
    local = (freight + product) / room - freight
    if (local <= 0).any():
        raise ParameterError("The target margin gives a price of 0 or less: the product costs nothing.",
                             fix="Pass the product's `unit_cost_cny`.")
    out = landed_cost(local * x, row["destination"].to_numpy(), fx_rate=x, freight_cny=freight * x,
                      tax_rules=rules, fx_margin=spread, platform_fee_rate=fee, unit_cost_cny=product * x)
    out.insert(0, "local_price", local)
    out.insert(0, "target_margin", m)
    return out


@dataclass(frozen=True)
class FxSensitivity:
    """The shop's margin at a fixed local price under random exchange rates.

    Attributes
    ----------
    draws : DataFrame
        One row per scenario: ``fx`` (CNY per unit of local currency), ``profit_cny`` (per item)
        and ``margin``.
    local_price, fx_rate, fx_volatility : float
        The price held fixed, today's rate and the log-rate's standard deviation.
    margin_today : float
        The margin at today's rate (:func:`price_margin`).
    break_even_fx : float
        The rate below which the item loses money.
    seed : int
    """

    draws: pd.DataFrame
    local_price: float
    fx_rate: float
    fx_volatility: float
    margin_today: float
    break_even_fx: float
    seed: int

    def summary(self) -> pd.DataFrame:
        """Margin today, mean, 5th and 95th percentiles, probability of a loss, break-even rate."""
        m = self.draws["margin"].to_numpy()
        rows = {"margin_today": self.margin_today, "margin_mean": m.mean(),
                "margin_p05": np.percentile(m, 5), "margin_p95": np.percentile(m, 95),
                "prob_loss": float(np.mean(m < 0)), "break_even_fx": self.break_even_fx,
                "fx_rate": self.fx_rate}
        return pd.DataFrame({"value": pd.Series(rows, dtype="float64")}).rename_axis("statistic")


def fx_margin_sensitivity(
    local_price: float,
    *,
    unit_cost_cny: float,
    fx_rate: float,
    fx_volatility: float,
    freight_cny: float = 0.0,
    fx_margin: float = 0.0,
    platform_fee_rate: float = 0.0,
    n: int = 10_000,
    seed: int = 0,
) -> FxSensitivity:
    """How the margin of one item at a fixed local price moves with the exchange rate.

    The rate is log-normal around today's (median ``fx_rate``, log standard deviation
    ``fx_volatility``, e.g. 0.05 for about 5 % over the horizon); freight is charged to the buyer
    at today's rate. Each scenario's profit comes from
    :func:`ecomlib.risk.montecarlo.simulate_profit` with demand 1, price
    ``(local_price + freight) x (1 - platform_fee_rate - fx_margin)``, unit cost
    ``unit_cost_cny + freight_cny``; the margin is that profit over ``(local_price + freight) x fx``.

    Parameters
    ----------
    local_price : float
        Goods price in the destination currency (> 0).
    unit_cost_cny, fx_rate, freight_cny, fx_margin, platform_fee_rate : float
        As in :func:`landed_cost`.
    fx_volatility : float
        Standard deviation of the log exchange rate (> 0).
    n : int, default 10,000
        Scenarios.
    seed : int, default 0
        Seed of the draws (same seed, same draws).

    Returns
    -------
    FxSensitivity

    Examples
    --------
    >>> r = fx_margin_sensitivity(50.0, unit_cost_cny=140.0, fx_rate=7.0, fx_volatility=0.05,
    ...                           platform_fee_rate=0.1, seed=1)
    >>> round(r.break_even_fx, 4)   # 140 / (50 x 0.9)
    3.1111
    """
    if not (np.isfinite(fx_volatility) and fx_volatility > 0):
        raise ParameterError(f"`fx_volatility` must be > 0, but {fx_volatility!r} was passed.")
    if not (np.isfinite(fx_rate) and fx_rate > 0) or not (np.isfinite(local_price) and local_price > 0):
        raise ParameterError("`fx_rate` and `local_price` must be > 0.")
    fee, spread = float(_share("platform_fee_rate", platform_fee_rate, 1)[0]), float(_share("fx_margin", fx_margin, 1)[0])
    cost = float(_amount("unit_cost_cny", unit_cost_cny, 1)[0] + _amount("freight_cny", freight_cny, 1)[0])
    paid = local_price + freight_cny / fx_rate
    net = paid * (1.0 - fee - spread)
    sim = simulate_profit(int(n), demand=1.0, price=net, unit_cost=cost,
                          fx=LogNormal(float(np.log(fx_rate)), float(fx_volatility)), seed=seed)
    fx = sim.draws["fx"].to_numpy()
    draws = pd.DataFrame({"fx": fx, "profit_cny": sim.profit, "margin": sim.profit / (paid * fx)})
    today = price_margin(local_price, unit_cost_cny=unit_cost_cny, fx_rate=fx_rate, freight_cny=freight_cny,
                         fx_margin=spread, platform_fee_rate=fee)
    return FxSensitivity(draws=draws, local_price=float(local_price), fx_rate=float(fx_rate),
                         fx_volatility=float(fx_volatility), margin_today=float(today),
                         break_even_fx=cost / net if net > 0 else np.inf,
                         seed=int(seed))
