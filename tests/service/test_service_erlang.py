"""Erlang C and Erlang A: hand cases (M/M/1), pyworkforce as an independent oracle (to 1e-9),
and a discrete-event simulation of the queue (within Monte Carlo error)."""

import heapq
import json
from pathlib import Path

import numpy as np
import pytest

from ecomlib.errors import ParameterError
from ecomlib.service import (
    agents_needed,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    offered_load,
    scheduled_agents,
    service_level,
    staffing_plan,
)

REF = json.loads((Path(__file__).parent / "references" / "erlang_pyworkforce.json").read_text())["cases"]


def simulate_queue(agents, lam, handle, patience, answer_within, customers, seed):
    """FCFS M/M/n(+M) by events: each arrival takes the earliest free agent; it abandons when its
    wait would exceed its patience (then it takes no agent). Returns P(wait), P(abandon), share
    answered within ``answer_within`` and the mean wait (over all arrivals, abandoners at their
    patience)."""
    rng = np.random.default_rng(seed)
    arrive = np.cumsum(rng.exponential(1 / lam, customers))
    service = rng.exponential(handle, customers)
    pat = rng.exponential(patience, customers) if np.isfinite(patience) else np.full(customers, np.inf)
    free = [0.0] * agents
    waited = abandoned = in_time = 0
    total_wait = 0.0
    for a, s, p in zip(arrive, service, pat, strict=True):
        start = max(free[0], a)
        wait = start - a
        if wait > 0:
            waited += 1
        if wait > p:
            abandoned += 1
            total_wait += p
            continue
        total_wait += wait
        in_time += wait <= answer_within
        heapq.heapreplace(free, start + s)
    n = customers
    return waited / n, abandoned / n, in_time / n, total_wait / n


def test_mm1_hand_case():
    # one agent: P(wait) = rho, SL(t) = 1 - rho exp(-(1 - rho) t / h), ASA = rho h / (1 - rho)
    rho, h, t = 0.7, 4.0, 2.0
    assert erlang_c(1, rho) == pytest.approx(rho, abs=1e-12)
    assert service_level(1, rho, h, t) == pytest.approx(1 - rho * np.exp(-(1 - rho) * t / h), abs=1e-12)
    assert average_speed_of_answer(1, rho, h) == pytest.approx(rho * h / (1 - rho), abs=1e-12)
    assert erlang_b(1, 1.0) == pytest.approx(0.5)      # a / (1 + a)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)      # (a^2/2) / (1 + a + a^2/2)


def test_unstable_queue_always_waits():
    assert erlang_c(5, 6.0) == 1.0
    assert service_level(5, 5.0, 3, 1) == 0.0
    assert np.isinf(average_speed_of_answer(5, 5.0, 3))


@pytest.mark.parametrize("case", REF, ids=lambda c: f"{c['transactions']}x{c['aht']}")
def test_against_pyworkforce_reference_values(case):
    a = offered_load(case["transactions"], case["aht"], case["interval"])
    assert a == pytest.approx(case["load"], abs=1e-12)
    n = case["agents"]
    assert erlang_c(n, a) == pytest.approx(case["p_wait"], abs=1e-9)
    assert service_level(n, a, case["aht"], case["asa"]) == pytest.approx(case["service_level"], abs=1e-9)
    assert occupancy(n, a) == pytest.approx(case["occupancy"], abs=1e-12)
    for target in (0.8, 0.9):
        assert int(agents_needed(a, case["aht"], case["asa"], target)) == case[f"required_{target}"]


def test_against_pyworkforce_live():
    pw = pytest.importorskip("pyworkforce.queuing")
    rng = np.random.default_rng(7)
    for _ in range(40):
        tx, aht, asa = rng.integers(5, 3000), rng.uniform(1, 12), rng.uniform(0.1, 2)
        e = pw.ErlangC(transactions=float(tx), aht=aht, asa=asa, interval=30)
        n = int(np.floor(e.intensity)) + int(rng.integers(1, 6))
        assert erlang_c(n, e.intensity) == pytest.approx(e.waiting_probability(n), abs=1e-9)
        assert service_level(n, e.intensity, aht, asa) == pytest.approx(e.service_level(n), abs=1e-9)


def test_agents_needed_is_the_smallest_that_reaches_the_target():
    loads = np.array([0.0, 0.4, 3.3, 10.0, 57.5, 240.0])
    n = agents_needed(loads, 5.0, 0.5, 0.85)
    assert n[0] == 0
    busy = loads > 0
    assert np.all(service_level(n[busy], loads[busy], 5.0, 0.5) >= 0.85)
    fewer = np.maximum(n[busy] - 1, 1)
    below = service_level(fewer, loads[busy], 5.0, 0.5) < 0.85
    assert np.all(below | (fewer == n[busy]))
    assert np.all(occupancy(agents_needed(loads[busy], 5.0, 0.5, 0.5, max_occupancy=0.8), loads[busy]) <= 0.8)


def test_shrinkage_scales_up():
    assert scheduled_agents(14, 0.3).item() == 20          # 14 / 0.7 = 20 exactly
    assert scheduled_agents(15, 0.3).item() == 22          # 21.43 -> 22
    assert scheduled_agents(np.array([0, 7]), 0.0).tolist() == [0, 7]
    with pytest.raises(ParameterError, match="shrinkage"):
        scheduled_agents(3, 1.0)


def test_staffing_plan_table_and_speed():
    import time
    arrivals = np.random.default_rng(3).poisson(150, 365 * 48)
    t0 = time.perf_counter()
    plan = staffing_plan(arrivals, 5.0, interval_minutes=30, answer_within_minutes=1, target_service_level=0.8,
                         shrinkage=0.3)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, elapsed                          # issue 20 benchmark: a year of 30-min intervals <= 2 s
    t = plan.table
    assert np.all(t["service_level"] >= 0.8)
    assert np.all(t["scheduled"] >= t["agents"] / 0.7 - 1e-9)
    assert plan.agent_hours == pytest.approx(t["scheduled"].sum() / 2)


@pytest.mark.parametrize("bad", [dict(handle_minutes=0), dict(target_service_level=1.0), dict(shrinkage=-0.1)])
def test_bad_inputs(bad):
    kw = dict(handle_minutes=5.0, target_service_level=0.8, shrinkage=0.3) | bad
    with pytest.raises(ParameterError):
        staffing_plan([10, 20], kw.pop("handle_minutes"), **kw)
    with pytest.raises(ParameterError, match="agents"):
        erlang_c(0.5, 1.0)


def test_erlang_c_against_simulation():
    n, lam, h, t = 6, 1.0, 5.0, 1.0      # load 5 on 6 agents: P(wait) ~ 0.59
    pw, pa, sl, asa = simulate_queue(n, lam, h, np.inf, t, 500_000, seed=11)
    assert pa == 0
    # Monte Carlo error measured over 10 seeds at 200,000 arrivals: sd 0.0063 (P(wait)), 0.0069 (SL),
    # 3.1 % (ASA; queue autocorrelation makes it larger than binomial). At 500,000 arrivals the sds
    # shrink by sqrt(2.5); the tolerances are about 4 of them.
    assert pw == pytest.approx(float(erlang_c(n, lam * h)), abs=0.017)
    assert sl == pytest.approx(float(service_level(n, lam * h, h, t)), abs=0.018)
    assert asa == pytest.approx(float(average_speed_of_answer(n, lam * h, h)), rel=0.08)


def test_erlang_a_against_simulation_with_exponential_patience():
    n, lam, h, patience, t = 10, 2.4, 5.0, 3.0, 0.5   # overloaded without abandonment (load 12 > 10)
    res = erlang_a(n, lam, h, patience, t)
    pw, pa, sl, asa = simulate_queue(n, lam, h, patience, t, 200_000, seed=5)
    # Monte Carlo sd over 10 seeds: 0.0023 (P(wait)), 0.0016 (P(abandon)), 0.0030 (SL), 0.77 % (mean wait)
    assert pw == pytest.approx(res.p_wait, abs=0.01)
    assert pa == pytest.approx(res.p_abandon, abs=0.0065)
    assert sl == pytest.approx(res.service_level, abs=0.012)
    assert asa == pytest.approx(res.asa_minutes, rel=0.03)


def test_erlang_a_tends_to_erlang_c_with_endless_patience():
    res = erlang_a(12, 2.0, 5.0, 1e7, 1 / 3)
    assert res.p_wait == pytest.approx(float(erlang_c(12, 10.0)), abs=1e-5)
    assert res.service_level == pytest.approx(float(service_level(12, 10.0, 5.0, 1 / 3)), abs=1e-5)
    assert res.p_abandon < 1e-5


def test_erlang_a_single_agent_hand_case():
    # n = 1, patience = handle time: death rate is mu k for every k, so N ~ Poisson(lam/mu) (M/M/inf)
    lam, h = 0.5, 2.0
    res = erlang_a(1, lam, h, h)
    assert res.p_wait == pytest.approx(1 - np.exp(-lam * h), abs=1e-12)
    # E[(N-1)+] = E[N] - P(N >= 1) = a - (1 - e^-a)
    a = lam * h
    assert res.mean_queue == pytest.approx(a - (1 - np.exp(-a)), abs=1e-12)
