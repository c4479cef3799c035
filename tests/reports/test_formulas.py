"""Issue 14 section 5: formulas as MathML, the data table once, p-values as people read them.

No kernel: the chapter notebooks are exported as they are stored (their markdown is what
carries the formulas; code cells without outputs are left out of the analyst view).
"""

import html
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ecomlib.reports.html_export import (
    _MATH,
    analyst_notebook,
    export_html,
    formula_html,
    formulas_to_tokens,
    render_header,
)
from ecomlib.reports.key_figures import MIME_DATA_SUMMARY, format_p_value, format_value
from ecomlib.resources import notebooks_dir

NOTEBOOKS = sorted(notebooks_dir().glob("0*.ipynb"))
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)

# the formulas the issue saw as raw LaTeX in the offline reports
ISSUE_FORMULAS = [
    r"m = \frac{p - c - f\,p}{p}",
    r"n = \frac{\left(z_{1-\alpha/2}\sqrt{2\bar p(1-\bar p)} + z_{1-\beta}\sqrt{p_1(1-p_1)+p_2(1-p_2)}\right)^2}{(p_2-p_1)^2}",
    r"\sigma = \overline{MR} / d_2",
    r"\text{DiD} = (\bar y_{T,\text{after}} - \bar y_{T,\text{before}}) - (\bar y_{C,\text{after}} - \bar y_{C,\text{before}})",
]


def tex_outside_code(page: str) -> list[str]:
    """LaTeX commands a reader would see as text: everything in the body outside <code>/<pre>."""
    return TEX_COMMAND.findall(CODE.sub("", page.split("<body", 1)[1]))


@pytest.mark.parametrize("tex", ISSUE_FORMULAS)
def test_formulas_of_the_issue_become_mathml(tex):
    mathml = formula_html(tex, display=True)
    assert mathml.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert not TEX_COMMAND.search(mathml), mathml
    assert "<mfrac>" in mathml or "<mover>" in mathml


@pytest.mark.parametrize(
    "tex",
    [r"\left( x", r"\foo{x}", r"\href{https://evil.example/}{x}", r"\style{color:red}{x}",
     r"\text{<img src=x onerror=alert(1)>}"],
)
def test_a_formula_that_cannot_convert_stays_readable_code(tex):
    shown = formula_html(tex)
    assert shown.startswith('<code class="ecomlib-math-source">') and "<math" not in shown
    assert shown == f'<code class="ecomlib-math-source">{html.escape(tex)}</code>'


def test_tokens_leave_code_spans_fences_and_prices_alone():
    formulas: list[str] = []
    text = "Price `$x$` and\n\n```\n$$y$$\n```\n\ncosts $10 and $20; $a_b$ and $$\\frac{1}{2}$$."
    out = formulas_to_tokens(text, formulas)
    assert "`$x$`" in out and "```\n$$y$$\n```" in out and "costs $10 and $20;" in out
    assert out.endswith("ECOMLIBMATH0END and ECOMLIBMATH1END.") and len(formulas) == 2
    assert 'display="inline"' in formulas[0] and 'display="block"' in formulas[1]


def test_a_synthetic_report_shows_no_tex_outside_code():
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# T\n\n" + "\n\n".join(f"$${t}$$ and ${t}$" for t in ISSUE_FORMULAS)
                                  + "\n\nA broken one: $\\foo{x}$; code `\\alpha` stays.")]
    page = export_html(nb, render_header({"title": "T", "chapter": "basics"}), title="T")
    assert tex_outside_code(page) == []
    assert page.count("<math ") == 2 * len(ISSUE_FORMULAS)
    assert '<code class="ecomlib-math-source">\\foo{x}</code>' in page and "<code>\\alpha</code>" in page
    assert "mathjax" not in page.lower() and "<script" not in page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_formulas_are_valid_latex_and_render(path):
    nb = nbformat.read(path, as_version=4)
    broken = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for match in _MATH.finditer(cell.source):
                tex = match.group(1) if match.group(1) is not None else match.group(2)
                if not formula_html(tex).startswith("<math"):
                    broken.append(tex)
    assert broken == [], f"{path.name}: formulas latex2mathml cannot convert: {broken}"
    visible = sum(len(_MATH.findall(c.source)) for c in analyst_notebook(nb).cells if c.cell_type == "markdown")
    page = export_html(nb, render_header({"title": "T", "chapter": path.stem}), title="T")
    assert tex_outside_code(page) == []
    assert page.count("<math ") == visible  # every formula the analyst sees is drawn, none left as text


def test_the_data_table_is_shown_once():
    summary = {"source": "my_shop.csv", "tables": {"transactions": 1234}, "missing": ["sessions"]}
    shown = new_output(
        "display_data",
        data={"text/plain": "Data: my_shop.csv", MIME_DATA_SUMMARY: summary,
              "text/html": '<div class="ecomlib-data-summary"><table><tr><td>transactions</td>'
                           "<td>1,234</td></tr></table><p>Tables not present: sessions</p></div>"},
    )
    nb = new_notebook()
    nb.cells = [new_code_cell("shop = open_data()", outputs=[shown, new_output("stream", name="stdout", text="next\n")])]
    page = export_html(nb, render_header({"title": "T", "chapter": "basics", "data": summary}), title="T")
    assert page.count("Tables not present") == 1 and page.count("1,234") == 1
    assert "ecomlib-data-summary" not in page.split("<body", 1)[1] and "next" in page


def test_p_values_read_as_less_than_not_zero():
    assert format_p_value(1.905e-07) == "< 0.0001" and format_p_value(0.0) == "< 0.0001"
    assert format_p_value(0.03123) == "0.0312"
    assert format_value(1.905e-07, name="ab_p_value") == "< 0.0001"
    assert format_value(0.5, name="ab_p_value") == "0.5000"
    assert format_value(1.905e-07, name="ab_lift") == "1.905e-07"  # only p-values
    header = render_header({"title": "T", "chapter": "traffic", "key_figures": [
        {"name": "ab_p_value", "label": "A/B test p-value (conversion)", "value": 1.905e-07, "unit": ""}]})
    assert "<td>&lt; 0.0001</td>" in header
