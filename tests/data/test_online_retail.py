"""The bundled UCI Online Retail export: loadable by name, and its figures checked by plain pandas.

Reference figures: ``data/real/online_retail/README.md`` and ``../shared/data/online_retail/README.md``
(plain pandas over the UCI file). The plain-pandas code below is written independently of the
loader: exact duplicate rows dropped, then lines with Quantity > 0, UnitPrice > 0, an invoice not
starting with ``C``, and a stock code (compared upper-case) not in the postage/fee list.
"""

import gzip
import hashlib

import pandas as pd
import pytest

from ecomlib.datasets import bundled_data, load_online_retail
from ecomlib.datasets.online_retail import online_retail_path

pytestmark = pytest.mark.slow

SHA256 = "6467ea33d52640ef9bcf795dc3efd91e78087344844ab2aa0845875cd65463fc"  # shared README
FEES = {"POST", "DOT", "M", "C2", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"}


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(online_retail_path(), dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})


@pytest.fixture(scope="module")
def loaded():
    return load_online_retail()


def plain_sales(raw: pd.DataFrame, *, drop_dcgs: bool) -> pd.DataFrame:
    d = raw.drop_duplicates()
    code = d["StockCode"].str.upper()
    fee = code.isin(FEES) | code.str.startswith("GIFT_0001_")
    if drop_dcgs:
        fee |= code.str.startswith("DCGS")
    keep = (d["Quantity"] > 0) & (d["UnitPrice"] > 0) & ~d["InvoiceNo"].str.startswith("C") & ~fee
    return d[keep]


def test_bundled_file_is_the_uci_file_unchanged():
    assert hashlib.sha256(online_retail_path().read_bytes()).hexdigest() == SHA256
    with gzip.open(online_retail_path(), "rt", encoding="utf-8") as handle:
        assert handle.readline().strip() == (
            "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country")


def test_raw_figures_match_the_readme(raw):
    assert len(raw) == 541_909
    assert (raw["Quantity"] * raw["UnitPrice"]).sum() == pytest.approx(9_747_747.93, abs=0.01)
    cancelled = raw["InvoiceNo"].str.startswith("C")
    assert raw.loc[cancelled, "InvoiceNo"].nunique() == 3_836


def test_loader_revenue_and_customers_equal_plain_pandas(raw, loaded):
    tx, report = loaded
    sold = tx[(tx["status"] == "completed") & (tx["unit_price"] > 0)]
    plain = plain_sales(raw, drop_dcgs=True)
    assert sold["revenue"].sum() == pytest.approx((plain["Quantity"] * plain["UnitPrice"]).sum(), abs=0.005)
    assert sold["revenue"].sum() == pytest.approx(10_246_820.87, abs=0.005)
    assert sold["customer_id"].nunique() == plain["CustomerID"].nunique() == 4_334
    assert report.rows_read == len(raw) == len(tx) + report.rows_dropped


def test_readme_figure_differs_by_exactly_the_dcgs_lines(raw, loaded):
    # The shared README's 10,247,219.32 keeps the DCGS* gift-set codes; the preset drops them.
    tx, _ = loaded
    sold = tx[(tx["status"] == "completed") & (tx["unit_price"] > 0)]
    with_dcgs = plain_sales(raw, drop_dcgs=False)
    assert (with_dcgs["Quantity"] * with_dcgs["UnitPrice"]).sum() == pytest.approx(10_247_219.32, abs=0.005)
    dcgs = with_dcgs[with_dcgs["StockCode"].str.upper().str.startswith("DCGS")]
    assert sold["revenue"].sum() + (dcgs["Quantity"] * dcgs["UnitPrice"]).sum() == pytest.approx(
        10_247_219.32, abs=0.005)


def test_opened_by_name(tmp_path, monkeypatch):
    path, preset = bundled_data("online_retail")
    assert path == online_retail_path() and preset == "online_retail"
    assert bundled_data("no_such_set") is None and bundled_data("") is None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "online_retail").mkdir()  # a folder of that name in the working directory wins
    assert bundled_data("online_retail") is None
