"""ecomlib — the working companion to 電商運營策略與市場開拓.

Each chapter of the book has a subpackage (``ecomlib.basics``, ``ecomlib.market``,
``ecomlib.pricing``, ``ecomlib.promotion``, ``ecomlib.traffic``, ``ecomlib.retention``,
``ecomlib.risk``); shared pieces live in ``ecomlib.data`` (loading and cleaning),
``ecomlib.datasets`` (the sample shop), ``ecomlib.reports``, ``ecomlib.teaching`` and
``ecomlib.viz``. Importing ecomlib has no side effects.
"""

from ecomlib.errors import (
    DataError,
    EcomlibError,
    NotFittedError,
    NotIdentifiableError,
    ParameterError,
    SchemaError,
)

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "EcomlibError",
    "NotFittedError",
    "NotIdentifiableError",
    "ParameterError",
    "SchemaError",
    "__version__",
]
