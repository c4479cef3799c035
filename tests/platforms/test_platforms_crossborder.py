"""Cross-border (book 7.4): landed cost by hand for each destination rule, the bundled rules table,
the localised price's exact round trip, and the FX Monte Carlo against the closed-form margin."""

import numpy as np
import pandas as pd
import pytest

from ecomlib import resources
from ecomlib.errors import DataError, ParameterError
from ecomlib.platforms import (
    LANDED_COLUMNS,
    TAX_COLUMNS,
    fx_margin_sensitivity,
    landed_cost,
    localised_price,
    price_margin,
    read_tax_rules,
)

#: One invented destination per rule, in a made-up currency at 1 CNY (so amounts are easy by hand).
RULES = pd.DataFrame({
    "destination": ["DV", "DD", "NO", "FL", "GO", "CF"],
    "currency": ["XAA", "XAB", "XAC", "XAD", "XAE", "XAF"],
    "duty_rate": [0.10, 0.10, 0.20, 0.10, 0.0, 0.05],
    "import_vat_rate": [0.05, 0.10, 0.0, 0.20, 0.10, 0.10],
    "vat_base": ["cif_plus_duty", "cif_plus_duty", "goods", "cif_plus_duty", "goods", "cif"],
    "de_minimis": [100.0, 100.0, 0.0, 150.0, 0.0, 0.0],
    "de_minimis_applies_to": ["duty_and_vat", "duty", "none", "duty", "none", "none"],
    "source": ["illustrative"] * 6,
    "source_date": ["2026-12-07"] * 6,
    "status": ["illustrative"] * 6,
    "duty_base": ["cif", "cif", "goods", "cif", "cif", "cif"],
    "flat_duty": [0.0, 0.0, 0.0, 3.0, 0.0, 0.0],
})


def one(price, dest, **kw):
    kw.setdefault("fx_rate", 1.0)
    return landed_cost(price, dest, tax_rules=RULES, **kw).iloc[0]


def test_duty_and_vat_de_minimis():
    below = one(100.0, "DV", freight_cny=20.0)  # at the threshold: exempt (at or below)
    assert below["duty_exempt"] and below["vat_exempt"]
    assert (below["duty"], below["import_vat"], below["landed_cost"]) == (0.0, 0.0, 120.0)
    above = one(100.01, "DV", freight_cny=20.0)
    duty = 0.10 * 120.01
    assert above["duty"] == pytest.approx(duty, abs=1e-12)
    assert above["import_vat"] == pytest.approx(0.05 * (120.01 + duty), abs=1e-12)


def test_duty_only_de_minimis_keeps_the_vat():
    below = one(80.0, "DD", freight_cny=20.0)
    assert below["duty_exempt"] and not below["vat_exempt"]
    assert below["duty"] == 0.0 and below["import_vat"] == pytest.approx(0.10 * 100.0)
    above = one(200.0, "DD", freight_cny=20.0)
    assert above["duty"] == pytest.approx(22.0)
    assert above["import_vat"] == pytest.approx(0.10 * (220.0 + 22.0))
    assert above["landed_cost"] == pytest.approx(220.0 + 22.0 + 24.2)


def test_no_de_minimis_duty_on_the_goods_only():
    row = one(10.0, "NO", freight_cny=5.0)  # duty_base "goods": freight not dutiable; no VAT
    assert not row["duty_exempt"]
    assert row["customs_value"] == 10.0 and row["duty"] == pytest.approx(2.0) and row["import_vat"] == 0.0


def test_flat_duty_below_the_threshold():
    row = one(100.0, "FL", freight_cny=10.0)
    assert row["duty"] == 3.0  # the flat duty replaces the exempt ad-valorem duty
    assert row["import_vat"] == pytest.approx(0.20 * (110.0 + 3.0))
    above = one(200.0, "FL", freight_cny=10.0)
    assert above["duty"] == pytest.approx(21.0)


@pytest.mark.parametrize("dest, vat", [("GO", 0.10 * 100.0), ("CF", 0.10 * 120.0)])
def test_vat_bases_goods_and_cif(dest, vat):
    assert one(100.0, dest, freight_cny=20.0)["import_vat"] == pytest.approx(vat)


def test_fx_conversion_fees_and_margin_by_hand():
    # 700 CNY goods, 70 CNY freight, 7 CNY per unit: goods 100, freight 10; fees 8 % and FX 2 % of 110;
    # product cost 280 CNY = 40
    row = landed_cost(700.0, "NO", fx_rate={"XAC": 7.0}, freight_cny=70.0, tax_rules=RULES,
                      platform_fee_rate=0.08, fx_margin=0.02, unit_cost_cny=280.0).iloc[0]
    assert (row["goods"], row["freight"]) == pytest.approx((100.0, 10.0))
    assert row["platform_fee"] == pytest.approx(8.8) and row["fx_cost"] == pytest.approx(2.2)
    assert row["contribution"] == pytest.approx(110 - 8.8 - 2.2 - 10 - 40)
    assert row["margin"] == pytest.approx(49.0 / 110.0)
    assert row["landed_cost_cny"] == pytest.approx((100 + 10 + 20) * 7.0)


def test_landed_cost_is_vectorised_and_takes_fx_by_destination():
    out = landed_cost([100.0, 200.0, 300.0], ["DV", "DD", "DV"], fx_rate={"DV": 1.0, "DD": 2.0},
                      freight_cny=[10.0, 20.0, 30.0], tax_rules=RULES)
    assert list(out.columns) == list(LANDED_COLUMNS)
    assert out["fx_rate"].tolist() == [1.0, 2.0, 1.0]
    for i in range(3):
        single = landed_cost(out.loc[i, "goods"] * out.loc[i, "fx_rate"], out.loc[i, "destination"],
                             fx_rate=out.loc[i, "fx_rate"], freight_cny=[10.0, 20.0, 30.0][i], tax_rules=RULES)
        assert single.iloc[0]["landed_cost"] == pytest.approx(out.loc[i, "landed_cost"], rel=1e-12)


def test_landed_cost_clear_errors():
    with pytest.raises(DataError, match="ZZ"):
        landed_cost(100.0, "ZZ", fx_rate=1.0, tax_rules=RULES)
    with pytest.raises(ParameterError, match="XAA"):
        landed_cost(100.0, "DV", fx_rate={"USD": 7.0}, tax_rules=RULES)
    with pytest.raises(ParameterError, match="fx_margin"):
        landed_cost(100.0, "DV", fx_rate=1.0, tax_rules=RULES, fx_margin=1.5)
    with pytest.raises(ParameterError, match="price_cny"):
        landed_cost(-1.0, "DV", fx_rate=1.0, tax_rules=RULES)
    with pytest.raises(ParameterError, match="lengths"):
        landed_cost([1.0, 2.0], ["DV", "DD", "DV"], fx_rate=1.0, tax_rules=RULES)


def test_localised_price_round_trip_is_exact():
    rng = np.random.default_rng(7)
    n = 200
    dest = rng.choice(RULES["destination"].to_numpy(), n)
    m = rng.uniform(-0.2, 0.6, n)
    kw = {"unit_cost_cny": rng.uniform(10, 500, n), "fx_rate": rng.uniform(0.1, 10, n),
          "freight_cny": rng.uniform(0, 80, n), "fx_margin": rng.uniform(0, 0.03, n),
          "platform_fee_rate": rng.uniform(0, 0.2, n)}
    out = localised_price(m, dest, tax_rules=RULES, **kw)
    assert np.max(np.abs(out["margin"] - m)) < 1e-9
    again = price_margin(out["local_price"].to_numpy(), **kw)
    assert np.max(np.abs(again - m)) < 1e-9
    # and back: price -> margin -> price
    back = localised_price(again, dest, tax_rules=RULES, **kw)["local_price"].to_numpy()
    np.testing.assert_allclose(back, out["local_price"].to_numpy(), rtol=1e-9)


def test_localised_price_by_hand_and_no_room_error():
    out = localised_price(0.3, "GO", unit_cost_cny=60.0, fx_rate=2.0, freight_cny=20.0, tax_rules=RULES,
                          platform_fee_rate=0.1).iloc[0]
    # freight 10, product 30 (local): (G + 10)(1 - 0.1 - 0.3) = 40  ->  G = 40 / 0.6 - 10
    assert out["local_price"] == pytest.approx(40 / 0.6 - 10, rel=1e-12)
    assert out["import_vat"] == pytest.approx(0.10 * out["local_price"])
    with pytest.raises(ParameterError, match="leaves nothing"):
        localised_price(0.9, "GO", unit_cost_cny=60.0, fx_rate=2.0, tax_rules=RULES, platform_fee_rate=0.1)


def test_fx_sensitivity_matches_the_closed_form_and_is_seeded():
    kw = {"unit_cost_cny": 140.0, "fx_rate": 7.0, "fx_volatility": 0.08, "freight_cny": 14.0,
          "fx_margin": 0.01, "platform_fee_rate": 0.1, "n": 2000}
    a = fx_margin_sensitivity(50.0, seed=3, **kw)
    b = fx_margin_sensitivity(50.0, seed=3, **kw)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    assert not a.draws.equals(fx_margin_sensitivity(50.0, seed=4, **kw).draws)
    # each scenario: freight billed at today's rate (2 local), costs in CNY at the drawn rate
    fx = a.draws["fx"].to_numpy()
    paid = 50.0 + 14.0 / 7.0
    expected = (paid * 0.89 * fx - 154.0) / (paid * fx)
    np.testing.assert_allclose(a.draws["margin"].to_numpy(), expected, rtol=1e-12)
    assert a.margin_today == pytest.approx(price_margin(50.0, unit_cost_cny=140.0, fx_rate=7.0, freight_cny=14.0,
                                                        fx_margin=0.01, platform_fee_rate=0.1))
    assert a.break_even_fx == pytest.approx(154.0 / (paid * 0.89))
    assert np.median(fx) == pytest.approx(7.0, rel=0.01)
    assert np.std(np.log(fx)) == pytest.approx(0.08, rel=0.05)
    with pytest.raises(ParameterError, match="fx_volatility"):
        fx_margin_sensitivity(50.0, seed=3, **{**kw, "fx_volatility": 0.0})


def test_bundled_rules_cover_the_shop_and_label_every_unsourced_figure():
    rules = read_tax_rules()
    assert (resources.platforms_dir() / "tax_rules.csv").is_file()
    assert set(TAX_COLUMNS) <= set(rules.columns)
    assert {"HK", "TW", "SG", "MY", "US", "CA", "TH", "AU", "DE", "GB", "NZ", "FR"} <= set(rules["destination"])
    sourced = rules["status"] == "sourced"
    assert rules.loc[sourced, "source"].str.startswith("http").all()
    assert (rules.loc[sourced, "illustrative_fields"] == "").all()
    # a row is illustrative exactly when some figure in it is, and then it says which
    assert (rules.loc[~sourced, "illustrative_fields"] != "").all()
    assert rules.loc[rules["source"] == "illustrative", "status"].eq("illustrative").all()
    fields = {f.strip() for cell in rules["illustrative_fields"] for f in cell.split(";") if f.strip()}
    assert fields <= set(rules.columns)


@pytest.mark.parametrize("change, match", [
    (lambda r: r.drop(columns="vat_base"), "vat_base"),
    (lambda r: r.assign(vat_base="fob"), "allowed"),
    (lambda r: r.assign(duty_rate=12.0), "below 1"),
    (lambda r: r.assign(status="sourced"), "without a source URL"),
    (lambda r: r.assign(destination="DV"), "more than once"),
    (lambda r: r.assign(source_date="last week"), "YYYY-MM-DD"),
])
def test_bad_rules_are_clear_errors(change, match):
    with pytest.raises(DataError, match=match):
        read_tax_rules(change(RULES.copy()))


def test_rules_from_a_path(tmp_path):
    path = tmp_path / "rules.csv"
    RULES.drop(columns=["flat_duty", "duty_base"]).to_csv(path, index=False)
    rules = read_tax_rules(path)
    assert rules["duty_base"].eq("cif").all() and rules["flat_duty"].eq(0.0).all()
    with pytest.raises(DataError, match="does not exist"):
        read_tax_rules(tmp_path / "missing.csv")


def bundled_row(destination, **changes):
    rules = read_tax_rules()
    return rules[rules["destination"] == destination].assign(**changes)


def test_australias_published_worked_example():
    """The former Australian Customs page's example (quoted at vwwatercooled.com.au, forum post 445942,
    from customs.gov.au/site/page5549.asp): customs value A$1,200, duty 5 % = 60, transport and
    insurance 150, value of the taxable importation 1,410, GST 141. The bundled AU row's bases
    (duty on the goods' value, GST on goods + transport + duty) reproduce it."""
    row = landed_cost(1200.0, "AU", fx_rate=1.0, freight_cny=150.0,
                      tax_rules=bundled_row("AU", duty_rate=0.05)).iloc[0]
    assert (row["duty"], row["import_vat"]) == pytest.approx((60.0, 141.0), abs=1e-9)
    assert row["landed_cost"] == pytest.approx(1200 + 150 + 60 + 141, abs=1e-9)
    small = landed_cost(900.0, "AU", fx_rate=1.0, freight_cny=150.0, tax_rules=bundled_row("AU")).iloc[0]
    assert small["duty"] == 0.0 and small["import_vat"] == pytest.approx(0.10 * 1050.0)  # GST at sale


def test_taiwans_official_formula():
    """Kaohsiung Customs' formula: DPV = FOB + freight + insurance; duty = DPV x rate; business tax =
    (DPV + duty) x 5 %; within NT$2,000 all exempt. Goods 3,000 + freight 200 at a 10 % duty rate:
    DPV 3,200, duty 320, business tax 176."""
    row = landed_cost(3000.0, "TW", fx_rate=1.0, freight_cny=200.0,
                      tax_rules=bundled_row("TW", duty_rate=0.10)).iloc[0]
    assert (row["customs_value"], row["duty"], row["import_vat"]) == pytest.approx((3200.0, 320.0, 176.0))
    low = landed_cost(2000.0, "TW", fx_rate=1.0, freight_cny=200.0, tax_rules=bundled_row("TW")).iloc[0]
    assert (low["duty"], low["import_vat"]) == (0.0, 0.0)


def test_us_has_no_de_minimis_since_august_2025():
    row = landed_cost(7.1, "US", fx_rate=7.1, tax_rules=bundled_row("US")).iloc[0]  # a one-dollar item
    assert not row["duty_exempt"] and row["duty"] == pytest.approx(0.20)
