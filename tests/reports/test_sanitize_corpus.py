"""Issue 15 section 6: a corpus of hostile HTML that must come out of the exporter inert and offline.

Each payload of ``data/html_payloads.txt`` is put in a markdown cell and in a ``text/html``
output of a small notebook, exported with :func:`export_html` (no kernel), and the page is
checked with :func:`active_content` and :func:`remote_references`. The checks themselves
are tested on the raw payloads, so they can fail.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ecomlib.reports.html_export import export_html, render_header
from ecomlib.reports.offline import active_content, remote_references, sanitize_html, script_tags

CORPUS = Path(__file__).parent / "data" / "html_payloads.txt"
PAYLOADS = [
    line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
]
HTML_PAYLOADS = [p for p in PAYLOADS if p.startswith("<")]
TINY_PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAfbLI3wAAAABJRU5ErkJggg=="


def _attribute_values(page: str) -> list[str]:
    values: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values.extend(v for _, v in attrs if v)

    Parser().feed(page)
    return values


def _export(payload: str) -> str:
    nb = new_notebook()
    html_output = new_output(
        "display_data", data={"text/html": f"<p>OUT-BEFORE</p>{payload}<p>OUT-AFTER</p>", "text/plain": "x"}
    )
    md_output = new_output("display_data", data={"text/markdown": f"MDOUT-BEFORE\n\n{payload}\n\nMDOUT-AFTER"})
    nb.cells = [
        new_markdown_cell(f"# Corpus\n\nMD-BEFORE\n\n{payload}\n\nMD-AFTER"),
        new_code_cell("show()", outputs=[html_output, md_output]),
    ]
    header = render_header({"title": "Corpus", "chapter": "basics"})
    return export_html(nb, header, title="Corpus")


def test_the_corpus_holds_every_case_of_the_issue():
    text = "\n".join(PAYLOADS)
    for case in ("jav&#x09;ascript:", "<animate", "<set", 'http-equiv="refresh"', "<form action=",
                 '<image href="https://', "srcset=", "image-set(", "<table background="):
        assert case in text, case
    assert len(PAYLOADS) >= 40


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_the_checks_see_each_raw_payload(payload):
    # without this the corpus test below could pass with checks that see nothing
    assert active_content(payload) or remote_references(payload) or script_tags(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_leaves_no_active_content_and_no_remote_reference(payload):
    page = _export(payload)
    assert active_content(page) == []
    assert remote_references(page) == []
    assert script_tags(page) == 0
    # the sanitiser removed the payload, not the rest of the page
    for marker in ("MD-BEFORE", "MD-AFTER", "OUT-BEFORE", "OUT-AFTER", "MDOUT-BEFORE", "MDOUT-AFTER"):
        assert marker in page, marker
    assert not [v for v in _attribute_values(page) if "evil.example" in v]  # not even as text


def test_sanitizer_keeps_what_a_report_needs():
    fragment = (
        '<section class="ecomlib-header"><h2>Data</h2><table border="1" class="dataframe" id="T_1">'
        '<thead><tr style="text-align: right;"><th colspan="2" class="col_heading">a</th></tr></thead>'
        '<tbody><tr><td class="data row0" id="T_1_r0">1 &lt;b&gt;</td></tr></tbody></table></section>'
        f'<img alt="figure" src="{TINY_PNG}">'
        '<style type="text/css">#T_1 td { color: #333; } '
        '@font-face { src: url(data:font/otf;base64,AAAA) format("opentype"); }</style>'
        '<p><math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>x</mi>'
        '<mo>&lt;</mo><mfrac><mn>1</mn><mn>2</mn></mfrac></mrow></math></p>'
        '<div class="ecomlib-substitute-note" style="border-left:4px solid #4a90d9;padding:0.5em 1em">'
        '<strong>Substitute.</strong> text</div><a href="https://book.example/">book</a><pre>code</pre>'
    )
    clean = sanitize_html(fragment)
    for kept in ('class="dataframe"', 'id="T_1"', 'colspan="2"', 'style="text-align: right;"', TINY_PNG,
                 "#T_1 td { color: #333; }", "url(data:font/otf;base64,AAAA)", "<mfrac><mn>1</mn>",
                 'display="inline"', "border-left:4px solid #4a90d9", 'href="https://book.example/"',
                 "1 &lt;b&gt;", "<pre>code</pre>"):
        assert kept in clean, kept


def test_remote_references_cover_every_url_bearing_attribute_and_css():
    remote = "https://evil.example/x"
    cases = [
        f'<img src="{remote}">', f'<img srcset="{TINY_PNG} 1x, {remote} 2x">',
        f'<source srcset="{remote} 480w">', f'<svg><image xlink:href="{remote}"/></svg>',
        f'<svg><image href="{remote}"/></svg>', f'<form action="{remote}"></form>',
        f'<button formaction="{remote}"></button>', f'<table background="{remote}"></table>',
        f'<video poster="{remote}"></video>', f'<object data="{remote}"></object>',
        f'<blockquote cite="{remote}"></blockquote>', f'<link href="{remote}">',
        f'<meta http-equiv="refresh" content="0; url={remote}">',
        f'<div style="background: url({remote})"></div>',
        f'<div style="background: image-set(\'{remote}\' 1x)"></div>',
        f'<div style="background: u\\72l({remote})"></div>',
        f"<style>@import '{remote}';</style>", f"<style>.a {{ background: -webkit-image-set('{remote}' 2x) }}</style>",
        '<img src="relative/picture.png">',  # outside the file too: the report must be self-contained
    ]
    for case in cases:
        assert remote_references(case), case
    for inside in (f'<img src="{TINY_PNG}">', '<a href="https://book.example/">navigation</a>',
                   f'<img srcset="{TINY_PNG} 1x, {TINY_PNG} 2x">', '<a href="#section">here</a>',
                   "<style>.a { background: url(data:image/png;base64,AA) }</style>",
                   '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'):
        assert remote_references(inside) == [], inside
