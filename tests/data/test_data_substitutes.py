"""Stand-ins for a missing category or channel (hand-made frames)."""

import pandas as pd
import pytest

from ecomlib.data.substitutes import category_substitute, channel_substitute
from ecomlib.errors import ParameterError, SchemaError


def lines(**extra):
    base = {"product_id": ["a", "b", "c", "c", "d"], "revenue": [5.0, 3.0, 1.0, 1.5, 0.5]}
    return pd.DataFrame({**base, **extra})


def test_categories_present_are_kept_as_they_are():
    tx = lines(category=["x", "x", "y", "y", "y"])
    sub = category_substitute(tx)
    assert sub.frame is tx and sub.note is None and not sub.substituted


def test_no_category_groups_by_top_products_and_other():
    tx = lines()
    sub = category_substitute(tx, top=2)
    # revenue by product: a 5.0, b 3.0, c 2.5, d 0.5 -> a and b kept, c and d are "other"
    assert sub.frame["category"].tolist() == ["a", "b", "other", "other", "other"]
    assert "no category column" in sub.note and "top 2" in sub.note
    assert "category" not in tx.columns  # the input is not modified


def test_a_single_category_counts_as_none_and_few_products_have_no_other():
    sub = category_substitute(lines(category=["x"] * 5), top=10)
    assert sub.frame["category"].tolist() == ["a", "b", "c", "c", "d"]
    assert sub.note.startswith("a single category") and "other" not in sub.note


def test_lines_without_a_category_become_other():
    sub = category_substitute(lines(category=["x", "x", None, "y", "y"]))
    assert sub.frame["category"].tolist() == ["x", "x", "other", "y", "y"]
    assert "missing on some lines" in sub.note


def test_channel_substitute():
    assert channel_substitute(lines()).frame["channel"].unique().tolist() == ["all"]
    assert "one channel 'all'" in channel_substitute(lines()).note
    partly = channel_substitute(lines(channel=["web", None, "app", "app", "web"]))
    assert partly.frame["channel"].tolist() == ["web", "unknown", "app", "app", "web"]
    assert channel_substitute(lines(channel=["web"] * 5)).note is None


def test_bad_inputs():
    with pytest.raises(ParameterError):
        category_substitute([1, 2])
    with pytest.raises(SchemaError, match="revenue"):
        category_substitute(pd.DataFrame({"product_id": ["a"]}))


def test_product_groups_are_labelled_by_their_most_frequent_name():
    tx = pd.DataFrame({"product_id": ["22423", "22423", "22423", "85123A", "X1"],
                       "product_name": ["REGENCY CAKESTAND 3 TIER", "REGENCY CAKESTAND 3 TIER", "mailout",
                                        "WHITE HANGING HEART", None],
                       "revenue": [10.0, 10.0, 0.0, 5.0, 1.0]})
    sub = category_substitute(tx, top=2)
    assert sub.frame["category"].tolist() == ["REGENCY CAKESTAND 3 TIER"] * 3 + ["WHITE HANGING HEART", "other"]


def test_the_rest_group_is_named_as_pooled():
    assert category_substitute(lines(), top=2).pooled == ("other",)
    assert category_substitute(lines(), top=10).pooled == ()  # every product kept by name
    assert category_substitute(lines(category=["x", "x", "y", "y", "y"])).pooled == ()
