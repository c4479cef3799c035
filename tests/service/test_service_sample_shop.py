"""The sample shop's tickets, team and survey: the service estimators recover the simulation's truth
(99% intervals), and the simulator leaves every earlier table alone."""

import pytest

from ecomlib.datasets import load_sample_store
from ecomlib.datasets.sim_service import true_response_share
from ecomlib.service import (
    contact_rate,
    cronbach_alpha,
    csat_summary,
    first_contact_resolution,
    sla_attainment,
    time_percentiles,
)


@pytest.fixture(scope="module")
def shop():
    return load_sample_store()


def test_tables_present_and_typed(shop):
    tk = shop.tickets
    assert {"ticket_id", "customer_id", "order_id", "channel", "reason", "created", "first_response",
            "resolved", "contacts", "csat"} <= set(tk.columns)
    assert str(tk["created"].dtype) == "datetime64[us]"
    assert tk["ticket_id"].is_unique
    assert set(tk["order_id"]) <= set(shop.transactions["order_id"])
    assert set(tk["agent_id"]) <= set(shop.service_team["agent_id"])
    assert tk["csat"].dropna().isin([1, 2, 3, 4, 5]).all()


@pytest.mark.parametrize("sla", [5, 30, 240])
def test_sla_attainment_recovers_truth(shop, sla):
    # 3 SLAs x 3 channels: a family-wise 99% level (Bonferroni, 0.01 / 9 per interval). Tickets of the
    # last day may be cut off before an answer (censored), so that whole day is left out of both sides
    # (whole days keep every other day's load, which the truth's congestion uses).
    last_day = shop.tickets["created"].max().normalize()
    tk = shop.tickets[shop.tickets["created"] < last_day]
    est = sla_attainment(tk, sla, by="channel", alpha=0.01 / 9).set_index("channel")
    truth = true_response_share(tk, shop.truth, sla, by="channel")
    for ch, row in est.iterrows():
        if 0.001 < truth[ch] < 0.999:
            assert row["low"] <= truth[ch] <= row["high"], (ch, row.to_dict(), truth[ch])


def test_median_response_recovers_truth(shop):
    # the true median of the mixture over tickets: solve mean Phi((log m - log med_i)/sigma) = 0.5
    est = time_percentiles(shop.tickets, q=[0.5], by="channel", alpha=0.01).set_index("channel")
    for ch, row in est.iterrows():
        lo = true_response_share(shop.tickets, shop.truth, row["low"], by="channel")[ch]
        hi = true_response_share(shop.tickets, shop.truth, row["high"], by="channel")[ch]
        assert lo <= 0.5 <= hi, (ch, lo, hi)


def test_fcr_recovers_truth(shop):
    tk = shop.tickets[shop.tickets["resolved"].notna()]     # unresolved tickets at the end cannot count
    est = first_contact_resolution(tk, by="reason", alpha=0.01).set_index("reason")
    for reason, p in shop.truth["service_fcr"].items():
        assert est.loc[reason, "low"] <= p <= est.loc[reason, "high"], reason


def test_csat_recovers_truth(shop):
    est = csat_summary(shop.tickets, by="channel", alpha=0.01).set_index("channel")
    for ch, p in shop.truth["service_csat_share_by_channel"].items():
        assert est.loc[ch, "csat_low"] <= p <= est.loc[ch, "csat_high"], ch


def test_contact_rate_follows_ticket_rates(shop):
    cr = contact_rate(shop.tickets, shop.transactions)
    orders = shop.transactions.drop_duplicates("order_id")
    assert cr.table["orders"].sum() == len(orders)
    # expected tickets per order from the truth; tickets still to come after the last day are lost
    rate = orders["status"].map(shop.truth["service_ticket_rate"])
    assert 100 * rate.mean() * 0.95 < cr.rate < 100 * rate.mean() * shop.truth["service_festival_factor"]


def test_survey_alpha_near_truth(shop):
    items = ["eng1", "eng2", "eng3", "eng4"]
    res = cronbach_alpha(shop.team_survey, items, confidence=0.99)
    assert res.low <= shop.truth["service_survey_reliability"] <= res.high


def test_repurchase_truth_is_documented(shop):
    assert shop.truth["service_slow_response_repurchase_effect"] == 0.0
    assert "after all purchases" in shop.truth_doc["service_slow_response_repurchase_effect"]


def test_simulator_is_deterministic_and_independent():
    from ecomlib.datasets import make_store
    a = make_store(seed=3, n_customers=400, start="2024-01-01", end="2024-03-31")
    b = make_store(seed=3, n_customers=400, start="2024-01-01", end="2024-03-31")
    assert a.tickets.equals(b.tickets) and a.team_survey.equals(b.team_survey)


def test_training_did_recovers_truth(shop):
    from ecomlib.promotion import did
    from ecomlib.service import training_panel

    panel = training_panel(shop.tickets, shop.service_team)
    res = did(panel, outcome="satisfied", treated="trained", post="post", unit="agent_id", time="month",
              level=0.99, n_boot=1999)
    assert res.ci_low <= shop.truth["service_training_effect"] <= res.ci_high
