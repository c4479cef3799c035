"""Product price-cut episodes found in the discounts (promotions_from_discounts(by=...)) and the
report's fallback to them (discount_calendar), on hand-made order lines."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.promotion import daily_sales, promotion_effects, promotions_from_discounts
from ecomlib.promotion.calendar import CALENDAR_COLUMNS, discount_calendar, scope_lines


def lines(spec, start="2024-01-01"):
    """Order lines from ``{product: [(day offset, quantity, discount), ...]}``."""
    rows = [(pd.Timestamp(start) + pd.Timedelta(days=d), pid, q, disc)
            for pid, entries in spec.items() for d, q, disc in entries]
    tx = pd.DataFrame(rows, columns=["order_date", "product_id", "quantity", "discount"])
    return tx.assign(status="completed", order_date=tx["order_date"].astype("datetime64[us]"))


def hand_case():
    """A: full price days 0-3, cut on days 4, 5 and 7 (nothing sold on day 6), full price 8-9.
    B: sold every day, never cut (and it sells on A's no-sale day)."""
    a = [(d, 4, 0.0) for d in range(4)] + [(4, 6, 3.0), (5, 6, 3.0), (7, 6, 3.0)] + [(8, 4, 0.0), (9, 4, 0.0)]
    b = [(d, 10, 0.0) for d in range(10)]
    return lines({"A": a, "B": b})


def test_one_product_episode_bridging_a_no_sale_day():
    cal = promotions_from_discounts(hand_case(), by="product_id")
    assert list(cal.columns) == CALENDAR_COLUMNS and len(cal) == 1
    row = cal.iloc[0]
    assert row["promo_id"] == "DISC-A-2024-01-05"
    assert (row["start"], row["end"]) == (pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-08"))
    assert (row["scope_type"], row["scope"], row["kind"], row["cost"]) == ("product", "A", "discount", 0.0)
    assert cal.attrs["runs_found"] == 1
    # the whole shop never reaches 30 % discounted units (A's 6 of 16 units is 37.5 % only on days 4-5,
    # and day 6 has B alone): no shop-wide run of 3 days
    with pytest.raises(DataError, match=r"^No run of 3\+ days with at least 30% discounted units was found\."):
        promotions_from_discounts(hand_case())


def test_an_unflagged_selling_day_breaks_the_run_and_a_no_sale_day_does_not_extend_it():
    tx = hand_case()
    # A sells at full price on day 6: the cut days 4-5 and 7 are two runs, each too short
    broken = pd.concat([tx, lines({"A": [(6, 5, 0.0)]})], ignore_index=True)
    with pytest.raises(DataError, match="No product had a run of 3"):
        promotions_from_discounts(broken, by="product_id")
    # nothing sold on days 8-9 either: the run still ends on its last flagged selling day (day 7)
    cal = promotions_from_discounts(tx[~((tx["product_id"] == "A") & (tx["order_date"] > "2024-01-08"))],
                                    by="product_id")
    assert cal["end"].tolist() == [pd.Timestamp("2024-01-08")]


def test_min_days_and_two_flagged_selling_days():
    tx = lines({
        "C": [(0, 5, 1.0), (3, 5, 1.0)],              # two cut selling days, 4 calendar days apart
        "D": [(0, 5, 1.0), (10, 5, 0.0)],             # one cut selling day only
        "E": [(0, 5, 1.0), (1, 5, 1.0), (2, 5, 0.0)],  # two cut days in a row
    })
    assert promotions_from_discounts(tx, by="product_id", min_days=3)["scope"].tolist() == ["C"]
    assert promotions_from_discounts(tx, by="product_id", min_days=2)["scope"].tolist() == ["C", "E"]
    # a single cut day never makes an episode, however short min_days is
    assert "D" not in promotions_from_discounts(tx, by="product_id", min_days=1)["scope"].tolist()
    with pytest.raises(DataError, match="No product had a run of 5"):
        promotions_from_discounts(tx, by="product_id", min_days=5)


def test_min_share_is_per_product_and_min_units():
    tx = lines({"A": [(d, 10, 1.0 if d < 3 else 0.0) for d in range(3)] + [(d, 20, 0.0) for d in range(3)]})
    # 10 of 30 units a day are discounted: a third
    assert len(promotions_from_discounts(tx, by="product_id", min_share=0.3)) == 1
    with pytest.raises(DataError):
        promotions_from_discounts(tx, by="product_id", min_share=0.4)
    assert len(promotions_from_discounts(tx, by="product_id", min_units=90)) == 1
    with pytest.raises(DataError):
        promotions_from_discounts(tx, by="product_id", min_units=91)


def test_max_promotions_keeps_the_runs_with_most_units_in_calendar_order():
    tx = lines({
        "small": [(0, 2, 1.0), (1, 2, 1.0), (2, 2, 1.0)],
        "big": [(10, 50, 1.0), (11, 50, 1.0), (12, 50, 1.0)],
        "middle": [(5, 20, 1.0), (6, 20, 1.0), (7, 20, 1.0)],
    })
    every = promotions_from_discounts(tx, by="product_id")
    assert every["scope"].tolist() == ["small", "middle", "big"]
    top = promotions_from_discounts(tx, by="product_id", max_promotions=2)
    assert top["scope"].tolist() == ["middle", "big"] and top.attrs["runs_found"] == 3
    assert promotions_from_discounts(tx, by="product_id", max_promotions=1)["scope"].tolist() == ["big"]
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ParameterError, match="max_promotions"):
            promotions_from_discounts(tx, by="product_id", max_promotions=bad)


def test_history_condition_leaves_out_products_launched_at_their_cut():
    old = [(d, 5, 0.0) for d in range(0, 40)] + [(40, 5, 1.0), (41, 5, 1.0), (42, 5, 1.0)]
    new = [(38, 5, 0.0), (40, 5, 1.0), (41, 5, 1.0), (42, 5, 1.0)]
    tx = lines({"old": old, "new": new})
    assert promotions_from_discounts(tx, by="product_id")["scope"].tolist() == ["new", "old"]
    kept = promotions_from_discounts(tx, by="product_id", min_history_days=10, history_days=28)
    assert kept["scope"].tolist() == ["old"]


def test_by_category_and_depth_and_names():
    tx = hand_case().assign(category=lambda f: np.where(f["product_id"] == "A", "toys", "books"),
                            discount_rate=lambda f: np.where(f["discount"] > 0, 0.25, 0.0),
                            product_name=lambda f: np.where(f["product_id"] == "A", "Red ball", "Atlas"))
    cal = promotions_from_discounts(tx, by="category")
    assert cal[["scope_type", "scope", "promo_id"]].iloc[0].tolist() == ["category", "toys", "DISC-toys-2024-01-05"]
    prod = promotions_from_discounts(tx, by="product_id")
    assert prod.loc[0, "discount"] == pytest.approx(0.25)
    assert prod.loc[0, "name"] == "Red ball (A) price cut 01-05-01-08"


def test_by_none_path_is_unchanged(promo_shop):
    tx, promos = promo_shop
    cal = promotions_from_discounts(tx)
    assert list(cal.columns) == CALENDAR_COLUMNS
    assert cal.drop(columns="discount").to_dict("records") == [{
        "promo_id": "DISC-2025-03-03", "name": "discount period 03-03-03-09", "start": pd.Timestamp("2025-03-03"),
        "end": pd.Timestamp("2025-03-09"), "kind": "discount", "scope_type": "all", "scope": "", "cost": 0.0}]
    assert cal["discount"].isna().all() and str(cal["start"].dtype) == "datetime64[us]"
    with pytest.raises(DataError) as err:
        promotions_from_discounts(tx.assign(discount=0.0))
    assert err.value.message == "No run of 3+ days with at least 30% discounted units was found."
    assert err.value.fix == "Supply a promotions calendar (promotions.csv) or festival dates."


def test_bad_by():
    tx = hand_case()
    with pytest.raises(ParameterError, match="`by` must be None, 'product_id' or 'category'"):
        promotions_from_discounts(tx, by="channel")
    with pytest.raises(SchemaError):
        promotions_from_discounts(tx, by="category")  # no such column
    with pytest.raises(DataError, match="no line was discounted"):
        promotions_from_discounts(tx.assign(discount=0.0), by="product_id")


def test_discount_calendar_falls_back_to_product_episodes(promo_shop):
    tx, _ = promo_shop
    cal, note = discount_calendar(tx)
    assert note is None and cal["scope_type"].tolist() == ["all"]
    cal, note = discount_calendar(hand_case(), pre_weeks=0, derived=True)
    assert cal["promo_id"].tolist() == ["DISC-A-2024-01-05"]
    assert note.startswith("no shop-wide run of 3+ days with at least 30% discounted units: the promotions are "
                           "product price-cut episodes")
    assert "below their derived regular price" in note and note.endswith("1 found, all are studied")
    # the default history condition (a third of the 12 weeks before) leaves A out: 4 days of history
    with pytest.raises(DataError, match=r"No run of 3\+ days .*; No product had a run .* days with sales"):
        discount_calendar(hand_case())


def test_scope_lines():
    tx = hand_case().assign(category="c")
    assert set(scope_lines(tx, pd.Series({"scope_type": "product", "scope": "A"}))["product_id"]) == {"A"}
    assert len(scope_lines(tx, pd.Series({"scope_type": "all", "scope": ""}))) == len(tx)
    assert len(scope_lines(tx, pd.Series({"scope_type": "category", "scope": "c;d"}))) == len(tx)
    with pytest.raises(ParameterError):
        scope_lines(tx, pd.Series({"scope_type": "shop", "scope": ""}))


def test_free_lines_do_not_poison_the_list_price_index(promo_shop):
    """A line given away (price 0) has no list price; before, log(0) made every forecast fail."""
    tx, promos = promo_shop
    free = tx.iloc[[0]].assign(product_id="GIFT", product_name="GIFT", category="b", unit_price=0.0, revenue=0.0,
                               discount=0.0, quantity=1)
    zero = tx.iloc[[5]].assign(unit_price=0.0, revenue=0.0, discount=0.0)
    daily = daily_sales(pd.concat([tx, free, zero], ignore_index=True), margin=0.4)
    assert np.isfinite(daily.list_price.to_numpy()).all() and (daily.list_price.to_numpy() > 0).all()
    index = daily.log_price_index(np.ones(len(daily.products), dtype=bool))
    assert np.isfinite(index.to_numpy()).all()
    eff = promotion_effects(daily, promos.iloc[0], promos)
    assert np.isfinite(eff.table.loc["lift", "estimate"])
