"""How often the papermill child writes the output notebook (issue 16: report speed)."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ecomlib.reports import execute

pytest.importorskip("papermill")


def _run_without_kernel(tmp_path, monkeypatch):
    """Drive the engine's execution manager through a 4-cell notebook; return what was on disk when."""
    import papermill.engines

    out = tmp_path / "out.ipynb"
    seen = []

    def write(nb, path):
        seen.append([c.metadata.get("papermill", {}).get("status") for c in nb.cells])
        nbformat.write(nb, path)

    monkeypatch.setattr(papermill.engines, "write_ipynb", write)
    nb = new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("1"), new_markdown_cell("x"),
                             new_code_cell("2")])
    nb.metadata.papermill = {}  # papermill sets it before execution
    manager = execute._engine().manager_class(nb, output_path=str(out), progress_bar=False)
    manager.notebook_start()
    for index, cell in enumerate(nb.cells):
        manager.cell_start(cell, index)
        manager.cell_complete(cell, index)
    manager.notebook_complete()
    return seen, nbformat.read(out, as_version=4)


def test_the_notebook_is_written_when_a_code_cell_starts_and_at_the_end(tmp_path, monkeypatch):
    seen, final = _run_without_kernel(tmp_path, monkeypatch)
    # papermill's own manager writes at the start, at each cell's start and end, and at the end: 10
    assert len(seen) == 4
    assert seen[1][1] == "running" and seen[2][3] == "running"  # a stopped run shows the running cell
    assert seen[2][1] == "completed"
    assert [c.metadata.papermill["status"] for c in final.cells] == ["completed"] * 4
    assert final.metadata.papermill["duration"] is not None
