"""Headless tests of the trainer panel."""

import base64

import matplotlib
import pytest

matplotlib.use("Agg")

from ecomlib.errors import ParameterError  # noqa: E402
from ecomlib.teaching import Dropdown, Slider, panel  # noqa: E402


def compute(visitors, conversion, season):
    return visitors * conversion * {"normal": 1.0, "festival": 2.0}[season]


def plot(result, ax):
    ax.bar(["orders"], [result])
    return ax


@pytest.fixture
def demo():
    return panel(
        compute,
        plot,
        {
            "visitors": Slider(1000, 100000, 1000, value=50000),
            "conversion": Slider(0.005, 0.1, 0.005, value=0.02),
            "season": Dropdown(["normal", "festival"]),
        },
        title="Orders",
        describe=lambda r: f"{r:.0f} orders",
    )


def test_initial_result_uses_the_start_values(demo):
    assert demo.result == pytest.approx(1000.0)
    assert demo.calls == 1
    assert demo.description() == "1000 orders"


def test_moving_a_control_reruns_the_callback(demo):
    assert demo.widget is not None  # builds the controls
    demo.controls["visitors"].value = 60000
    assert demo.calls == 2
    assert demo.result == pytest.approx(1200.0)
    demo.set(season="festival")
    assert demo.calls == 3
    assert demo.result == pytest.approx(2400.0)
    assert "2400 orders" in demo._text.value


def test_integer_and_float_sliders(demo):
    w = demo.widget
    assert type(demo.controls["visitors"]).__name__ == "IntSlider"
    assert type(demo.controls["conversion"]).__name__ == "FloatSlider"
    assert len(w.children) == 5


def test_static_fallback_is_a_png_of_the_current_result(demo):
    png = demo.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    bundle = demo._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert "application/vnd.jupyter.widget-view+json" in bundle
    fig = demo.figure()
    assert fig.axes[0].patches[0].get_height() == pytest.approx(1000.0)
    demo.set(visitors=100000)
    assert demo.figure().axes[0].patches[0].get_height() == pytest.approx(2000.0)


def test_bad_controls():
    with pytest.raises(ParameterError, match="max"):
        Slider(5, 1)
    with pytest.raises(ParameterError, match="value"):
        Slider(0, 1, value=2)
    with pytest.raises(ParameterError, match="value"):
        Dropdown(["a"], value="b")
    with pytest.raises(ParameterError, match="Slider or a Dropdown"):
        panel(compute, plot, {"visitors": (1, 2)})
    demo = panel(lambda x: x, plot, {"x": Slider(0, 10)})
    with pytest.raises(ParameterError, match="not a control"):
        demo.set(y=1)
