"""Shares, HHI, CRn, bands and merger screens."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError
from ecomlib.market import (
    concentration,
    concentration_by_period,
    hhi_band,
    market_shares,
    merger_hhi,
    merger_scenario,
)

# U.S. DoJ / FTC Horizontal Merger Guidelines (1992), section 1.51, and the issue: nine firms
# with shares 25, 20, 15, 10, 8, 7, 6, 5, 4 (percent) have HHI 1,540; merging the two smallest
# gives 1,580 and merging the two largest gives 2,540. Exact integer arithmetic.
GUIDELINE_SHARES = [25, 20, 15, 10, 8, 7, 6, 5, 4]


@pytest.fixture
def guideline_market():
    return pd.DataFrame({"company": list("ABCDEFGHI"), "share": GUIDELINE_SHARES})


def test_guideline_example_hhi_exact(guideline_market):
    result = concentration(guideline_market)
    assert result.hhi == 1540.0
    assert result.cr4 == pytest.approx(0.70)
    assert result.n_firms == 9
    assert result.band == "moderately concentrated"


def test_guideline_mergers_exact(guideline_market):
    small = merger_hhi(guideline_market, ("H", "I"))
    large = merger_hhi(guideline_market, ("A", "B"))
    assert (small.hhi_before, small.hhi_after, small.delta) == (1540.0, 1580.0, 40.0)
    assert (large.hhi_after, large.delta) == (2540.0, 1000.0)
    assert large.presumed_harmful and not small.presumed_harmful
    assert large.band_after == "highly concentrated"
    assert large.summary().loc[0, "HHI after"] == 2540.0


def test_fractions_and_percent_give_same_hhi(guideline_market):
    fractions = [s / 100 for s in GUIDELINE_SHARES]
    assert concentration(fractions).hhi == pytest.approx(1540.0)
    assert concentration(pd.Series(GUIDELINE_SHARES), scale="percent").hhi == 1540.0


def test_bands_2023_and_2010():
    # 2023 Merger Guidelines: above 1,800 highly concentrated; 2010 guidelines: 1,500 / 2,500.
    assert hhi_band(1800) == "moderately concentrated"
    assert hhi_band(1801) == "highly concentrated"
    assert hhi_band(999) == "unconcentrated"
    assert hhi_band(2000, bands="2010") == "moderately concentrated"
    assert hhi_band(1400, bands="2010") == "unconcentrated"
    assert concentration([50, 50], bands="2010").band == "highly concentrated"


def test_merger_presumption_2010_needs_delta_above_200():
    # before 3,600, after 3,800 (> 2,500) with change exactly 200 is not presumed harmful under 2010,
    # but is under 2023 (> 1,800 and change > 100).
    shares = pd.DataFrame({"company": ["a", "b", "c", "d"], "share": [10, 10, 30, 50]})
    r2010 = merger_hhi(shares, ("a", "b"), bands="2010")
    r2023 = merger_hhi(shares, ("a", "b"))
    assert r2010.hhi_after == 3800.0 and r2010.delta == 200.0
    assert not r2010.presumed_harmful and r2023.presumed_harmful


def test_market_shares_hand_case():
    df = pd.DataFrame(
        {
            "year": [2023, 2023, 2023, 2024, 2024],
            "company": ["a", "b", "a", "a", "b"],
            "sales": [30.0, 20.0, 10.0, 10.0, 30.0],
        }
    )
    before = df.copy()
    out = market_shares(df, period="year")
    pd.testing.assert_frame_equal(df, before)
    assert out["share"].tolist() == [40 / 60, 20 / 60, 0.75, 0.25]
    assert out["company"].tolist() == ["a", "b", "b", "a"]
    assert out["rank"].tolist() == [1, 2, 1, 2]
    table = concentration_by_period(out)
    # 2023: (66.67^2 + 33.33^2) = 5555.6; 2024: 75^2 + 25^2 = 6250
    assert table["hhi"].tolist() == pytest.approx([5555.5556, 6250.0])
    assert table["band"].tolist() == ["highly concentrated"] * 2


def test_concentration_crn_and_equivalent_firms():
    result = concentration([0.4, 0.3, 0.2, 0.1], n=(1, 2))
    assert result.cr == pytest.approx({1: 0.4, 2: 0.7, 4: 1.0})
    assert result.equivalent_firms == pytest.approx(10_000 / 3000)
    assert set(result.summary()["measure"]) >= {"HHI (0-10,000)", "CR1", "CR4"}


@pytest.mark.parametrize(
    "shares, error",
    [
        (pd.DataFrame(), DataError),
        (pd.DataFrame({"x": [1.0]}), SchemaError),
        (pd.DataFrame({"share": ["a", "b"]}), SchemaError),
        ([], DataError),
        ([0.0, 0.0], DataError),
        ([-0.1, 0.5], DataError),
        ([60, 70], DataError),
        ("0.5", ParameterError),
    ],
)
def test_concentration_bad_inputs(shares, error):
    with pytest.raises(error):
        concentration(shares)


def test_concentration_bad_parameters():
    with pytest.raises(ParameterError, match="bands"):
        concentration([0.5, 0.5], bands="1982")
    with pytest.raises(ParameterError, match="n"):
        concentration([0.5, 0.5], n=0)


def test_market_shares_bad_inputs():
    with pytest.raises(DataError):
        market_shares(pd.DataFrame(columns=["company", "sales"]))
    with pytest.raises(SchemaError, match="sales"):
        market_shares(pd.DataFrame({"company": ["a"], "sale": [1.0]}))
    with pytest.raises(SchemaError, match="numeric"):
        market_shares(pd.DataFrame({"company": ["a"], "sales": ["1"]}))
    with pytest.raises(DataError, match="negative"):
        market_shares(pd.DataFrame({"company": ["a", "b"], "sales": [-1.0, 2.0]}))
    with pytest.raises(DataError, match="zero"):
        market_shares(pd.DataFrame({"company": ["a"], "sales": [0.0]}))


def test_merger_and_by_period_bad_inputs(guideline_market):
    with pytest.raises(ParameterError, match="firms"):
        merger_hhi(guideline_market, ("A", "A"))
    with pytest.raises(ParameterError, match="Z"):
        merger_hhi(guideline_market, ("A", "Z"))
    with pytest.raises(SchemaError):
        concentration_by_period(guideline_market)
    too_much = pd.DataFrame({"year": [1, 1], "share": [0.8, 0.8]})
    with pytest.raises(DataError, match="more than 1"):
        concentration_by_period(too_much)
    with pytest.raises(EcomlibError):
        concentration_by_period(pd.DataFrame({"year": [], "share": []}))


def test_merger_scenario_for_two_dropdowns(guideline_market):
    same = merger_scenario(guideline_market, "A", "A")
    assert same.delta == 0.0 and same.hhi_after == 1540.0 and not same.presumed_harmful
    assert "No merger" in same.headline()
    merged = merger_scenario(guideline_market, "A", "B")
    assert merged.hhi_after == 2540.0
    assert "+1,000" in merged.headline() and "presumed to harm" in merged.headline()
    with pytest.raises(ParameterError, match="Z"):
        merger_scenario(guideline_market, "Z", "Z")


def test_degenerate_markets():
    monopoly = concentration([1.0])
    assert monopoly.hhi == 10_000.0 and monopoly.cr4 == 1.0 and monopoly.band == "highly concentrated"
    even = concentration([0.1] * 10)
    assert even.hhi == pytest.approx(1000.0) and even.equivalent_firms == pytest.approx(10.0)
    two_years = market_shares(
        pd.DataFrame({"year": [1, 1, 2], "company": ["a", "b", "a"], "sales": [1.0, 1.0, 1.0]}), period="year"
    )
    with pytest.raises(DataError, match="one period"):
        concentration(two_years)
    with pytest.raises(SchemaError, match="numeric"):
        concentration_by_period(pd.DataFrame({"year": [1], "share": ["0.5"]}))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=30).filter(lambda v: sum(v) > 0))
def test_hhi_bounds_and_merger_identity(sales):
    df = pd.DataFrame({"company": [f"c{i}" for i in range(len(sales))], "sales": sales})
    shares = market_shares(df)
    result = concentration(shares)
    positive = int((shares["share"] > 0).sum())
    # 10,000 / n <= HHI <= 10,000 for n firms with positive shares, CR4 within (0, 1]
    assert 10_000 / positive - 1e-6 <= result.hhi <= 10_000 + 1e-6
    assert 0 < result.cr4 <= 1 + 1e-12
    if len(shares) >= 2:
        a, b = shares["company"].iloc[:2]
        merged = merger_hhi(shares, (a, b))
        combined = shares.replace({"company": {b: a}}).groupby("company", as_index=False)["share"].sum()
        assert merged.hhi_after == pytest.approx(concentration(combined).hhi, rel=1e-9, abs=1e-6)
