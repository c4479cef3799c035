"""Section 6.3 figures: each draws from a computed result and returns its Axes."""

import itertools
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from ecomlib import viz  # noqa: E402
from ecomlib.errors import ParameterError, SchemaError  # noqa: E402
from ecomlib.retention import (  # noqa: E402
    BetaGeoModel,
    average_retention,
    book_clv_projection,
    churn_table,
    cohort_table,
    customer_actions,
    first_order_flag,
    holdout_comparison,
    inter_purchase_times,
    repurchase_by_group,
    rescore_by_thresholds,
    rfm_scores,
    rfm_segments,
    survival_by_group,
)
from ecomlib.retention import plotting as rp  # noqa: E402


def test_every_plot_returns_its_axes(hand_tx):
    model = BetaGeoModel()
    model.params_ = pd.Series([0.5, 2.0, 0.8, 1.5], index=["r", "alpha", "a", "b"])
    split = pd.DataFrame({"frequency_cal": [0.0, 2.0], "recency_cal": [0.0, 5.0], "T_cal": [10.0, 10.0],
                          "frequency_holdout": [1.0, 0.0], "duration_holdout": [4.0, 4.0]})
    clv = pd.DataFrame({"clv": [90.0, 5.0, 1.0], "prob_alive": [0.9, 0.1, 0.8],
                        "clv_if_alive": [100.0, 50.0, 1.25]})
    tx = hand_tx.assign(promo_id=pd.Series(["P"] + [None] * 11, dtype="str"))
    recovery = pd.DataFrame({"estimate": [1.0, 2.1], "lower": [0.8, 1.9], "upper": [1.2, 2.3],
                             "truth": [1.1, 2.0]}, index=["r", "alpha"])
    calls = [
        (rp.plot_cohort_heatmap, cohort_table(hand_tx)),
        (rp.plot_retention_curves, cohort_table(hand_tx), average_retention(hand_tx)),
        (rp.plot_inter_purchase_times, inter_purchase_times(hand_tx), 40),
        (rp.plot_survival, survival_by_group(churn_table(hand_tx, 35))),
        (rp.plot_rfm_segments, rfm_segments(rfm_scores(hand_tx))),
        (rp.plot_holdout, holdout_comparison(model, split)),
        (rp.plot_clv_comparison, pd.Series({"book": 120.0, "BG/NBD": 90.0, "truth": 95.0})),
        (rp.plot_clv_by_group, pd.DataFrame({"clv": [10.0, 20.0], "true": [12.0, 18.0]}, index=["email", "search"])),
        (rp.plot_actions, customer_actions(clv)),
        (rp.plot_repurchase_by_group, repurchase_by_group(tx, first_order_flag(tx), within_days=40)),
        (rp.plot_parameter_recovery, recovery),
        (rp.plot_book_clv, book_clv_projection(200.0, 2.0, 0.3, 0.6, 0.1)),
        (rp.plot_rfm_segments, rescore_by_thresholds(rfm_scores(hand_tx), 30, 3)),
    ]
    with warnings.catch_warnings(record=True) as caught, viz.theme():
        warnings.simplefilter("always")
        for func, *args in calls:
            ax = func(*args)
            assert isinstance(ax, matplotlib.axes.Axes), func.__name__
            ax.figure.canvas.draw()
            plt.close(ax.figure)
        _, given = plt.subplots()
        assert rp.plot_clv_comparison(pd.Series({"a": 1.0}), ax=given) is given
        plt.close(given.figure)
    glyphs = [w for w in caught if "Glyph" in str(w.message)]
    assert not glyphs, [str(w.message) for w in glyphs]


def test_plots_reject_wrong_inputs():
    with pytest.raises(ParameterError, match="SurvivalResult"):
        rp.plot_survival(pd.DataFrame({"a": [1]}))
    with pytest.raises(ParameterError, match="HoldoutCheck"):
        rp.plot_holdout(None)
    with pytest.raises(SchemaError, match="gap_days"):
        rp.plot_inter_purchase_times(pd.DataFrame({"days": [1, 2]}))
    with pytest.raises(ParameterError, match="values"):
        rp.plot_clv_comparison(pd.Series(dtype=float))


def test_clv_comparison_labels_stay_inside_the_figure():
    """Issue 14 §5: the CLV axis label and the multi-line method names are not cut off."""
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from ecomlib.retention import plotting as rp

    values = pd.Series({"model\nnext 12 months": 212.6, "model\nnext 10 years": 749.0,
                        "constant\nretention\nm r / (1 + d - r)": 330.3, "simple\nAOV x freq x\nmargin x lifetime": 780.0})
    ax = rp.plot_clv_comparison(values)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for artist in [ax.yaxis.label, *ax.get_xticklabels()]:
        ext = artist.get_window_extent(renderer)
        assert ext.x0 >= box.x0 - 1 and ext.y0 >= box.y0 - 1, artist.get_text()
    labels = sorted(ax.get_xticklabels(), key=lambda t: t.get_window_extent(renderer).x0)
    for left, right in itertools.pairwise(labels):
        assert left.get_window_extent(renderer).x1 <= right.get_window_extent(renderer).x0, (left.get_text(), right.get_text())
    matplotlib.pyplot.close(fig)


def test_plot_actions_draws_at_most_max_points_per_action():
    # 1,000 customers in two actions: 700 Protect (thinned to 100 evenly spaced), 300 Let go (thinned to 100)
    actions = pd.DataFrame({"prob_alive": np.linspace(0, 1, 1000), "clv_if_alive": np.arange(1000.0),
                            "action": ["Protect"] * 700 + ["Let go"] * 300})
    ax = rp.plot_actions(actions, max_points=100)
    drawn = {c.get_label(): c.get_offsets() for c in ax.collections}
    assert set(drawn) == {"Protect (700)", "Let go (300)"}  # the legend counts every customer
    assert all(len(xy) == 100 for xy in drawn.values())
    # the first and the last customer of each action are among those drawn
    np.testing.assert_array_equal(drawn["Protect (700)"][[0, -1], 1], [0.0, 699.0])
    np.testing.assert_array_equal(drawn["Let go (300)"][[0, -1], 1], [700.0, 999.0])
    every = rp.plot_actions(actions)  # below the default cap every customer is drawn
    assert sorted(len(c.get_offsets()) for c in every.collections) == [300, 700]
    plt.close("all")
