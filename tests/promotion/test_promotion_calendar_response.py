"""Inferred calendars and who-responds tables on hand-built data."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.promotion import (
    daily_sales,
    festival_calendar,
    product_contributions,
    promotions_from_discounts,
    who_responds,
)


def test_festival_calendar():
    cal = festival_calendar(["2024-11-04..2024-11-11", "2025-06-18"])
    assert cal["end"].tolist() == [pd.Timestamp("2024-11-11"), pd.Timestamp("2025-06-18")]
    assert set(cal["scope_type"]) == {"all"} and set(cal["kind"]) == {"festival"}
    with pytest.raises(ParameterError):
        festival_calendar(["2024-11-11..2024-11-04"])
    with pytest.raises(ParameterError):
        festival_calendar(["Double 11"])


def test_promotions_from_discounts_finds_the_discounted_run(promo_shop):
    tx, promos = promo_shop
    cal = promotions_from_discounts(tx, min_share=0.3)
    # A1 carries 40 x 2 = 80 of about 80 + 22 + 50 units during its promotion: > 30 % discounted
    assert cal["start"].tolist() == [promos.loc[0, "start"]] and cal["end"].tolist() == [promos.loc[0, "end"]]
    with pytest.raises(DataError, match="No run"):
        promotions_from_discounts(tx.assign(discount=0.0))
    with pytest.raises(SchemaError):
        promotions_from_discounts(tx.drop(columns="discount"))


def test_who_responds_by_hand():
    days = pd.to_datetime(["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-16"])
    tx = pd.DataFrame({"order_date": days, "quantity": [7, 7, 4, 6], "status": "completed",
                       "customer_id": ["c1", "c1", "c2", None], "channel": ["a", "a", "b", "a"]})
    promo = pd.Series({"start": pd.Timestamp("2025-01-15"), "end": pd.Timestamp("2025-01-16")})
    t = who_responds(tx, promo, by="channel", pre_weeks=2)
    # before: 14 units of channel a over 14 days = 1/day; during: a 6 units / 2 days = 3/day, b 2/day
    assert t.loc["a", "units_per_day_before"] == 1.0 and t.loc["a", "units_per_day_during"] == 3.0
    assert t.loc["a", "change"] == 2.0 and t.loc["b", "units_per_day_during"] == 2.0
    assert t["share_of_extra_units"].sum() == pytest.approx(1.0)
    types = who_responds(tx, promo, pre_weeks=2)
    assert set(types.index) == {"new", "returning", "guest"}
    assert types.loc["new", "units_per_day_during"] == 2.0   # c2's first order


def test_product_contributions(promo_shop):
    tx, promos = promo_shop
    out = product_contributions(daily_sales(tx), promos.iloc[0])
    assert out["product_id"].tolist() == ["A1"]
    assert out.loc[0, "extra_units"] > 0 and out.loc[0, "share_of_extra"] == 1.0
    assert np.isfinite(out.loc[0, "extra_revenue"])


def test_who_responds_with_renamed_columns():
    tx = pd.DataFrame({"day": pd.to_datetime(["2025-01-01", "2025-01-15"]), "qty": [7, 6],
                       "state": "completed", "buyer": ["c1", "c1"], "channel": ["a", "a"]})
    promo = pd.Series({"start": pd.Timestamp("2025-01-15"), "end": pd.Timestamp("2025-01-15")})
    t = who_responds(tx, promo, by="channel", pre_weeks=2, date_col="day", quantity_col="qty",
                     status_col="state", customer_col="buyer")
    assert t.loc["a", "units_per_day_during"] == 6.0 and t.loc["a", "units_per_day_before"] == 0.5
