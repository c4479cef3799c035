"""The theme's seaborn style and contexts, held as data in ecomlib.viz, match seaborn (issue 16)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ecomlib import viz

sns = pytest.importorskip("seaborn")


def test_whitegrid_style_is_seaborns_but_its_colormap():
    style = dict(sns.axes_style("whitegrid"))
    assert style.pop("image.cmap") == "rocket"  # registered by importing seaborn: left out on purpose
    assert viz._WHITEGRID == style


@pytest.mark.parametrize("context", ["paper", "notebook", "talk", "poster"])
def test_contexts_are_seaborns(context):
    expected = dict(sns.plotting_context(context))
    got = viz._context_rc(context)
    assert got == expected
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_the_theme_does_not_import_seaborn():
    code = ("import sys; from ecomlib import viz; viz.theme_rc('talk'); viz.use_theme(); "
            "print('seaborn' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
