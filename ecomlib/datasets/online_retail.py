"""The UCI Online Retail export (Chen, Sain & Guo 2012), bundled as a real, thin shop.

``online_retail.csv.gz`` in ``resources.real_data_dir("online_retail")`` holds every order line
of a UK-based online gift retailer from 2010-12-01 to 2011-12-09, as in the UCI workbook (CC BY 4.0; see the README
there). It lacks what most real exports lack (category, channel, discount, cost, sessions), so
it is the project's test of "the same chapter on a real shop": every chapter report runs on it
with ``--data online_retail``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["BUNDLED_DATA", "bundled_data", "load_online_retail", "online_retail_path"]


def online_retail_path() -> Path:
    """Path of the bundled ``online_retail.csv.gz`` (see :mod:`ecomlib.resources`)."""
    from ecomlib import resources

    return resources.real_data_dir("online_retail") / "online_retail.csv.gz"


#: Bundled data sets that ``--data NAME`` (and a notebook's ``data = "NAME"``) open by name:
#: name -> (path function, preset).
BUNDLED_DATA: dict[str, tuple[Any, str]] = {"online_retail": (online_retail_path, "online_retail")}


def bundled_data(name: Any) -> tuple[Path, str] | None:
    """``(path, preset)`` when ``name`` names a bundled data set, else None.

    A file or folder of that name in the working directory wins over the bundled set.
    """
    if not isinstance(name, str) or name.strip() not in BUNDLED_DATA or Path(name).exists():
        return None
    path_of, preset = BUNDLED_DATA[name.strip()]
    return path_of(), preset


def load_online_retail(*, start: Any = None, end: Any = None) -> tuple[pd.DataFrame, Any]:
    """The bundled UCI Online Retail order lines, cleaned by the ``online_retail`` preset.

    Parameters
    ----------
    start, end : date-like, optional
        Inclusive date range.

    Returns
    -------
    (DataFrame, QualityReport)
        Canonical transactions and the data-quality report of
        :func:`ecomlib.data.load_transactions` (cancellations as ``status="cancelled"``,
        postage and fee lines dropped, missing customer ids kept as guests).

    References
    ----------
    Chen, D., Sain, S. L. and Guo, K. (2012). Data mining for the online retail industry: a case
    study of RFM model-based customer segmentation using data mining. Journal of Database
    Marketing and Customer Strategy Management, 19(3), 197-208. UCI Machine Learning
    Repository, dataset 352, https://doi.org/10.24432/C5BW33 (CC BY 4.0).

    Examples
    --------
    >>> tx, report = load_online_retail()               # doctest: +SKIP
    >>> tx["customer_id"].nunique()                      # doctest: +SKIP
    4334
    """
    from ecomlib.data import load_transactions

    return load_transactions(online_retail_path(), preset="online_retail", start=start, end=end)
