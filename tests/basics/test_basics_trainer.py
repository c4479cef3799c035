"""The chapter-2 trainer panel, headless: moving a control re-runs what_if and redraws."""

from functools import partial

import matplotlib
import pytest

matplotlib.use("Agg")

from ecomlib.basics import Decomposition, kpi_tree, what_if  # noqa: E402
from ecomlib.basics.plotting import plot_waterfall  # noqa: E402
from ecomlib.teaching import Dropdown, Slider, panel  # noqa: E402


def test_trainer_recomputes_when_a_driver_moves(tiny):
    tx, sessions = tiny
    tree = kpi_tree(tx, sessions)  # GMV 80
    trainer = panel(
        compute=partial(what_if, tree),
        plot=plot_waterfall,
        controls={
            "visitors": Slider(-0.3, 0.3, 0.01, value=0.1),
            "price_per_unit": Slider(-0.3, 0.3, 0.01, value=0.0),
            "method": Dropdown(["log", "shapley"]),
        },
        describe=Decomposition.headline,
    )
    assert trainer.result.table.loc["total", "gmv_current"] == pytest.approx(88.0)
    trainer.set(price_per_unit=-0.1)
    assert trainer.calls == 2
    assert trainer.result.table.loc["total", "gmv_current"] == pytest.approx(80 * 1.1 * 0.9)
    log_share = trainer.result.table.loc["total", "visitors"]
    trainer.set(method="shapley")
    assert trainer.result.method == "shapley"
    assert trainer.result.table.loc["total", "gmv_current"] == pytest.approx(80 * 1.1 * 0.9)
    assert trainer.result.table.loc["total", "visitors"] != log_share
    assert "GMV" in trainer.description()
    fig = trainer.figure()
    assert fig.axes[0].patches[-1].get_height() == pytest.approx(79.2)
