"""Check a built site with the reports' offline check, and fail the build if it loads anything remote.

The reports' check (:mod:`ecomlib.reports.offline`) is for one self-contained file, where
every non-``data:`` URL is remote. A site is many files that refer to each other, so here a
reference counts as local only when it is relative and names a file inside the site; every
other one (``https://``, ``//host``, ``file:``, a path outside the site or to no file) is a
problem. Checked:

- every ``.html`` page: :func:`~ecomlib.reports.offline.remote_references`, plus the text of
  inline scripts (no absolute URL in them);
- every page's active content (:func:`~ecomlib.reports.offline.active_content`): only the
  site's own scripts, the search form and the theme's buttons are allowed, never frames,
  objects, event-handler attributes, ``javascript:`` URLs or ``<meta http-equiv>``;
- every ``.css`` file: :func:`~ecomlib.reports.offline.css_remote_urls`;
- every ``.js`` file: no absolute URL outside comments (XML namespace names are identifiers,
  not loads).

As a Sphinx extension it runs when the HTML build finishes and raises on any problem, so
``make docs`` cannot write a site that needs the network.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.errors import SphinxError
from sphinx.util import logging

from ecomlib.reports.offline import active_content, css_remote_urls, remote_references

logger = logging.getLogger(__name__)

#: What a page of the site may contain that :func:`active_content` lists: the theme's and
#: Sphinx's own scripts (local files, checked below), the search form and its box, buttons.
ALLOWED_ACTIVE = frozenset({"<script>", "<form>", "<input>", "<button>"})
_ATTR_REF = re.compile(r"^<(\S+) (.+?)=('.*'|\".*\")>$", re.DOTALL)
_CSS_REF = re.compile(r"^<[^>]*style> (.*)$", re.DOTALL)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_ABSOLUTE_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'`)]*")
_NAMESPACE = re.compile(r"^https?://www\.w3\.org/")
_JS_COMMENT_LINE = re.compile(r"^\s*(//|/\*|\*)")


@dataclass(frozen=True)
class SiteCheck:
    """What :func:`check_site` looked at and what it found."""

    pages: int
    stylesheets: int
    scripts: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _url_of(description: str) -> str:
    """The URL inside one of :func:`remote_references`' descriptions."""
    match = _ATTR_REF.match(description)
    if match:
        return ast.literal_eval(match.group(3))
    match = _CSS_REF.match(description)
    return match.group(1).strip() if match else description


def _local_file(url: str, base: Path, root: Path) -> bool:
    """True when ``url`` is relative and names an existing file inside ``root``."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or url.strip().startswith(("/", "\\")):
        return False
    if not parts.path:
        return True  # "?query" or "#fragment" of the page itself
    target = (base / unquote(parts.path)).resolve()
    return target.is_relative_to(root) and target.is_file()


def _absolute_urls(text: str) -> list[str]:
    return [u for u in _ABSOLUTE_URL.findall(text) if not _NAMESPACE.match(u)]


def page_problems(path: Path, root: Path) -> list[str]:
    """Remote references and disallowed active content of one HTML page of the site."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    found = [f"{name}: loads {ref}" for ref in remote_references(text)
             if not _local_file(_url_of(ref), path.parent, root)]
    found += [f"{name}: active content {item}" for item in active_content(text)
              if item not in ALLOWED_ACTIVE]
    for script in _INLINE_SCRIPT.findall(text):
        found += [f"{name}: inline script names {url}" for url in _absolute_urls(script)]
    return found


def stylesheet_problems(path: Path, root: Path) -> list[str]:
    name = path.relative_to(root).as_posix()
    return [f"{name}: loads {url}" for url in css_remote_urls(path.read_text(encoding="utf-8"))
            if not _local_file(url, path.parent, root)]


def script_problems(path: Path, root: Path) -> list[str]:
    name = path.relative_to(root).as_posix()
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not _JS_COMMENT_LINE.match(line):
            found += [f"{name}:{number}: names {url}" for url in _absolute_urls(line)]
    return found


def check_site(folder: str | Path) -> SiteCheck:
    """Check every page, stylesheet and script of the built site in ``folder``."""
    root = Path(folder).resolve()
    pages = sorted(root.rglob("*.html"))
    sheets = sorted(root.rglob("*.css"))
    scripts = sorted(root.rglob("*.js"))
    problems = [p for path in pages for p in page_problems(path, root)]
    problems += [p for path in sheets for p in stylesheet_problems(path, root)]
    problems += [p for path in scripts for p in script_problems(path, root)]
    return SiteCheck(len(pages), len(sheets), len(scripts), tuple(problems))


def _check_build(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    result = check_site(app.outdir)
    if not result.ok:
        shown = "\n  ".join(result.problems[:20])
        raise SphinxError(f"the site is not offline ({len(result.problems)} problems):\n  {shown}")
    logger.info("offline check: %d pages, %d stylesheets, %d scripts; nothing remote",
                result.pages, result.stylesheets, result.scripts)


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _drop_widget_state(app, pagename, templatename, context, doctree) -> None:
    """Leave out the saved widget state myst-nb embeds in a page.

    The state is read only by the ipywidgets manager script, which the site never loads
    (``nb_ipywidgets_js = {}``); the trainer panels show their static PNG instead.
    """
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [js for js in scripts
                                   if getattr(js, "attributes", {}).get("type") != WIDGET_STATE]


def setup(app):
    app.connect("html-page-context", _drop_widget_state, priority=900)  # after myst-nb adds it
    app.connect("build-finished", _check_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
