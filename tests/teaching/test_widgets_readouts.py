"""Trainer panels (issue 14 section 5): readouts as percents and money, the reading shown once."""

import matplotlib
import pytest

matplotlib.use("Agg")

from ecomlib import viz  # noqa: E402
from ecomlib.errors import ParameterError  # noqa: E402
from ecomlib.teaching import Dropdown, Slider, panel  # noqa: E402


@pytest.mark.parametrize(
    ("slider", "name", "value", "expected"),
    [
        # the chapters' own sliders (basics, pricing, traffic, retention, risk, market)
        (Slider(-0.3, 0.3, 0.01, value=0.1, label="visitors Δ"), "visitors", 0.1, "+10%"),
        (Slider(-0.3, 0.3, 0.01, value=-0.05, label="price/unit Δ"), "price_per_unit", -0.05, "-5%"),
        (Slider(-0.3, 0.3, 0.01, label="price Δ"), "price_change", 0.0, "0%"),
        (Slider(0.005, 0.2, 0.005, label="baseline"), "baseline", 0.025, "2.5%"),
        (Slider(0.001, 0.05, 0.001, label="lift (abs.)"), "mde", 0.012, "1.2%"),
        (Slider(0.5, 0.995, 0.005, label="service level"), "service_level", 0.95, "95.0%"),
        (Slider(0.0, 3.0, 0.05, value=0.5, label="expected lift"), "lift", 0.5, "50%"),
        (Slider(8.0, 207.0, 1.0, value=41.0, label="order value"), "order_value", 1299.0, "¥1,299"),
        (Slider(40.0, 900.0, 10.0, label="spend per buyer"), "spend_per_buyer", 250.0, "¥250"),
        (Slider(1000, 100000, 1000, value=50000), "visitors", 50000, "50,000"),
        (Slider(14, 364, 7, value=91, label="recent = bought within (days)"), "recent_days", 91, "91"),
        (Slider(0.5, 20.0, 0.5, label="orders per year"), "orders_per_year", 2.5, "2.5"),
        (Slider(0.0, 50.0, 0.5, unit="money"), "x", 12.5, "¥12.50"),
        (Slider(-0.3, 0.3, 0.01, unit="number"), "x", 0.1, "0.10"),
    ],
)
def test_slider_readouts_read_as_percent_money_or_count(slider, name, value, expected):
    assert slider.readout(value, name) == expected


def test_money_readout_follows_the_display_currency():
    old = viz.set_currency("GBP")
    try:
        assert Slider(8.0, 2000.0, 1.0, label="price").readout(1299.0) == "£1,299"
    finally:
        viz.set_currency(old)


def test_bad_unit_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unit"):
        Slider(0, 1, unit="percentage")


@pytest.fixture
def trainer():
    return panel(
        lambda visitors, conversion, method: visitors * (1 + conversion),
        lambda result, ax: ax.bar(["gmv"], [result]) and ax,
        {"visitors": Slider(1000, 100000, 1000, value=50000),
         "conversion": Slider(-0.3, 0.3, 0.01, value=0.1, label="conversion Δ"),
         "method": Dropdown({"log split": "log", "Shapley": "shapley"}, label="split")},
        title="What if a driver moved?",
        describe=lambda r: f"GMV {r:,.0f}",
    )


def test_live_panel_hides_the_raw_readout_and_shows_the_formatted_one(trainer):
    _ = trainer.widget
    slider = trainer.controls["conversion"]
    assert slider.readout is False  # no "0.100" from the front end
    assert trainer.readout_labels["conversion"].value == "+10%"
    assert trainer.readout_labels["visitors"].value == "50,000"
    trainer.set(conversion=-0.05)
    assert trainer.readout_labels["conversion"].value == "-5%"
    assert "method" not in trainer.readout_labels  # a dropdown shows its choice already
    assert trainer.settings() == "visitors 50,000 · conversion Δ -5% · split log split"


def _heading(fig) -> str:
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


def test_the_reading_is_shown_once(trainer):
    _ = trainer.widget
    reading = trainer.description()
    assert trainer._text.value.count(reading) == 1  # under the controls ...
    live = _heading(trainer.figure(static=False))
    assert reading not in live and live == "What if a driver moved?"  # ... and not again in the figure
    static = _heading(trainer.figure())  # reports: no controls, so the figure says everything once
    assert static.count(reading) == 1 and static.count("+10%") == 1
