"""Chapter-4 figures: each draws on the given Axes, returns it, and never fits anything."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from ecomlib import viz  # noqa: E402
from ecomlib.errors import ParameterError, SchemaError  # noqa: E402
from ecomlib.market import (  # noqa: E402
    abc_analysis,
    backtest,
    category_shares,
    compare_market_sizes,
    competitor_benchmark,
    concentration_by_period,
    festival_effects,
    forecast,
    growth_rates,
    market_shares,
    market_size,
    market_size_sensitivity,
    merger_hhi,
    segment_attractiveness,
    stl_decompose,
)
from ecomlib.market import plotting as mp  # noqa: E402


@pytest.fixture(scope="module")
def results():
    rng = np.random.default_rng(0)
    days = pd.date_range("2023-01-01", "2024-12-31", freq="D", unit="us")
    sales = pd.Series(1000 + 100 * (days.day_of_week >= 5) + rng.normal(0, 20, len(days)), index=days)
    tx = pd.DataFrame(
        {
            "order_date": days.repeat(2),
            "revenue": rng.gamma(2.0, 50.0, 2 * len(days)),
            "status": "completed",
            "category": np.tile(["美妝 Beauty", "圖書 Books"], len(days)),
            "product_id": rng.choice(["p1", "p2", "p3", "p4"], 2 * len(days)),
        }
    )
    comp = pd.DataFrame(
        {
            "company": ["a", "b", "shop"] * 2,
            "year": [2023] * 3 + [2024] * 3,
            "sales": [50.0, 30, 20, 55, 30, 25],
            "avg_price": [10.0, 12, 9, 10, 12, 9],
            "rating": [4.2, 4.6, 4.4] * 2,
        }
    )
    market = pd.DataFrame({"year": [2023, 2023, 2024, 2024], "segment": ["x", "y"] * 2,
                           "market_size": [100.0, 50, 110, 45]})  # fmt: skip
    sizing = dict(population=1e6, penetration=0.5, spend_per_buyer=100, serviceable_share=0.3,
                  obtainable_share=0.1)  # fmt: skip
    shares = market_shares(comp, period="year")
    profiles = pd.DataFrame({"region": ["n", "s"], "revenue": [1.0, 2.0], "growth": [0.1, 0.0],
                             "margin": [0.3, 0.2]})  # fmt: skip
    return [
        (mp.plot_market_size, market_size("top_down", **sizing), {}),
        (mp.plot_market_size, compare_market_sizes(sizing, dict(buyers=5e5, orders_per_year=2, order_value=50,
                                                                serviceable_share=0.3, obtainable_share=0.1)), {}),
        (mp.plot_sensitivity, market_size_sensitivity("top_down", **sizing), {}),
        (mp.plot_market_growth, growth_rates(market, "market_size", "year", by="segment"), {}),
        (mp.plot_shares, shares[shares["year"] == 2024], {"highlight": "shop"}),
        (mp.plot_concentration, concentration_by_period(shares), {}),
        (mp.plot_merger, merger_hhi(shares[shares["year"] == 2024], ("a", "b")), {}),
        (mp.plot_positioning, competitor_benchmark(comp, shop="shop"), {}),
        (mp.plot_category_shares, category_shares(tx, "Q"), {}),
        (mp.plot_pareto, abc_analysis(tx), {}),
        (mp.plot_attractiveness, segment_attractiveness(profiles), {}),
        (mp.plot_decomposition, stl_decompose(sales), {}),
        (mp.plot_forecast, forecast(sales, 14, "naive"), {"history": sales}),
        (mp.plot_backtest, backtest(sales, 14, ("naive",), n_origins=2), {}),
        (mp.plot_festival_effects, festival_effects(sales), {"truth": {"618": 0.0}}),
    ]


def test_every_plot_returns_its_axes_without_glyph_warnings(results):
    with viz.theme(), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        for plot, result, kwargs in results:
            fig, ax = plt.subplots()
            assert plot(result, ax=ax, **kwargs) is ax, plot.__name__
            assert ax.has_data() or ax.patches or ax.collections, plot.__name__
            fig.canvas.draw()
            plt.close(fig)


def test_plot_without_ax_makes_one(results):
    plot, result, kwargs = results[0]
    ax = plot(result)
    assert ax is not None
    plt.close(ax.figure)


def test_plots_reject_wrong_results():
    with pytest.raises(ParameterError, match="MergerResult"):
        mp.plot_merger(pd.DataFrame())
    with pytest.raises(ParameterError, match="ForecastResult"):
        mp.plot_forecast({"mean": [1.0]})
    with pytest.raises(SchemaError, match="price_index"):
        mp.plot_positioning(pd.DataFrame({"company": ["a"]}))


def test_positioning_labels_do_not_collide(sample_store):
    """Issue 14 §5: the positioning map's company labels do not overlap (greedy repel)."""
    import itertools

    import matplotlib.pyplot as plt
    from matplotlib.text import Annotation

    from ecomlib.market import competitor_benchmark
    from ecomlib.market.plotting import plot_positioning

    bench = competitor_benchmark(sample_store.competitors, shop=sample_store.truth["shop_name"])
    with plt.rc_context():
        viz.use_theme()  # the report's font (CJK names are wider than in the default font)
        ax = plot_positioning(bench)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)]
    assert len(boxes) == len(bench)
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    plt.close(ax.figure)


def test_festival_legend_sits_outside_the_axes(sample_store):
    """Issue 14 §5: the festival-effects legend is beside the plot, not over the intervals."""
    import matplotlib.pyplot as plt

    from ecomlib.market import daily_sales, festival_effects
    from ecomlib.market.plotting import plot_festival_effects

    fest = festival_effects(daily_sales(sample_store.transactions))
    ax = plot_festival_effects(fest, truth={"618": 0.1, "double11": 0.15})
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    legend, frame = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert legend.x0 >= frame.x1 - 1
    plt.close(ax.figure)
