"""The chapter's trainer panels: moving a control re-runs the chapter's own computation."""

from functools import partial

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from ecomlib.market import (  # noqa: E402
    MergerResult,
    market_size,
    market_size_headline,
    merger_scenario,
)
from ecomlib.market import plotting as mp  # noqa: E402
from ecomlib.teaching import Dropdown, Slider, panel  # noqa: E402


def test_market_size_funnel_panel_follows_the_sliders():
    funnel = panel(
        compute=partial(market_size, "bottom_up", orders_per_year=2.0),
        plot=mp.plot_market_size,
        controls={
            "buyers": Slider(1_000, 100_000, 1_000, value=10_000),
            "order_value": Slider(10.0, 500.0, 10.0, value=100.0),
            "serviceable_share": Slider(0.05, 1.0, 0.05, value=0.5),
            "obtainable_share": Slider(0.01, 0.2, 0.01, value=0.1),
        },
        describe=market_size_headline,
    )
    assert funnel.result["value"].tolist() == pytest.approx([2e6, 1e6, 1e5])
    funnel.set(obtainable_share=0.05)
    assert funnel.result["value"].iloc[2] == pytest.approx(5e4)
    assert funnel.calls == 2
    assert "SOM 50,000 CNY" in funnel.description()
    assert funnel.png()[:4] == b"\x89PNG"


def test_merger_simulator_panel_follows_the_dropdowns():
    shares = pd.DataFrame({"company": ["a", "b", "c"], "share": [0.5, 0.3, 0.2]})
    merger = panel(
        compute=partial(merger_scenario, shares),
        plot=mp.plot_merger,
        controls={"firm_a": Dropdown(["a", "b", "c"], value="a"), "firm_b": Dropdown(["a", "b", "c"], value="a")},
        describe=MergerResult.headline,
    )
    assert merger.result.delta == 0.0
    merger.set(firm_b="c")
    assert merger.result.delta == pytest.approx(2 * 50 * 20)
    assert "presumed to harm" in merger.description()
    assert merger.png()[:4] == b"\x89PNG"
