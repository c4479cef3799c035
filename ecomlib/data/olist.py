"""Joining the Olist Brazilian e-commerce public dataset into canonical transactions.

The dataset (Olist, 2018, CC BY-NC-SA 4.0, published on Kaggle) is a folder of CSV files.
Five are used::

    olist_orders_dataset.csv                  order_id, customer_id, order_status, order_purchase_timestamp, ...
    olist_order_items_dataset.csv             order_id, order_item_id, product_id, seller_id, price, freight_value, ...
    olist_customers_dataset.csv               customer_id, customer_unique_id, customer_state, ...
    olist_products_dataset.csv                product_id, product_category_name, ...
    product_category_name_translation.csv     product_category_name, product_category_name_english

Olist gives every order its own ``customer_id``; the person behind it is
``customer_unique_id``, which becomes the canonical ``customer_id`` so repeat purchases
are visible. Each item row is one unit, so identical items of an order (same product and
price) are summed into one line with their quantity. Prices are in BRL and not converted.
Order statuses map to ``completed`` (delivered, shipped, invoiced, processing, approved,
created) or ``cancelled`` (canceled, unavailable).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecomlib.data.sources import RawSource, read_source
from ecomlib.errors import DataError, SchemaError, shorten

__all__ = ["OLIST_FILES", "OLIST_STATUS", "read_olist_folder"]

OLIST_FILES = {
    "orders": "olist_orders_dataset.csv",
    "items": "olist_order_items_dataset.csv",
    "customers": "olist_customers_dataset.csv",
    "products": "olist_products_dataset.csv",
    "translation": "product_category_name_translation.csv",
}

OLIST_STATUS = {
    "delivered": "completed", "shipped": "completed", "invoiced": "completed",
    "processing": "completed", "approved": "completed", "created": "completed",
    "canceled": "cancelled", "unavailable": "cancelled",
}

_TEXT = ("order_id", "customer_id", "customer_unique_id", "product_id", "seller_id",
         "customer_zip_code_prefix", "product_category_name")


_NEEDED = {
    "orders": ("order_id", "customer_id", "order_status", "order_purchase_timestamp"),
    "items": ("order_id", "order_item_id", "product_id", "price"),
    "customers": ("customer_id", "customer_unique_id"),
    "products": ("product_id", "product_category_name"),
    "translation": ("product_category_name", "product_category_name_english"),
}


def _read(folder: Path, key: str) -> pd.DataFrame:
    raw = read_source(folder / OLIST_FILES[key], text_columns=lambda header: [c for c in header if c in _TEXT])
    missing = [c for c in _NEEDED[key] if c not in raw.frame.columns]
    if missing:
        raise SchemaError(
            f"The Olist file {OLIST_FILES[key]!r} lacks column(s) {missing}; found: "
            f"{shorten([str(c) for c in raw.frame.columns])}. Read as: {raw.describe()}.",
            fix="Use the files of the original Kaggle download, unchanged.",
        )
    return raw.frame


def read_olist_folder(folder: Path) -> RawSource:
    """Read an Olist folder and join it into one frame with canonical column names.

    Raises
    ------
    DataError
        When the folder lacks one of :data:`OLIST_FILES` (the message lists them).
    """
    folder = Path(folder)
    if folder.is_file():
        raise DataError(
            f"The olist preset reads a folder, but the file {str(folder)!r} was passed.",
            fix="Pass the folder holding the Olist CSV files.",
        )
    absent = [name for name in OLIST_FILES.values() if not (folder / name).is_file()]
    if absent:
        raise DataError(
            f"The Olist folder {str(folder)!r} lacks {absent}. Needed: {list(OLIST_FILES.values())}.",
            fix="Download the whole 'Brazilian E-Commerce Public Dataset by Olist' and unzip it into one folder.",
        )
    orders = _read(folder, "orders")
    items = _read(folder, "items")
    customers = _read(folder, "customers")[["customer_id", "customer_unique_id"]]
    products = _read(folder, "products")[["product_id", "product_category_name"]]
    translation = _read(folder, "translation")

    lines = (
        items.groupby(["order_id", "product_id", "price"], as_index=False, sort=False)
        .agg(quantity=("order_item_id", "size"))
    )
    merged = (
        lines.merge(orders[["order_id", "customer_id", "order_status", "order_purchase_timestamp"]],
                    on="order_id", how="left", validate="many_to_one")
        .merge(customers, on="customer_id", how="left", validate="many_to_one")
        .merge(products, on="product_id", how="left", validate="many_to_one")
        .merge(translation, on="product_category_name", how="left", validate="many_to_one")
    )
    status = merged["order_status"].astype("str").str.lower().map(OLIST_STATUS)
    category = merged["product_category_name_english"].fillna(merged["product_category_name"])
    frame = pd.DataFrame({
        "order_id": merged["order_id"],
        "order_date": merged["order_purchase_timestamp"],
        "customer_id": merged["customer_unique_id"],
        "product_id": merged["product_id"],
        "category": category,
        "quantity": merged["quantity"],
        "unit_price": merged["price"],
        "channel": "marketplace",
        "country": "BR",
        "status": status.fillna(merged["order_status"]),
    })
    no_items = int((~orders["order_id"].isin(items["order_id"])).sum())
    notes = [
        f"olist: joined {len(items):,} item rows of {orders['order_id'].nunique():,} orders into "
        f"{len(frame):,} lines; customer_id = customer_unique_id; categories in English",
        "currency: BRL (amounts are not converted to CNY)",
    ]
    if no_items:
        notes.append(f"olist: {no_items:,} order(s) without items (e.g. unavailable) are not transactions")
    return RawSource(frame, f"Olist folder {str(folder)!r}", None, notes)
