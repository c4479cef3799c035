"""Keep an HTML report offline and inert: sanitise it, then check it.

Two guarantees, checked on every report the runner writes:

- **offline**: :func:`remote_references` lists everything a browser would fetch from outside
  the file: every URL-bearing attribute (``src``, every ``srcset`` candidate, ``href``,
  ``xlink:href``, ``action``, ``formaction``, ``background``, ``poster``, ``data``, ``cite``
  and more), a ``<meta http-equiv=refresh>`` target, and ``url()``, ``image-set()`` and
  ``@import`` in CSS (``style`` attributes and ``<style>`` elements). ``data:`` URLs and
  ``#fragments`` stay inside the file. A plain ``<a href>`` is navigation (a click, not a
  load) and is allowed.
- **inert**: :func:`active_content` lists what could run: scripts, ``on*`` handlers,
  ``javascript:`` values (however obfuscated: ``jav&#x09;ascript:``), frames, objects,
  forms, ``<base>``, ``<meta http-equiv>``, SVG animation elements, CSS expressions.

:func:`sanitize_html` makes both true of a fragment: it runs the maintained allow-list
sanitiser `nh3 <https://nh3.readthedocs.io>`_ (Rust ``ammonia``) with the tags and attributes
a report needs (text, tables, images as ``data:`` URIs, MathML formulas, the report's own
classes and ``<style>`` blocks), then removes remote references and scripts from CSS.
Reports ship no script of their own, so nothing of that kind is ever allowed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

__all__ = ["active_content", "remote_references", "sanitize_html", "script_tags", "MATHML_TAGS"]

#: Attributes whose value a browser may fetch or follow, on any element.
URL_ATTRS = frozenset({
    "href", "src", "srcset", "imagesrcset", "xlink:href", "action", "formaction", "background",
    "poster", "data", "cite", "longdesc", "lowsrc", "dynsrc", "codebase", "archive", "classid",
    "manifest", "ping", "profile", "icon", "usemap", "itemtype", "attributionsrc",
})
_NAVIGATION = {("a", "href"), ("area", "href")}  # followed on a click only
_ACTIVE_TAGS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
    "input", "button", "textarea", "select", "portal", "animate", "set", "animatemotion",
    "animatetransform", "animatecolor", "foreignobject", "handler", "listener",
})
# parsed as raw text by a browser (scripting on): a "</noscript>" inside an attribute ends it
_RAW_TEXT_TAGS = ("noscript", "noembed", "noframes", "xmp", "iframe")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_ACTIVE_SCHEME = re.compile(r"^(javascript|vbscript|livescript|mocha):", re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]*)""", re.IGNORECASE)
_CSS_IMAGE_FN = re.compile(r"(?:-webkit-|-moz-)?(?:image-set|image|cross-fade)\(", re.IGNORECASE)
_CSS_STRING = re.compile(r"""(['"])(.*?)\1""", re.DOTALL)
_CSS_ACTIVE = re.compile(r"expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.IGNORECASE)


def _plain_url(value: str) -> str:
    """The URL as a browser reads it: control characters and whitespace inside it are dropped."""
    return _CONTROL.sub("", value)


def _stays_inside(url: str) -> bool:
    """True for URLs that load nothing from outside the file: empty, ``#fragment``, ``data:``."""
    url = _plain_url(url).lower()
    return url == "" or url.startswith(("#", "data:", "about:blank")) or bool(_ACTIVE_SCHEME.match(url))


def _srcset_urls(value: str) -> list[str]:
    """Every candidate URL of a ``srcset`` (a URL may itself contain commas, as data: URLs do)."""
    urls, pos = [], 0
    while pos < len(value):
        while pos < len(value) and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < len(value) and not value[pos].isspace():
            pos += 1
        url = value[start:pos].rstrip(",")
        if url:
            urls.append(url)
        if not value[start:pos].endswith(","):  # skip the descriptors up to the next comma
            while pos < len(value) and value[pos] != ",":
                pos += 1
    return urls


def _css_text(css: str) -> str:
    """CSS with escapes decoded and comments removed, as the browser's tokenizer sees it."""

    def unescape(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code < 0x110000 else "\ufffd"
        return match.group(2)

    return _CSS_COMMENT.sub(" ", _CSS_ESCAPE.sub(unescape, css))


def _css_image_fn_urls(css: str) -> list[str]:
    """The strings and url()s inside ``image-set(...)``, ``image(...)`` and ``cross-fade(...)``."""
    found = []
    for match in _CSS_IMAGE_FN.finditer(css):
        depth, pos = 1, match.end()
        while pos < len(css) and depth:
            depth += {"(": 1, ")": -1}.get(css[pos], 0)
            pos += 1
        inner = css[match.end():pos - 1]
        found += [s for _, s in _CSS_STRING.findall(inner)] + [u for _, u in _CSS_URL.findall(inner)]
    return found


def css_remote_urls(css: str) -> list[str]:
    """Every URL a piece of CSS would fetch from outside the file (``data:`` URLs excepted)."""
    text = _css_text(css)
    urls = [u for _, u in _CSS_URL.findall(text)] + [u for _, u in _CSS_IMPORT.findall(text)]
    urls += _css_image_fn_urls(text)
    return [u for u in urls if not _stays_inside(u)]


def _meta_refresh_url(content: str) -> str:
    match = re.search(r"url\s*=\s*['\"]?([^'\";]*)", content, re.IGNORECASE)
    return match.group(1) if match else ""


class _Collector(HTMLParser):
    """Walk a page once, collecting remote references, active content and script counts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.active: list[str] = []
        self.scripts = 0
        self._in_style = False

    def _url_attr(self, tag: str, name: str, value: str) -> None:
        urls = _srcset_urls(value) if name in ("srcset", "imagesrcset") else [value]
        if (tag, name) not in _NAVIGATION:
            self.remote += [f"<{tag} {name}={u!r}>" for u in urls if not _stays_inside(u)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag in _ACTIVE_TAGS:
            self.active.append(f"<{tag}>")
        self._in_style = tag == "style"
        if tag in _RAW_TEXT_TAGS:
            self.set_cdata_mode(tag)
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and "http-equiv" in attributes:
            self.active.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
            url = _meta_refresh_url(attributes.get("content", ""))
            if not _stays_inside(url):
                self.remote.append(f"<meta http-equiv content={url!r}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.active.append(f"<{tag} {name}=...>")
            if _ACTIVE_SCHEME.match(_plain_url(value)):
                self.active.append(f"<{tag} {name}={value[:40]!r}>")
            if name in URL_ATTRS:
                self._url_attr(tag, name, value)
            if name == "style":
                self.remote += [f"<{tag} style> {url}" for url in css_remote_urls(value)]
                if _CSS_ACTIVE.search(_css_text(value)):
                    self.active.append(f"<{tag} style={value[:40]!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.remote += [f"<style> {url}" for url in css_remote_urls(data)]
            if _CSS_ACTIVE.search(_css_text(data)):
                self.active.append("<style> expression/javascript/binding")


def _collect(html_text: str) -> _Collector:
    collector = _Collector()
    collector.feed(html_text)
    collector.close()
    return collector


def remote_references(html_text: str) -> list[str]:
    """Return a description of every remote resource ``html_text`` would load (empty when offline)."""
    return _collect(html_text).remote


def active_content(html_text: str) -> list[str]:
    """Return a description of everything in ``html_text`` that could run or submit (empty when inert)."""
    return _collect(html_text).active


def script_tags(html_text: str) -> int:
    """Return the number of ``<script>`` elements in ``html_text``."""
    return _collect(html_text).scripts


# -- the sanitiser -------------------------------------------------------------------------

#: Presentation MathML, as latex2mathml writes it (formulas of the markdown cells).
MATHML_TAGS = frozenset({
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror", "mmultiscripts", "mprescripts",
    "none", "semantics",
})
#: MathML attributes: layout only, none of them holds a URL.
MATHML_ATTRS = frozenset({
    "display", "xmlns", "mathvariant", "mathsize", "mathcolor", "mathbackground", "stretchy",
    "fence", "separator", "form", "accent", "accentunder", "largeop", "movablelimits",
    "symmetric", "minsize", "maxsize", "lspace", "rspace", "width", "height", "depth",
    "voffset", "linethickness", "columnalign", "rowalign", "columnspacing", "rowspacing",
    "columnlines", "rowlines", "frame", "notation", "displaystyle", "scriptlevel", "linebreak",
    "columnspan", "rowspan",
})
_HTML_TAGS = frozenset({
    "main", "section", "article", "header", "footer", "div", "span", "p", "br", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins",
    "mark", "small", "sub", "sup", "code", "pre", "kbd", "samp", "var", "blockquote", "q",
    "abbr", "ul", "ol", "li", "dl", "dt", "dd", "details", "summary", "figure", "figcaption",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "img", "a", "style",
})
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style", "tabindex", "data-mime-type"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href"},
    "table": {"border"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "td": {"colspan", "rowspan", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "style": {"type", "scoped"},
    **{tag: set(MATHML_ATTRS) for tag in MATHML_TAGS},
}
_RASTER_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_CSS_DANGEROUS_FN = re.compile(
    r"""(?:-webkit-|-moz-)?(?:url|image-set|image|cross-fade|element|expression)\s*\(""", re.IGNORECASE
)


def _is_data(url: str) -> bool:
    return _plain_url(url).lower().startswith("data:")


def _safe_css(css: str) -> str:
    """CSS with every fetch, import, expression and binding removed.

    Escapes and comments are decoded first, so ``u\\72l(`` cannot hide a ``url(``. ``url()``
    values are kept only for ``data:`` URLs (the embedded CJK font); a declaration using any
    other url/image function becomes ``none``.
    """
    text = _css_text(css)
    text = re.sub(r"@import\b[^;]*;?", "", text, flags=re.IGNORECASE)
    text = _CSS_URL.sub(lambda m: m.group(0) if _is_data(m.group(2)) else "none", text)
    out, pos = [], 0
    for match in _CSS_DANGEROUS_FN.finditer(text):
        if match.start() < pos or match.group(0).lower().startswith("url"):
            continue  # inside a removed call already, or a data: url() kept above
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        out += [text[pos:match.start()], "none"]
        pos = end
    text = "".join(out) + text[pos:]
    return re.sub(r"javascript:|behavior\s*:|-moz-binding\s*:", "invalid:", text, flags=re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Per-attribute rules on top of nh3's allow-list; ``None`` drops the attribute."""
    if attribute == "style":
        return _safe_css(value)
    if tag == "img" and attribute == "src":
        return value if _RASTER_DATA.match(_plain_url(value)) else None
    if tag == "a" and attribute == "href":
        return value if _LINK.match(_plain_url(value)) else None
    return value


def sanitize_html(fragment: str) -> str:
    """Return ``fragment`` with everything but the report's own vocabulary removed.

    An allow-list sanitiser (nh3): text, headings, lists, tables, ``<img>`` with a raster
    ``data:`` image, MathML, ``<a href>`` to http(s)/mailto/#, classes, ids and ``<style>``
    blocks are kept; scripts, frames, forms, SVG, ``<meta>``, ``<base>``, ``on*`` handlers,
    ``srcset``, ``background=`` and every unknown tag or attribute are removed (a removed
    element's text stays as text; scripts and their content go entirely). CSS in ``style``
    attributes and ``<style>`` blocks keeps no remote ``url()``, ``image-set()`` or
    ``@import``. Data text is escaped long before this; this is the backstop.

    Parameters
    ----------
    fragment : str
        HTML of the page body (not a whole document: ``<html>``/``<head>`` are not kept).

    Returns
    -------
    str
        The sanitised HTML.
    """
    clean = nh3.clean(
        fragment,
        tags=set(_HTML_TAGS | MATHML_TAGS),
        clean_content_tags={"script", "noscript", "template", "iframe", "object", "embed",
                            "svg", "textarea", "select", "title", "xmp", "noembed", "noframes"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel=None,
        strip_comments=True,
    )
    return _STYLE_BLOCK.sub(lambda m: m.group(1) + _safe_css(m.group(2)) + m.group(3), clean)
