"""load_cdnow against the raw CDNOW files (Fader, Hardie & Lee 2005)."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import load_cdnow
from ecomlib.datasets.cdnow import cdnow_dir
from ecomlib.errors import ParameterError


def _data_lines(name):
    text = (cdnow_dir() / name).read_text(encoding="ascii")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return [ln for ln in lines if not ln.strip().startswith("customer_id")]


@pytest.mark.parametrize(("kind", "file", "n_customers"),
                         [("sample", "CDNOW_sample.txt", 2357), ("master", "CDNOW_master.txt", 23570)])
def test_row_and_customer_counts_match_the_files(kind, file, n_customers):
    tx = load_cdnow(kind)
    lines = _data_lines(file)
    assert len(tx) == len(lines)
    assert tx["customer_id"].nunique() == n_customers  # Fader, Hardie & Lee (2005): 2,357 / 23,570
    first = lines[0].split()
    assert tx.loc[0, "customer_id"] == first[0]
    assert tx.loc[0, "quantity"] == int(first[-2])
    assert tx.loc[0, "revenue"] == float(first[-1])
    assert tx.loc[0, "order_date"] == pd.Timestamp(first[-3])


def test_totals_match_the_file():
    tx = load_cdnow("sample")
    parts = np.array([ln.split() for ln in _data_lines("CDNOW_sample.txt")])
    assert tx["quantity"].sum() == parts[:, 3].astype(int).sum()
    assert tx["revenue"].sum() == pytest.approx(parts[:, 4].astype(float).sum(), abs=1e-6)


def test_canonical_columns_and_dtypes():
    tx = load_cdnow("sample")
    assert list(tx.columns[:12]) == ["order_id", "order_date", "customer_id", "product_id", "product_name",
                                     "category", "quantity", "unit_price", "revenue", "channel",
                                     "country", "status"]
    assert tx["order_date"].dtype == np.dtype("datetime64[us]")
    assert tx["quantity"].dtype == np.dtype("int64")
    assert tx["customer_id"].dtype == pd.StringDtype(na_value=np.nan)
    assert tx["order_id"].is_unique
    assert tx["order_date"].min() == pd.Timestamp("1997-01-01")
    assert tx["order_date"].max() == pd.Timestamp("1998-06-30")
    nonzero = tx["quantity"] > 0
    assert np.allclose(tx.loc[nonzero, "unit_price"] * tx.loc[nonzero, "quantity"], tx.loc[nonzero, "revenue"])


def test_unknown_kind_names_the_choices():
    with pytest.raises(ParameterError, match=r"`kind` must be one of \['sample', 'master'\]"):
        load_cdnow("full")
