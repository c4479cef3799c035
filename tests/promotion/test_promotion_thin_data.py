"""The promotion chapter on thin exports: no discount column, no channel, no calendar, too short.

Each case is a small hand-made frame (the synthetic shop of conftest.py, thinned) and asserts
either the clear DataError the report turns into a skip note, or the substitute it runs on.
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.data import derive_discounts
from ecomlib.data.substitutes import channel_substitute
from ecomlib.errors import DataError
from ecomlib.promotion import (
    by_kind,
    campaign_table,
    category_week_panel,
    daily_sales,
    did_promotion,
    estimated_promotions,
    focus_promotion,
    product_contributions,
    promotion_effects,
    promotions_from_discounts,
    study_promotion,
    who_responds,
)
from ecomlib.promotion import plotting as pp
from tests.promotion.conftest import make_promo_shop


@pytest.fixture(scope="module")
def shop():
    return make_promo_shop()


def test_without_discount_column_the_price_cut_is_derived_and_found_as_a_promotion(shop):
    """A1 sells at 16 instead of 20 on 2025-03-03..09: the derived discount finds exactly that week.

    The rows are day totals (one per product and day) whose units rise during the cut: no
    quantity tiers are used, so the lift does not hide the cut.
    """
    tx, _ = shop
    sub = derive_discounts(tx.drop(columns="discount"))
    assert sub.note.startswith("no discount column")
    rate = sub.frame["discount_rate"]
    cut = (tx["product_id"] == "A1") & tx["order_date"].between("2025-03-03", "2025-03-09")
    assert rate[cut].tolist() == pytest.approx([0.2] * int(cut.sum()))
    assert (rate[~cut] == 0).all()
    # the money off is the canonical column, so daily_sales gets its list price back (20 for A1)
    daily = daily_sales(sub.frame, margin=0.4)
    assert daily.list_price["A1"].eq(20.0).all()
    cal = promotions_from_discounts(sub.frame, min_share=0.2)
    assert cal[["start", "end"]].iloc[0].tolist() == [pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-09")]


def test_without_any_discount_no_calendar_is_found_with_a_clear_message(shop):
    tx, _ = shop
    flat = tx.assign(unit_price=tx.groupby("product_id")["unit_price"].transform("max")).drop(columns="discount")
    with pytest.raises(DataError, match="No run of 3"):
        promotions_from_discounts(derive_discounts(flat).frame)


def test_no_calendar_every_section_gets_the_same_clear_reason(shop):
    tx, _ = shop
    daily = daily_sales(tx)
    for call in (lambda: campaign_table(daily, None), lambda: estimated_promotions(None),
                 lambda: focus_promotion(None, None), lambda: study_promotion(None, None),
                 lambda: did_promotion(None, None), lambda: by_kind(None),
                 lambda: who_responds(tx, None), lambda: product_contributions(daily, None),
                 lambda: promotion_effects(daily, None, None), lambda: category_week_panel(daily, None)):
        with pytest.raises(DataError, match="no promotion to study|no promotions calendar"):
            call()


def test_calendar_plot_without_promotions_draws_the_sales_alone(shop):
    ax = pp.plot_calendar(daily_sales(shop[0]), None)
    assert "no promotion" in ax.get_title() and len(ax.lines) == 1 and not ax.patches


def test_promotion_without_history_before_it_is_not_estimated(shop):
    """Four weeks of data, the promotion in them: no pre-period, a DataError naming the reason."""
    tx, promos = shop
    short = tx[tx["order_date"] >= "2025-02-24"]
    campaigns = campaign_table(daily_sales(short), promos)
    assert campaigns["lift"].isna().all() and campaigns["note"].str.len().gt(0).all()
    with pytest.raises(DataError, match="None of the 1 promotion"):
        estimated_promotions(campaigns)


def test_focus_and_study_pick_calendar_rows(shop):
    tx, promos = shop
    campaigns = campaign_table(daily_sales(tx), promos)
    est = estimated_promotions(campaigns)
    focus = focus_promotion(est, promos)
    assert focus["promo_id"] == "P1" and focus["name"] == "A1 week"  # no festival: the latest one
    assert study_promotion(est, promos)["promo_id"] == "P1"  # a product promotion
    with pytest.raises(DataError, match="covers whole categories"):
        did_promotion(est, promos)
    nameless = promos.drop(columns="name")
    assert focus_promotion(est, nameless)["name"] == "P1"


def test_plot_campaigns_without_costs_says_so(shop):
    tx, promos = shop
    campaigns = campaign_table(daily_sales(tx), promos.assign(cost=0.0))
    assert campaigns["roi"].isna().all()
    with pytest.raises(DataError, match="known cost"):
        pp.plot_campaigns(estimated_promotions(campaigns))


def test_who_responds_by_an_empty_channel_column_says_what_is_needed_and_the_substitute_runs(shop):
    tx, promos = shop
    tx = tx.assign(channel=pd.Series(pd.NA, index=tx.index, dtype="str"), customer_id="c1")
    promo = promos.iloc[0]
    with pytest.raises(DataError, match="'channel' is empty"):
        who_responds(tx, promo, by="channel")
    sub = channel_substitute(tx.drop(columns="channel"))
    out = who_responds(sub.frame, promo, by="channel")
    assert out.index.tolist() == ["all"] and out["share_of_extra_units"].iloc[0] == pytest.approx(1.0)


def test_who_responds_without_units_around_the_promotion_raises(shop):
    tx, promos = shop
    later = promos.assign(start=pd.Timestamp("2026-03-02"), end=pd.Timestamp("2026-03-08")).iloc[0]
    with pytest.raises(DataError, match="No completed units"):
        who_responds(tx.assign(channel="web"), later, by="channel")


def test_product_contributions_when_nothing_sold_more_raises(shop):
    tx, promos = shop
    daily = daily_sales(tx)
    flat_week = promos.assign(start=pd.Timestamp("2025-04-14"), end=pd.Timestamp("2025-04-20")).iloc[0]
    flat_week["scope"] = "B1"
    units = daily.units.copy()
    units.loc["2025-04-14":"2025-04-20", "B1"] = 0.0  # nothing sold that week
    thin = type(daily)(units=units, revenue=daily.revenue, margin=daily.margin, products=daily.products,
                       margin_source=daily.margin_source, list_price=daily.list_price)
    with pytest.raises(DataError, match="carried it"):
        product_contributions(thin, flat_week)
    assert np.isfinite(product_contributions(daily, promos.iloc[0])["share_of_extra"]).all()


def test_no_cannibalisation_is_measured_inside_a_pooled_catch_all_group():
    """Hand case: product A promoted; B shares A's group. As a real category B is the comparison
    (a cannibalisation row); as the catch-all 'other' of a substitute it is not."""
    import numpy as np
    import pandas as pd

    from ecomlib.promotion import daily_sales, promotion_effects

    days = pd.date_range("2024-01-01", periods=120, freq="D", unit="us")
    rng = np.random.default_rng(3)
    rows = []
    for product in ("A", "B", "C"):
        units = rng.poisson(20, len(days))
        rows.append(pd.DataFrame({"order_date": days, "product_id": product, "quantity": units,
                                  "revenue": units * 10.0,
                                  "category": "other" if product != "C" else "C"}))
    tx = pd.concat(rows, ignore_index=True)
    tx = tx[tx["quantity"] > 0]
    promo = pd.Series({"promo_id": "P", "start": days[100], "end": days[106], "scope_type": "product",
                       "scope": "A", "kind": "discount", "discount": 0.2, "name": "A cut", "cost": 0.0})
    as_category = promotion_effects(daily_sales(tx, margin=0.4), promo, method="pre_period")
    pooled = promotion_effects(daily_sales(tx, margin=0.4, pooled=("other",)), promo, method="pre_period")
    assert "cannibalisation" in as_category.table.index
    assert "cannibalisation" not in pooled.table.index
    assert pooled.table.loc["lift", "incremental_units"] == pytest.approx(
        as_category.table.loc["lift", "incremental_units"])
