"""Chapter-2 figures: each draws, returns its Axes and renders Chinese labels cleanly."""

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from ecomlib import viz  # noqa: E402
from ecomlib.basics import (  # noqa: E402
    category_mix,
    compare_periods,
    customer_mix,
    kpi_tree,
    price_positioning,
)
from ecomlib.basics import plotting as bp  # noqa: E402
from ecomlib.errors import ParameterError  # noqa: E402


@pytest.mark.slow
def test_every_plot_returns_its_axes_without_glyph_warnings(synthetic_shop):
    tx, sessions = synthetic_shop
    change = compare_periods(tx, sessions, base=("2023-01-01", "2023-12-31"),
                             current=("2024-01-01", "2024-12-31"), by="channel")
    calls = [
        (bp.plot_kpi_tree, kpi_tree(tx, sessions)),
        (bp.plot_kpi_tree, kpi_tree(tx)),
        (bp.plot_kpi_trend, kpi_tree(tx, sessions, by="month")),
        (bp.plot_kpi_trend, kpi_tree(tx, sessions, by=["month", "channel"])),
        (bp.plot_waterfall, change),
        (bp.plot_contributions, change),
        (bp.plot_category_mix, category_mix(tx)),
        (bp.plot_price_positioning, price_positioning(tx)),
        (bp.plot_customer_mix, customer_mix(tx)),
    ]
    with warnings.catch_warnings(record=True) as caught, viz.theme():
        warnings.simplefilter("always")
        for func, result in calls:
            fig, ax = plt.subplots()
            assert func(result, ax=ax) is ax
            fig.canvas.draw()
            assert ax.has_data() or ax.texts, func.__name__
            plt.close(fig)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_waterfall_bars_end_at_current_gmv(synthetic_shop):
    tx, sessions = synthetic_shop
    change = compare_periods(tx, sessions, base=("2023-01-01", "2023-06-30"),
                             current=("2024-01-01", "2024-06-30"))
    ax = bp.plot_waterfall(change)
    bars = ax.patches
    last_step = bars[-2]
    assert last_step.get_y() + last_step.get_height() == pytest.approx(
        change.table.loc["total", "gmv_current"]
    )
    assert bars[-1].get_height() == pytest.approx(change.table.loc["total", "gmv_current"])
    plt.close(ax.figure)


def test_bad_inputs(tiny):
    tx, sessions = tiny
    with pytest.raises(ParameterError, match="month"):
        bp.plot_kpi_trend(kpi_tree(tx, sessions))
    with pytest.raises(ParameterError, match="`kpi`"):
        bp.plot_kpi_trend(kpi_tree(tx, sessions, by="month"), kpi="profit")
    with pytest.raises(ParameterError, match="KPITree"):
        bp.plot_kpi_tree(tx)
    with pytest.raises(ParameterError, match="category_mix"):
        bp.plot_category_mix(tx)
