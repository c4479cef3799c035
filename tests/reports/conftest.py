"""Shared fixtures of the report-runner tests: one notebook folder, runs reused across tests.

The `run_all` fixture is computed once per test session even under pytest-xdist: the first
worker runs it in a folder shared by all workers and saves the records; the others wait for
them (the recipe of pytest-xdist's docs, with an O_EXCL lock file instead of filelock).
"""

import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "chapter.ipynb"


def write_notebook_dir(folder: Path) -> Path:
    """basics = the fixture notebook; market = the same notebook failing by default."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, folder / "00_basics.ipynb")
    nb = nbformat.read(FIXTURE, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('mode: str = "ok"', 'mode: str = "fail"')
    nbformat.write(nb, folder / "01_market_analysis.ipynb")
    return folder


@pytest.fixture(scope="session")
def fixture_notebook_path():
    return FIXTURE


@pytest.fixture(scope="session")
def notebook_dir(tmp_path_factory):
    return write_notebook_dir(tmp_path_factory.mktemp("notebooks"))


def _shared_root(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def all_run(tmp_path_factory):
    """`run_all` with two jobs: basics succeeds, market fails, the rest are not available.

    Returns (out_dir, records, progress_records).
    """
    from ecomlib.reports.runner import RunRecord, run_all

    root = _shared_root(tmp_path_factory) / "ecomlib-all-run"
    root.mkdir(exist_ok=True)
    saved, failed = root / "records.json", root / "error.txt"
    try:
        os.close(os.open(root / "lock", os.O_CREAT | os.O_EXCL))
        first = True
    except FileExistsError:
        first = False
    if first:
        try:
            seen = []
            records = run_all({"n": "4"}, root / "out", jobs=2,
                              notebook_dir=write_notebook_dir(root / "notebooks"), progress=seen.append)
            payload = {"records": [r.to_dict() for r in records], "seen": len(seen)}
            tmp = root / "records.partial.json"
            tmp.write_text(json.dumps(payload, default=str), encoding="utf-8")
            os.replace(tmp, saved)
        except BaseException as exc:
            failed.write_text(repr(exc), encoding="utf-8")
            raise
    deadline = time.monotonic() + 900
    while not saved.exists():
        if failed.exists():
            pytest.fail(f"the shared run_all fixture failed in another worker: {failed.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the shared run_all fixture")
        time.sleep(1)
    payload = json.loads(saved.read_text(encoding="utf-8"))
    records = [RunRecord(**r) for r in payload["records"]]
    return root / "out", records, [None] * payload["seen"]


@pytest.fixture(scope="session")
def rerun_failing(all_run, tmp_path_factory):
    """A good basics report copied to a fresh folder, then a failing basics run into it."""
    from ecomlib.reports.runner import run_report

    out = tmp_path_factory.mktemp("rerun")
    for name in ("basics.html", "basics.ipynb", "basics.run.json"):
        shutil.copy(all_run[0] / name, out / name)
    before = (out / "basics.html").read_bytes(), json.loads((out / "basics.run.json").read_text())
    notebooks = write_notebook_dir(tmp_path_factory.mktemp("rerun-notebooks"))
    rec = run_report("basics", {"mode": "fail"}, out, notebook_dir=notebooks)
    return out, before, rec
