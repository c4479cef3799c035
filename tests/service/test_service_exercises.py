"""The chapter's exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import numpy as np
import pytest

from ecomlib.service import agent_kpi_sample
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def ctx(sample_store):
    tickets = sample_store.tickets
    kpi = agent_kpi_sample(tickets).to_numpy(dtype=float)
    return {"tickets": tickets, "sla_minutes": 30.0, "handle_minutes": 6.0, "interval_minutes": 30,
            "answer_within_minutes": 1.0, "target_service_level": 0.8, "kpi": kpi,
            "bonus_threshold": float(np.median(kpi)), "bonus_rate": 5.0, "survey": sample_store.team_survey}


@pytest.fixture
def ex(ctx):
    return exercises.load("service", **ctx)


def test_wrong_answers_fail_with_a_targeted_hint(ex, ctx):
    t = ctx["tickets"]
    assert "opposite" in ex.q2.check(float((t["contacts"] > 1).mean())).message
    load = 40 / 30 * 6
    assert "load rounded up" in ex.q4.check(int(np.ceil(load))).message
    assert not ex.q6.check(0.2).correct
    assert f"{ex.q1.expected_value():.4f}" not in ex.q1.check(0.999).message


def test_bank_loads_without_tickets_or_survey(ctx):
    ex = exercises.load("service", **{**ctx, "tickets": None, "survey": None, "kpi": None})
    assert ex.q1.check(0.5).status == "unavailable"
    assert ex.q4.check(ex.q4.expected_value()).correct


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
