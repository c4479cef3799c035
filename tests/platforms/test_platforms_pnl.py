"""Platform P&L, break-even volume, scorecard and the fee-schedule loader (book 7.1).

Every expected number is computed by hand in the test from the lines and fees written here."""

import numpy as np
import pandas as pd
import pytest

from ecomlib import resources
from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.platforms import (
    FEE_COLUMNS,
    PNL_COLUMNS,
    break_even_volume,
    platform_pnl,
    platform_scorecard,
    read_fee_schedule,
)

FEES = pd.DataFrame({
    "platform": ["P1", "P2"],
    "commission_rate": [0.10, 0.0],
    "payment_fee_rate": [0.02, 0.01],
    "ad_take_rate": [0.05, 0.0],
    "fulfilment_per_order": [8.0, 5.0],
    "fixed_fee_per_month": [100.0, 0.0],
})


def hand_lines() -> pd.DataFrame:
    rows = [  # platform, order, date, customer, revenue, quantity, unit cost, status
        ("P1", "o1", "2024-01-05", "c1", 200.0, 2, 30.0, "completed"),
        ("P1", "o1", "2024-01-05", "c1", 50.0, 1, 20.0, "completed"),
        ("P1", "o1", "2024-01-20", "c1", -50.0, -1, 20.0, "returned"),
        ("P1", "o2", "2024-03-10", "c2", 100.0, 1, 45.0, "completed"),
        ("P1", "o3", "2024-02-01", "c1", 80.0, 1, 30.0, "cancelled"),
        ("P2", "o4", "2024-02-02", None, 60.0, 3, 10.0, "completed"),
        ("P2", "o5", "2024-02-20", "c3", 40.0, 1, 15.0, "completed"),
    ]
    df = pd.DataFrame(rows, columns=["platform", "order_id", "order_date", "customer_id", "revenue",
                                     "quantity", "unit_cost", "status"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    return df


def test_platform_pnl_matches_the_hand_computation():
    pnl = platform_pnl(hand_lines(), FEES).set_index("platform")
    assert list(pnl.columns) == list(PNL_COLUMNS)
    p1, p2 = pnl.loc["P1"], pnl.loc["P2"]
    # P1: orders o1, o2 (o3 cancelled); GMV 200 + 50 + 100; refund 50; cogs 60 + 20 - 20 + 45;
    # fees on GMV; 2 orders x 8; January to March = 3 months x 100
    gmv1 = 200 + 50 + 100
    hand1 = {"orders": 2, "customers": 2, "gmv": gmv1, "refunds": 50, "cogs": 60 + 20 - 20 + 45,
             "commission": 0.10 * gmv1, "payment_fees": 0.02 * gmv1, "ad_take": 0.05 * gmv1,
             "fulfilment": 2 * 8, "fixed_fees": 3 * 100}
    hand1["contribution"] = gmv1 - sum(hand1[k] for k in ("refunds", "cogs", "commission", "payment_fees",
                                                          "ad_take", "fulfilment", "fixed_fees"))
    assert hand1["contribution"] == pytest.approx(-180.5, abs=1e-12)
    for key, value in hand1.items():
        assert p1[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert p1["contribution_per_order"] == pytest.approx(-180.5 / 2)
    assert p1["contribution_per_customer"] == pytest.approx(-180.5 / 2)
    assert p1["contribution_per_gmv"] == pytest.approx(-180.5 / 350)
    # P2: one customer id missing; gmv 100, cogs 30 + 15, payment 1 %, 2 orders x 5, no fixed fee
    assert (p2["orders"], p2["customers"]) == (2, 1)
    assert p2["contribution"] == pytest.approx(100 - 45 - 1 - 10, abs=1e-12)
    assert p2["contribution_per_customer"] == pytest.approx(44.0)
    assert list(pnl.index) == ["P2", "P1"]  # largest contribution first


def test_months_override_and_cancelled_lines_carry_nothing():
    lines = hand_lines()
    by_number = platform_pnl(lines, FEES, months=12).set_index("platform")
    assert by_number.loc["P1", "fixed_fees"] == pytest.approx(1200.0)
    by_dict = platform_pnl(lines, FEES, months={"P1": 1}).set_index("platform")
    assert by_dict.loc["P1", "fixed_fees"] == pytest.approx(100.0)
    assert by_dict.loc["P2", "fixed_fees"] == 0.0
    # a cancelled line with a huge revenue changes nothing
    more = pd.concat([lines, lines.iloc[[4]].assign(revenue=1e6, quantity=50)], ignore_index=True)
    pd.testing.assert_frame_equal(platform_pnl(more, FEES), platform_pnl(lines, FEES))
    with pytest.raises(ParameterError, match="no orders"):
        platform_pnl(lines, FEES, months={"P9": 1})


def test_platform_pnl_clear_errors():
    lines = hand_lines()
    with pytest.raises(DataError, match="P2"):
        platform_pnl(lines, FEES.iloc[:1])
    with pytest.raises(DataError, match="allowed"):
        platform_pnl(lines.assign(status="shipped"), FEES)
    with pytest.raises(DataError, match="no completed line"):
        platform_pnl(lines.assign(status="cancelled"), FEES)
    with pytest.raises(SchemaError, match="unit_cost"):
        platform_pnl(lines.drop(columns="unit_cost"), FEES)


def test_fee_schedule_loader_reads_the_bundled_illustrative_file_and_a_path(tmp_path):
    bundled = read_fee_schedule()
    assert list(bundled.columns) == list(FEE_COLUMNS)
    assert (resources.platforms_dir() / "fee_schedule_illustrative.csv").is_file()
    assert len(bundled) == 5 and bundled["note"].str.contains("illustrative").all()
    assert str(bundled["start_date"].dtype) == "datetime64[us]"
    path = tmp_path / "fees.csv"
    FEES.to_csv(path, index=False)
    from_path = read_fee_schedule(str(path))
    assert from_path["platform"].tolist() == ["P1", "P2"]
    assert from_path["platform_type"].tolist() == ["", ""]
    pd.testing.assert_frame_equal(platform_pnl(hand_lines(), path), platform_pnl(hand_lines(), FEES))
    assert read_fee_schedule("").equals(bundled)


@pytest.mark.parametrize("change, match", [
    (lambda f: f.drop(columns="ad_take_rate"), "ad_take_rate"),
    (lambda f: f.assign(commission_rate=[5.0, 0.1]), "below 1"),
    (lambda f: f.assign(fulfilment_per_order=[-1.0, 0.0]), ">= 0"),
    (lambda f: f.assign(fixed_fee_per_month=[None, 1.0]), ">= 0"),
    (lambda f: f.assign(platform=["P1", "P1"]), "more than once"),
])
def test_fee_schedule_loader_rejects_bad_tables(change, match):
    with pytest.raises(DataError, match=match) as err:
        read_fee_schedule(change(FEES.copy()))
    assert err.value.fix


def test_fee_schedule_loader_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist") as err:
        read_fee_schedule(tmp_path / "nope.csv")
    assert "fee_schedule" in err.value.fix


def test_break_even_volume():
    assert break_even_volume(30_000, 25.0) == pytest.approx(1200.0)
    assert break_even_volume(30_000, 0.0) == np.inf
    out = break_even_volume([100.0, 100.0, 0.0], [4.0, -1.0, 2.0])
    np.testing.assert_array_equal(out, [25.0, np.inf, 0.0])
    with pytest.raises(ParameterError, match="fixed_costs"):
        break_even_volume(-1.0, 2.0)
    with pytest.raises(ParameterError, match="missing"):
        break_even_volume(1.0, np.nan)


def test_platform_scorecard_hand_case_and_errors():
    table = pd.DataFrame({"platform": ["A", "B", "C"], "margin": [10.0, 30.0, 20.0],
                          "return_rate": [0.1, 0.3, 0.2], "reach": [3.0, 3.0, 3.0]})
    card = platform_scorecard(table, {"margin": 2, "return_rate": 1, "reach": 1},
                              lower_is_better=["return_rate"]).set_index("platform")
    # scaled margin A 0, B 1, C 0.5; return rate reversed A 1, B 0, C 0.5; reach equal -> 0.5
    assert card.loc["A", "score"] == pytest.approx((2 * 0 + 1 * 1 + 0.5) / 4)
    assert card.loc["B", "score"] == pytest.approx((2 * 1 + 0 + 0.5) / 4)
    assert card.loc["C", "score"] == pytest.approx((2 * 0.5 + 0.5 + 0.5) / 4)
    assert card["rank"].to_dict() == {"B": 1, "C": 2, "A": 3}
    # weights are normalised: multiplying them changes nothing
    doubled = platform_scorecard(table, {"margin": 4, "return_rate": 2, "reach": 2},
                                 lower_is_better=["return_rate"])
    pd.testing.assert_frame_equal(doubled, card.reset_index())
    with pytest.raises(ParameterError, match="marginn") as err:
        platform_scorecard(table, {"marginn": 1})
    assert "margin" in str(err.value)
    with pytest.raises(ParameterError, match=">= 0"):
        platform_scorecard(table, {"margin": -1, "reach": 2})
    with pytest.raises(ParameterError, match="above 0"):
        platform_scorecard(table, {"margin": 0})
    with pytest.raises(ParameterError, match="no weight"):
        platform_scorecard(table, {"margin": 1}, lower_is_better=["reach"])


def test_scorecard_takes_the_pnl_output():
    pnl = platform_pnl(hand_lines(), FEES)
    card = platform_scorecard(pnl, {"contribution_per_order": 1.0, "orders": 1.0})
    assert card.loc[0, "platform"] == "P2"


def test_a_platform_with_only_cancelled_lines_needs_no_fee_row():
    extra = hand_lines().iloc[[4]].assign(platform="P3")  # a cancelled line on a platform without fees
    out = platform_pnl(pd.concat([hand_lines(), extra], ignore_index=True), FEES)
    pd.testing.assert_frame_equal(out, platform_pnl(hand_lines(), FEES))
