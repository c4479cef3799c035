"""Property: on any thinned-out shop, the chapters' compute functions either work or raise
one of ecomlib's own errors (issue 13).

Hypothesis drops a random set of optional columns from a small subset of the sample shop and
keeps a random date window (one day to the whole period); each compute function that a
report calls on transactions alone must then return, or raise an ``EcomlibError`` that says
what is missing: never an IndexError, a pandas or a matplotlib error.
"""

import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomlib import basics, market, pricing, promotion, retention, risk, service, traffic
from ecomlib.datasets.degraded import base_export
from ecomlib.errors import EcomlibError

pytestmark = pytest.mark.slow

OPTIONAL = ["category", "channel", "customer_id", "status", "discount", "unit_cost", "country",
            "promo_id", "product_name"]


@pytest.fixture(scope="module")
def small_shop(sample_store):
    return base_export(sample_store.transactions, keep=40)


def calls(tx: pd.DataFrame) -> dict:
    """The transactions-only computations of every chapter, as the reports make them."""
    as_of = tx["order_date"].max()
    return {
        "basics.kpi_tree": lambda: basics.kpi_tree(tx, None, by="month"),
        "basics.category_mix": lambda: basics.category_mix(tx),
        "basics.price_positioning": lambda: basics.price_positioning(tx, None),
        "basics.customer_mix": lambda: basics.customer_mix(tx),
        "basics.comparison_periods": lambda: basics.comparison_periods(tx, 6, strict=False),
        "market.category_shares": lambda: market.category_shares(tx, "Q"),
        "market.abc_analysis": lambda: market.abc_analysis(tx),
        "market.bottom_up_inputs": lambda: market.bottom_up_inputs(tx),
        "market.festival_effects": lambda: market.festival_effects(market.daily_sales(tx)),
        "pricing.estimate_elasticity": lambda: pricing.estimate_elasticity(tx),
        "pricing.unit_economics": lambda: pricing.unit_economics(tx, None, unit_cost_ratio=0.6),
        "promotion.daily_sales": lambda: promotion.daily_sales(tx),
        "traffic.customer_economics": lambda: traffic.customer_economics(tx),
        "retention.rfm_summary": lambda: retention.rfm_summary(tx, as_of, time_unit="W"),
        "retention.cohort_table": lambda: retention.cohort_table(tx),
        "retention.churn_table": lambda: retention.churn_table(tx, 90),
        "retention.suggest_churn_threshold": lambda: retention.suggest_churn_threshold(
            retention.inter_purchase_times(tx)),
        "risk.launch_scenario": lambda: risk.launch_scenario(tx),
        "risk.daily_kpis": lambda: risk.daily_kpis(tx),
        "service.arrival_profile": lambda: service.arrival_profile(tx["order_date"], scale=0.07),
        "service.kpi_cascade": lambda: service.kpi_cascade(float(tx["order_id"].nunique()), tickets_per_100_orders=7,
                                                           handle_minutes=6, listings=float(tx["product_id"].nunique())),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drop=st.sets(st.sampled_from(OPTIONAL)), start=st.floats(0, 1), length=st.floats(0, 1))
def test_compute_functions_raise_only_ecomlib_errors(small_shop, drop, start, length):
    days = (small_shop["order_date"].max() - small_shop["order_date"].min()).days + 1
    first = small_shop["order_date"].min().normalize() + pd.Timedelta(days=int(start * (days - 1)))
    last = first + pd.Timedelta(days=max(1, int(length * days)))
    tx = small_shop[(small_shop["order_date"] >= first) & (small_shop["order_date"] < last)]
    tx = tx.drop(columns=[c for c in drop if c in tx.columns]).reset_index(drop=True)
    if tx.empty:
        return
    for name, call in calls(tx).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                call()
            except EcomlibError:
                pass
            except Exception as exc:  # noqa: BLE001 - the property under test
                raise AssertionError(
                    f"{name} raised {type(exc).__name__}: {exc} (dropped {sorted(drop)}, "
                    f"{first:%Y-%m-%d} to {last:%Y-%m-%d}, {len(tx)} lines)") from exc
