"""Turn an executed chapter notebook into the analyst's offline HTML report.

The analyst view hides every code input, drops the cells tagged ``teaching`` (exercises,
widgets, student asides) and the parameters cells, and starts with a header: run status,
the parameters table, the data that was read with its quality report, key figures and
skipped sections. The page is one self-contained file: images are embedded, nothing is
loaded from the network (no require.js, MathJax, widget or mermaid scripts), and the
formulas of the markdown cells are converted to MathML at export time (latex2mathml), which
browsers draw without any script. Data text is escaped where it is written; the whole body
then goes through an allow-list sanitiser (:func:`ecomlib.reports.offline.sanitize_html`).
The report ships no script of its own.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any
from xml.etree import ElementTree

import latex2mathml.converter
import nbformat
from jinja2 import DictLoader

from ecomlib.reports.coverage import cell_tags
from ecomlib.reports.key_figures import MIME_DATA_SUMMARY, format_value
from ecomlib.reports.offline import MATHML_ATTRS, MATHML_TAGS, sanitize_html

__all__ = [
    "HIDDEN_TAGS",
    "analyst_notebook",
    "cjk_font_css",
    "export_html",
    "formula_html",
    "formulas_to_tokens",
    "render_header",
]

#: Cells with any of these tags are not in the analyst's report.
HIDDEN_TAGS = {"teaching", "parameters", "injected-parameters", "papermill-error-cell-tag"}

_DROPPED_MIME = {"application/vnd.jupyter.widget-view+json", "application/javascript"}

_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_javascript -%}{%- endblock data_javascript -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
{% block extra_css %}<style type="text/css">{{ resources.ecomlib_css }}</style>{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
{{ resources.ecomlib_header }}
{%- endblock body_header -%}
"""

_CSS = """
.ecomlib-header { font-family: var(--jp-content-font-family, sans-serif); margin: 1em 0 2em; }
.ecomlib-header h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.ecomlib-header table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.9em; }
.ecomlib-header th, .ecomlib-header td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
.ecomlib-header th { background: #f3f3f3; }
.ecomlib-status-failed { border-left: 5px solid #c62828; background: #ffebee; padding: 0.6em 1em; }
.ecomlib-status-succeeded { border-left: 5px solid #2e7d32; background: #e8f5e9; padding: 0.6em 1em; }
math { font-family: "Cambria Math", "STIX Two Math", "Latin Modern Math", math, serif; font-size: 1.1em; }
math[display="block"] { margin: 0.6em 0; }
.ecomlib-math-source { white-space: pre-wrap; }
"""

# Formulas of markdown cells: $...$ inline, $$...$$ display, outside code spans and fences
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)", re.DOTALL)
_MARKDOWN_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$|(`+)(?!`).+?(?<!`)\2(?!`)",
                            re.DOTALL | re.MULTILINE)
_TOKEN = "ECOMLIBMATH{}END"
_TOKEN_RE = re.compile(r"ECOMLIBMATH(\d+)END")


def _valid_mathml(mathml: str) -> bool:
    """True when ``mathml`` is well-formed, uses only allowed MathML, and kept no TeX command."""
    try:
        root = ElementTree.fromstring(mathml)
    except ElementTree.ParseError:
        return False
    for element in root.iter():
        if element.tag.rpartition("}")[2] not in MATHML_TAGS:
            return False
        if set(element.attrib) - MATHML_ATTRS or "\\" in (element.text or "") + (element.tail or ""):
            return False
    return True


def formula_html(tex: str, *, display: bool = False) -> str:
    r"""Return the formula ``tex`` as MathML, or as its source in a code span if it cannot convert.

    Parameters
    ----------
    tex : str
        LaTeX without the dollar signs, e.g. ``r"\frac{p - c}{p}"``.
    display : bool, default False
        A display formula (``$$...$$``, on a line of its own) rather than an inline one.

    Returns
    -------
    str
        ``<math ...>...</math>`` (converted by latex2mathml, offline: no script), or
        ``<code class="ecomlib-math-source">`` holding the formula as written when it is not
        valid LaTeX or uses a command that has no MathML (``\href``, ``\style``, unknown
        macros).
    """
    try:
        mathml = latex2mathml.converter.convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds on bad TeX
        mathml = ""
    if mathml and _valid_mathml(mathml):
        return mathml
    return f'<code class="ecomlib-math-source">{html.escape(tex.strip())}</code>'


def formulas_to_tokens(markdown: str, formulas: list[str]) -> str:
    """Replace each formula of ``markdown`` with a plain token, appending its HTML to ``formulas``.

    The token (letters and digits only) passes through the markdown renderer untouched;
    :func:`export_html` puts the MathML back after rendering, so markdown never parses
    MathML and ``*`` or ``_`` in a formula cannot turn into emphasis. Dollars inside code
    spans and fenced code blocks are left alone.
    """

    def replace(match: re.Match) -> str:
        display = match.group(1) is not None
        formulas.append(formula_html(match.group(1) if display else match.group(2), display=display))
        return _TOKEN.format(len(formulas) - 1)

    out, pos = [], 0
    for code in _MARKDOWN_CODE.finditer(markdown):
        out += [_MATH.sub(replace, markdown[pos:code.start()]), code.group(0)]
        pos = code.end()
    return "".join(out) + _MATH.sub(replace, markdown[pos:])


def _clean_output(output: Any) -> Any | None:
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        return None  # warnings and logs are for developers; the run record keeps warnings
    if output.get("output_type") not in ("display_data", "execute_result"):
        return output
    if MIME_DATA_SUMMARY in output.get("data", {}):
        return None  # the header's Data section shows the same table (once)
    data = {k: v for k, v in output.get("data", {}).items() if k not in _DROPPED_MIME}
    if "application/vnd.jupyter.widget-view+json" in output.get("data", {}) and set(data) <= {
        "text/plain"
    }:
        return None  # a live widget without a static fallback: nothing to show offline
    if not data:
        return None
    output["data"] = data
    return output


def analyst_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` as the analyst sees it.

    Hidden cells (:data:`HIDDEN_TAGS`), widget views without a static fallback, JavaScript,
    stderr output (warnings, logs) and the data summary of ``open_data`` (the header shows
    it) are left out. Markdown is unchanged (:func:`export_html` converts its formulas).
    """
    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)
    cells = []
    for cell in out.cells:
        if HIDDEN_TAGS & set(cell_tags(cell)):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in (_clean_output(o) for o in cell.get("outputs", [])) if o]
            if not cell.outputs:
                continue
        cells.append(cell)
    out.cells = cells
    return out


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell_text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _share_text(value: Any) -> str:
    """A share of rows as people read it: 0.009721 -> '0.97%', 3.7e-06 -> '<0.01%'."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return _cell_text(value)
    if value == 0:
        return "0%"
    return "<0.01%" if value < 0.0001 else f"{100 * value:.2f}%".replace(".00%", "%")


def _quality_html(name: str, quality: Any) -> str:
    title = f"<h4>Data quality: {html.escape(name)}</h4>"
    if isinstance(quality, dict) and "columns" in quality:
        columns = list(quality["columns"])
        share = columns.index("share") if "share" in columns else None
        rows = [[_share_text(v) if i == share else _cell_text(v) for i, v in enumerate(row)]
                for row in quality["rows"]]
        body = _table(columns, rows)
        notes = "".join(f"<li>{html.escape(str(n))}</li>" for n in quality.get("notes") or [])
        return title + body + (f"<ul>{notes}</ul>" if notes else "")
    text = quality.get("text", quality) if isinstance(quality, dict) else quality
    return title + f"<pre>{html.escape(str(text))}</pre>"


_COVERAGE_LABELS = {"ran": "ran", "substitute": "ran on a substitute", "skipped": "skipped",
                    "failed": "failed", "not run": "not run"}


def _coverage_html(coverage: list[dict[str, Any]]) -> str:
    """The coverage table: every section, ran / ran on a substitute / skipped, and why."""
    if not coverage:
        return ""
    from ecomlib.reports.coverage import coverage_counts

    counts = coverage_counts(coverage)
    lead = (f"<p>{counts['ran'] + counts['substitute']} of {counts['total']} sections ran "
            f"({counts['substitute']} on a substitute); {counts['skipped']} skipped.</p>")
    rows = [[r["section"], _COVERAGE_LABELS.get(r["status"], r["status"]), r.get("why", "")]
            for r in coverage]
    return "<h2>Coverage</h2>" + lead + _table(["section", "status", "why"], rows)


def render_header(info: dict[str, Any]) -> str:
    """Build the report's header HTML; every value is escaped.

    ``info`` holds ``title``, ``chapter``, ``status``, ``message`` (failure sentence),
    ``started``, ``duration_s``, ``versions`` (dict), ``parameters`` (list of dicts with
    name, value, default, type, help), ``data`` (the ``open_data`` summary or None),
    ``key_figures`` (list of dicts), ``skipped`` (list of dicts) and ``coverage`` (list of
    dicts with section, status, why; shown first, as the coverage table).
    """
    parts = ['<section class="ecomlib-header">']
    parts.append(f"<h1>{html.escape(info.get('title') or info.get('chapter', 'Report'))}</h1>")
    status = info.get("status", "succeeded")
    facts = (
        f"Chapter report <strong>{html.escape(str(info.get('chapter', '')))}</strong> · run "
        f"{html.escape(str(info.get('started', '')))} · {float(info.get('duration_s', 0)):.1f} s · "
        f"ecomlib {html.escape(str(info.get('versions', {}).get('ecomlib', '')))}"
    )
    parts.append(f'<div class="ecomlib-status-{html.escape(status)}"><p>{facts}</p>')
    if info.get("message"):
        parts.append(f"<p><strong>{html.escape(info['message'])}</strong></p>")
    parts.append("</div>")
    parts.append(_coverage_html(info.get("coverage") or []))
    params = info.get("parameters") or []
    parts.append("<h2>Parameters</h2>")
    parts.append(
        _table(
            ["parameter", "value", "default", "type", "meaning"],
            [[p["name"], p["value"], p["default"], p["type"], p["help"]] for p in params],
        )
        if params
        else "<p>This notebook declares no parameters.</p>"
    )
    data = info.get("data")
    parts.append("<h2>Data</h2>")
    if data:
        parts.append(f"<p>Source: {html.escape(str(data.get('source', '')))}</p>")
        parts.append(_table(["table", "rows"], [[k, f"{v:,}"] for k, v in data.get("tables", {}).items()]))
        missing = ", ".join(data.get("missing") or []) or "none"
        parts.append(f"<p>Tables not present: {html.escape(missing)}</p>")
        if data.get("currency"):
            parts.append(f"<p>Amounts in {html.escape(str(data['currency']))} (as in the data, not converted).</p>")
        for name, why in (data.get("unreadable") or {}).items():
            parts.append(f"<p><strong>Could not read {html.escape(name)}</strong> (left out): "
                         f"{html.escape(str(why))}</p>")
        for name, quality in (data.get("quality") or {}).items():
            parts.append(_quality_html(name, quality))
        if not data.get("quality"):
            parts.append("<p>No data-quality report (the bundled sample shop is simulated).</p>"
                         if data.get("is_sample") else "<p>No data-quality report was produced.</p>")
    else:
        parts.append("<p>The notebook did not report which data it opened.</p>")
    figures = info.get("key_figures") or []
    if figures:
        parts.append("<h2>Key figures</h2>")
        parts.append(
            _table(["figure", "value"], [[f["label"], format_value(f["value"], f.get("unit", ""), name=f.get("name", ""))] for f in figures])
        )
    skipped = info.get("skipped") or []
    if skipped:
        parts.append("<h2>Skipped sections</h2><ul>")
        parts.extend(f"<li>{html.escape(s.get('text', ''))}</li>" for s in skipped)
        parts.append("</ul>")
    parts.append("<hr></section>")
    return "".join(parts)


_CJK_FAMILY = "ecomlib CJK"
# The embedded subset holds only the page's CJK characters, so listing it first costs Latin text
# nothing (those characters fall through to the system fonts) while Chinese text never meets a
# system font that claims a character but draws a box (seen in headless Chromium on Debian).
_FONT_STACK = (
    f'"{_CJK_FAMILY}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, "PingFang SC", '
    '"Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
)


# printed output (stream text, plain tables) is monospace; Chinese in it needs the subset too
_CODE_STACK = f'"{_CJK_FAMILY}", Menlo, Consolas, "DejaVu Sans Mono", monospace'


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x3FFFF)


def _warn_missing_glyphs(chars: str, cmap: dict[int, str]) -> None:
    missing = "".join(c for c in chars if _is_cjk(c) and ord(c) not in cmap)
    if missing:
        import warnings

        warnings.warn(f"The bundled CJK font has no glyph for {missing!r}; the reader's system "
                      "fonts draw these characters (add them to tools/font_extra_chars.txt and "
                      "run tools/make_font_subset.py to bundle them).", UserWarning, stacklevel=3)


def cjk_font_css(page: str) -> str:
    """CSS embedding the CJK glyphs ``page`` uses, so Chinese text renders on any machine.

    The Noto Sans CJK SC subset shipped in ``ecomlib/fonts/`` (SIL Open Font License,
    see :func:`ecomlib.viz.cjk_font_path`) is cut down to the characters of the page
    (typically a few tens of kB) and embedded as a data URL; the page lists it first, which
    only affects CJK characters because the subset holds nothing else. Returns '' when the page has no CJK text or the font is unavailable.

    A CJK character the bundled font lacks is not an error: the reader's own fonts draw it, and
    a ``UserWarning`` names it (add it to ``tools/font_extra_chars.txt`` to bundle it).
    """
    chars = "".join(sorted(c for c in set(page) if ord(c) >= 0x2E80))  # set() first: 35 -> 19 ms on 1.2 MB
    if not chars:
        return ""
    try:
        import base64
        import io

        from fontTools import subset

        from ecomlib.viz import cjk_font_path

        options = subset.Options()
        options.flavor = None
        options.notdef_outline = True
        with subset.load_font(str(cjk_font_path()), options) as font:
            cmap = font.getBestCmap()
            subsetter = subset.Subsetter(options)
            subsetter.populate(text=chars)
            subsetter.subset(font)
            buffer = io.BytesIO()
            subset.save_font(font, buffer, options)
    except Exception:  # noqa: BLE001 - without the font the report still works
        return ""
    _warn_missing_glyphs(chars, cmap)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{_CJK_FAMILY}"; '
        f'src: url(data:font/otf;base64,{data}) format("opentype"); }}\n'
        f":root {{ --jp-content-font-family: {_FONT_STACK}; --jp-ui-font-family: {_FONT_STACK}; "
        f"--jp-code-font-family: {_CODE_STACK}; }}\n"
        f"body, .ecomlib-header {{ font-family: {_FONT_STACK}; }}\n"
    )


_BODY = re.compile(r"(<body\b[^>]*>)(.*)(</body>)", re.DOTALL | re.IGNORECASE)


def _sanitized_page(page: str, formulas: list[str]) -> str:
    """Put the formulas back and sanitise the body; the head is nbconvert's and ours."""
    match = _BODY.search(page)
    if match is None:  # pragma: no cover - nbconvert always writes a body
        raise ValueError("the exported page has no <body>")
    body = _TOKEN_RE.sub(lambda m: formulas[int(m.group(1))], match.group(2))
    return page[:match.start(2)] + sanitize_html(body) + page[match.end(2):]


def export_html(nb: nbformat.NotebookNode, header_html: str, *, title: str) -> str:
    """Export ``nb`` to the analyst's single-file HTML with ``header_html`` on top.

    The analyst view (:func:`analyst_notebook`) is rendered by nbconvert's lab template
    without any script, its formulas as MathML (:func:`formula_html`); the page body, header
    included, then goes through :func:`ecomlib.reports.offline.sanitize_html`, and the CJK
    glyphs the page uses are embedded as a font subset.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"ecomlib_report.html.j2": _TEMPLATE})],
        template_file="ecomlib_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    view = analyst_notebook(nb)
    view.metadata["title"] = title
    formulas: list[str] = []
    for cell in view.cells:
        if cell.cell_type == "markdown":
            cell.source = formulas_to_tokens(cell.source, formulas)
    page, _ = exporter.from_notebook_node(
        view, resources={"ecomlib_header": header_html, "ecomlib_css": _CSS}
    )
    page = _sanitized_page(page, formulas)
    fonts = cjk_font_css(page)
    if fonts:
        page = page.replace("</head>", f'<style type="text/css">{fonts}</style>\n</head>', 1)
    return page
