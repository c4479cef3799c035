"""Built-in mappings for known exports: ``online_retail``, ``shopify`` and ``olist``.

A :class:`Preset` names the export's columns, reads identifiers as text, and fixes the
export's known quirks before the common cleaning runs:

``online_retail``
    UCI *Online Retail* (Chen, Sain & Guo 2012; columns ``InvoiceNo, StockCode, Description,
    Quantity, InvoiceDate, UnitPrice, CustomerID, Country``) and *Online Retail II*
    (``Invoice, StockCode, Description, Quantity, InvoiceDate, Price, Customer ID, Country``).
    Invoices starting with ``C`` are cancellations; customer ids such as ``17850.0`` become
    ``"17850"``; postage, fees, manual adjustments and similar stock codes
    (:data:`NON_PRODUCT_CODES`) are counted as non-product lines and left out of the table.
``shopify``
    Shopify's *Export orders* CSV: one row per line item; order-level fields (``Email``,
    ``Financial Status``, ``Created at``, ``Cancelled at``, ``Billing Country`` ...) appear only
    on an order's first row and are forward-filled within the order. An order with
    ``Cancelled at`` set is cancelled; ``Financial Status = refunded`` means returned.
``olist``
    The Olist Brazilian e-commerce public dataset (a folder of CSVs), see
    :mod:`ecomlib.data.olist`.

References
----------
Chen, D., Sain, S. L. and Guo, K. (2012). Data mining for the online retail industry.
*Journal of Database Marketing and Customer Strategy Management* 19(3), 197-208.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ecomlib.data.parsing import by_value, is_blank
from ecomlib.data.sources import RawSource
from ecomlib.validation import check_argument

__all__ = ["Preset", "PRESETS", "NON_PRODUCT_CODES", "get_preset", "guess_preset"]

# UCI Online Retail stock codes that are not products: postage, carriage, manual, bank and
# marketplace fees, charity, discounts, samples, bad-debt adjustments, pads, tests
NON_PRODUCT_CODES = (
    "POST", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "D", "S", "B", "PADS",
    "C2", "C3", "ADJUST", "ADJUST2", "TEST001", "TEST002", "DCGSSBOY", "DCGSSGIRL", "GIFT",
)
_NON_PRODUCT_PATTERN = r"(?i)^(?:gift_\d+_\d+|test\d+|adjust\d*|dcgs\w*)$"


@dataclass(frozen=True)
class Preset:
    """A known export's column map and quirks.

    Attributes
    ----------
    name, description : str
    columns : dict
        file column -> canonical column (several header variants may map to one column).
    signature : tuple of tuple of str
        Header sets that identify the export (any one set, all its headers present).
    text_columns : tuple of str
        File columns read as text so identifiers keep leading zeros.
    prepare : callable, optional
        ``frame -> (frame, notes)``, run on the raw table (file headers) before mapping.
    non_product : callable, optional
        ``canonical frame -> bool Series`` marking lines that are not product sales.
    read_folder : callable, optional
        ``path -> RawSource`` for exports that are a folder of files.
    currency : str
        ISO 4217 code of the export's amounts when the format fixes it ('' when it varies).
    categories : bool
        ``prepare`` and ``non_product`` accept text columns as pandas categoricals (and give
        the same results), so a large file's text columns may be read that way.
    """

    name: str
    description: str
    columns: dict[str, str]
    signature: tuple[tuple[str, ...], ...] = ()
    text_columns: tuple[str, ...] = ()
    prepare: Callable[[pd.DataFrame], tuple[pd.DataFrame, list[str]]] | None = None
    non_product: Callable[[pd.DataFrame], pd.Series] | None = None
    read_folder: Callable[[Path], RawSource] | None = field(default=None, repr=False)
    currency: str = ""
    categories: bool = False


def _online_retail_prepare(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    invoice = "InvoiceNo" if "InvoiceNo" in frame.columns else "Invoice"
    if invoice not in frame.columns:
        return frame, []
    if isinstance(frame[invoice].dtype, pd.CategoricalDtype):  # once per distinct invoice
        cancelled = by_value(frame[invoice], _is_cancellation).to_numpy(dtype=bool)
        kinds = pd.CategoricalDtype(pd.Index(["completed", "cancelled"], dtype="str"))
        status = pd.Series(pd.Categorical.from_codes(cancelled.astype(np.int8), dtype=kinds), index=frame.index,
                           copy=False)
    else:
        cancelled = _is_cancellation(frame[invoice])
        status = pd.Series("completed", index=frame.index, dtype="str").where(~cancelled, "cancelled")
    return frame.assign(status=status), ["status: invoices starting with 'C' are cancellations"]


def _is_cancellation(invoice: pd.Series) -> pd.Series:
    return invoice.astype("str").str.strip().str.upper().str.startswith("C")


def _online_retail_non_product(frame: pd.DataFrame) -> pd.Series:
    if isinstance(frame["product_id"].dtype, pd.CategoricalDtype):  # once per distinct code
        return by_value(frame["product_id"], _is_non_product)
    return _is_non_product(frame["product_id"])


def _is_non_product(product_id: pd.Series) -> pd.Series:
    code = product_id.str.strip().str.upper()
    return code.isin(NON_PRODUCT_CODES) | code.str.match(_NON_PRODUCT_PATTERN, na=False)


SHOPIFY_ORDER_FIELDS = (
    "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal", "Shipping",
    "Taxes", "Total", "Discount Code", "Discount Amount", "Created at", "Cancelled at",
    "Refunded Amount", "Billing Country", "Source",
)


def _shopify_prepare(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    if "Name" not in frame.columns:
        return frame, []
    fields = [c for c in SHOPIFY_ORDER_FIELDS if c in frame.columns]
    blanks = {c: frame[c].where(~is_blank(frame[c])) for c in fields}
    filled = pd.DataFrame(blanks, index=frame.index).groupby(frame["Name"], sort=False).ffill()
    out = frame.assign(**{c: filled[c] for c in fields})
    notes = [f"shopify: forward-filled order-level fields within each order ({', '.join(fields)})"]
    cancelled = ~is_blank(out["Cancelled at"]) if "Cancelled at" in out else False
    refunded = (out["Financial Status"].astype("str").str.strip().str.lower().eq("refunded")
                if "Financial Status" in out else False)
    status = pd.Series("completed", index=out.index, dtype="str")
    status = status.where(~(refunded & ~cancelled), "returned").where(~cancelled, "cancelled")
    out = out.assign(status=status)
    if "Lineitem sku" in out and "Lineitem name" in out:
        sku = out["Lineitem sku"].astype("str").where(~is_blank(out["Lineitem sku"]))
        out = out.assign(**{"Lineitem sku": sku.fillna(out["Lineitem name"])})
        notes.append("shopify: line items without a SKU use their name as product_id")
    if "Currency" in out:
        currencies = sorted(out["Currency"].dropna().astype("str").unique().tolist())
        if currencies and currencies != ["CNY"]:
            notes.append(f"currency: {', '.join(currencies)} (amounts are not converted to CNY)")
    return out, notes


def _olist_folder(path: Path) -> RawSource:
    from ecomlib.data.olist import read_olist_folder

    return read_olist_folder(path)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "online_retail",
            "UCI Online Retail (2010-2011) and Online Retail II (2009-2011), both header variants",
            {
                "InvoiceNo": "order_id", "Invoice": "order_id", "StockCode": "product_id",
                "Description": "product_name", "Quantity": "quantity", "InvoiceDate": "order_date",
                "UnitPrice": "unit_price", "Price": "unit_price", "CustomerID": "customer_id",
                "Customer ID": "customer_id", "Country": "country",
            },
            signature=(("InvoiceNo", "StockCode", "UnitPrice"), ("Invoice", "StockCode", "Price")),
            text_columns=("InvoiceNo", "Invoice", "StockCode", "CustomerID", "Customer ID"),
            prepare=_online_retail_prepare,
            non_product=_online_retail_non_product,
            currency="GBP",
            categories=True,
        ),
        Preset(
            "shopify",
            "Shopify 'Export orders' CSV (one row per line item)",
            {
                "Name": "order_id", "Created at": "order_date", "Email": "customer_id",
                "Lineitem sku": "product_id", "Lineitem name": "product_name",
                "Lineitem quantity": "quantity", "Lineitem price": "unit_price",
                "Lineitem discount": "discount", "Discount Code": "promo_id",
                "Billing Country": "country", "Source": "channel", "Vendor": "category",
            },
            signature=(("Name", "Lineitem quantity", "Lineitem price"),),
            text_columns=("Name", "Lineitem sku", "Email", "Discount Code"),
            prepare=_shopify_prepare,
        ),
        Preset(
            "olist",
            "Olist Brazilian e-commerce public dataset (folder of CSV files)",
            {},
            signature=(("order_item_id", "seller_id", "freight_value"),),
            read_folder=_olist_folder,
            currency="BRL",
        ),
    ]
}


def get_preset(name: str | None) -> Preset | None:
    """Return the preset called ``name`` (``None`` for none)."""
    if name is None:
        return None
    check_argument("preset", list(PRESETS), name)
    return PRESETS[name]


def guess_preset(found: list[str]) -> str | None:
    """Name of the preset whose signature the headers ``found`` match, if any."""
    have = set(found)
    for preset in PRESETS.values():
        if any(set(sig) <= have for sig in preset.signature):
            return preset.name
    return None
