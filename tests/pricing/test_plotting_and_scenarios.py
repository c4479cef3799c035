"""Scenario computations behind the widgets, and every figure draws without fitting."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.pricing import (
    BreakEvenScenario,
    PriceScenario,
    break_even_scenario,
    break_even_table,
    discount_depth,
    estimate_elasticity,
    markup_rule_price,
    nms_purchase_probability,
    plotting,
    price_index,
    price_response,
    price_scenario,
    price_tiers,
    unit_economics,
    van_westendorp,
)


@pytest.fixture
def fitted(lines_three):
    return estimate_elasticity(lines_three)


def test_price_scenario_hand_values(fitted):
    compute = price_scenario(fitted, {"tea": 30.0, "cups": 50.0, "rice": 60.0})
    s = compute("tea", 0.1)
    demand = fitted.demand("tea")
    assert s.price == pytest.approx(1.1 * demand.ref_price)
    assert s.units == pytest.approx(demand.ref_units * 1.1 ** demand.elasticity)
    assert s.gross_profit == pytest.approx((s.price - 30.0) * s.units)
    assert s.optimum.price == pytest.approx(markup_rule_price(30.0, demand.elasticity))
    assert s.summary().loc["scenario", "units"] == pytest.approx(s.units)
    assert s.headline().startswith("tea: price ¥") and "+10%" in s.headline()
    assert not compute("rice", 0.0).optimum.finite  # elasticity about -0.8: no finite optimum
    with pytest.raises(ParameterError, match="unit_costs"):
        price_scenario(fitted, {"tea": 30.0})("cups", 0.0)
    with pytest.raises(ParameterError, match="price_change"):
        compute("tea", -1.5)


def test_break_even_scenario_hand_values():
    s = break_even_scenario(-0.2, 0.4)
    assert s.required_volume_change == pytest.approx(1.0)  # 0.2 / (0.4 - 0.2)
    assert s.headline() == "A -20% price change at a 40% margin needs +100% units to keep gross profit"
    row = s.curve.set_index("price_change").loc[-0.1, "required_volume_change"]
    assert row == pytest.approx(1 / 3)


@pytest.mark.slow
def test_every_figure_draws(fitted, lines_three):
    truth = {"tea": -2.0, "cups": -1.5, "rice": -0.8}
    survey = pd.DataFrame({"too_cheap": [10.0, 12, 14, 9], "cheap": [20.0, 18, 22, 15],
                           "expensive": [30.0, 28, 35, 25], "too_expensive": [40.0, 45, 50, 33],
                           "buy_cheap": [0.7, 0.5, 0.5, 0.3], "buy_expensive": [0.3, 0.1, 0.3, 0.1]})
    comp = pd.DataFrame({"company": ["us", "a", "us", "a"], "year": [2024, 2024, 2025, 2025],
                         "sales": [1.0, 2.0, 1.0, 2.0], "avg_price": [10.0, 12.0, 11.0, 12.0]})
    lines = lines_three.assign(discount=0.5 * lines_three["quantity"])
    demand = fitted.demand("tea")
    calls = [
        lambda ax: plotting.plot_elasticities(fitted, truth=truth, ax=ax),
        lambda ax: plotting.plot_price_quantity(fitted, "tea", ax=ax),
        lambda ax: plotting.plot_price_response(price_response(demand, 30.0), current_price=60.0, ax=ax),
        lambda ax: plotting.plot_price_scenario(price_scenario(fitted, {"tea": 30.0})("tea", 0.0), ax=ax),
        lambda ax: plotting.plot_break_even(break_even_table(), ax=ax),
        lambda ax: plotting.plot_break_even_scenario(break_even_scenario(), ax=ax),
        lambda ax: plotting.plot_unit_economics(unit_economics(lines_three, unit_cost_ratio=0.5), ax=ax),
        lambda ax: plotting.plot_price_index(price_index(comp, own="us"), ax=ax),
        lambda ax: plotting.plot_price_tiers(price_tiers(lines_three, by=None), ax=ax),
        lambda ax: plotting.plot_discount_depth(discount_depth(lines), ax=ax),
        lambda ax: plotting.plot_van_westendorp(van_westendorp(survey), ax=ax),
        lambda ax: plotting.plot_nms(nms_purchase_probability(survey), ax=ax),
    ]
    for call in calls:
        fig, ax = plt.subplots()
        assert call(ax) is ax
        assert ax.has_data()
        plt.close(fig)
    ax = plotting.plot_break_even(break_even_table())  # ax=None makes its own
    assert ax.get_xlabel() == "gross margin"
    plt.close(ax.figure)


def test_scenario_for_unidentifiable_group(lines_three):
    flat = lines_three.assign(unit_price=lambda d: d["unit_price"].where(d["category"] != "rice", 9.9))
    compute = price_scenario(estimate_elasticity(flat), {"rice": 5.0})
    with pytest.raises(NotIdentifiableError):
        compute("rice", 0.0)


def test_price_slider_panel_reruns_the_computation(fitted):
    from ecomlib.teaching import Dropdown, Slider, panel

    trainer = panel(
        compute=price_scenario(fitted, {"tea": 30.0, "cups": 50.0}),
        plot=plotting.plot_price_scenario,
        controls={"group": Dropdown(["tea", "cups"], value="tea"),
                  "price_change": Slider(-0.4, 0.6, 0.01, value=0.1)},
        describe=PriceScenario.headline,
    )
    calls = trainer.calls
    trainer.set(price_change=0.2)
    assert trainer.calls > calls
    assert trainer.result.price == pytest.approx(1.2 * fitted.demand("tea").ref_price)
    trainer.set(group="cups")
    assert trainer.result.group == "cups"
    plt.close("all")


def test_break_even_panel_reruns_the_computation():
    from ecomlib.teaching import Slider, panel

    trainer = panel(compute=break_even_scenario, plot=plotting.plot_break_even_scenario,
                    controls={"price_change": Slider(-0.3, 0.3, 0.01, value=-0.1),
                              "margin": Slider(0.35, 0.9, 0.01, value=0.4)},
                    describe=BreakEvenScenario.headline)
    trainer.set(price_change=-0.2)
    assert trainer.result.required_volume_change == pytest.approx(1.0)
    plt.close("all")
