"""Unit economics, price index and discount depth: hand cases and bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.pricing import discount_depth, price_index, unit_economics


@pytest.fixture
def lines():
    return pd.DataFrame({
        "order_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-04",
                                      "2024-02-05"]).astype("datetime64[us]"),
        "product_id": ["A", "A", "B", "B", "B"],
        "category": ["tea", "tea", "cups", "cups", "cups"],
        "quantity": [2, 2, 1, 4, -1],
        "unit_price": [10.0, 8.0, 30.0, 20.0, 20.0],
        "discount": [0.0, 4.0, 0.0, 40.0, 0.0],
        "status": ["completed", "completed", "completed", "completed", "returned"],
    })


@pytest.fixture
def products():
    return pd.DataFrame({"product_id": ["A", "B"], "unit_cost": [5.0, 12.0],
                         "list_price": [10.0, 30.0]})


def test_unit_economics_hand_case(lines, products):
    table = unit_economics(lines, products, fee_rate=0.1).set_index("category")
    # tea: 4 units, revenue 36, price 9, cost 5, fees 0.9 -> margin 3.1 (34.4%)
    assert table.loc["tea", ["units", "revenue", "avg_price"]].tolist() == pytest.approx([4, 36, 9])
    assert table.loc["tea", "margin_per_unit"] == pytest.approx(9 - 5 - 0.9)
    assert table.loc["tea", "markup_on_cost"] == pytest.approx(0.8)
    # cups (return line left out): 5 units, revenue 110, price 22, cost 12, fees 2.2
    assert table.loc["cups", "margin_rate"] == pytest.approx((22 - 12 - 2.2) / 22)
    assert set(table["cost_source"]) == {"products"}
    assert table.index[0] == "cups"  # sorted by revenue


def test_unit_economics_cost_sources(lines, products):
    own = unit_economics(lines.assign(unit_cost=4.0))
    assert set(own["cost_source"]) == {"transactions"}
    assumed = unit_economics(lines, unit_cost_ratio=0.6).set_index("category")
    assert assumed.loc["tea", "unit_cost"] == pytest.approx(0.6 * 9)
    assert assumed["cost_source"].iloc[0] == "assumed ratio 0.6 of price"
    with pytest.raises(SchemaError, match="unit_cost_ratio"):
        unit_economics(lines)
    with pytest.raises(DataError, match="missing from `products`"):
        unit_economics(lines, products.iloc[:1])


@pytest.mark.parametrize(
    "change, kwargs, error",
    [
        (lambda d: d.iloc[0:0], {}, DataError),
        (lambda d: d.drop(columns="category"), {}, SchemaError),
        (lambda d: d.assign(unit_price="10"), {}, SchemaError),
        (lambda d: d, {"fee_rate": 1.2}, ParameterError),
        (lambda d: d, {"unit_cost_ratio": 1.5, "products": None}, ParameterError),
        (lambda d: d.assign(status="cancelled"), {}, DataError),
    ],
)
def test_unit_economics_bad_inputs(lines, products, change, kwargs, error):
    kwargs = {"products": products, **kwargs}
    with pytest.raises(error):
        unit_economics(change(lines), **kwargs)


def test_price_index_hand_case():
    comp = pd.DataFrame({"company": ["us", "a", "b", "us", "a", "b"],
                         "year": [2024, 2024, 2024, 2025, 2025, 2025],
                         "sales": [1.0, 3.0, 1.0, 1.0, 1.0, 1.0],
                         "avg_price": [110.0, 100.0, 140.0, 99.0, 100.0, 120.0]})
    out = price_index(comp, own="us").set_index(["year", "company"])
    # 2024 reference (3*100 + 1*140)/4 = 110 -> index 100; 2025: 110 -> 90
    assert out.loc[(2024, "us"), "price_index"] == pytest.approx(100.0)
    assert out.loc[(2025, "us"), "price_index"] == pytest.approx(90.0)
    assert out.loc[(2024, "b"), "price_index"] == pytest.approx(140 / 110 * 100)
    equal = price_index(comp, own="us", weighting="equal").set_index(["year", "company"])
    assert equal.loc[(2024, "us"), "reference_price"] == pytest.approx(120.0)
    assert out["is_own"].sum() == 2 and len(comp) == 6


def test_price_index_bad_inputs():
    comp = pd.DataFrame({"company": ["us", "a"], "year": [2024, 2024], "sales": [1.0, 0.0],
                         "avg_price": [10.0, 12.0]})
    with pytest.raises(ParameterError, match="own"):
        price_index(comp, own="uss")
    with pytest.raises(DataError, match="no competitor"):
        price_index(comp, own="us")
    with pytest.raises(SchemaError):
        price_index(comp.drop(columns="sales"), own="us")
    with pytest.raises(ParameterError, match="weighting"):
        price_index(comp, own="us", weighting="units")


def test_discount_depth_hand_case_from_products(lines, products):
    res = discount_depth(lines.drop(columns="discount"), products)
    table = res.table.set_index(["group", "period_start"])
    jan = table.loc[("tea", pd.Timestamp("2024-01-01"))]
    # tea in January: 2 units at list 10, 2 units at 8 (20% off) -> mean 10%, half discounted
    assert jan["mean_discount"] == pytest.approx(0.1) and jan["share_discounted"] == pytest.approx(0.5)
    feb = table.loc[("cups", pd.Timestamp("2024-02-01"))]
    # cups: 1 at 30 (0%), 4 at 20 (1/3 off); the return line is left out
    assert feb["units"] == 5 and feb["mean_discount"] == pytest.approx(4 / 15)
    assert res.list_price_source == "products"
    summary = res.summary()
    assert summary.loc["tea", "units"] == 4


def test_discount_depth_from_discount_column_matches_products(lines, products):
    a = discount_depth(lines.drop(columns="discount"), products).table
    b = discount_depth(lines, products).table
    assert discount_depth(lines, products).list_price_source == "discount column"
    assert np.allclose(a["mean_discount"], b["mean_discount"])


def test_discount_depth_bad_inputs(lines, products):
    with pytest.raises(SchemaError, match="list_price"):
        discount_depth(lines.drop(columns="discount"))
    with pytest.raises(ParameterError, match="freq"):
        discount_depth(lines, freq="Y")
    with pytest.raises(DataError, match="no rows"):
        discount_depth(lines.iloc[0:0])
    with pytest.raises(SchemaError, match="datetime"):
        discount_depth(lines.assign(order_date="2024-01-01"))
    with pytest.raises(DataError, match="missing from `products`"):
        discount_depth(lines.drop(columns="discount"), products.iloc[:1])


def test_price_tiers_hand_case():
    from ecomlib.pricing import price_tiers

    lines = pd.DataFrame({"category": ["tea"] * 4 + ["cups"] * 3, "product_id": list("abcdxyz"),
                          "quantity": [5, 3, 1, 1, 2, 2, 4], "unit_price": [10.0, 20.0, 40.0, 60.0, 5.0, 9.0, 7.0]})
    table = price_tiers(lines, n_tiers=2).set_index(["category", "tier"])
    # tea: tier 1 = a, b (8 units, revenue 110), tier 2 = c, d (2 units, revenue 100)
    assert table.loc[("tea", 1), "unit_share"] == pytest.approx(0.8)
    assert table.loc[("tea", 1), "revenue_share"] == pytest.approx(110 / 210)
    assert table.loc[("tea", 2), ["min_price", "max_price", "avg_price"]].tolist() == pytest.approx([40, 60, 50])
    # cups: 3 products in 2 tiers -> x, z (cheapest two) then y
    assert table.loc[("cups", 1), "products"] == 2 and table.loc[("cups", 2), "max_price"] == 9.0
    with pytest.raises(ParameterError, match="n_tiers"):
        price_tiers(lines, n_tiers=1)
    with pytest.raises(SchemaError, match="product_id"):
        price_tiers(lines.drop(columns="product_id"))
    with pytest.raises(DataError):
        price_tiers(lines.iloc[0:0])


def test_discount_depth_overall_is_the_unit_weighted_mean(lines, products):
    # the key figure discount_depth: tea 2 x 0 + 2 x 0.2, cups 1 x 0 + 4 x 1/3, over 9 units
    res = discount_depth(lines.drop(columns="discount"), products)
    assert res.overall() == pytest.approx((2 * 0.2 + 4 / 3) / 9)


def test_default_cost_ratio_is_one_constant_used_by_the_notebook():
    import json

    from ecomlib.pricing import DEFAULT_COST_RATIO
    from ecomlib.resources import notebooks_dir

    assert DEFAULT_COST_RATIO == 0.6
    nb = json.loads((notebooks_dir() / "02_pricing.ipynb").read_text(encoding="utf-8"))
    params = "".join(next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))["source"])
    assert f"unit_cost_ratio: float = {DEFAULT_COST_RATIO}" in params
