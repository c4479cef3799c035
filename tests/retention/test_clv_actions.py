"""CLV (model and book formulas), holdout check and the action tables."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.retention import (
    BetaGeoModel,
    GammaGammaModel,
    HoldoutCheck,
    action_summary,
    book_clv_inputs,
    book_clv_projection,
    clv_by_group,
    customer_actions,
    customer_lifetime_value,
    first_order_flag,
    holdout_comparison,
    repurchase_by_group,
    retention_clv,
    simple_clv,
)


def test_book_formulas_hand():
    # m r / (1 + d - r) = 100 * 0.6 / 0.5
    assert retention_clv(100.0, 0.6, 0.1) == pytest.approx(120.0)
    np.testing.assert_allclose(retention_clv(100.0, np.array([0.0, 0.5]), 0.0), [0.0, 100.0])
    assert simple_clv(200.0, 2.0, 0.3, 2.5) == pytest.approx(300.0)
    with pytest.raises(ParameterError, match="retention_rate"):
        retention_clv(100.0, 1.0, 0.1)
    with pytest.raises(ParameterError, match="margin"):
        simple_clv(200.0, 2.0, 1.5, 2.0)


def test_book_clv_inputs_hand():
    rows = [("D1", "2024-01-02", "d", 10.0), ("A1", "2024-03-01", "a", 100.0), ("B1", "2024-05-01", "b", 50.0),
            ("A2", "2025-03-01", "a", 200.0), ("C1", "2025-06-01", "c", 300.0), ("C2", "2025-12-31", "c", 100.0)]
    tx = pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "revenue"])
    tx["order_date"] = pd.to_datetime(tx["order_date"]).astype("datetime64[us]")
    out = book_clv_inputs(tx, margin=0.3, discount_rate=0.1)
    # year 1 buyers {d, a, b}, year 2 buyers {a, c}: r = 1/3; year 2: 3 orders, 600 CNY, 2 buyers
    assert out["retention_rate"] == pytest.approx(1 / 3)
    assert out["aov"] == pytest.approx(200.0)
    assert out["purchases_per_year"] == pytest.approx(1.5)
    assert out["margin_per_year"] == pytest.approx(90.0)
    assert out["lifetime_years"] == pytest.approx(1.5)
    assert out["clv_retention_formula"] == pytest.approx(90 * (1 / 3) / (1.1 - 1 / 3))
    assert out["clv_simple_formula"] == pytest.approx(135.0)
    with pytest.raises(DataError, match="two years"):
        book_clv_inputs(tx.iloc[3:])


@pytest.fixture(scope="module")
def cdnow_models(cdnow_summary):
    return BetaGeoModel().fit(cdnow_summary), GammaGammaModel().fit(cdnow_summary)


def test_clv_one_month_by_hand(cdnow_models, cdnow_summary):
    bg, gg = cdnow_models
    head = cdnow_summary.head(5)
    out = customer_lifetime_value(bg, gg, head, horizon_months=1, discount_rate=0.12, margin=0.25, time_unit="W")
    month = 365.25 / 12 / 7
    purchases = bg.conditional_expected_purchases(month, head["frequency"], head["recency"], head["T"])
    value = gg.conditional_expected_average_value(head["frequency"], head["monetary_value"])
    by_hand = 0.25 * value * purchases / 1.12 ** (1 / 12)
    np.testing.assert_allclose(out["clv"], by_hand, rtol=1e-10)
    np.testing.assert_allclose(out["clv_if_alive"] * out["prob_alive"], out["clv"], rtol=1e-10)


def test_clv_against_lifetimes(cdnow_models, cdnow_summary, lifetimes_refs):
    bg, gg = cdnow_models
    head = cdnow_summary.loc[lifetimes_refs["clv_first20_ids"]]
    # lifetimes: 12 monthly steps of 4.345 weeks, 1% per month, no margin; we use months of
    # 365.25/12 days (4.348 weeks, 0.07% longer), so agree to 2e-3 relative
    out = customer_lifetime_value(bg, gg, head, 12, discount_rate=1.01**12 - 1, margin=1.0, time_unit="W")
    np.testing.assert_allclose(out["clv"], lifetimes_refs["clv_first20_monthly_discount_0.01_12_months"],
                               rtol=2e-3)


def test_clv_in_blocks_equals_one_block(cdnow_models, cdnow_summary, monkeypatch):
    # CDNOW's 2,357 customers are one block by default; blocks of 100 customers (24 blocks, the
    # last one of 57) must give the same numbers bit for bit, for monthly and yearly steps
    import ecomlib.retention.clv as clv_module

    bg, gg = cdnow_models
    whole = [customer_lifetime_value(bg, gg, cdnow_summary, 12, 0.1, 0.3, "W"),
             customer_lifetime_value(bg, gg, cdnow_summary, 120, 0.1, 0.3, "W", step_months=12)]
    assert len(cdnow_summary) < clv_module.CLV_BLOCK_CUSTOMERS
    monkeypatch.setattr(clv_module, "CLV_BLOCK_CUSTOMERS", 100)
    blocks = [customer_lifetime_value(bg, gg, cdnow_summary, 12, 0.1, 0.3, "W"),
              customer_lifetime_value(bg, gg, cdnow_summary, 120, 0.1, 0.3, "W", step_months=12)]
    for one, many in zip(whole, blocks, strict=True):
        pd.testing.assert_frame_equal(one, many, check_exact=True)


def test_clv_bad_parameters(cdnow_models, cdnow_summary):
    bg, gg = cdnow_models
    with pytest.raises(ParameterError, match="horizon_months"):
        customer_lifetime_value(bg, gg, cdnow_summary, horizon_months=0)
    with pytest.raises(ParameterError, match="discount_rate"):
        customer_lifetime_value(bg, gg, cdnow_summary, discount_rate=5)
    with pytest.raises(ParameterError, match="margin"):
        customer_lifetime_value(bg, gg, cdnow_summary, margin=-0.1)
    with pytest.raises(ParameterError, match="time_unit"):
        customer_lifetime_value(bg, gg, cdnow_summary, time_unit="M")


def test_holdout_comparison_hand():
    model = BetaGeoModel()
    model.params_ = pd.Series([0.5, 2.0, 0.8, 1.5], index=["r", "alpha", "a", "b"])
    split = pd.DataFrame({"frequency_cal": [0.0, 2.0, 9.0], "recency_cal": [0.0, 5.0, 9.0],
                          "T_cal": [10.0, 10.0, 10.0], "frequency_holdout": [1.0, 0.0, 3.0],
                          "duration_holdout": [4.0, 4.0, 4.0]})
    out = holdout_comparison(model, split, max_frequency=2)
    predicted = model.conditional_expected_purchases(4.0, split["frequency_cal"], split["recency_cal"],
                                                     split["T_cal"])
    assert isinstance(out, HoldoutCheck)
    assert out.actual_total == 4.0
    assert out.predicted_total == pytest.approx(predicted.sum())
    assert out.relative_error == pytest.approx((predicted.sum() - 4) / 4)
    # frequencies 2 and 9 share the capped row 2
    assert out.table["customers"].tolist() == [1, 2]
    assert out.table.loc[2, "actual"] == pytest.approx(1.5)


def test_customer_actions_hand():
    clv = pd.DataFrame({"clv": [90.0, 5.0, 1.0, 0.5], "prob_alive": [0.9, 0.1, 0.8, 0.1],
                        "clv_if_alive": [100.0, 50.0, 1.25, 5.0]}, index=list("abcd"))
    out = customer_actions(clv, value_quantile=0.5)
    # high value: clv_if_alive >= median 27.5 -> a, b; b is probably gone -> Win back 50 * 0.9
    assert out.loc[["a", "b", "c", "d"], "action"].tolist() == ["Protect", "Win back", "Nurture", "Let go"]
    assert list(out["action"].cat.categories) == ["Let go", "Nurture", "Protect", "Win back"]  # one byte each
    assert action_summary(out).index.tolist() == ["Protect", "Win back", "Nurture", "Let go"]
    assert action_summary(out).index.dtype == "str"
    assert out.loc["b", "value_at_stake"] == pytest.approx(45.0)
    assert out.loc["a", "value_at_stake"] == pytest.approx(90.0)
    summary = action_summary(out)
    assert summary.index.tolist() == ["Protect", "Win back", "Nurture", "Let go"]
    assert summary["value_at_stake"].sum() == pytest.approx(90 + 45 + 1 + 0.5)


def test_first_order_flag_and_repurchase_by_group(hand_tx):
    tx = hand_tx.assign(promo_id=pd.Series([None, "P1", None, None, None, None, None, None, None, None,
                                            None, None], dtype="str"))
    flag = first_order_flag(tx)
    # a's first day (2024-01-05) has a P1 line; b and c bought without a promotion
    assert flag.to_dict() == {"a": True, "b": False, "c": False}
    out = repurchase_by_group(tx, flag, within_days=40)
    # within 40 days: a came back (36 days), b (41) and c (45) did not
    assert out.loc[True, "repeat_rate"] == 1.0
    assert out.loc[False, "repeat_rate"] == 0.0
    assert out.loc[True, "difference"] == 1.0
    assert np.isnan(out.loc[False, "p_value"])
    with pytest.raises(DataError, match="at least 2 groups"):
        repurchase_by_group(tx, pd.Series({"a": 1, "b": 1, "c": 1}))
    with pytest.raises(ParameterError, match="groups"):
        repurchase_by_group(tx, {"a": 1})


def test_book_clv_projection_sums_to_formula():
    out = book_clv_projection(200.0, 2.0, 0.25, 0.6, 0.1, years=200)
    # m = 200 * 2 * 0.25 = 100; CLV = 100 * 0.6 / 0.5 = 120; the yearly terms add up to it
    assert out.margin_per_year == pytest.approx(100.0)
    assert out.clv == pytest.approx(120.0)
    assert out.years["cumulative"].iloc[-1] == pytest.approx(120.0, rel=1e-9)
    assert out.years["discounted"].iloc[0] == pytest.approx(100 * 0.6 / 1.1)
    assert "120" in out.headline()
    with pytest.raises(ParameterError, match="retention_rate"):
        book_clv_projection(200.0, 2.0, 0.25, 1.0)


def test_clv_by_group_hand():
    clv = pd.DataFrame({"clv": [10.0, 30.0, 5.0, 1.0], "prob_alive": [0.5, 0.9, 0.2, 0.1],
                        "expected_purchases": [1.0, 2.0, 0.5, 0.1]}, index=list("abcd"))
    out = clv_by_group(clv, pd.Series({"a": "email", "b": "email", "c": "search"}))
    assert out.index.tolist() == ["email", "search", "unknown"]
    assert out.loc["email", "clv"] == 20.0 and out.loc["email", "total_clv"] == 40.0
    assert out.loc["email", "prob_alive"] == pytest.approx(0.7)
    with pytest.raises(ParameterError, match="groups"):
        clv_by_group(clv, ["email"])


def test_clv_yearly_steps_by_hand(cdnow_models, cdnow_summary):
    bg, gg = cdnow_models
    head = cdnow_summary.head(4)
    out = customer_lifetime_value(bg, gg, head, 24, discount_rate=0.1, margin=0.5, time_unit="W", step_months=12)
    year = 365.25 / 7
    args = (head["frequency"], head["recency"], head["T"])
    y1 = bg.conditional_expected_purchases(year, *args)
    y2 = bg.conditional_expected_purchases(2 * year, *args) - y1
    value = gg.conditional_expected_average_value(head["frequency"], head["monetary_value"])
    np.testing.assert_allclose(out["clv"], 0.5 * value * (y1 / 1.1 + y2 / 1.1**2), rtol=1e-10)
    with pytest.raises(ParameterError, match="step_months"):
        customer_lifetime_value(bg, gg, head, 18, step_months=12)


# ------------------------------------------------ one customer value (issue 14 §3)
from ecomlib.pricing import DEFAULT_COST_RATIO  # noqa: E402
from ecomlib.retention import margin_rate, rfm_summary, shop_customer_value  # noqa: E402


def test_margin_rate_reads_the_shops_unit_costs():
    lines = pd.DataFrame({"quantity": [1, 3, 1], "unit_price": [10.0, 10.0, 10.0], "revenue": [10.0, 30.0, 10.0],
                          "unit_cost": [6.0, 5.0, 1.0], "status": ["completed", "completed", "cancelled"]})
    assert margin_rate(lines) == (pytest.approx(1 - 21 / 40), "unit costs (transactions)")
    products = pd.DataFrame({"product_id": ["p"], "unit_cost": [7.0]})
    rate, source = margin_rate(lines.drop(columns="unit_cost").assign(product_id="p"), products)
    assert rate == pytest.approx(0.3) and source == "unit costs (products)"
    rate, source = margin_rate(lines.drop(columns="unit_cost"))
    assert rate == pytest.approx(1 - DEFAULT_COST_RATIO) and "assumed" in source


def test_shop_customer_value_is_the_retention_chapters_clv(sample_store):
    """The traffic chapter's LTV is the retention chapter's clv_mean: same margin, same models."""
    tx = sample_store.transactions
    tx = tx[tx["order_date"] < "2024-10-01"]
    value = shop_customer_value(tx, sample_store.products)
    measured, _ = margin_rate(tx, sample_store.products)
    assert value.margin == pytest.approx(measured) and value.margin_source.startswith("unit costs")
    assert 0.35 < value.margin < 0.5  # the sample shop's unit costs, not the old flat 30 %
    as_of = tx["order_date"].max().floor("D")
    summary = rfm_summary(tx, as_of, "W")
    bg, gg = BetaGeoModel().fit(summary), GammaGammaModel().fit(summary)
    by_hand = customer_lifetime_value(bg, gg, summary, 12, 0.1, measured, "W")["clv"].mean()
    assert value.mean == pytest.approx(by_hand)
    assert value.monthly_margin == pytest.approx(value.mean / 12)
