"""Recovery of the sample shop's true lifts by ``did`` and ``synthetic_control`` (issue 18).

Every category promotion of the bundled shop, on the category x week panel around it (the notebook's
DiD case is one of them). Truth: what a comparison against the other categories should find,
``log(1 + lift) - log(1 + others_change)`` from ``store.truth["promotion_effects"]``
(:func:`ecomlib.promotion.comparison_target`): the shop's category promotions draw lines from the
other categories, so those are not untouched controls.
DESIGN.md's standard for one random draw: the 99 % intervals hold the truth.
"""


import pytest

from ecomlib.promotion import (
    category_week_panel,
    comparison_target,
    daily_sales,
    did,
    synthetic_control,
)

pytestmark = pytest.mark.slow
KW = {"outcome": "log_units", "treated": "treated", "post": "post", "unit": "category", "time": "week"}


@pytest.fixture(scope="module")
def cases(sample_store):
    s = sample_store
    daily = daily_sales(s.transactions)
    truth = s.truth["promotion_effects"].set_index("promo_id")
    promos = s.promotions[s.promotions["scope_type"] == "category"]
    return [(p["promo_id"], category_week_panel(daily, p),
             comparison_target(truth.loc[p["promo_id"], "lift"], truth.loc[p["promo_id"], "others_change"]))
            for _, p in promos.iterrows()]


def test_category_promotions_draw_from_the_other_categories(sample_store):
    effects = sample_store.truth["promotion_effects"]
    category = effects["promo_id"].isin(
        sample_store.promotions.loc[sample_store.promotions["scope_type"] == "category", "promo_id"])
    assert (effects.loc[category, "others_change"] < 0).all()
    assert effects.loc[effects["incidence_boost"] > 0, "others_change"].isna().all()  # shop-wide


def test_there_are_category_promotions(cases):
    assert len(cases) >= 2


def test_did_99_percent_intervals_hold_the_truth(cases):
    for promo_id, panel, true_log_lift in cases:
        # at equal list prices: the categories' regular prices step at different times
        r = did(panel, **KW, controls=panel.attrs["controls"], level=0.99)
        assert r.ci_low <= true_log_lift <= r.ci_high, (promo_id, r.summary())
        if r.n_treated == 1:
            expected = "wild" if panel.attrs["controls"] else "aggregated-t"
            assert r.inference == expected and any("Only one category" in w for w in r.warnings)


def test_synthetic_control_99_percent_intervals_hold_the_truth(cases):
    for promo_id, panel, true_log_lift in cases:
        if panel.groupby("category")["treated"].max().sum() != 1:
            continue
        r = synthetic_control(panel, **KW, level=0.99)
        assert r.ci_low <= true_log_lift <= r.ci_high, (promo_id, r.summary())
        assert r.weights.sum() == pytest.approx(1.0) and (r.weights >= 0).all()
