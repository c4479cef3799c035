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

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562), so `ecomlib --help` and `ecomlib.data.cli` stay free of
# pandas and pandera: name -> module that defines it.
_LAZY = {
    "PRESETS": "ecomlib.data.presets",
    "QualityCheck": "ecomlib.data.quality",
    "QualityReport": "ecomlib.data.quality",
    "SCHEMAS": "ecomlib.data.schemas",
    "Shop": "ecomlib.data.shop",
    "TABLES": "ecomlib.data.schemas",
    "derive_discounts": "ecomlib.data.derived",
    "load_shop": "ecomlib.data.shop",
    "load_table": "ecomlib.data.tables",
    "load_transactions": "ecomlib.data.transactions",
    "reference_prices": "ecomlib.data.derived",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ecomlib.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
