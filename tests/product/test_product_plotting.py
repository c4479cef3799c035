"""The product chapter's log axes: minor tick labels as many as fit, never on top of each other."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ecomlib.product import RuleSet  # noqa: E402
from ecomlib.product import plotting as pp  # noqa: E402


def _rules(support: np.ndarray) -> RuleSet:
    n = len(support)
    rules = pd.DataFrame({"support": support, "confidence": np.linspace(0.01, 0.2, n), "lift": np.linspace(1, 3, n)})
    return RuleSet(rules, 10_000, float(support.min()), 0.0)


def _minor_labels(ax) -> list:
    ax.figure.canvas.draw()
    return [t for t in ax.xaxis.get_minorticklabels() if t.get_text() and t.get_visible()]


@pytest.mark.parametrize(("lo", "hi", "width", "at_least"), [
    (0.0021, 0.0049, 8, 3),   # under half a decade: every minor tick
    (0.0004, 0.0030, 8, 3),   # 0.04% to 0.3% (the sample shop's rules chart): a subset
    (0.0002, 0.0030, 5, 2),   # wider and on a narrow figure: fewer
    (0.00001, 0.01, 8, 0),    # three decades: no minor labels
])
def test_minor_labels_fit_without_touching(lo, hi, width, at_least):
    fig, ax = plt.subplots(figsize=(width, 4))
    try:
        pp.plot_rules(_rules(np.geomspace(lo, hi, 40)), ax=ax)
        labels = _minor_labels(ax)
        if at_least == 0:
            assert labels == []
        else:
            assert len(labels) >= at_least
        boxes = sorted((t.get_window_extent() for t in [*labels, *ax.xaxis.get_majorticklabels()] if t.get_text()),
                       key=lambda b: b.x0)
        for left, right in itertools.pairwise(boxes):
            assert left.x1 <= right.x0, "two tick labels overlap"
    finally:
        plt.close(fig)


def test_narrow_span_labels_every_minor_tick():
    fig, ax = plt.subplots(figsize=(8, 4))
    try:
        pp.plot_rules(_rules(np.geomspace(0.0021, 0.0049, 30)), ax=ax)
        texts = [t.get_text() for t in _minor_labels(ax)]
        assert texts[:3] == ["0.2%", "0.3%", "0.4%"]
    finally:
        plt.close(fig)
