"""Issue 14 §3: the channel figures are reconciled with the shop's in sentences computed from the data."""

import re

import pandas as pd
import pytest

from ecomlib.basics import (
    compare_periods,
    describe_channel_total,
    describe_channel_visitors,
    kpi_tree,
)

YEARS = ("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")  # base, current


@pytest.fixture
def tables():
    tx = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"],
                       "order_date": pd.to_datetime(["2024-01-02", "2024-01-03", "2025-01-02", "2025-01-03"]),
                       "quantity": 1, "revenue": [10.0, 10.0, 12.0, 12.0], "status": "completed",
                       "channel": ["a", "b", "a", "b"]})  # fmt: skip
    s = pd.DataFrame({"visitor_id": ["v1", "v1", "v2", "w1", "w1", "w2", "w3"],
                      "date": pd.to_datetime(["2024-01-02"] * 3 + ["2025-01-02"] * 4),
                      "channel": ["a", "b", "a", "a", "b", "b", "a"]})  # fmt: skip
    return tx, s


def test_channel_visitors_sentence_counts_each_channel(tables):
    tx, s = tables
    text = describe_channel_visitors(kpi_tree(tx, s, by="channel"), kpi_tree(tx, s))
    # hand count: channel visitors a {v1, v2, w1, w3} = 4, b {v1, w1, w2} = 3 -> 7; distinct 5
    assert "add up to 7 visitors against 5 distinct visitors (1.40 channels each)" in text
    assert "80.00%" in text and "57.14%" in text  # 4 / 5 shop-wide, 4 / 7 per channel visitor


def test_channel_total_sentence_differs_only_in_the_split(tables):
    tx, s = tables
    base, current = YEARS
    whole = compare_periods(tx, s, base=base, current=current)
    split = compare_periods(tx, s, base=base, current=current, by="channel")
    text = describe_channel_total(whole, split)
    assert f"{whole.table.loc['total', 'change']:,.0f}" in text.replace("¥", "")
    assert whole.table.loc["total", "change"] == pytest.approx(split.table.loc["total", "change"])


def test_discount_depth_in_basics_is_the_pricing_figure(sample_store):
    """basics records ``discount_depth`` with ecomlib.pricing's function on the same lines."""
    from ecomlib.basics import sales_groups
    from ecomlib.pricing import discount_depth
    from ecomlib.resources import notebooks_dir

    nb = (notebooks_dir() / "00_basics.ipynb").read_text(encoding="utf-8")
    assert "from ecomlib.pricing import discount_depth" in nb and "realised_share" not in nb
    tx, products = sample_store.transactions, sample_store.products
    groups, _ = sales_groups(tx)
    assert discount_depth(groups.frame, products).overall() == pytest.approx(discount_depth(tx, products).overall())
    assert re.search(r'reports\.record\(\\?"discount_depth\\?", 100 \* depth\.overall\(\)', nb)


def test_channel_total_sentence_without_sessions(tables):
    """An export of order lines only has no visitors driver: the sentence says so, no KeyError."""
    tx, _ = tables
    base, current = YEARS
    whole = compare_periods(tx, None, base=base, current=current)
    split = compare_periods(tx, None, base=base, current=current, by="channel")
    text = describe_channel_total(whole, split)
    assert "no visitors driver" in text and "4" in text
