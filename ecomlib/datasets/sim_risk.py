"""Risk simulator of the sample shop: risk register, suppliers, and daily KPIs with anomalies.

* ``risk_register``: a register a cross-border shop might keep, valid on every row (the risk
  chapter's tests cover invalid registers).
* ``suppliers``: purchasing shares (one dominant supplier, so concentration risk shows),
  lead times and defect rates.
* ``kpis_daily``: one row per day built from the simulated transactions and sessions by
  :func:`ecomlib.risk.daily_kpis` (sales, orders, sessions, conversion rate, AOV, return and
  refund rates) with anomalies injected on
  known days away from festivals. Each anomaly sets one KPI ``size_sd`` robust standard
  deviations away from its expected level that day, in units of the KPI's own day-to-day noise (1.4826 x the median absolute deviation of the
  remainder of a weekly STL decomposition — trend + weekday pattern removed — on the log scale
  for KPIs that are always positive), so every KPI's anomalies are equally hard to find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from ecomlib.datasets.simulation import SimContext, SimResult
from ecomlib.risk.kpis import daily_kpis

NAME = "risk"

__all__ = ["NAME", "simulate"]

#: (kpi, kind, direction): the incidents the simulation injects, in the order they are placed.
INCIDENTS = (
    ("sales", "payment outage", -1),
    ("conversion_rate", "checkout bug", -1),
    ("sessions", "bot traffic", +1),
    ("return_rate", "faulty batch", +1),
    ("refund_rate", "refund fraud", +1),
    ("aov", "price error", -1),
    ("orders", "app store outage", -1),
    ("sales", "viral post", +1),
    ("conversion_rate", "tracking tag lost", +1),
    ("sessions", "CDN outage", -1),
    ("refund_rate", "courier loss", +1),
    ("return_rate", "size-chart error", +1),
)
ANOMALY_SIZE_SD = 10.0
MIN_GAP_DAYS = 10
FESTIVAL_MARGIN_DAYS = 21

_REGISTER = [
    # risk, category, likelihood, impact, owner, response
    ("Stock-out of top sellers before Double 11 (雙11缺貨)", "supply chain", 4, 5, "operations", "reduce"),
    ("Main supplier fails quality inspection", "supply chain", 2, 4, "sourcing", "reduce"),
    ("Exchange-rate swing erodes cross-border margin", "finance", 4, 3, "finance", "transfer"),
    ("Marketplace account suspended for policy breach", "platform", 2, 5, "e-commerce lead", "avoid"),
    ("Paid-search costs rise faster than conversion", "marketing", 4, 3, "growth", "reduce"),
    ("Customer data leak (PIPL / GDPR)", "compliance", 2, 5, "IT", "reduce"),
    ("Misleading claims in listings (Advertising Law)", "compliance", 3, 3, "content", "avoid"),
    ("Customs delay on peak-season shipments", "logistics", 3, 4, "logistics", "transfer"),
    ("Payment gateway outage on a festival day", "technology", 2, 5, "IT", "transfer"),
    ("Return fraud and wardrobing after festivals", "operations", 3, 2, "customer service", "reduce"),
    ("Competitor price war in the core category", "market", 3, 4, "category manager", "accept"),
    ("Key live-stream host leaves", "marketing", 2, 3, "growth", "accept"),
    ("Warehouse fire or flood", "operations", 1, 5, "operations", "transfer"),
    ("Negative review campaign on social media", "reputation", 3, 3, "customer service", "reduce"),
]

_SUPPLIERS = [
    # supplier, share, lead time mean, lead time sd, defect rate, country
    ("Hangzhou Meili Cosmetics", 0.38, 12, 3, 0.012, "CN"),
    ("Shenzhen Bright Electronics", 0.17, 18, 5, 0.021, "CN"),
    ("Yiwu Home Goods", 0.14, 10, 2, 0.018, "CN"),
    ("Guangzhou Apparel Works", 0.11, 15, 4, 0.026, "CN"),
    ("Osaka Snacks Trading", 0.08, 24, 6, 0.006, "JP"),
    ("Seoul Skin Lab", 0.06, 21, 5, 0.009, "KR"),
    ("Ningbo Sports", 0.04, 14, 3, 0.015, "CN"),
    ("Taipei Tea House", 0.02, 20, 4, 0.004, "TW"),
]


def _expected_and_noise(values: pd.Series, log: bool) -> tuple[np.ndarray, float]:
    """A KPI's expected level (STL trend + weekday pattern) and its robust day-to-day noise.

    The noise is 1.4826 x the median absolute deviation of the STL remainder (log scale when
    ``log``); the expected level is on the KPI's own scale.
    """
    x = values.interpolate(limit_direction="both").to_numpy(dtype=float)
    x = np.log(x) if log else x
    fit = STL(x, period=7, seasonal=13).fit()
    resid = fit.resid
    expected = fit.trend + fit.seasonal
    sd = float(1.4826 * np.median(np.abs(resid - np.median(resid))))
    return (np.exp(expected) if log else expected), sd


def _anomaly_days(rng, days: pd.DatetimeIndex, festivals: pd.DataFrame, n: int) -> pd.DatetimeIndex:
    """``n`` random days at least ``MIN_GAP_DAYS`` apart, away from festivals and the period's edges."""
    ok = np.ones(len(days), dtype=bool)
    ok[:28] = ok[-28:] = False
    for start, end in zip(festivals["start"], festivals["end"], strict=True):
        near = (days >= start - pd.Timedelta(days=FESTIVAL_MARGIN_DAYS)) & (
            days <= end + pd.Timedelta(days=FESTIVAL_MARGIN_DAYS))
        ok &= ~np.asarray(near)
    candidates = np.flatnonzero(ok)
    chosen: list[int] = []
    for pos in rng.permutation(candidates):  # a few hundred candidates at most are visited
        if all(abs(pos - c) >= MIN_GAP_DAYS for c in chosen):
            chosen.append(int(pos))
        if len(chosen) == n:
            break
    return days[np.sort(chosen)]


def _inject(kpis: pd.DataFrame, rng, days_chosen) -> pd.DataFrame:
    rows = []
    order = rng.permutation(len(INCIDENTS))
    for day, idx in zip(days_chosen, order, strict=False):
        kpi, kind, direction = INCIDENTS[idx]
        if kpi not in kpis.columns:
            continue
        col = kpis[kpi]
        log = bool((col.dropna() > 0).all())
        expected, sd = _expected_and_noise(col, log)
        level = float(expected[kpis.index.get_loc(day)])
        before = float(col.loc[day])
        # the incident moves the KPI size_sd noise-SDs away from its expected level that day
        if log:
            after = level * float(np.exp(direction * ANOMALY_SIZE_SD * sd))
        else:
            after = max(level + direction * ANOMALY_SIZE_SD * sd, 0.0)
        if pd.api.types.is_integer_dtype(col):
            after = int(round(after))
        kpis.loc[day, kpi] = after
        rows.append({"date": day, "kpi": kpi, "kind": kind, "direction": "spike" if direction > 0 else "drop",
                     "before": before, "expected": level, "after": after, "size_sd": ANOMALY_SIZE_SD,
                     "log_scale": log})
    truth = pd.DataFrame(rows).sort_values("date", ignore_index=True)
    return truth.astype({"kpi": "str", "kind": "str", "direction": "str", "date": "datetime64[us]"})


def simulate(ctx: SimContext) -> SimResult:
    """Build the risk register, suppliers and daily KPIs with injected anomalies."""
    rng = ctx.rng(NAME)
    register = pd.DataFrame(_REGISTER, columns=["risk", "category", "likelihood", "impact", "owner", "response"])
    suppliers = pd.DataFrame(_SUPPLIERS, columns=["supplier", "share_of_purchases", "lead_time_days",
                                                  "lead_time_sd_days", "defect_rate", "country"])
    tables = {"risk_register": register.astype({c: "str" for c in ["risk", "category", "owner", "response"]}),
              "suppliers": suppliers.astype({"supplier": "str", "country": "str"})}
    truth = {"supplier_hhi": float(np.sum((100 * suppliers["share_of_purchases"]) ** 2))}
    doc = {"supplier_hhi": "HHI (0-10,000) of the suppliers' shares of purchases"}

    tx = ctx.tables.get("transactions")
    if tx is not None:
        days = ctx.days
        kpis = daily_kpis(tx, ctx.tables.get("sessions"), start=days[0], end=days[-1]).set_index("date")
        promos = ctx.tables.get("promotions")
        festivals = promos[promos["kind"] == "festival"] if promos is not None else pd.DataFrame(
            {"start": [], "end": []})
        chosen = _anomaly_days(rng, days, festivals, len(INCIDENTS))
        anomalies = _inject(kpis, rng, chosen)
        rounded = kpis.round({c: 6 for c in kpis.columns if c not in ("sales", "orders", "sessions")})
        rounded["sales"] = rounded["sales"].round(2)
        tables["kpis_daily"] = rounded.rename_axis("date").reset_index()
        truth["kpi_anomalies"] = anomalies
        doc["kpi_anomalies"] = (
            "anomalies injected into kpis_daily: date, kpi, kind, direction (spike/drop), the value "
            "before, the expected level (STL trend + weekday) and the value after (KPI units), "
            "size_sd (robust day-to-day standard deviations from the expected level), log_scale "
            "(moved multiplicatively)")
    return SimResult(tables=tables, truth=truth, truth_doc=doc)
