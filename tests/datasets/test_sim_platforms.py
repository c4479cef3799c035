"""The sample shop's platforms, channel panel and partner deliveries (issue 21): canonical tables,
seeded determinism, earlier tables untouched, and truth that agrees with the tables (a hand
recomputation of one platform's margin; observed OTIF, defect and damage counts inside binomial
intervals of the truth; the panel's new-channel arithmetic)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.data.schemas import SCHEMAS
from ecomlib.datasets import make_store, sim_platforms
from ecomlib.datasets import store as store_module
from ecomlib.datasets.simulation import SimContext

NEW = ("platforms", "order_platforms", "channel_panel", "partner_deliveries")


@pytest.fixture(scope="module")
def small():
    return make_store(seed=5, n_customers=600, start="2024-01-01", end="2024-09-30")


@pytest.mark.parametrize("table", NEW)
def test_tables_follow_their_schema(sample_store, table):
    df = getattr(sample_store, table)
    assert df is not None and len(df) > 0
    SCHEMAS[table].validate(df, param=table)
    assert set(SCHEMAS[table].required) <= set(df.columns)


def test_every_order_gets_one_platform_by_country_and_start_date(sample_store):
    tx, op, fees = sample_store.transactions, sample_store.order_platforms, sample_store.platforms
    assert op["order_id"].is_unique
    assert set(op["order_id"]) == set(tx["order_id"])
    assert set(op["platform"]) == set(fees["platform"])
    orders = tx.drop_duplicates("order_id").merge(op, on="order_id")
    abroad = orders["country"] != "CN"
    assert (orders.loc[abroad, "platform"] == "Cross-border marketplace").all()
    assert (orders.loc[~abroad, "platform"] != "Cross-border marketplace").all()
    start = orders["platform"].map(fees.set_index("platform")["start_date"])
    assert (orders["order_date"] >= start).all()
    live = fees.set_index("platform").loc["Live commerce", "start_date"]
    assert live == pd.Timestamp("2025-01-01")  # mid-way through 2024-2025


def test_customers_mostly_stay_on_one_platform_but_some_overlap(sample_store):
    orders = sample_store.transactions.drop_duplicates("order_id").merge(sample_store.order_platforms)
    cn = orders[(orders["country"] == "CN") & orders["customer_id"].notna()]
    repeat = cn.groupby("customer_id").filter(lambda g: len(g) >= 3)
    n_platforms = repeat.groupby("customer_id")["platform"].nunique()
    # Dirichlet(1.2 x shares) preferences: loyal customers are the rule, multi-platform ones common
    assert 0.15 < (n_platforms >= 2).mean() < 0.85
    assert (n_platforms == 1).mean() > 0.15


def test_same_seed_same_tables_other_seed_differs(small):
    again = make_store(seed=5, n_customers=600, start="2024-01-01", end="2024-09-30")
    other = make_store(seed=6, n_customers=600, start="2024-01-01", end="2024-09-30")
    for name in NEW:
        pd.testing.assert_frame_equal(getattr(small, name), getattr(again, name))
    assert small.truth["platform_true_margin"] == again.truth["platform_true_margin"]
    assert not small.partner_deliveries.equals(other.partner_deliveries)


def test_earlier_tables_do_not_change(small, monkeypatch):
    monkeypatch.setattr(store_module, "SIMULATORS", tuple(s for s in store_module.SIMULATORS if s != "platforms"))
    without = make_store(seed=5, n_customers=600, start="2024-01-01", end="2024-09-30")
    assert all(getattr(without, t) is None for t in NEW)
    for name, df in without.tables().items():
        pd.testing.assert_frame_equal(df, getattr(small, name))
    assert set(small.truth) - set(without.truth) == {k for k in small.truth if k.startswith(
        ("platform_", "channel_", "partner_"))}


def test_simulator_draws_only_from_its_own_stream(small):
    ctx = SimContext(seed=5, start=pd.Timestamp("2024-01-01").as_unit("us"),
                     end=pd.Timestamp("2024-09-30").as_unit("us"), n_customers=600,
                     tables={k: v for k, v in small.tables().items() if k not in NEW})
    result = sim_platforms.simulate(ctx)
    for name in NEW:
        pd.testing.assert_frame_equal(result.tables[name], getattr(small, name))


def test_true_margin_of_marketplace_b_by_hand(sample_store):
    """Marketplace B recomputed here line by line from the schedule's numbers (not the simulator's code)."""
    lines = sample_store.transactions.merge(sample_store.order_platforms, on="order_id")
    b = lines[lines["platform"] == "Marketplace B"]
    sold, back = b[b["status"] == "completed"], b[b["status"] == "returned"]
    gmv = sold["revenue"].sum()
    orders = sold["order_id"].nunique()
    kept = pd.concat([sold, back])
    cogs = (kept["quantity"] * kept["unit_cost"]).sum()
    months = sold["order_date"].dt.to_period("M").pipe(lambda p: (p.max() - p.min()).n + 1)
    # Marketplace B: commission 3%, payment 0.6%, ad take 4% of GMV; 10 CNY per order; 3000 CNY per month
    contribution = gmv + back["revenue"].sum() - cogs - (0.03 + 0.006 + 0.04) * gmv - 10 * orders - 3000 * months
    assert months == 24
    assert sample_store.truth["platform_true_margin"]["Marketplace B"] == pytest.approx(contribution / orders,
                                                                                       rel=1e-9)


def test_truth_pnl_matches_the_bundled_lines(sample_store):
    lines = sample_store.transactions.merge(sample_store.order_platforms, on="order_id")
    again = sim_platforms.true_platform_pnl(lines, sample_store.platforms)
    truth = sample_store.truth["platform_true_pnl"]
    pd.testing.assert_frame_equal(again, truth, check_dtype=False, rtol=1e-9)
    margin = sample_store.truth["platform_true_margin"]
    assert set(margin) == set(sample_store.platforms["platform"])
    assert margin["Own site"] < 0 < margin["Marketplace A"]  # the own site's fixed costs sink it


def test_fee_schedule_module_numbers_are_the_table(sample_store):
    fees = sample_store.platforms.set_index("platform")
    for row in sim_platforms.PLATFORMS:
        assert fees.loc[row[0], list(sim_platforms.FEE_COLUMNS[1:])].tolist() == list(row[1:])
    assert fees["note"].str.contains("ILLUSTRATIVE").all()


@pytest.fixture(scope="module")
def deliveries(sample_store):
    d = sample_store.partner_deliveries
    return d.assign(
        otif=(d["delivered_date"] <= d["promised_date"]) & (d["quantity_delivered"] >= d["quantity_ordered"]),
        lead=(d["delivered_date"] - d["ordered_date"]).dt.days)


def _inside(count, n, p, alpha):
    lo, hi = stats.binom.ppf(alpha / 2, n, p), stats.binom.ppf(1 - alpha / 2, n, p)
    return lo <= count <= hi


def test_partners_are_suppliers_and_carriers(sample_store, deliveries):
    partners = deliveries.groupby("partner")["partner_type"].first()
    assert set(partners[partners == "supplier"].index) == set(sample_store.suppliers["supplier"])
    assert 3 <= (partners == "logistics").sum() <= 4
    assert deliveries["delivery_id"].is_unique
    assert (deliveries["quantity_delivered"] <= deliveries["quantity_ordered"]).all()
    truth = sample_store.truth
    for key in ("partner_true_otif", "partner_true_defect_rate", "partner_true_damage_rate",
                "partner_true_lead_time"):
        assert set(truth[key]) == set(partners.index), key
    supplier_defects = sample_store.suppliers.set_index("supplier")["defect_rate"].to_dict()
    assert {k: truth["partner_true_defect_rate"][k] for k in supplier_defects} == supplier_defects


def test_observed_otif_defects_damage_inside_binomial_intervals(sample_store, deliveries):
    truth = sample_store.truth
    alpha = 0.01 / (3 * deliveries["partner"].nunique())  # family-wise 99%, Bonferroni
    for partner, g in deliveries.groupby("partner"):
        assert _inside(g["otif"].sum(), len(g), truth["partner_true_otif"][partner], alpha), partner
        units = int(g["quantity_delivered"].sum())
        assert _inside(g["defective_units"].sum(), units, truth["partner_true_defect_rate"][partner], alpha)
        assert _inside(g["damaged_units"].sum(), units, truth["partner_true_damage_rate"][partner], alpha)


def test_observed_lead_times_match_true_mean_and_sd(sample_store, deliveries):
    truth = sample_store.truth["partner_true_lead_time"]
    z = stats.norm.ppf(1 - 0.005 / deliveries["partner"].nunique())
    for partner, g in deliveries.groupby("partner"):
        t = truth[partner]
        assert abs(g["lead"].mean() - t["mean"]) < z * t["sd"] / np.sqrt(len(g)), partner
        assert g["lead"].std() == pytest.approx(t["sd"], rel=0.5)  # n >= 8: a loose check of the scale


def test_channel_panel_arithmetic_is_the_truth(sample_store):
    panel, truth = sample_store.channel_panel, sample_store.truth
    s, k = truth["channel_incremental_share"], truth["channel_new_share"]
    on = panel["treated"] & panel["post"]
    assert set(panel.loc[panel["treated"], "category"]) == set(truth["channel_treated_categories"])
    assert (panel.loc[~on, "new_channel_gmv"] == 0).all() and (panel.loc[on, "new_channel_gmv"] > 0).all()
    assert panel.loc[panel["post"], "week"].min() == pd.Timestamp(truth["channel_launch_week"])
    assert (panel["week"].dt.day_of_week == 0).all()
    without = panel.loc[on, "gmv"] - s * panel.loc[on, "new_channel_gmv"]
    effect = np.log(panel.loc[on, "gmv"] / without)
    assert effect.to_numpy() == pytest.approx(truth["channel_true_effect_log"], abs=1e-5)
    assert (panel.loc[on, "new_channel_gmv"] / without).to_numpy() == pytest.approx(k, abs=1e-5)
    assert truth["channel_true_effect_log"] == pytest.approx(np.log1p(s * k))


def test_a_plain_difference_in_differences_on_the_panel_finds_the_effect(sample_store):
    panel, truth = sample_store.channel_panel, sample_store.truth
    means = panel.assign(y=np.log(panel["gmv"])).groupby(["category", "treated", "post"])["y"].mean()
    change = means.xs(True, level="post") - means.xs(False, level="post")
    treated = change.xs(True, level="treated")
    control = change.xs(False, level="treated")
    did = treated.mean() - control.mean()
    se = np.sqrt(treated.var() / len(treated) + control.var() / len(control))
    t = stats.t.ppf(0.995, len(treated) + len(control) - 2)
    assert abs(did - truth["channel_true_effect_log"]) < t * se


def test_bundled_illustrative_fee_schedule_is_the_simulators():
    """ecomlib/data_files/platforms/fee_schedule_illustrative.csv (platlib's file) carries the
    simulator's numbers and start dates, so the notebook's default schedule is the shop's truth."""
    from ecomlib.platforms import read_fee_schedule

    csv = read_fee_schedule().set_index("platform")
    sim = sim_platforms.fee_schedule(pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")).set_index("platform")
    assert sorted(csv.index) == sorted(sim.index)
    cols = list(sim_platforms.FEE_COLUMNS[1:]) + ["start_date"]
    pd.testing.assert_frame_equal(csv.loc[sim.index, cols], sim[cols], check_dtype=False)
    assert csv["note"].str.lower().str.contains("illustrative").all()
