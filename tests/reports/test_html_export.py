"""Offline checks, escaping of active content, formulas as text, header escaping (no kernel)."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ecomlib.reports.html_export import (
    analyst_notebook,
    cjk_font_css,
    render_header,
)
from ecomlib.reports.offline import remote_references, sanitize_html, script_tags


def test_remote_references_finds_loading_tags_and_css_but_not_links():
    page = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn/x.css">'
        '<img src="http://x/y.png"><img src="data:image/png;base64,AA">'
        '<style>@import "https://fonts/x.css"; .a{background:url(https://x/bg.png)}</style>'
        '<div style="background: url(\'//x/b.png\')"></div><a href="https://book.example">book</a>'
    )
    found = remote_references(page)
    assert len(found) == 6, found
    assert not any("book.example" in f for f in found)
    assert remote_references('<img src="data:image/png;base64,AA"><a href="http://x">x</a>') == []


def test_sanitize_removes_scripts_and_handlers():  # the payload corpus is in test_sanitize_corpus.py
    page = (
        '<p>ok &amp; fine</p><script>alert(1)</script><b onclick="x()">b</b>'
        '<a href="javascript:alert(2)">x</a><iframe src="x"></iframe><style>.a>b{color:red}</style>'
    )
    safe = sanitize_html(page)
    assert script_tags(safe) == 0 and "alert(1)" not in safe
    assert "onclick" not in safe and "javascript:" not in safe and "<iframe" not in safe
    assert "<p>ok &amp; fine</p>" in safe and "<style>.a>b{color:red}</style>" in safe


def test_analyst_notebook_drops_hidden_cells_widgets_and_scripts():
    nb = new_notebook()
    nb.metadata["widgets"] = {"state": {}}
    widget = new_output(
        "display_data",
        data={"application/vnd.jupyter.widget-view+json": {"model_id": "1"}, "text/plain": "VBox()"},
    )
    fallback = new_output("display_data", data={"image/png": "AA", "text/plain": "<Figure>"})
    js = new_output("display_data", data={"application/javascript": "alert(1)"})
    warning = new_output("stream", name="stderr", text="x.py:1: UserWarning: careful\n")
    printed = new_output("stream", name="stdout", text="hello\n")
    nb.cells = [
        new_markdown_cell("# T\n$a \\times b$"),
        new_code_cell("x: int = 1", metadata={"tags": ["parameters"]}),
        new_code_cell("ex.q1.check(____)", metadata={"tags": ["teaching"]}),
        new_code_cell("panel", outputs=[widget, fallback, js, warning, printed]),
        new_code_cell("y = 2"),  # no output: nothing to show
    ]
    view = analyst_notebook(nb)
    assert "widgets" not in view.metadata and "widgets" in nb.metadata  # input untouched
    assert [c.cell_type for c in view.cells] == ["markdown", "code"]
    assert view.cells[0].source == "# T\n$a \\times b$"  # formulas become MathML in export_html
    kept = view.cells[1].outputs
    assert [sorted(o["data"]) for o in kept[:1]] == [["image/png", "text/plain"]]
    assert [o["output_type"] for o in kept] == ["display_data", "stream"] and kept[1]["name"] == "stdout"
    assert isinstance(view, nbformat.NotebookNode)


def test_header_escapes_every_value():
    evil = "<script>alert(1)</script>"
    page = render_header(
        {
            "title": evil, "chapter": "basics", "status": "failed", "message": evil,
            "started": "t", "duration_s": 1.0, "versions": {"ecomlib": "0"},
            "parameters": [{"name": "p", "value": evil, "default": "", "type": "str", "help": evil}],
            "data": {"source": evil, "tables": {evil: 3}, "missing": [evil],
                     "quality": {"transactions": {"columns": [evil], "rows": [[evil]], "notes": [evil]},
                                 "sessions": {"text": evil}}},
            "key_figures": [{"name": "k", "label": evil, "value": evil, "unit": ""}],
            "skipped": [{"text": evil}],
        }
    )
    assert "<script" not in page and page.count("&lt;script&gt;") >= 12


def test_cjk_glyphs_are_embedded_as_a_small_offline_font():
    css = cjk_font_css("<p>電商運營 GMV</p>")
    assert css.startswith('@font-face { font-family: "ecomlib CJK"; src: url(data:font/otf;base64,')
    assert 1_000 < len(css) < 200_000  # a subset, not the 16 MB font
    assert remote_references(f"<style>{css}</style>") == []
    assert cjk_font_css("<p>only ASCII</p>") == ""
