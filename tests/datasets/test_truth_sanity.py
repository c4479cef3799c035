"""The bundled sample shop is consistent with its ground truth.

Tolerances: statistical checks compare an estimate with the simulation's truth using the
estimate's own sampling error (a few standard errors), or a loose absolute bound where the
check is a naive one (the chapters test their proper estimators themselves).
"""

import numpy as np
import pandas as pd
import pytest

from tests.datasets.references.weekly_elasticity import loglog_fit, weekly_table

STEPS = ["view", "product", "cart", "checkout", "purchase"]


@pytest.fixture(scope="module")
def completed(sample_store):
    tx = sample_store.transactions
    return tx[tx["status"] == "completed"]


def test_loglog_fit_lands_near_each_true_elasticity(completed, sample_store):
    """The truth is each category's own-price elasticity at base prices, other prices fixed.
    Away from base prices the logit choice bends it (e (1 - M(x)) / (1 - m), see
    ecomlib.datasets.core_catalog), and promotions move choice as well as prices, so a
    log-log line through two years of weekly data lands near it, not on it.

    Tolerances measured with tests/datasets/references/price_scale_study.py --seed N (the
    same regression) over seeds 2024-2027: largest miss per seed 0.37, 0.24, 0.11, 0.39;
    mean absolute miss over the categories 0.12, 0.13, 0.05, 0.20. The HC1 standard errors
    understate the spread (misses of up to 4.8 of them: list prices stay put for 3-8 weeks),
    so the check uses these absolute bounds instead."""
    misses = []
    table = weekly_table(completed)
    for category, truth in sample_store.truth["elasticity"].items():
        est, _ = loglog_fit(table, category)
        assert abs(est - truth) < 0.45, (category, est, truth)
        misses.append(abs(est - truth))
    assert np.mean(misses) < 0.25, misses


def test_true_elasticities_within_the_book_range(sample_store):
    values = np.array(list(sample_store.truth["elasticity"].values()))
    assert 6 <= len(values) <= 10
    assert ((values <= -0.8) & (values >= -3)).all()


def test_list_prices_change_in_steps(sample_store):
    idx = sample_store.truth["price_index"]
    levels = idx.groupby("category")["index"].nunique()
    assert (levels >= 10).all()  # many distinct list-price levels per category


def test_observed_step_rates_match_truth_per_channel_and_device(sample_store):
    s = sample_store.sessions
    level = s["step"].map({name: i for i, name in enumerate(STEPS)}).to_numpy()
    truth = sample_store.truth["step_rates"].set_index(["channel", "device", "step"])["rate"]
    checked = 0
    for (channel, device), idx in s.groupby(["channel", "device"]).indices.items():
        lv = level[idx]
        for k in range(1, len(STEPS)):
            n = int((lv >= k - 1).sum())
            hits = int((lv >= k).sum())
            rate = truth[(channel, device, STEPS[k])]
            se = np.sqrt(rate * (1 - rate) / n)
            assert abs(hits / n - rate) < 4 * se + 1e-9, (channel, device, STEPS[k], hits / n, rate)
            checked += 1
    assert checked == len(truth)


def test_every_order_has_one_matching_purchase_session(sample_store):
    tx = sample_store.transactions
    sales = tx[tx["status"] != "returned"].drop_duplicates("order_id")
    buy = sample_store.sessions[sample_store.sessions["step"] == "purchase"]
    assert buy["order_id"].notna().all() and buy["order_id"].is_unique
    assert sample_store.sessions.loc[sample_store.sessions["step"] != "purchase", "order_id"].isna().all()
    merged = sales.merge(buy, on="order_id", how="outer", suffixes=("_tx", "_s"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["order_date"].dt.normalize() == merged["date"]).all()
    assert (merged["channel_tx"] == merged["channel_s"]).all()
    assert (merged["device_tx"] == merged["device_s"]).all()
    same_customer = (merged["customer_id_tx"] == merged["customer_id_s"]) | (
        merged["customer_id_tx"].isna() & merged["customer_id_s"].isna())
    assert same_customer.all()


def test_transaction_lines_are_consistent(sample_store):
    tx = sample_store.transactions
    assert np.allclose(tx["revenue"], np.round(tx["quantity"] * tx["unit_price"], 2))
    assert set(tx["status"]) == {"completed", "cancelled", "returned"}
    assert ((tx["quantity"] < 0) == (tx["status"] == "returned")).all()
    assert (tx["unit_price"] > 0).all()
    sale = tx["quantity"] > 0
    assert (tx.loc[sale, "discount"] >= 0).all() and (tx.loc[~sale, "discount"] <= 0).all()
    sold = tx[tx["status"] == "completed"].groupby("order_id")["order_date"].min()
    returned = tx[tx["status"] == "returned"]
    assert (returned["order_date"].to_numpy() > sold.reindex(returned["order_id"]).to_numpy()).all()
    promo = tx["promo_id"].notna()
    assert (tx.loc[promo & sale, "discount"] > 0).all()
    assert tx.loc[promo, "promo_id"].isin(sample_store.promotions["promo_id"]).all()


def test_shares_of_cancellations_guests_and_returns(sample_store, completed):
    truth = sample_store.truth
    orders = sample_store.transactions.drop_duplicates("order_id")
    n = len(orders)
    cancel = (orders["status"] == "cancelled").mean()
    assert abs(cancel - truth["cancel_share"]) < 4 * np.sqrt(0.03 * 0.97 / n)
    done_orders = orders[orders["status"] == "completed"]
    guest = done_orders["customer_id"].isna().mean()
    assert abs(guest - truth["guest_order_share"]) < 4 * np.sqrt(0.04 * 0.96 / len(done_orders))
    tx = sample_store.transactions
    late = tx["order_date"] > tx["order_date"].max() - pd.Timedelta(days=30)  # returns may fall after the end
    kept = completed[~late.loc[completed.index]]
    sold = kept.groupby("category")["quantity"].sum()
    ret = tx[(tx["status"] == "returned") & tx["order_id"].isin(kept["order_id"])]
    observed = -ret.groupby("category")["quantity"].sum() / sold
    rates = truth["categories"].set_index("category")["return_rate"]
    se = np.sqrt(rates * (1 - rates) / sold.reindex(rates.index))  # each unit returned independently
    assert ((observed.reindex(rates.index) - rates).abs() < 4 * se).all(), observed


def test_customers_first_purchase_is_their_signup_day(sample_store, completed):
    first = completed.dropna(subset=["customer_id"]).groupby("customer_id")["order_date"].min().dt.normalize()
    cust = sample_store.customers.set_index("customer_id")
    assert first.index.isin(cust.index).all()
    assert len(first) == len(cust)
    assert (first.reindex(cust.index) == cust["signup_date"]).all()


def test_promotion_windows_show_the_lift(sample_store, completed):
    """In-scope units per day during each promotion exceed the four weeks before it."""
    day = completed["order_date"].dt.normalize()
    effects = sample_store.truth["promotion_effects"].set_index("promo_id")
    for _, p in sample_store.promotions.iterrows():
        if p["scope_type"] == "all":
            scope = np.ones(len(completed), dtype=bool)
        else:
            col = "category" if p["scope_type"] == "category" else "product_id"
            scope = completed[col].isin(str(p["scope"]).split(";")).to_numpy()
        units = completed["quantity"].where(scope, 0).groupby(day).sum()
        during = units[(units.index >= p["start"]) & (units.index <= p["end"])].mean()
        before = units[(units.index < p["start"]) & (units.index >= p["start"] - pd.Timedelta(days=28))].mean()
        assert effects.loc[p["promo_id"], "lift"] > 0
        assert during > before, p["promo_id"]
    assert {"F618-24", "D11-24", "F618-25", "D11-25"} <= set(effects.index)


def test_festival_truth_counts_repeat_purchases_only(sample_store, completed):
    """A festival's incidence boost and dip act on repeat purchases; first purchases follow the
    acquisition trend. Units per order do not respond to prices (lines and units are drawn
    first), so a discount on every product adds no units: the festival's true unit lift is
    its boost on repeat orders only, below the boost on every order and above a third of it,
    and its true dip is below the dip setting, by about the share of first orders (hand bounds)."""
    effects = sample_store.truth["promotion_effects"].set_index("promo_id")
    festivals = sample_store.promotions.loc[sample_store.promotions["kind"] == "festival", "promo_id"]
    is_first = completed.groupby("customer_id")["order_date"].transform("min") == completed["order_date"]
    first_share = (completed["revenue"].where(is_first, 0).sum()
                   / completed.loc[completed["customer_id"].notna(), "revenue"].sum())
    assert 0.2 < first_share < 0.6  # 20,000 first orders among about 59,000
    for pid in festivals:
        row = effects.loc[pid]
        assert 0.3 * row["incidence_boost"] < row["lift"] < 0.95 * row["incidence_boost"], pid
        assert 0.3 * row["post_dip_setting"] < row["pull_forward"] < 0.95 * row["post_dip_setting"], pid


def test_membership_and_channels_in_truth_match_the_customers(sample_store):
    truth = sample_store.truth
    cust = sample_store.customers
    assert truth["membership"]["member_share"] == pytest.approx(cust["is_member"].mean())
    assert truth["membership"]["observed_rate_ratio"] > truth["membership"]["rate_multiplier"] > 1
    ch = truth["acquisition_channels"].set_index("channel")
    counts = cust["acquisition_channel"].value_counts()
    assert (ch["new_customers"] == counts.reindex(ch.index)).all()
    daily = truth["acquisition_daily"]
    assert daily["expected_new_customers"].sum() == pytest.approx(len(cust), rel=1e-6)


@pytest.mark.slow
def test_bgnbd_and_gamma_gamma_recovered_by_lifetimes(sample_store, completed):
    """lifetimes (test-only oracle) fitted on daily purchase data in weeks recovers the truth
    within its 95% intervals, and a 2024-calibrated BG/NBD predicts 2025 repeat purchases of
    those customers within 5% in total."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    buyers = completed.dropna(subset=["customer_id"])
    orders = buyers.groupby(["customer_id", "order_id"], as_index=False).agg(
        date=("order_date", "first"), value=("revenue", "sum"))
    orders["date"] = orders["date"].dt.normalize()
    end = "2025-12-31"
    rfm = summary_data_from_transaction_data(orders, "customer_id", "date", "value", freq="D",
                                             freq_multiplier=7, observation_period_end=end)
    bg = BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    truth = sample_store.truth["bgnbd"]
    for name in ("r", "alpha", "a", "b"):
        row = bg.summary.loc[name]
        assert row["lower 95% bound"] <= truth[name] <= row["upper 95% bound"], (name, row["coef"])
    repeat = rfm[rfm["frequency"] > 0]
    gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    # order values are not Gamma-Gamma: check what it estimates (tolerances from the spread
    # over seeds 2024-2027 of tests/datasets/references/price_scale_study.py, see
    # tests/retention/test_recovery_sample_shop.py)
    c = gg.summary["coef"]
    mean_truth = sample_store.truth["order_value"]["mean_expected_order_value"]
    assert c["p"] * c["v"] / (c["q"] - 1) == pytest.approx(mean_truth, rel=0.03)
    latent = sample_store.truth["customer_latent"].set_index("customer_id")
    true = latent["expected_order_value"].reindex(repeat.index)
    fitted = gg.conditional_expected_average_profit(repeat["frequency"], repeat["monetary_value"])
    assert abs(fitted.mean() / true.mean() - 1) < 0.03
    assert (fitted / true - 1).abs().mean() < 0.30

    cut = "2024-12-31"
    cal = summary_data_from_transaction_data(orders[orders["date"] <= cut], "customer_id", "date",
                                             freq="D", freq_multiplier=7, observation_period_end=cut)
    fit = BetaGeoFitter().fit(cal["frequency"], cal["recency"], cal["T"])
    holdout = orders[(orders["date"] > cut) & orders["customer_id"].isin(cal.index)]
    actual = holdout.drop_duplicates(["customer_id", "date"]).shape[0]
    predicted = fit.conditional_expected_number_of_purchases_up_to_time(
        365 / 7, cal["frequency"], cal["recency"], cal["T"]).sum()
    assert abs(predicted / actual - 1) < 0.05, (predicted, actual)
