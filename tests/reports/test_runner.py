"""The report runner end to end on the tiny fixture notebook (each run starts one kernel)."""

import html
import json
from pathlib import Path

import pytest

from ecomlib.errors import ParameterError
from ecomlib.reports.offline import remote_references, script_tags
from ecomlib.reports.runner import run_report

pytestmark = pytest.mark.slow


def _by_chapter(records):
    return {r.chapter: r for r in records}


def test_all_runs_every_chapter_and_carries_on(all_run):
    out, records, seen = all_run
    recs = _by_chapter(records)
    assert [r.chapter for r in records] == [
        "basics", "market", "pricing", "promotion", "traffic", "retention", "risk", "product", "service",
        "platforms",
    ]
    assert recs["basics"].status == "succeeded"
    assert recs["market"].status == "failed"
    assert {recs[c].status for c in ("pricing", "promotion", "traffic", "retention", "risk", "product", "service",
                                      "platforms")} == {
        "not available"
    }
    assert len(seen) == 10  # one progress call per chapter
    assert not list(out.glob(".*partial*"))  # no temporary files left behind


def test_success_writes_html_notebook_and_run_record(all_run):
    out, records, _ = all_run
    rec = _by_chapter(records)["basics"]
    assert Path(rec.html) == out / "basics.html" and Path(rec.ipynb) == out / "basics.ipynb"
    saved = json.loads((out / "basics.run.json").read_text(encoding="utf-8"))
    assert saved["status"] == "succeeded"
    assert saved["parameters"] == {"data": "", "start": "", "n": 4, "mode": "ok"}
    assert saved["passed"] == {"n": 4}
    figures = {f["name"]: f for f in saved["key_figures"]}
    assert figures["answer"]["value"] == 56 and figures["answer"]["unit"] == "CNY"
    assert saved["skipped"][0]["table"] == "sessions"
    assert {"python", "ecomlib", "pandas", "papermill"} <= set(saved["packages"])
    assert saved["started"] <= saved["ended"] and saved["duration_s"] > 0
    assert any("UserWarning: FIXTURE-WARNING" in w for w in saved["warnings"])
    assert "FIXTURE-WARNING" not in (out / "basics.html").read_text(encoding="utf-8")


def test_html_is_offline_without_code_or_teaching_cells(all_run):
    out, _, _ = all_run
    page = (out / "basics.html").read_text(encoding="utf-8")
    assert remote_references(page) == []
    assert "EXERCISE-ONLY-TEXT" not in page and "celltag_teaching" not in page
    assert "reports.record(" not in page  # code inputs are hidden
    assert "data:image/png;base64," in page  # the figure is embedded
    assert "<mi>V</mi><mo>×</mo><mi>C</mi><mi>R</mi>" in page  # formula as MathML, no MathJax
    assert "mathjax" not in page.lower() and "require.js" not in page
    # header: parameters table, data section, key figures, skipped section
    assert "<h2>Parameters</h2>" in page and "a small number (allowed: 1..10)" in page
    assert "<h2>Key figures</h2>" in page and "56 CNY" in page
    assert "Section '3.3 Pricing strategy' needs the table 'sessions'" in html.unescape(page)


def _outputs(ipynb):
    return json.dumps([cell.get("outputs", []) for cell in json.loads(Path(ipynb).read_text(encoding="utf-8"))["cells"]])


def test_teaching_cells_run_only_when_asked(all_run, tmp_path, fixture_notebook_path):
    """A report leaves the teaching cells out before the kernel starts; teaching=True runs them."""
    out, records, _ = all_run
    report = _by_chapter(records)["basics"]
    cells = json.loads(Path(report.ipynb).read_text(encoding="utf-8"))["cells"]
    assert not [c for c in cells if "teaching" in c.get("metadata", {}).get("tags", [])]
    assert "EXERCISE-ONLY-TEXT" not in _outputs(report.ipynb)
    full = run_report("basics", {"n": 4}, tmp_path, notebook=fixture_notebook_path, teaching=True)
    assert full.ok and "EXERCISE-ONLY-TEXT" in _outputs(full.ipynb)
    assert "EXERCISE-ONLY-TEXT" not in Path(full.html).read_text(encoding="utf-8")
    assert [(f["name"], f["value"]) for f in full.key_figures] == [(f["name"], f["value"]) for f in report.key_figures]


def test_data_text_is_escaped_everywhere(all_run):
    out, _, _ = all_run
    page = (out / "basics.html").read_text(encoding="utf-8")
    assert script_tags(page) == 0
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_failure_names_section_cell_exception_and_fix(all_run):
    out, records, _ = all_run
    rec = _by_chapter(records)["market"]
    assert rec.error["section"] == "3.3 Pricing strategy 價格策略"
    assert rec.error["ename"] == "ParameterError"
    assert rec.error["evalue"] == "the price column is all zero"
    assert rec.error["fix"] == "check unit_price"
    assert isinstance(rec.error["cell"], int)
    assert rec.message() == (
        "Chapter 'market' failed in section '3.3 Pricing strategy 價格策略': the price column is all zero"
    )
    assert (out / "market.failed.html").exists() and (out / "market.failed.ipynb").exists()
    assert not (out / "market.html").exists()
    saved = json.loads((out / "market.failed.run.json").read_text(encoding="utf-8"))
    assert saved["status"] == "failed" and saved["error"]["section"].startswith("3.3")
    failed_page = (out / "market.failed.html").read_text(encoding="utf-8")
    assert "failed in section" in failed_page and remote_references(failed_page) == []


def test_failed_run_never_overwrites_a_good_report(rerun_failing):
    out, (html_before, record_before), rec = rerun_failing
    assert rec.status == "failed"
    assert (out / "basics.html").read_bytes() == html_before
    assert json.loads((out / "basics.run.json").read_text()) == record_before
    assert (out / "basics.failed.html").exists()


def test_index_lists_status_durations_figures_and_links(all_run):
    out, _, _ = all_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert remote_references(index) == []
    assert 'href="basics.html"' in index and 'href="market.failed.html"' in index
    assert "The answer: 56 CNY" in index
    assert "not available" in index and "failed in section" in index


def test_time_limit_stops_the_notebook(tmp_path, fixture_notebook_path):
    rec = run_report("basics", {"mode": "sleep"}, tmp_path, notebook=fixture_notebook_path, time_limit=15)
    assert rec.status == "failed"
    assert rec.error["ename"] == "TimeoutError" and "time limit of 15 s" in rec.error["evalue"]
    assert rec.duration_s < 60


def test_parameters_are_checked_before_any_kernel(tmp_path, fixture_notebook_path):
    with pytest.raises(ParameterError, match="Did you mean `mode`"):
        run_report("basics", {"mdoe": "ok"}, tmp_path, notebook=fixture_notebook_path)
    with pytest.raises(ParameterError, match="`n` must be in the range 1..10"):
        run_report("basics", {"n": "11"}, tmp_path, notebook=fixture_notebook_path)
    with pytest.raises(ParameterError, match="does not exist"):
        run_report("basics", {"data": "no/such/file.csv"}, tmp_path, notebook=fixture_notebook_path)
    assert list(tmp_path.iterdir()) == []
