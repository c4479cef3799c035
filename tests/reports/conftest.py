"""Shared fixtures of the report-runner tests: one notebook folder, runs reused across tests."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "chapter.ipynb"


@pytest.fixture(scope="session")
def fixture_notebook_path():
    return FIXTURE


@pytest.fixture(scope="session")
def notebook_dir(tmp_path_factory):
    """A notebooks folder: basics = the fixture, market = the fixture failing by default."""
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(FIXTURE, folder / "00_basics.ipynb")
    nb = nbformat.read(FIXTURE, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('mode: str = "ok"', 'mode: str = "fail"')
    nbformat.write(nb, folder / "01_market_analysis.ipynb")
    return folder


@pytest.fixture(scope="session")
def all_run(tmp_path_factory, notebook_dir):
    """`run_all` with two jobs: basics succeeds, market fails, the rest are not available."""
    from ecomlib.reports.runner import run_all

    out = tmp_path_factory.mktemp("reports")
    seen = []
    records = run_all({"n": "4"}, out, jobs=2, notebook_dir=notebook_dir, progress=seen.append)
    return out, records, seen


@pytest.fixture(scope="session")
def rerun_failing(all_run, notebook_dir):
    """After a good basics report, a failing basics run into the same folder."""
    from ecomlib.reports.runner import run_report

    out = all_run[0]
    before = (out / "basics.html").read_bytes(), json.loads((out / "basics.run.json").read_text())
    rec = run_report("basics", {"mode": "fail"}, out, notebook_dir=notebook_dir)
    return out, before, rec
