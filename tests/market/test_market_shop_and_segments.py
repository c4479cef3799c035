"""The shop's own sales, ABC analysis, competitor benchmark and customer segments."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.market import (
    abc_analysis,
    category_shares,
    competitor_benchmark,
    daily_sales,
    sales_by_period,
    segment_attractiveness,
    segment_profiles,
)


@pytest.fixture
def lines():
    return pd.DataFrame(
        {
            "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
            "order_date": pd.to_datetime(
                ["2023-01-10", "2023-01-10", "2023-04-02", "2024-01-15", "2024-02-01", "2024-02-03"]
            ).as_unit("us"),
            "customer_id": ["c1", "c1", "c2", "c1", "c3", None],
            "product_id": ["p1", "p2", "p1", "p3", "p1", "p2"],
            "category": ["home", "toys", "home", "toys", "home", "toys"],
            "quantity": [1, 2, 1, 1, 3, 1],
            "revenue": [100.0, 40.0, 100.0, 60.0, 300.0, 20.0],
            "unit_cost": [50.0, 10.0, 50.0, 30.0, 50.0, 10.0],
            "status": ["completed", "completed", "completed", "completed", "completed", "cancelled"],
            "region": ["north", "north", "south", "north", "south", "south"],
        }
    )


def test_sales_by_period_and_daily_hand_case(lines):
    before = lines.copy()
    yearly = sales_by_period(lines, "Y", by="category")
    pd.testing.assert_frame_equal(lines, before)
    table = yearly.set_index(["period", "category"])["revenue"]
    assert table[(pd.Timestamp("2023-01-01"), "home")] == 200.0
    assert table[(pd.Timestamp("2024-01-01"), "toys")] == 60.0  # the cancelled line is left out
    days = daily_sales(lines)
    assert days.index.freqstr == "D" and days.sum() == 600.0
    assert days["2023-01-11"] == 0.0
    assert daily_sales(lines, status=None).sum() == 620.0


def test_category_shares_hand_case(lines):
    # two zero-revenue lines stretch the data over both whole calendar years
    ends = lines.iloc[[0, 0]].assign(order_date=pd.to_datetime(["2023-01-01", "2024-12-31"]).as_unit("us"),
                                     revenue=0.0)
    out = category_shares(pd.concat([lines, ends], ignore_index=True), "Y")
    y2024 = out[out["period"] == pd.Timestamp("2024-01-01")].set_index("category")
    assert y2024.loc["home", "share"] == pytest.approx(300 / 360)
    assert y2024.loc["home", "growth"] == pytest.approx(0.5)  # 200 -> 300
    assert y2024.loc["toys", "growth"] == pytest.approx(0.5)  # 40 -> 60


def test_category_growth_is_left_out_for_years_the_data_do_not_cover(lines):
    # the data run from 2023-01-10 to 2024-02-03: neither year is whole, so January-February
    # 2024 is not compared with most of 2023 (a "growth" of +50 % for home that says nothing)
    out = category_shares(lines, "Y")
    assert out["growth"].isna().all()
    assert out.loc[out["period"] == pd.Timestamp("2024-01-01"), "share"].sum() == pytest.approx(1.0)


def test_category_shares_without_categories_says_what_it_needs(lines):
    with pytest.raises(DataError, match="needs categories"):
        category_shares(lines.assign(category=None), "Q")


def test_abc_hand_case(lines):
    result = abc_analysis(lines)
    t = result.table
    assert t["product_id"].tolist() == ["p1", "p3", "p2"]
    assert t["revenue"].tolist() == [500.0, 60.0, 40.0]
    # p1 alone is 83% of revenue: the 80% line is crossed by the first product; p2 starts at
    # 93.3% (< 95%), so it is still B
    assert t["abc_class"].tolist() == ["A", "B", "B"]
    assert abc_analysis(lines, thresholds=(0.8, 0.9)).table["abc_class"].tolist() == ["A", "B", "C"]
    assert result.item_share_for_a == pytest.approx(1 / 3)
    assert result.summary().set_index("abc_class").loc["A", "revenue_share"] == pytest.approx(500 / 600)


def test_shop_sales_bad_inputs(lines):
    with pytest.raises(DataError):
        daily_sales(lines.iloc[:0])
    with pytest.raises(SchemaError, match="status"):
        daily_sales(lines.drop(columns="status"))
    with pytest.raises(SchemaError, match="datetime"):
        daily_sales(lines.assign(order_date=lines["order_date"].astype(str)))
    with pytest.raises(SchemaError, match="numeric"):
        daily_sales(lines.assign(revenue=lines["revenue"].astype(str)))
    with pytest.raises(DataError, match="completed"):
        daily_sales(lines.assign(status="shipped"))
    with pytest.raises(ParameterError, match="freq"):
        sales_by_period(lines, "fortnight")
    with pytest.raises(ParameterError, match="thresholds"):
        abc_analysis(lines, thresholds=(0.9, 0.8))
    with pytest.raises(DataError, match="positive"):
        abc_analysis(lines.assign(revenue=0.0))


@pytest.fixture
def competitors():
    return pd.DataFrame(
        {
            "company": ["a", "b", "shop", "a", "b", "shop"],
            "year": [2023, 2023, 2023, 2024, 2024, 2024],
            "sales": [100.0, 50.0, 50.0, 120.0, 40.0, 40.0],
            "avg_price": [10.0, 20.0, 5.0, 10.0, 20.0, 4.0],
            "rating": [4.0, 4.6, 4.2, 4.1, 4.5, 4.3],
        }
    )


def test_competitor_benchmark_hand_case(competitors):
    out = competitor_benchmark(competitors, shop="shop").set_index("company")
    # the pricing chapter's definition: reference = sales-weighted price of the companies other
    # than the shop, 2024: (120 x 10 + 40 x 20) / 160 = 12.5
    assert out.loc["a", "price_index"] == pytest.approx(100 * 10 / 12.5)
    assert out.loc["shop", "price_index"] == pytest.approx(100 * 4 / 12.5)
    assert out.attrs["reference_price"] == pytest.approx(12.5)
    assert out.loc["a", "share"] == pytest.approx(0.6)
    assert out.loc["b", "growth"] == pytest.approx(-0.2)
    assert out["is_shop"].sum() == 1 and out.loc["shop", "is_shop"]
    no_shop = competitor_benchmark(competitors).set_index("company")  # nobody excluded: 2,160 / 200
    assert no_shop.loc["a", "price_index"] == pytest.approx(100 * 10 / 10.8)
    first = competitor_benchmark(competitors, year=2023)
    assert first["growth"].isna().all()


def test_competitor_benchmark_bad_inputs(competitors):
    with pytest.raises(ParameterError, match="year"):
        competitor_benchmark(competitors, year=1999)
    with pytest.raises(SchemaError, match="rating"):
        competitor_benchmark(competitors.drop(columns="rating"))
    with pytest.raises(DataError, match="more than once"):
        competitor_benchmark(pd.concat([competitors, competitors]))
    with pytest.raises(DataError, match="avg_price"):
        competitor_benchmark(competitors.assign(avg_price=0.0))
    with pytest.raises(DataError):
        competitor_benchmark(competitors.iloc[:0])
    with pytest.raises(ParameterError, match="shop"):
        competitor_benchmark(competitors, shop="nobody")


def test_segment_profiles_hand_case(lines):
    out = segment_profiles(lines).set_index("region")
    # north: c1 with orders o1 (140), o3 (60); south: c2 o2 (100), c3 o4 (300)
    assert out.loc["north", "customers"] == 1 and out.loc["south", "customers"] == 2
    assert out.loc["north", "orders_per_customer"] == 2.0
    assert out.loc["south", "avg_order_value"] == 200.0
    assert out.loc["south", "revenue_share"] == pytest.approx(400 / 600)
    # margin: north cost 50 + 20 + 30 = 100 of 200; south 50 + 150 = 200 of 400
    assert out.loc["north", "margin"] == pytest.approx(0.5)
    assert out.loc["south", "margin"] == pytest.approx(0.5)
    # under two years of data (2023-01-10 .. 2024-02-01): no growth figure
    assert out["growth"].isna().all()


def test_segment_profiles_joins_customers_table(lines):
    customers = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "acquisition_channel": ["ads", "seo", "ads"]})
    out = segment_profiles(lines, customers, by="acquisition_channel").set_index("acquisition_channel")
    assert out.loc["ads", "revenue"] == 500.0
    with pytest.raises(DataError, match="customers"):
        segment_profiles(lines, by="acquisition_channel")
    with pytest.raises(DataError, match="more than once"):
        segment_profiles(lines, pd.concat([customers, customers]), by="acquisition_channel")


def test_segment_growth_last_12_months():
    days = pd.to_datetime(["2022-05-20", "2023-03-01", "2023-09-01", "2024-05-31"]).as_unit("us")
    t = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "order_date": days,
            "customer_id": ["c1"] * 4,
            "revenue": [10.0, 100.0, 50.0, 100.0],
            "status": "completed",
            "region": "north",
        }
    )
    # last 12 months (2023-05-31, 2024-05-31]: 150; the 12 before, (2022-05-31, 2023-05-31]: 100 (2022-05-20 is outside)
    assert segment_profiles(t)["growth"].iloc[0] == pytest.approx(0.5)


def test_segment_attractiveness_hand_case_and_weights():
    p = pd.DataFrame(
        {
            "region": ["n", "s", "e"],
            "revenue": [100.0, 50.0, 0.0],
            "growth": [0.0, 0.5, 1.0],
            "margin": [0.3, 0.3, 0.3],
        }
    )
    out = segment_attractiveness(p).set_index("region")
    # scaled revenue 1, 0.5, 0; growth 0, 0.5, 1; margin constant -> 0.5
    assert out.loc["n", "score"] == pytest.approx(0.4 * 1 + 0.3 * 0 + 0.3 * 0.5)
    assert out.loc["s", "score"] == pytest.approx(0.4 * 0.5 + 0.3 * 0.5 + 0.3 * 0.5)
    as_list = segment_attractiveness(p, [0.4, 0.3, 0.3])
    pd.testing.assert_frame_equal(as_list, segment_attractiveness(p))
    with pytest.raises(ParameterError, match="3 numbers"):
        segment_attractiveness(p, [1.0, 1.0])
    growth_only = segment_attractiveness(p, {"growth": 1.0})
    assert growth_only["region"].tolist() == ["e", "s", "n"]
    assert growth_only["rank"].tolist() == [1, 2, 3]


def test_segment_bad_inputs(lines):
    p = pd.DataFrame({"region": ["n"], "revenue": [1.0], "growth": [np.nan], "margin": [np.nan]})
    with pytest.raises(ParameterError, match="weights"):
        segment_attractiveness(p, {"revenue": -1})
    with pytest.raises(ParameterError, match="positive weight"):
        segment_attractiveness(p, {"growth": 1})
    with pytest.raises(SchemaError, match="size"):
        segment_attractiveness(p, {"size": 1})
    with pytest.raises(DataError):
        segment_attractiveness(p.iloc[:0])
    with pytest.raises(ParameterError, match="by"):
        segment_profiles(lines, by=[])
    with pytest.raises(SchemaError, match="customer_id"):
        segment_profiles(lines.drop(columns="customer_id"))
    with pytest.raises(DataError, match="known customer"):
        segment_profiles(lines.assign(customer_id=None))


def test_competitor_benchmark_price_index_is_the_pricing_chapters(competitors):
    """Issue 14 §3: one price-index definition; market's benchmark equals ecomlib.pricing.price_index."""
    from ecomlib.pricing import price_index

    bench = competitor_benchmark(competitors, shop="shop").set_index("company")["price_index"]
    pricing = price_index(competitors, own="shop")
    pricing = pricing[pricing["year"] == 2024].set_index("company")["price_index"]
    pd.testing.assert_series_equal(bench.sort_index(), pricing.sort_index(), check_names=False)
