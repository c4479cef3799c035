"""Canonical data layer: any shop's export becomes the tables of the data model.

Public functions
----------------
``load_transactions(source, *, preset=None, columns=None, encoding=None, sheet=None, start=None, end=None)``
    Order lines -> ``(DataFrame, QualityReport)``.
``load_table(source, table, *, columns=None, ...)``
    Any other canonical table -> ``(DataFrame, QualityReport)``.
``load_shop(folder_or_file, *, preset=None, columns=None, start=None, end=None)``
    Every table present in a folder -> :class:`Shop`.

Presets for known exports live in :mod:`ecomlib.data.presets` (``online_retail``,
``shopify``, ``olist``); schemas in :mod:`ecomlib.data.schemas`.
"""

from ecomlib.data.derived import derive_discounts, reference_prices
from ecomlib.data.presets import PRESETS
from ecomlib.data.quality import QualityCheck, QualityReport
from ecomlib.data.schemas import SCHEMAS, TABLES
from ecomlib.data.shop import Shop, load_shop
from ecomlib.data.tables import load_table
from ecomlib.data.transactions import load_transactions

__all__ = [
    "PRESETS",
    "QualityCheck",
    "QualityReport",
    "SCHEMAS",
    "Shop",
    "TABLES",
    "derive_discounts",
    "load_shop",
    "load_table",
    "load_transactions",
    "reference_prices",
]
