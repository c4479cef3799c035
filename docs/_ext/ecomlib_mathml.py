"""Sphinx math renderer that writes MathML at build time, so the site loads no MathJax.

Sphinx draws ``$...$`` and ``$$...$$`` with MathJax from a CDN unless another HTML math
renderer is chosen. This one converts each formula with
:func:`ecomlib.reports.html_export.formula_html` (latex2mathml), the same conversion the
offline reports use; browsers draw MathML natively. A formula that cannot be converted is
shown as its source and reported as a Sphinx warning, so ``sphinx-build -W`` fails on it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

from ecomlib.reports.html_export import formula_html

logger = logging.getLogger(__name__)


def _mathml(self, node: nodes.Element, *, display: bool) -> str:
    tex = node.astext()
    html = formula_html(tex, display=display)
    if not html.startswith("<math"):
        logger.warning("formula has no MathML and is shown as source: %r", tex, location=node)
    return html


def visit_math(self, node: nodes.Element) -> None:
    self.body.append(_mathml(self, node, display=False))
    raise nodes.SkipNode


def visit_math_block(self, node: nodes.Element) -> None:
    self.body.append(f'<div class="math-display">{_mathml(self, node, display=True)}</div>')
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
