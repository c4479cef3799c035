"""`run_all` runs its chapters through one long-lived papermill child per thread (issue 16)."""

from __future__ import annotations

import shutil
import subprocess

import nbformat

from ecomlib.reports import runner
from tests.reports.conftest import FIXTURE


def _with_mode(folder, stem: str, mode: str) -> None:
    nb = nbformat.read(FIXTURE, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('mode: str = "ok"', f'mode: str = "{mode}"')
    nbformat.write(nb, folder / f"{stem}.ipynb")


def test_one_child_runs_the_chapters_and_a_timeout_only_costs_its_own(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURE, notebooks / "00_basics.ipynb")
    _with_mode(notebooks, "01_market_analysis", "fail")
    _with_mode(notebooks, "02_pricing", "sleep")  # stopped by the time limit
    shutil.copy(FIXTURE, notebooks / "03_promotion_roi.ipynb")
    started = []
    real_popen = subprocess.Popen

    def popen(args, *rest, **kwargs):
        if "ecomlib.reports.execute" in args:
            started.append(list(args))
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setattr(runner.subprocess, "Popen", popen)
    records = runner.run_all(None, tmp_path / "out", jobs=1, notebook_dir=notebooks, time_limit=20,
                             chapters=["basics", "market", "pricing", "promotion"])
    status = {r.chapter: r.status for r in records}
    assert status == {"basics": "succeeded", "market": "failed", "pricing": "failed", "promotion": "succeeded"}
    by_name = {r.chapter: r for r in records}
    assert by_name["pricing"].error["ename"] == "TimeoutError"
    assert by_name["market"].error["ename"] != "RunnerError" and by_name["market"].error["cell"] is not None
    # one child for basics, market and pricing; killed with pricing's kernel; a new one for promotion
    assert len(started) == 2 and all("--serve" in a for a in started)
    assert (tmp_path / "out" / "promotion.html").exists()
