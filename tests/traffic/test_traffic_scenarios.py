"""What-if calculators: funnel changes and experiment plans."""

import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.traffic import funnel, funnel_what_if, plan_experiment, sample_size, value_of_one_point

F = funnel(pd.DataFrame({"step": ["view"] * 50 + ["cart"] * 30 + ["purchase"] * 20}),
           steps=["view", "cart", "purchase"])


def test_funnel_what_if_by_hand():
    # 100 views, cart rate .5, purchase rate .4 -> 20 orders; cart +.1 -> 100 x .6 x .4 = 24
    res = funnel_what_if(F, "cart", 0.1, aov=50.0)
    assert res.orders == 20 and res.orders_new == pytest.approx(24.0)
    assert res.extra_gmv == pytest.approx(200.0)
    assert res.table["reached_new"].tolist() == pytest.approx([100, 60, 24])
    assert funnel_what_if(F, "cart", 0.0, aov=50.0).extra_gmv == 0
    assert funnel_what_if(F, "purchase", 0.9, aov=1.0).table["rate_new"].iloc[-1] == 1.0


def test_value_of_one_point_by_hand():
    out = value_of_one_point(F, aov=10.0)
    # +1 point at cart: 100 x .51 x .4 = 20.4; at purchase: 100 x .5 x .41 = 20.5
    assert out["extra_orders"].tolist() == pytest.approx([0.4, 0.5])
    assert out["extra_gmv"].tolist() == pytest.approx([4.0, 5.0])


def test_plan_experiment_consistent_with_sample_size():
    plan = plan_experiment(0.04, 0.008, daily_visitors=2000, method="cohen_h")
    n = sample_size(0.04, 0.008, method="cohen_h")
    assert plan.n_per_arm == int(-(-n // 1))
    assert plan.days == int(-(-2 * plan.n_per_arm // 2000))
    # the detectable lift at the planned duration is at most the requested one
    at_plan = plan.curve.loc[plan.curve["days"] >= plan.days, "detectable_mde"].iloc[0]
    assert at_plan <= 0.008 + 1e-6
    assert plan.curve["detectable_mde"].is_monotonic_decreasing


def test_bad_inputs():
    with pytest.raises(ParameterError):
        funnel_what_if(F, "view", 0.01, aov=10.0)
    with pytest.raises(ParameterError):
        funnel_what_if(F, "cart", 2.0, aov=10.0)
    with pytest.raises(ParameterError):
        funnel_what_if(F, "cart", 0.01, aov=0)
    with pytest.raises(SchemaError):
        funnel_what_if(F.drop(columns="reached"), "cart", aov=10.0)
    with pytest.raises(DataError):
        funnel_what_if(F.iloc[:1], "cart", aov=10.0)
    seg = funnel(pd.DataFrame({"step": ["view", "cart"], "d": ["a", "b"]}), steps=["view", "cart"], by="d")
    with pytest.raises(DataError, match="one funnel"):
        value_of_one_point(seg, aov=10.0)
    with pytest.raises(ParameterError):
        plan_experiment(0.04, 0.008, daily_visitors=0)
    with pytest.raises(ParameterError):
        plan_experiment(0.04, 0.008, daily_visitors=100, method="exact")
