"""Report kernels draw each inline figure once (issue 16: report speed)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from ecomlib.reports.runner import run_report

COUNT_DRAWS = """import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg

draws = []
_draw = FigureCanvasAgg.draw


def counted(self, *args, **kwargs):
    draws.append(id(self.figure))
    return _draw(self, *args, **kwargs)


FigureCanvasAgg.draw = counted"""


def test_a_report_kernel_does_not_redraw_figures_before_rendering_them(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell('n: int = 1  # unused [range 1..2]', metadata={"tags": ["parameters"]}),
        new_code_cell(COUNT_DRAWS),
        new_code_cell("first, ax = plt.subplots()\nax.plot([1, 2])"),
        new_code_cell("second, ax = plt.subplots()\nax.plot([2, 1])"),
        new_code_cell("hooks = [getattr(f, '__name__', '') for f in get_ipython().events.callbacks['post_execute']]\n"
                      "print(draws.count(id(second)), '_draw_all_if_interactive' in hooks)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = tmp_path / "figures.ipynb"
    nbformat.write(nb, path)
    rec = run_report("basics", None, tmp_path / "out", notebook=path)
    assert rec.ok, rec.message()
    executed = nbformat.read(rec.ipynb, as_version=4)
    for cell in executed.cells[2:4]:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs)
    # the PNG itself draws the second figure (twice with bbox_inches="tight"); matplotlib's REPL
    # hook drew it once more before that, for nothing
    draws, hooked = executed.cells[4].outputs[0]["text"].split()
    assert hooked == "False"
    assert int(draws) <= 2
