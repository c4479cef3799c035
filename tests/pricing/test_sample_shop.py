"""Recovery of the sample shop's ground truth (bundled store, seed 2024, 20,000 customers)."""

import numpy as np
import pytest

from ecomlib.pricing import (
    ConstantElasticityDemand,
    discount_depth,
    estimate_elasticity,
    markup_rule_price,
    price_index,
    price_response,
    unit_economics,
    van_westendorp,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def elasticities(sample_store):
    table = estimate_elasticity(sample_store.transactions, controls=("period",)).summary()
    table["truth"] = table.index.map(sample_store.truth["elasticity"])
    return table


def test_elasticity_within_015_of_the_truth(elasticities):
    # truth: store.truth["elasticity"]; weekly period fixed effects with the budget-share
    # adjustment. On the bundled store (seed 2024) seven categories are within 0.15 (largest
    # 0.11); Books is 0.17 off with a standard error of 0.07 (2.5 standard errors), while on
    # seeds 1, 2 and 3 every category is within 0.12. So: at most one category may miss 0.15,
    # and only by less than 3 of its standard errors.
    error = (elasticities["elasticity"] - elasticities["truth"]).abs()
    misses = elasticities[error >= 0.15]
    assert len(misses) <= 1, misses
    assert (error[misses.index] < 3 * misses["std_error"]).all()
    assert elasticities["identifiable"].all()


def test_elasticity_intervals_cover_the_truth_for_most_categories(elasticities):
    covers = (elasticities["ci_low"] < elasticities["truth"]) & (elasticities["truth"] < elasticities["ci_high"])
    assert covers.sum() >= 6  # "most" of 8; on the bundled store 7 cover (Books does not)


def test_markup_rule_price_is_the_maximum_of_the_profit_curve(sample_store, elasticities):
    costs = sample_store.products.groupby("category")["unit_cost"].median()
    for group, row in elasticities.iterrows():
        e = row["truth"]
        if e >= -1:
            continue  # no finite optimum under constant elasticity (Baby -0.9)
        curve = ConstantElasticityDemand(e, ref_price=row["ref_price"], ref_units=row["ref_units"])
        grid = price_response(curve, costs[group], low=0.2, high=8.0, n=40_000)
        best = grid.loc[grid["gross_profit"].idxmax(), "price"]
        assert best == pytest.approx(markup_rule_price(costs[group], e), rel=0.005), group


def test_van_westendorp_points_per_category(sample_store):
    # 120 respondents per category: over 20 seeds of sim_survey the worst point was 10% off
    # its truth (OPP, where two tail curves cross flat), hence a 12% tolerance
    survey = sample_store.price_survey
    truth = sample_store.truth["survey_price_points"]
    dropped = 0
    for category, answers in survey.groupby("category"):
        res = van_westendorp(answers)
        dropped += res.n_inconsistent
        for point, value in truth[category].items():
            assert res.points.loc[point, "price"] == pytest.approx(value, rel=0.12), (category, point)
    assert dropped == sample_store.truth["survey_n_inconsistent"]


def test_unit_economics_cost_ratio_matches_the_catalogue(sample_store):
    # truth: categories' cost_ratio is unit cost as a share of *list* price; paid prices are
    # at or below list, so unit cost / paid price is at least the cost ratio (and close)
    table = unit_economics(sample_store.transactions, sample_store.products).set_index("category")
    ratio = sample_store.truth["categories"].set_index("category")["cost_ratio"]
    cost_share = table["unit_cost"] / table["avg_price"]
    assert np.all(cost_share.reindex(ratio.index) > 0.85 * ratio)
    assert np.all(cost_share.reindex(ratio.index) < 1.6 * ratio)


def test_discount_depth_sees_the_festivals(sample_store):
    res = discount_depth(sample_store.transactions, sample_store.products, freq="M")
    by_month = res.table.groupby("period_start")["share_discounted"].mean()
    november = by_month[by_month.index.month == 11]
    others = by_month[~by_month.index.month.isin([6, 11])]
    assert november.min() > others.median()


def test_price_index_of_the_shop(sample_store):
    table = price_index(sample_store.competitors, own=sample_store.truth["shop_name"])
    own = table[table["is_own"]]
    assert len(own) == sample_store.competitors["year"].nunique()
    assert own["price_index"].between(50, 200).all()
