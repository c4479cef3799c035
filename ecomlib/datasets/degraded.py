"""Degraded exports: the sample shop's transactions made as thin as real exports are.

Real shop exports lack most of what the sample shop has: UCI Online Retail has no category,
channel, discount or cost; a marketplace export may have no repeat buyers; a retail panel has
no customer ids. :func:`degraded_export` turns the sample shop's order lines into one such
shape, and :func:`write_degraded_exports` writes the whole matrix to a folder, one
sub-folder per kind, so every chapter report can be tried on each (``tests/notebooks/``
does exactly that).

Each export is built from a **subset** of the bundled shop (every ``keep``-th customer and
as many guest orders) and then degraded; no export is the bundled file itself.

Examples
--------
>>> from ecomlib.datasets.degraded import DEGRADATIONS
>>> DEGRADATIONS["no_category"]
'no category column'
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ecomlib.errors import ParameterError

__all__ = ["DEGRADATIONS", "GBK_COLUMNS", "base_export", "degraded_export", "write_degraded_exports"]

#: Every kind of degraded export, with what it lacks or how it is thin.
DEGRADATIONS: dict[str, str] = {
    "required_only": "only the five required columns (order_id, order_date, product_id, quantity, unit_price)",
    "no_category": "no category column",
    "no_channel": "no channel column",
    "no_customer_id": "no customer ids (every order a guest order)",
    "no_status": "no status column (cancelled orders absent, returns as negative quantities)",
    "no_discount": "no discount or promotion columns",
    "no_unit_cost": "no unit cost column",
    "no_country": "no country column",
    "one_category": "the lines of a single category",
    "one_product": "the lines of a single product",
    "four_weeks": "the last 4 weeks only",
    "five_months": "the last 5 months only",
    "no_repeat": "each customer's first order only (no repeat buyers)",
    "thirty_customers": "the orders of 30 customers",
    "zero_sales_days": "a fifth of the days and a two-week gap without any sale",
    "weekly_panel": "weekly store x product sales lines, no customer ids",
    "gbk_chinese": "one week as a GBK file with Chinese headers and ￥1,299.00 prices (needs --columns)",
    "odd_text": "names with $, <, > and & in them (categories such as 'Gift card $$')",
    "broken_optional": "transactions plus an unreadable products.csv",
}

#: Chinese headers of the ``gbk_chinese`` export, mapped to canonical names (the --columns map).
GBK_COLUMNS: dict[str, str] = {
    "订单编号": "order_id",
    "下单时间": "order_date",
    "买家ID": "customer_id",
    "商品编码": "product_id",
    "商品名称": "product_name",
    "类目": "category",
    "数量": "quantity",
    "单价": "unit_price",
}

_OPTIONAL_DROPS = {
    "no_category": ["category"],
    "no_channel": ["channel"],
    "no_customer_id": ["customer_id"],
    "no_discount": ["discount", "promo_id"],
    "no_unit_cost": ["unit_cost"],
    "no_country": ["country"],
}
REQUIRED = ["order_id", "order_date", "product_id", "quantity", "unit_price"]


def base_export(transactions: pd.DataFrame, *, keep: int = 5) -> pd.DataFrame:
    """Every ``keep``-th identified customer's lines and every ``keep``-th guest order.

    Parameters
    ----------
    transactions : DataFrame
        Canonical order lines (the sample shop's).
    keep : int, default 5
        Keep one customer (and one guest order) in ``keep``.

    Returns
    -------
    DataFrame
        The subset, in the input's row order, with a fresh index.
    """
    if keep < 1:
        raise ParameterError(f"`keep` must be a positive integer, but {keep!r} was passed.")
    cust = transactions["customer_id"]
    known = cust.notna()
    cust_codes = pd.factorize(cust.where(known))[0]
    order_codes = pd.factorize(transactions["order_id"])[0]
    chosen = np.where(known.to_numpy(), cust_codes % keep == 0, order_codes % keep == 0)
    return transactions.loc[chosen].reset_index(drop=True)


def _weekly_panel(tx: pd.DataFrame) -> pd.DataFrame:
    sold = tx[tx["quantity"] > 0]
    if "status" in sold:
        sold = sold[sold["status"] == "completed"]
    week = sold["order_date"].dt.to_period("W-SUN").dt.start_time
    store = sold["channel"].astype("str") if "channel" in sold else pd.Series("shop", index=sold.index)
    panel = (
        sold.assign(week=week, store=store)
        .groupby(["store", "week", "product_id"], observed=True, sort=True)
        .agg(quantity=("quantity", "sum"), revenue=("revenue", "sum"), category=("category", "first"))
        .reset_index()
    )
    panel["unit_price"] = (panel["revenue"] / panel["quantity"]).round(2)
    panel["order_id"] = (panel["store"] + "-" + panel["week"].dt.strftime("%Y%m%d") + "-"
                         + panel["product_id"])
    return panel.rename(columns={"week": "order_date", "store": "channel"})[
        ["order_id", "order_date", "product_id", "category", "channel", "quantity", "unit_price"]
    ]


def _last_days(tx: pd.DataFrame, days: int) -> pd.DataFrame:
    last = tx["order_date"].max().normalize()
    return tx[tx["order_date"] >= last - pd.Timedelta(days=days - 1)]


def degraded_export(transactions: pd.DataFrame, kind: str, *, seed: int = 0) -> pd.DataFrame:
    """One degraded copy of canonical order lines.

    Parameters
    ----------
    transactions : DataFrame
        Canonical order lines, e.g. :func:`base_export` of the sample shop.
    kind : str
        One of :data:`DEGRADATIONS`.
    seed : int, default 0
        Seed of the random choices (which days have no sales).

    Returns
    -------
    DataFrame
        The degraded lines, canonical column names (``gbk_chinese`` is renamed only when
        written, see :func:`write_degraded_exports`).
    """
    if kind not in DEGRADATIONS:
        raise ParameterError(f"`kind` must be one of {sorted(DEGRADATIONS)}, but {kind!r} was passed.")
    tx = transactions.copy()
    if kind == "required_only":
        return tx[REQUIRED]
    if kind in _OPTIONAL_DROPS:
        return tx.drop(columns=[c for c in _OPTIONAL_DROPS[kind] if c in tx])
    if kind == "no_status":
        return tx[tx["status"] != "cancelled"].drop(columns="status")
    if kind == "one_category":
        top = tx.groupby("category", observed=True)["revenue"].sum().idxmax()
        return tx[tx["category"] == top]
    if kind == "one_product":
        top = tx.groupby("product_id", observed=True)["quantity"].sum().idxmax()
        return tx[tx["product_id"] == top]
    if kind == "four_weeks":
        return _last_days(tx, 28)
    if kind == "five_months":
        last = tx["order_date"].max()
        return tx[tx["order_date"] >= (last - pd.DateOffset(months=5)).normalize()]
    if kind == "no_repeat":
        first = tx.groupby("customer_id", observed=True)["order_id"].transform("first")
        return tx[tx["customer_id"].isna() | (tx["order_id"] == first)]
    if kind == "thirty_customers":
        ids = tx["customer_id"].dropna().drop_duplicates().iloc[:30]
        return tx[tx["customer_id"].isin(ids)]
    if kind == "zero_sales_days":
        day = tx["order_date"].dt.normalize()
        days = np.sort(day.unique())
        rng = np.random.default_rng(seed)
        empty = set(rng.choice(days, size=len(days) // 5, replace=False).tolist())
        gap_start = days[len(days) // 2]
        keep = ~day.isin(empty) & ~day.between(gap_start, gap_start + np.timedelta64(13, "D"))
        return tx[keep]
    if kind == "weekly_panel":
        return _weekly_panel(tx)
    if kind == "gbk_chinese":
        return _last_days(tx, 7)
    if kind == "odd_text":
        cats = tx["category"].astype("str")
        top = cats.value_counts().index
        renames = {top[0]: "Gift card $$", top[1]: "<b>Toys</b> & games", top[2]: "50% off $5 & up"}
        tx["category"] = cats.replace(renames)
        tx["product_name"] = tx["product_name"].astype("str").str.replace("0", "$", regex=False)
        return tx
    return tx  # broken_optional: the lines themselves are complete


def _write_gbk(frame: pd.DataFrame, path: Path) -> None:
    reverse = {canonical: chinese for chinese, canonical in GBK_COLUMNS.items()}
    out = frame[[c for c in reverse if c in frame]].rename(columns=reverse)
    out["下单时间"] = frame["order_date"].dt.strftime("%Y/%m/%d %H:%M")
    out["单价"] = frame["unit_price"].map("￥{:,.2f}".format)
    # simplified-Chinese headers; characters outside GBK in the data are replaced, as exporters do
    path.write_bytes(out.to_csv(index=False).encode("gbk", errors="replace"))


def write_degraded_exports(folder: str | Path, transactions: pd.DataFrame | None = None, *,
                           kinds: list[str] | None = None, keep: int = 5, seed: int = 0) -> dict[str, dict]:
    """Write the degraded-exports matrix, one sub-folder per kind.

    Parameters
    ----------
    folder : str or path
        Where to write; created if needed.
    transactions : DataFrame, optional
        Canonical order lines; default the bundled sample shop's.
    kinds : list of str, optional
        Which kinds (default all of :data:`DEGRADATIONS`).
    keep : int, default 5
        Subset the shop to one customer in ``keep`` first (:func:`base_export`); the
        ``gbk_chinese`` week uses the whole shop so that it has a few thousand lines.
    seed : int, default 0
        Seed of the random choices.

    Returns
    -------
    dict
        ``{kind: {"data": path, "columns": column map or "", "description": text}}``; the
        same is written to ``exports.json`` in ``folder``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if transactions is None:
        from ecomlib.datasets.bundled import load_sample_store

        transactions = load_sample_store().transactions
    base = base_export(transactions, keep=keep)
    out: dict[str, dict] = {}
    for kind in kinds or list(DEGRADATIONS):
        sub = folder / kind
        sub.mkdir(exist_ok=True)
        frame = degraded_export(transactions if kind == "gbk_chinese" else base, kind, seed=seed)
        columns = ""
        if kind == "gbk_chinese":
            path = sub / "orders_gbk.csv"
            _write_gbk(frame, path)
            columns = ",".join(f"{k}={v}" for k, v in GBK_COLUMNS.items())
        else:
            path = sub / "transactions.csv"
            frame.to_csv(path, index=False)
            if kind == "broken_optional":
                (sub / "products.csv").write_bytes(b"\x00\x01garbage;;\n\xff\xfe\"unterminated\n")
        out[kind] = {"data": str(sub if kind != "gbk_chinese" else path), "columns": columns,
                     "description": DEGRADATIONS[kind], "rows": int(len(frame))}
    (folder / "exports.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out
