"""The coverage table: sections found from the notebook's headings, their status from the notes."""

import nbformat
import pytest

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.reports import attempt, attempt_part
from ecomlib.reports.coverage import MIME_SUBSTITUTE, coverage_counts, section_coverage
from ecomlib.reports.html_export import render_header
from ecomlib.reports.index_page import render_index
from ecomlib.reports.key_figures import MIME_SKIP_NOTE
from ecomlib.reports.runner import RunRecord


def md(text, tags=()):
    return nbformat.v4.new_markdown_cell(text, metadata={"tags": list(tags)})


def code(source="x = 1", outputs=(), tags=()):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
    cell.outputs = [nbformat.v4.new_output("display_data", data=d) for d in outputs]
    return cell


def skip(reason, scope="section"):
    return {MIME_SKIP_NOTE: {"text": f"Skipped because {reason}.", "reason": reason, "scope": scope}}


def substitute(text):
    return {MIME_SUBSTITUTE: {"text": text}}


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def test_statuses_from_notes_under_each_heading():
    nb = notebook(
        md("# Chapter title"),
        code("x: int = 1", tags=["parameters"]),
        md("## 數據 · The data"), code("shop = reports.open_data(data)"),
        md("## 2.1 First"), code(),
        md("## 2.2 Second"), code(outputs=[skip("needs 13 months")]),
        md("## 2.3 Five elements"),
        md("### 商品 · Product"), code(outputs=[substitute("no category column: grouped by product")]),
        md("### 流量 · Traffic"), code(outputs=[skip("no channel", scope="part")]), code(),
        md("### Exercises", tags=["teaching"]), code(outputs=[skip("teaching only")], tags=["teaching"]),
        md("## Summary"),
    )
    rows = section_coverage(nb)
    assert [(r["section"], r["status"]) for r in rows] == [
        ("2.1 First", "ran"),
        ("2.2 Second", "skipped"),
        ("2.3 商品 · Product", "substitute"),  # the parent's number is prefixed
        ("2.3 流量 · Traffic", "ran"),
    ]
    assert rows[1]["why"] == "needs 13 months"
    assert rows[3]["why"] == "part skipped: no channel"
    assert coverage_counts(rows) == {"ran": 2, "substitute": 1, "skipped": 1, "total": 4}


def test_a_skip_wins_over_a_substitute_and_sections_after_an_error_did_not_run():
    error = nbformat.v4.new_output("error", ename="IndexError", evalue="boom", traceback=[])
    failing = code()
    failing.outputs = [error]
    nb = notebook(md("## 1 A"), code(outputs=[substitute("s"), skip("too thin")]),
                  md("## 2 B"), failing, md("## 3 C"), code())
    assert [r["status"] for r in section_coverage(nb)] == ["skipped", "failed", "not run"]


def test_attempt_returns_none_with_a_note_on_data_errors_only(capsys):
    def fit(kind):
        if kind == "thin":
            raise NotIdentifiableError("the likelihood is flat")
        if kind == "bad":
            raise ParameterError("`level` must lie in (0, 1)")
        return 42

    assert attempt(fit, "ok") == 42
    assert attempt(fit, "thin") is None
    assert "fit cannot be computed on these data: the likelihood is flat" in capsys.readouterr().out
    assert attempt_part(fit, kind="thin") is None
    assert "This part of the section could not run" in capsys.readouterr().out
    with pytest.raises(ParameterError):  # a wrong argument is a bug, not thin data
        attempt(fit, "bad")
    with pytest.raises(IndexError):
        attempt(list().__getitem__, 0)
    assert isinstance(NotIdentifiableError("x"), DataError)


def test_header_and_index_show_the_coverage(tmp_path):
    coverage = [{"section": "2.1 <First>", "status": "ran", "why": ""},
                {"section": "2.2 Second", "status": "skipped", "why": "needs 13 months"}]
    header = render_header({"title": "T", "chapter": "basics", "coverage": coverage})
    assert "<h2>Coverage</h2>" in header and "1 of 2 sections ran" in header
    assert "2.1 &lt;First&gt;" in header and "needs 13 months" in header
    assert header.index("Coverage") < header.index("Parameters")
    rec = RunRecord(chapter="basics", status="succeeded", notebook="x.ipynb", coverage=coverage)
    assert "1 of 2 sections" in render_index([rec], tmp_path)


def test_quality_table_shows_shares_as_percentages_and_counts_with_separators():
    quality = {"columns": ["check", "rows", "share", "action"],
               "rows": [["rows read", 541909, 1.0, "read"], ["negative prices", 2, 3.691e-06, "dropped"],
                        ["exact duplicates", 5268, 0.009721, "dropped"], ["zero prices", 0, 0.0, "kept"]]}
    header = render_header({"title": "T", "chapter": "basics",
                            "data": {"source": "x.csv", "tables": {}, "quality": {"transactions": quality}}})
    for text in ("541,909", "<td>100%</td>", "&lt;0.01%", "0.97%", "<td>0%</td>"):
        assert text in header, text
