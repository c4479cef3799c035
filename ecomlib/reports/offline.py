"""Check that an HTML report works offline: nothing loaded from the network.

:func:`remote_references` lists every resource a browser would fetch from elsewhere:
``script``/``img``/``iframe``/``source``/``embed``/``video``/``audio`` sources,
``link`` hrefs, ``object`` data, and ``url(...)``/``@import`` in CSS. Plain ``<a href>``
links are navigation, not loading, and are allowed.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from html.parser import HTMLParser

__all__ = ["neutralize_active_content", "remote_references", "script_tags"]

_REMOTE = re.compile(r"^\s*(https?:|ftp:|//)", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:|ftp:)?//[^'")\s]+)""", re.IGNORECASE)
_LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "link": ("href",),
    "object": ("data",),
    "input": ("src",),
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.scripts = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        self._in_style = tag == "style"
        for name, value in attrs:
            if not value:
                continue
            if name in _LOADING_ATTRS.get(tag, ()) and _REMOTE.match(value):
                self.remote.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.remote.extend(f"<{tag} style> {url}" for url in _CSS_URL.findall(value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.remote.extend(f"<style> {url}" for url in _CSS_URL.findall(data))


def _collect(html_text: str) -> _Collector:
    collector = _Collector()
    collector.feed(html_text)
    collector.close()
    return collector


def remote_references(html_text: str) -> list[str]:
    """Return a description of every remote resource ``html_text`` would load (empty when offline)."""
    return _collect(html_text).remote


def script_tags(html_text: str) -> int:
    """Return the number of ``<script>`` elements in ``html_text``."""
    return _collect(html_text).scripts


_ACTIVE = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base"}


class _Neutralizer(HTMLParser):
    """Re-serialise HTML, turning active content into visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self._active_depth = 0

    @staticmethod
    def _attrs(attrs: list[tuple[str, str | None]]) -> str:
        out = []
        for name, value in attrs:
            if name.lower().startswith("on"):
                continue
            if value is None:
                out.append(f" {name}")
                continue
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"} and re.match(
                r"^\s*(javascript|vbscript):", value, re.IGNORECASE
            ):
                continue
            out.append(f' {name}="{html_escape(value)}"')
        return "".join(out)

    def handle_starttag(self, tag, attrs):
        if tag in _ACTIVE:
            self.parts.append(html_escape(self.get_starttag_text() or f"<{tag}>"))
            self._active_depth += tag == "script"
            return
        self.parts.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if tag in _ACTIVE:
            self.parts.append(html_escape(self.get_starttag_text() or f"<{tag}/>"))
            return
        self.parts.append(f"<{tag}{self._attrs(attrs)} />")

    def handle_endtag(self, tag):
        if tag in _ACTIVE:
            self.parts.append(html_escape(f"</{tag}>"))
            self._active_depth = max(0, self._active_depth - (tag == "script"))
            return
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(html_escape(data, quote=False) if self._active_depth else data)

    def handle_entityref(self, name):
        self.parts.append(f"&{name};")

    def handle_charref(self, name):
        self.parts.append(f"&#{name};")

    def handle_comment(self, data):
        self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.parts.append(f"<!{decl}>")

    def unknown_decl(self, data):  # pragma: no cover - CDATA sections are not produced
        self.parts.append(f"<![{data}]>")


def neutralize_active_content(html_text: str) -> str:
    """Return ``html_text`` with scripts and similar elements shown as text, not run.

    ``<script>``, ``<iframe>``, ``<object>``, ``<embed>`` (and a few more) become visible
    escaped text; ``on*=`` event attributes and ``javascript:`` links are dropped. Text,
    tables, styles and embedded images are left as they are. Reports carry no scripts of
    their own, so whatever script appears came from data and must not run.
    """
    parser = _Neutralizer()
    parser.feed(html_text)
    parser.close()
    return "".join(parser.parts)
