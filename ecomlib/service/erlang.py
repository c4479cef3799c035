"""Queueing models for staffing a service team: Erlang C (no abandonment) and Erlang A (abandonment).

All functions are vectorised over arrays of arrivals so that a year of 30-minute intervals is planned
in one call. Time units: ``handle_minutes``, ``interval_minutes`` and ``answer_within_minutes`` are
minutes; loads are in Erlangs (arrivals per minute x handle time in minutes).

The models are ours (the book has no formulas). References: A. K. Erlang (1917); G. Koole,
*Call Center Optimization* (2013), ch. 4-5; O. Garnett, A. Mandelbaum and M. Reiman, "Designing a
call center with impatient customers", *M&SOM* 4(3), 2002 (Erlang A = M/M/n+M).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

from ecomlib.errors import ParameterError
from ecomlib.validation import check_positive, check_probability

__all__ = [
    "ErlangA",
    "StaffingCurve",
    "StaffingPlan",
    "agents_needed",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "offered_load",
    "scheduled_agents",
    "service_level",
    "staffing_curve",
    "staffing_plan",
]


def offered_load(arrivals, handle_minutes: float, interval_minutes: float = 30.0) -> np.ndarray:
    """Offered load in Erlangs: ``arrivals / interval_minutes x handle_minutes``.

    >>> float(offered_load(60, 5, 30))
    10.0
    """
    handle_minutes = check_positive("handle_minutes", handle_minutes)
    interval_minutes = check_positive("interval_minutes", interval_minutes)
    a = np.asarray(arrivals, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ParameterError("`arrivals` must be finite numbers >= 0.")
    return a / interval_minutes * handle_minutes


def _agents_array(agents) -> np.ndarray:
    n = np.asarray(agents)
    if not np.issubdtype(n.dtype, np.number) or np.any(n < 1) or np.any(n != np.floor(n)):
        raise ParameterError(f"`agents` must be whole numbers >= 1, but {agents!r} was passed.")
    return n.astype(np.int64)


def erlang_b(agents, load) -> np.ndarray:
    """Erlang B blocking probability (the loss system M/M/n/n), by the stable recursion
    ``B(k) = a B(k-1) / (k + a B(k-1))``, vectorised over ``agents`` and ``load``.

    >>> round(float(erlang_b(1, 1.0)), 6)
    0.5
    """
    n = _agents_array(agents)
    a = np.asarray(load, dtype=float)
    n, a = np.broadcast_arrays(n, a)
    b = np.ones(a.shape)
    for k in range(1, int(n.max(initial=1)) + 1):
        step = a * b / (k + a * b)
        b = np.where(k <= n, step, b)
    return b


def erlang_c(agents, load) -> np.ndarray:
    """Probability that a contact waits (Erlang C, M/M/n), ``n B / (n - a (1 - B))``; 1 when ``n <= a``.

    Parameters
    ----------
    agents : int or array of int
        Agents answering (after shrinkage).
    load : float or array
        Offered load in Erlangs.

    Examples
    --------
    One agent is an M/M/1 queue, whose probability of waiting is the utilisation:

    >>> round(float(erlang_c(1, 0.7)), 12)
    0.7
    """
    n = _agents_array(agents)
    a = np.asarray(load, dtype=float)
    n, a = np.broadcast_arrays(n, a)
    b = erlang_b(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1 - b))
    return np.where(n > a, c, 1.0)


def service_level(agents, load, handle_minutes: float, answer_within_minutes: float) -> np.ndarray:
    """Share of contacts answered within ``answer_within_minutes``: ``1 - C exp(-(n - a) t / h)``.

    0 when the queue is unstable (``n <= a``).
    """
    handle_minutes = check_positive("handle_minutes", handle_minutes)
    t = check_positive("answer_within_minutes", answer_within_minutes, allow_zero=True)
    n = _agents_array(agents)
    a = np.asarray(load, dtype=float)
    n, a = np.broadcast_arrays(n, a)
    c = erlang_c(n, a)
    sl = 1 - c * np.exp(-(n - a) * t / handle_minutes)
    return np.where(n > a, sl, 0.0)


def average_speed_of_answer(agents, load, handle_minutes: float) -> np.ndarray:
    """Mean wait in minutes over all contacts, ``C h / (n - a)``; infinite when ``n <= a``."""
    handle_minutes = check_positive("handle_minutes", handle_minutes)
    n = _agents_array(agents)
    a = np.asarray(load, dtype=float)
    n, a = np.broadcast_arrays(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = erlang_c(n, a) * handle_minutes / (n - a)
    return np.where(n > a, asa, np.inf)


def occupancy(agents, load) -> np.ndarray:
    """Share of the agents' time spent handling contacts, ``a / n`` (at most 1)."""
    n = _agents_array(agents)
    return np.minimum(np.asarray(load, dtype=float) / n, 1.0)


def scheduled_agents(agents, shrinkage: float) -> np.ndarray:
    """Agents to schedule so that ``agents`` are answering after shrinkage (breaks, training,
    absence): ``ceil(agents / (1 - shrinkage))``."""
    s = check_probability("shrinkage", shrinkage, open_interval=False)
    if s >= 1:
        raise ParameterError(f"`shrinkage` must be below 1, but {shrinkage!r} was passed.")
    n = np.asarray(agents, dtype=float)
    return np.ceil(n / (1 - s) - 1e-9).astype(np.int64)


def agents_needed(load, handle_minutes: float, answer_within_minutes: float,
                  target_service_level: float, *, max_occupancy: float = 1.0) -> np.ndarray:
    """Fewest answering agents that reach ``target_service_level`` (Erlang C) and keep occupancy at or
    below ``max_occupancy``; 0 where the load is 0. Vectorised over ``load``.

    Examples
    --------
    >>> int(agents_needed(10.0, 5, 20 / 60, 0.8))
    14
    """
    target = check_probability("target_service_level", target_service_level)
    max_occ = check_probability("max_occupancy", max_occupancy, open_interval=False)
    if max_occ == 0:
        raise ParameterError("`max_occupancy` must be above 0.")
    a = np.atleast_1d(np.asarray(load, dtype=float))
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ParameterError("`load` must be finite numbers >= 0.")
    out = np.zeros(a.shape, dtype=np.int64)
    busy = a > 0
    if busy.any():
        la = a[busy]
        n = np.maximum(np.floor(la).astype(np.int64) + 1, np.ceil(la / max_occ - 1e-12).astype(np.int64))
        ok = service_level(n, la, handle_minutes, answer_within_minutes) >= target
        while not ok.all():
            n = np.where(ok, n, n + 1)
            ok = service_level(n, la, handle_minutes, answer_within_minutes) >= target
        out[busy] = n
    return out.reshape(np.shape(load)) if np.ndim(load) else out[0]


@dataclass(frozen=True)
class StaffingPlan:
    """Agents per interval for a service-level target.

    Attributes
    ----------
    table : DataFrame
        Per interval: ``arrivals``, ``load`` (Erlangs), ``agents`` (answering), ``scheduled`` (after
        shrinkage), ``service_level``, ``p_wait``, ``asa_minutes``, ``occupancy``.
    settings : dict
        ``handle_minutes``, ``interval_minutes``, ``answer_within_minutes``, ``target_service_level``,
        ``shrinkage``, ``max_occupancy``.
    """

    table: pd.DataFrame
    settings: dict

    @property
    def agent_hours(self) -> float:
        """Scheduled agent hours over the plan."""
        return float(self.table["scheduled"].sum() * self.settings["interval_minutes"] / 60)

    def summary(self) -> pd.DataFrame:
        t = self.table
        busy = t["agents"] > 0
        weights = t["arrivals"].where(busy, 0)
        sl = float(np.average(t["service_level"], weights=weights)) if weights.sum() > 0 else float("nan")
        out = {
            "intervals": len(t),
            "arrivals": float(t["arrivals"].sum()),
            "peak_scheduled": int(t["scheduled"].max()),
            "scheduled_agent_hours": self.agent_hours,
            "service_level": sl,
            "mean_occupancy": float(t.loc[busy, "occupancy"].mean()) if busy.any() else float("nan"),
        }
        return pd.DataFrame({"value": pd.Series(out, dtype="object")}).rename_axis("statistic")


def staffing_plan(arrivals, handle_minutes: float, *, interval_minutes: float = 30.0,
                  answer_within_minutes: float = 1.0, target_service_level: float = 0.8,
                  shrinkage: float = 0.3, max_occupancy: float = 1.0) -> StaffingPlan:
    """Erlang C staffing for each interval of an arrivals forecast.

    Parameters
    ----------
    arrivals : Series or array-like
        Contacts arriving per interval (index kept, e.g. interval start times).
    handle_minutes : float
        Mean handling time per contact, minutes.
    interval_minutes : float
        Length of one interval, minutes.
    answer_within_minutes : float
        The service-level time: a contact is answered "in time" when it waits at most this long.
    target_service_level : float
        Share of contacts to answer in time, in (0, 1).
    shrinkage : float
        Share of paid time agents are not answering (breaks, training, absence), in [0, 1).
    max_occupancy : float
        Upper bound on ``load / agents``.
    """
    s = arrivals if isinstance(arrivals, pd.Series) else pd.Series(np.asarray(arrivals, dtype=float))
    load = offered_load(s.to_numpy(dtype=float), handle_minutes, interval_minutes)
    n = agents_needed(np.atleast_1d(load), handle_minutes, answer_within_minutes, target_service_level,
                      max_occupancy=max_occupancy)
    n_safe = np.maximum(n, 1)
    busy = n > 0
    table = pd.DataFrame({
        "arrivals": s.to_numpy(dtype=float),
        "load": load,
        "agents": n,
        "scheduled": scheduled_agents(n, shrinkage),
        "service_level": np.where(busy, service_level(n_safe, load, handle_minutes, answer_within_minutes), 1.0),
        "p_wait": np.where(busy, erlang_c(n_safe, load), 0.0),
        "asa_minutes": np.where(busy, average_speed_of_answer(n_safe, load, handle_minutes), 0.0),
        "occupancy": np.where(busy, occupancy(n_safe, load), 0.0),
    }, index=s.index)
    settings = {"handle_minutes": float(handle_minutes), "interval_minutes": float(interval_minutes),
                "answer_within_minutes": float(answer_within_minutes),
                "target_service_level": float(target_service_level), "shrinkage": float(shrinkage),
                "max_occupancy": float(max_occupancy)}
    return StaffingPlan(table, settings)


@dataclass(frozen=True)
class ErlangA:
    """Steady state of the Erlang A queue (M/M/n+M: exponential patience).

    Attributes
    ----------
    p_wait : float
        Probability that an arriving contact waits.
    p_abandon : float
        Probability that an arriving contact hangs up before being answered.
    mean_queue : float
        Mean number of contacts waiting.
    asa_minutes : float
        Mean wait over all arrivals (served and abandoned), minutes (Little's law on the queue).
    service_level : float
        Share of all arrivals answered within ``answer_within_minutes``.
    occupancy : float
        ``(1 - p_abandon) x load / agents``.
    """

    agents: int
    load: float
    p_wait: float
    p_abandon: float
    mean_queue: float
    asa_minutes: float
    service_level: float
    occupancy: float

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.__dict__, dtype="object")}).rename_axis("statistic")


def erlang_a(agents: int, arrivals_per_minute: float, handle_minutes: float, patience_minutes: float,
             answer_within_minutes: float = 1.0, *, tol: float = 1e-14) -> ErlangA:
    """Erlang A: an M/M/n queue whose waiting contacts leave after an exponential patience.

    Computed from the birth-death chain of the number of contacts in the system (birth rate
    ``lambda``, death rate ``min(k, n) / h + max(k - n, 0) / patience``), truncated where the
    stationary probabilities fall below ``tol``. The service level follows a tagged arrival through
    its queue position (a small absorbing Markov chain, solved with a matrix exponential).

    Parameters
    ----------
    agents : int
        Answering agents.
    arrivals_per_minute : float
        Arrival rate, contacts per minute.
    handle_minutes : float
        Mean handling time, minutes.
    patience_minutes : float
        Mean patience of a waiting contact, minutes.
    answer_within_minutes : float
        Service-level time, minutes.
    """
    n = int(_agents_array(agents))
    lam = check_positive("arrivals_per_minute", arrivals_per_minute)
    h = check_positive("handle_minutes", handle_minutes)
    theta = 1 / check_positive("patience_minutes", patience_minutes)
    t = check_positive("answer_within_minutes", answer_within_minutes, allow_zero=True)
    mu = 1 / h
    # log stationary weights, extended until they are negligible (the chain is always stable)
    logs = [0.0]
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        logs.append(logs[-1] + np.log(lam) - np.log(death))
        if k > n and logs[-1] - max(logs) < np.log(tol) and death > lam:
            break
    lw = np.asarray(logs)
    pi = np.exp(lw - lw.max())
    pi /= pi.sum()
    states = np.arange(len(pi))
    queue = np.maximum(states - n, 0)
    p_wait = float(pi[states >= n].sum())
    mean_queue = float((pi * queue).sum())
    p_abandon = theta * mean_queue / lam
    # tagged arrival finding j contacts waiting ahead (j = k - n, k >= n): position chain
    waiting = pi[n:]
    jmax = len(waiting) - 1
    m = jmax + 1
    gen = np.zeros((m + 2, m + 2))   # states 0..jmax (contacts ahead), m = answered, m+1 = abandoned
    for j in range(m):
        ahead = n * mu + j * theta
        gen[j, j - 1 if j > 0 else m] = ahead
        gen[j, m + 1] = theta
        gen[j, j] = -(ahead + theta)
    answered_by_t = linalg.expm(gen * t)[:m, m] if t > 0 else np.zeros(m)
    sl = float(pi[:n].sum() + (waiting * answered_by_t).sum())
    return ErlangA(agents=n, load=lam * h, p_wait=p_wait, p_abandon=float(p_abandon),
                   mean_queue=mean_queue, asa_minutes=mean_queue / lam, service_level=sl,
                   occupancy=float(min((1 - p_abandon) * lam * h / n, 1.0)))


@dataclass(frozen=True)
class StaffingCurve:
    """Erlang C read-outs for a range of agent numbers at one arrival rate.

    ``table``: ``agents``, ``scheduled``, ``service_level``, ``p_wait``, ``asa_minutes``,
    ``occupancy``; ``needed`` is the fewest agents that reach the target.
    """

    table: pd.DataFrame
    needed: int
    settings: dict

    def headline(self) -> str:
        row = self.table.set_index("agents").loc[self.needed]
        return (f"{self.needed} agents answering ({int(row['scheduled'])} scheduled): service level "
                f"{100 * row['service_level']:.1f}%, mean wait {60 * row['asa_minutes']:.0f} s, "
                f"occupancy {100 * row['occupancy']:.0f}%")


def staffing_curve(arrivals: float, handle_minutes: float, *, interval_minutes: float = 30.0,
                   answer_within_minutes: float = 1.0, target_service_level: float = 0.8,
                   shrinkage: float = 0.3, extra: int = 6) -> StaffingCurve:
    """Service level, wait and occupancy from the fewest stable number of agents to ``extra`` past
    the number needed for ``target_service_level`` (Erlang C), for ``arrivals`` per interval."""
    load = float(offered_load(arrivals, handle_minutes, interval_minutes))
    if load <= 0:
        raise ParameterError("`arrivals` must be above 0 for a staffing curve.")
    need = int(agents_needed(load, handle_minutes, answer_within_minutes, target_service_level))
    n = np.arange(int(np.floor(load)) + 1, need + int(extra) + 1)
    table = pd.DataFrame({
        "agents": n,
        "scheduled": scheduled_agents(n, shrinkage),
        "service_level": service_level(n, load, handle_minutes, answer_within_minutes),
        "p_wait": erlang_c(n, load),
        "asa_minutes": average_speed_of_answer(n, load, handle_minutes),
        "occupancy": occupancy(n, load),
    })
    settings = {"arrivals": float(arrivals), "load": load, "handle_minutes": float(handle_minutes),
                "interval_minutes": float(interval_minutes), "answer_within_minutes": float(answer_within_minutes),
                "target_service_level": float(target_service_level), "shrinkage": float(shrinkage)}
    return StaffingCurve(table, need, settings)
