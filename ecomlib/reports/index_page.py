"""``index.html``: one offline page linking every chapter report of a run."""

from __future__ import annotations

import datetime as _dt
import html
import os
from collections.abc import Sequence
from pathlib import Path

from ecomlib.reports.coverage import coverage_counts
from ecomlib.reports.html_export import cjk_font_css
from ecomlib.reports.key_figures import format_value

__all__ = ["render_index", "write_index"]

_STYLE = """
body { font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.4em 0.7em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.succeeded { color: #2e7d32; font-weight: bold; }
.failed { color: #c62828; font-weight: bold; }
.not-available { color: #777; }
ul { margin: 0; padding-left: 1.2em; }
"""


def _link(path: str, out_dir: Path, text: str) -> str:
    if not path:
        return ""
    href = os.path.relpath(path, out_dir).replace(os.sep, "/")
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def render_index(records: Sequence, out_dir: Path) -> str:
    """Return the index page for ``records`` (RunRecord objects); all text is escaped."""
    rows = []
    for rec in records:
        figures = "".join(
            f"<li>{html.escape(str(f.get('label', f.get('name'))))}: "
            f"{html.escape(format_value(f.get('value'), f.get('unit', ''), name=f.get('name', '')))}</li>"
            for f in rec.key_figures
        )
        links = " · ".join(
            x for x in (
                _link(rec.html, out_dir, "report"),
                _link(rec.ipynb, out_dir, "notebook"),
                _link(rec.record, out_dir, "run record"),
            ) if x
        )
        note = "" if rec.ok or rec.status == "not available" else f"<br>{html.escape(rec.message())}"
        duration = f"{rec.duration_s:.1f} s" if rec.status != "not available" else ""
        coverage = getattr(rec, "coverage", None) or []
        if coverage:
            counts = coverage_counts(coverage)
            sections = (f"{counts['ran'] + counts['substitute']} of {counts['total']} sections"
                        + (f" ({counts['substitute']} on a substitute)" if counts["substitute"] else ""))
        else:
            sections = ""
        rows.append(
            f"<tr><td>{html.escape(rec.chapter)}</td>"
            f'<td class="{html.escape(rec.status.replace(" ", "-"))}">{html.escape(rec.status)}{note}</td>'
            f"<td>{html.escape(sections)}</td>"
            f"<td>{duration}</td><td><ul>{figures}</ul></td><td>{links}</td></tr>"
        )
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>ecomlib chapter reports</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>ecomlib chapter reports</h1>"
        f"<p>Run {stamp}. Each report is a single offline HTML file.</p>"
        "<table><thead><tr><th>chapter</th><th>status</th><th>sections</th><th>duration</th>"
        "<th>key figures</th><th>files</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>"
    )
    fonts = cjk_font_css(page)
    return page.replace("</head>", f"<style>{fonts}</style></head>", 1) if fonts else page


def write_index(records: Sequence, out_dir: Path) -> Path:
    """Write ``index.html`` into ``out_dir`` (via a temporary file) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    tmp = out_dir / ".index.partial.html"
    tmp.write_text(render_index(records, out_dir), encoding="utf-8")
    os.replace(tmp, target)
    return target
