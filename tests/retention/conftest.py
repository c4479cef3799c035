"""Fixtures of the retention tests: a hand-built dozen order lines, CDNOW, lifetimes references."""

import json
from pathlib import Path

import pandas as pd
import pytest

REFERENCES = Path(__file__).with_name("references")


@pytest.fixture()
def hand_tx():
    """Twelve order lines: 3 customers, a guest line, a cancelled line and a return line.

    Purchase days (value, CNY): a 2024-01-05 (180 = 100 + 50 + 30, two orders),
    2024-02-10 (60), 2024-03-10 (70); b 2024-01-20 (40), 2024-03-01 (90);
    c 2024-02-15 (80; its 20 CNY line is cancelled), 2024-03-31 (10).
    a returns 30 CNY on 2024-02-20; a guest buys on 2024-03-03.
    """
    rows = [
        ("O1", "2024-01-05 10:00", "a", 1, 100.0, "completed"),
        ("O1", "2024-01-05 10:00", "a", 2, 50.0, "completed"),
        ("O2", "2024-01-05 18:00", "a", 1, 30.0, "completed"),
        ("O3", "2024-01-20 09:00", "b", 1, 40.0, "completed"),
        ("O4", "2024-02-10 12:00", "a", 1, 60.0, "completed"),
        ("O5", "2024-02-15 08:00", "c", 1, 80.0, "completed"),
        ("O6", "2024-02-15 08:05", "c", 1, 20.0, "cancelled"),
        ("R1", "2024-02-20 15:00", "a", -1, -30.0, "returned"),
        ("O7", "2024-03-01 11:00", "b", 2, 90.0, "completed"),
        ("O8", "2024-03-03 11:00", None, 1, 25.0, "completed"),
        ("O9", "2024-03-10 20:00", "a", 1, 70.0, "completed"),
        ("O10", "2024-03-31 23:00", "c", 1, 10.0, "completed"),
    ]
    tx = pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "quantity", "revenue", "status"])
    tx["order_date"] = pd.to_datetime(tx["order_date"]).astype("datetime64[us]")
    tx["customer_id"] = tx["customer_id"].astype("str")
    return tx


@pytest.fixture(scope="session")
def cdnow_sample():
    """CDNOW 1/10th sample (2,357 customers), from data/real/cdnow/."""
    from ecomlib.datasets import load_cdnow

    return load_cdnow("sample")


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_sample):
    """39-week calibration summary in weeks, as in Fader, Hardie & Lee (2005)."""
    from ecomlib.retention import rfm_summary

    return rfm_summary(cdnow_sample, "1997-09-30", "W")


@pytest.fixture(scope="session")
def lifetimes_refs():
    """Values computed by lifetimes 0.11.3 (tests/retention/references/regenerate.py)."""
    return json.loads((REFERENCES / "lifetimes_cdnow.json").read_text())
