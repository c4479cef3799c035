"""Runner pieces that need no kernel: paths made absolute, kernel spec, input hashing, data quality."""

import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from ecomlib.errors import ParameterError
from ecomlib.reports import open_data
from ecomlib.reports.execute import ThisPythonKernelManager, ThisPythonKernelSpecManager
from ecomlib.reports.execution_record import input_files, locate_error
from ecomlib.reports.parameters import parse_parameters
from ecomlib.reports.runner import prepare_parameters

SPECS = parse_parameters(
    'data: str = ""  # export\n'
    'columns: str = ""  # map\n'
    'out: str = "x"  # where [path]\n'
    "k: int = 2  # k [range 1..5]\n"
)


def test_paths_are_made_absolute_against_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "shop").mkdir()
    (tmp_path / "map.yaml").write_text("No: order_id\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    passed, effective = prepare_parameters(
        SPECS, {"data": "shop", "columns": "map.yaml", "out": "rel/dir"}, where="chapter 'x'"
    )
    assert passed["data"] == str(tmp_path / "shop")
    assert passed["columns"] == str(tmp_path / "map.yaml")
    assert passed["out"] == str(tmp_path / "rel" / "dir")
    assert effective["k"] == 2 and effective["data"] == passed["data"]
    with pytest.raises(ParameterError, match="`data` names .* which does not exist"):
        prepare_parameters(SPECS, {"data": "nope.csv"}, where="chapter 'x'")


def test_kernel_is_this_interpreter_without_a_registered_kernelspec():
    spec = ThisPythonKernelSpecManager().get_kernel_spec("anything")
    assert spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert isinstance(ThisPythonKernelManager().kernel_spec_manager, ThisPythonKernelSpecManager)


def test_input_files_hash_files_and_folders(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "transactions.csv").write_bytes(b"a,b\n1,2\n")
    (shop / "products.csv").write_bytes(b"p\n")
    entries = input_files(SPECS, {"data": str(shop), "columns": "", "out": ""})
    assert [Path(e["path"]).name for e in entries] == ["products.csv", "transactions.csv"]
    assert entries[1]["size"] == 8
    assert entries[1]["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()


def test_locate_error_without_a_notebook_uses_the_last_stderr_line():
    err = locate_error(None, 3, "some log\nNoSuchKernel: python3")
    assert err["ename"] == "RunnerError" and err["evalue"] == "NoSuchKernel: python3"
    assert locate_error(None, -1, "the notebook exceeded its time limit of 5 s")["ename"] == "TimeoutError"


def test_open_data_on_a_folder_brings_the_quality_report(tmp_path):
    tx = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o2", "o3"],
            "order_date": ["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"],
            "customer_id": ["c1", "c2", "c2", ""],
            "product_id": ["p1", "p2", "p2", "p1"],
            "product_name": ["<script>alert(1)</script>", "tea", "tea", "<script>alert(1)</script>"],
            "category": ["a", "b", "b", "a"],
            "quantity": [1, 2, 2, 1],
            "unit_price": [10.0, 5.0, 5.0, 10.0],
            "channel": ["web"] * 4,
            "country": ["CN"] * 4,
            "status": ["completed"] * 4,
        }
    )
    tx.to_csv(tmp_path / "transactions.csv", index=False)
    shop = open_data(str(tmp_path), show=False)
    assert not shop.is_sample and "transactions" in shop.tables and "sessions" in shop.missing
    summary = shop.to_json()
    quality = summary["quality"]["transactions"]
    assert quality["columns"][:2] == ["check", "rows"]
    assert quality["rows"][0][:2] == ["rows read", 4]


def _executed_notebook(html_output):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Title"),
        new_code_cell("x", outputs=[new_output("display_data", data={"text/html": html_output})]),
    ]
    return nb


def _base():
    from ecomlib.reports.execution_record import package_versions

    return {"chapter": "basics", "notebook": "nb", "started": "t", "packages": package_versions(),
            "error": None}


def _sanitised_then_caught(monkeypatch, output, removed, where, injected):
    """Export a notebook whose output holds ``output``: the sanitiser must remove ``removed``;
    then add ``injected`` before ``where`` after export, as if it got past the sanitiser, and
    return the runner's error (the offline check is the backstop)."""
    from ecomlib.reports import runner
    from ecomlib.reports.execution_record import Collected

    nb = _executed_notebook(output)
    page, error = runner._export(nb, "basics", SPECS, {}, Collected(), _base(), 1.0)
    assert error is None and removed not in page  # the sanitiser removed it
    real_export = runner.export_html
    monkeypatch.setattr(runner, "export_html", lambda *a, **k: real_export(*a, **k).replace(
        where, injected + where))
    page, error = runner._export(nb, "basics", SPECS, {}, Collected(), _base(), 1.0)
    assert page is not None  # kept as <chapter>.failed.html
    return error


def test_a_report_that_would_load_remote_resources_fails(monkeypatch):
    from ecomlib.reports import runner
    from ecomlib.reports.execution_record import Collected

    error = _sanitised_then_caught(monkeypatch, '<img src="https://tracker.example/pixel.png">', "tracker.example",
                                   "</head>", '<link rel="stylesheet" href="https://tracker.example/x.css">')
    assert error["ename"] == "OfflineError" and "tracker.example" in error["evalue"]

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(runner, "export_html", broken)
    page, error = runner._export(_executed_notebook("<p>ok</p>"), "basics", SPECS, {}, Collected(), _base(), 1.0)
    assert page is None and error["ename"] == "ExportError" and "template missing" in error["evalue"]


def test_a_report_with_active_content_fails(monkeypatch):
    # a script added after the sanitiser (e.g. in the template) fails the report too
    error = _sanitised_then_caught(monkeypatch, '<p onclick="alert(1)">hi</p><script>alert(2)</script>',
                                   "alert(", "</body>", "<script>alert(3)</script>")
    assert error["ename"] == "OfflineError" and "active content" in error["evalue"]
