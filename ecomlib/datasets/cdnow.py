"""The CDNOW purchase data (Fader, Hardie & Lee 2005) as canonical transactions.

The files live in ``resources.real_data_dir("cdnow")`` (copied from the MIT-licensed ``lifetimes`` package;
see the README there for the source and citation).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecomlib.errors import DataError
from ecomlib.validation import check_argument

__all__ = ["load_cdnow", "cdnow_dir"]

_FILES = {
    "sample": ("CDNOW_sample.txt", ["customer_id", "sample_id", "date", "quantity", "revenue"], None),
    "master": ("CDNOW_master.txt", ["customer_id", "date", "quantity", "revenue"], 0),
}


def cdnow_dir() -> Path:
    """The bundled CDNOW folder (:func:`ecomlib.resources.real_data_dir`)."""
    from ecomlib import resources

    return resources.real_data_dir("cdnow")


def load_cdnow(kind: str = "sample") -> pd.DataFrame:
    """Return the CDNOW purchases as canonical transactions.

    Parameters
    ----------
    kind : {"sample", "master"}, default "sample"
        ``"sample"``: the 2,357 customers (6,919 purchases) analysed by Fader, Hardie & Lee
        (2005); ``"master"``: all 23,570 customers (69,659 purchases).

    Returns
    -------
    DataFrame
        One row per purchase record: ``order_id`` (``"<kind>-<row number>"``),
        ``order_date`` (``datetime64[us]``, from the ``YYYYMMDD`` column), ``customer_id``
        (str, the master file's id such as ``"00004"``), ``product_id`` / ``product_name``
        / ``category`` (``"CD"``; the data do not say which CDs), ``quantity`` (number of
        CDs, int), ``unit_price`` (USD per CD, ``revenue / quantity``), ``revenue``
        (dollar value, USD), ``channel`` (``"online"``), ``country`` (``"US"``) and
        ``status`` (``"completed"``). Records with zero CDs keep ``unit_price`` 0.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy
    way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.

    Examples
    --------
    >>> tx = load_cdnow("sample")
    >>> tx["customer_id"].nunique()
    2357
    """
    check_argument("kind", list(_FILES), kind)
    name, columns, header = _FILES[kind]
    path = cdnow_dir() / name
    if not path.is_file():
        raise DataError(f"The CDNOW file {str(path)!r} is missing.",
                        fix="Reinstall ecomlib; in a checkout, restore the folder with `git checkout`.")
    raw = pd.read_csv(path, sep=r"\s+", header=header, names=columns if header is None else None,
                      dtype={"customer_id": "str", "sample_id": "str", "date": "str"})
    if header is not None:
        raw.columns = columns
    quantity = raw["quantity"].astype("int64")
    revenue = raw["revenue"].astype("float64")
    n = len(raw)
    unit_price = (revenue / quantity.where(quantity != 0)).fillna(0.0)
    return pd.DataFrame({
        "order_id": (f"{kind}-" + pd.Series(range(1, n + 1)).astype("str").str.zfill(5)).astype("str"),
        "order_date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[us]"),
        "customer_id": raw["customer_id"].astype("str"),
        "product_id": pd.Series(["CD"] * n, dtype="str"),
        "product_name": pd.Series(["CD"] * n, dtype="str"),
        "category": pd.Series(["CD"] * n, dtype="str"),
        "quantity": quantity,
        "unit_price": unit_price,
        "revenue": revenue,
        "channel": pd.Series(["online"] * n, dtype="str"),
        "country": pd.Series(["US"] * n, dtype="str"),
        "status": pd.Series(["completed"] * n, dtype="str"),
    })
