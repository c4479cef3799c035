"""Partner scorecards (book 7.3): OTIF, defect and damage rates by hand, Wilson intervals by hand and
against statsmodels, lead-time moments, the review list, safety stock and HHI through the risk and
market chapters' functions."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.concentration import concentration
from ecomlib.platforms import partner_concentration, partner_safety_stock, partner_scorecard
from ecomlib.risk.inventory import safety_stock


def deliveries(with_ordered=True) -> pd.DataFrame:
    rows = [  # id, partner, type, ordered, promised, delivered, ordered units, delivered, defective, damaged
        ("d1", "S", "supplier", "2024-01-01", "2024-01-05", "2024-01-05", 100, 100, 2, 0),  # OTIF, lead 4
        ("d2", "S", "supplier", "2024-01-03", "2024-01-10", "2024-01-12", 100, 100, 0, 1),  # late, lead 9
        ("d3", "S", "supplier", "2024-01-12", "2024-01-20", "2024-01-18", 100, 90, 1, 0),   # short, lead 6
        ("d4", "S", "supplier", "2024-01-26", "2024-02-01", "2024-02-01", 50, 60, 0, 0),    # OTIF, lead 6
        ("d5", "T", "supplier", "2024-01-02", "2024-01-09", "2024-01-09", 150, 150, 0, 0),  # OTIF, lead 7
        ("e1", "L", "logistics", "2024-01-01", "2024-01-03", "2024-01-03", 10, 10, 0, 0),
        ("e2", "L", "logistics", "2024-01-04", "2024-01-06", "2024-01-06", 10, 10, 0, 0),
        ("e3", "L", "logistics", "2024-01-07", "2024-01-09", "2024-01-09", 10, 10, 0, 0),
    ]
    df = pd.DataFrame(rows, columns=["delivery_id", "partner", "partner_type", "ordered_date", "promised_date",
                                     "delivered_date", "quantity_ordered", "quantity_delivered",
                                     "defective_units", "damaged_units"])
    for col in ("ordered_date", "promised_date", "delivered_date"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[us]")
    return df if with_ordered else df.drop(columns="ordered_date")


def wilson_by_hand(k, n, level=0.95):
    """Wilson (1927) score interval, written out."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_scorecard_rates_and_lead_times_by_hand():
    card = partner_scorecard(deliveries()).set_index("partner")
    s = card.loc["S"]
    assert (s["deliveries"], s["otif"], s["on_time"], s["in_full"]) == (4, 0.5, 0.75, 0.75)
    assert s["units_delivered"] == 350
    assert s["defect_rate"] == pytest.approx(3 / 350, rel=1e-12)
    assert s["damage_rate"] == pytest.approx(1 / 350, rel=1e-12)
    assert s["lead_time_mean"] == pytest.approx((4 + 9 + 6 + 6) / 4)
    assert s["lead_time_sd"] == pytest.approx(math.sqrt((2.25**2 + 2.75**2 + 0.25**2 + 0.25**2) / 3))
    assert card.loc["L", "otif"] == 1.0 and card.loc["L", "lead_time_sd"] == 0.0
    assert np.isnan(card.loc["T", "lead_time_sd"])  # one delivery
    assert (card["lead_time_basis"] == "ordered").all()


def test_wilson_intervals_by_hand_and_against_statsmodels():
    card = partner_scorecard(deliveries(), alpha=0.10).set_index("partner")
    for partner, k, n in (("S", 2, 4), ("L", 3, 3), ("T", 1, 1)):
        low, high = wilson_by_hand(k, n, level=0.90)
        assert card.loc[partner, "otif_low"] == pytest.approx(low, abs=1e-12)
        assert card.loc[partner, "otif_high"] == pytest.approx(high, abs=1e-12)
    low, high = proportion_confint(3, 350, alpha=0.10, method="wilson")
    assert (card.loc["S", "defect_low"], card.loc["S", "defect_high"]) == pytest.approx((low, high), abs=1e-15)
    # hand value of the 95 % interval of 2/4: centre 0.5, half-width z / (1 + z^2/4) x sqrt(1/16 + z^2/64)
    # = 0.999782 x 0.350033 = 0.349961 (z = 1.959964)
    low95, high95 = partner_scorecard(deliveries()).set_index("partner").loc["S", ["otif_low", "otif_high"]]
    assert (low95, high95) == pytest.approx((0.150039, 0.849961), abs=1e-6)


def test_review_list_flags_clearly_bad_partners_first():
    df = deliveries()
    # partner L now breaks 30 % of its units: its damage interval lies wholly above 1 %
    df.loc[df["partner"] == "L", "damaged_units"] = 3
    card = partner_scorecard(df)
    assert card["rank"].tolist() == [1, 2, 3]
    flagged = card[card["review"]]
    assert set(flagged["partner"]) == {"S", "L"}
    assert card.iloc[0]["partner"] == "S"  # the larger OTIF shortfall first
    assert "OTIF below 95%" in card.set_index("partner").loc["S", "reason"]
    assert "damage above 1.0%" in card.set_index("partner").loc["L", "reason"]
    assert card.set_index("partner").loc["T", "reason"] == ""


def test_without_an_order_date_lead_times_are_delays_and_safety_stock_refuses_them():
    card = partner_scorecard(deliveries(with_ordered=False)).set_index("partner")
    assert card.loc["S", "lead_time_mean"] == pytest.approx((0 + 2 - 2 + 0) / 4)
    assert card.loc["S", "lead_time_basis"] == "promised"
    with pytest.raises(DataError, match="ordered_date"):
        partner_safety_stock(card.reset_index(), 10.0, 3.0)


def test_partner_safety_stock_is_the_risk_chapters_formula():
    card = partner_scorecard(deliveries())
    out = partner_safety_stock(card, {"S": 20.0, "T": 10.0}, 5.0, service_level=0.9).set_index("partner")
    assert set(out.index) == {"S", "T"}
    s = card.set_index("partner").loc["S"]
    direct = safety_stock(20.0, 5.0, s["lead_time_mean"], lead_time_sd=s["lead_time_sd"], service_level=0.9)
    assert out.loc["S", "safety_stock"] == pytest.approx(direct["safety_stock"].iloc[0], rel=1e-12)
    assert out.loc["T", "lead_time_sd"] == 0.0  # one delivery: no measured variability
    with pytest.raises(ParameterError, match="T"):
        partner_safety_stock(card, {"S": 20.0}, 5.0)


def test_partner_concentration_reuses_the_market_hhi():
    out = partner_concentration(deliveries()).set_index("partner_type")
    # suppliers: S 350 units, T 150 -> shares 0.7, 0.3 -> HHI 70^2 + 30^2
    assert out.loc["supplier", "hhi"] == pytest.approx(70**2 + 30**2)
    assert out.loc["supplier", "hhi"] == pytest.approx(concentration([0.7, 0.3]).hhi)
    assert out.loc["supplier", "largest"] == "S" and out.loc["logistics", "hhi"] == pytest.approx(10_000)


@pytest.mark.parametrize("change, match", [
    (lambda d: d.assign(defective_units=200), "defective plus damaged"),
    (lambda d: d.assign(quantity_delivered=-1), "negative"),
    (lambda d: d.assign(delivered_date=None), "missing"),
    (lambda d: d.assign(promised_date="soon"), "not dates"),
])
def test_bad_deliveries_are_clear_errors(change, match):
    with pytest.raises(DataError, match=match):
        partner_scorecard(change(deliveries()))


def test_bad_alpha():
    with pytest.raises(ParameterError, match="alpha"):
        partner_scorecard(deliveries(), alpha=1.5)


def test_wilson_bounds_are_exact_at_zero_and_at_all():
    """statsmodels' Wilson lower bound of 0 defects in 14,221 units at alpha 0.01/36 is 5.4e-20, not 0
    (rounding), which would exclude a true rate of 0; ours is exactly 0 (and 1 at the other end)."""
    low_sm, _ = proportion_confint(0, 14221, alpha=0.01 / 36, method="wilson")
    assert low_sm > 0  # the rounding this test guards against (remove if statsmodels changes)
    d = deliveries().assign(quantity_ordered=14221, quantity_delivered=14221, defective_units=0, damaged_units=0)
    card = partner_scorecard(d, alpha=0.01 / 36).set_index("partner")
    assert (card["defect_low"] == 0.0).all() and (card["damage_low"] == 0.0).all()
    assert card.loc["L", "otif_high"] == 1.0
