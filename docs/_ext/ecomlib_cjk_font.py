"""Ship the site's Chinese glyphs with it, so CJK text renders on a machine without CJK fonts.

When the HTML build finishes, every CJK character the pages use is cut out of ecomlib's
bundled CJK font (:func:`ecomlib.viz.cjk_font_path`, the one the reports embed, with the same
fontTools subsetting) into ``_static/ecomlib-cjk.otf``, and ``_static/ecomlib-cjk.css`` puts
that font first in the theme's font stacks. The subset holds only CJK glyphs, so Latin text
keeps the system fonts. This runs before the offline check (a lower event priority).
"""

from __future__ import annotations

import logging as pylogging
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

FAMILY = "ecomlib CJK"
FONT_FILE = "ecomlib-cjk.otf"
CSS_FILE = "ecomlib-cjk.css"
# furo's own stacks (furo/assets/styles/variables/_fonts.scss), with the subset first
SANS = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif, '
        '"Apple Color Emoji", "Segoe UI Emoji"')
MONO = '"SFMono-Regular", Menlo, Consolas, Monaco, "Liberation Mono", "Lucida Console", monospace'


def cjk_characters(folder: Path) -> str:
    """Every CJK character (U+2E80 and above) of the site's HTML pages, sorted."""
    chars: set[str] = set()
    for page in folder.rglob("*.html"):
        chars.update(c for c in page.read_text(encoding="utf-8") if ord(c) >= 0x2E80)
    return "".join(sorted(chars))


def write_subset(chars: str, target: Path) -> int:
    """Write the bundled CJK font cut down to ``chars`` to ``target``; return its size in bytes."""
    from fontTools import subset

    from ecomlib.viz import cjk_font_path

    options = subset.Options()
    options.notdef_outline = True
    quiet = pylogging.getLogger("fontTools")  # its INFO lines ("GSUB pruned") are noise here
    level = quiet.level
    quiet.setLevel(pylogging.WARNING)
    try:
        font = subset.load_font(str(cjk_font_path()), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        subset.save_font(font, str(target), options)
    finally:
        quiet.setLevel(level)
    return target.stat().st_size


def font_css() -> str:
    return (
        f'@font-face {{ font-family: "{FAMILY}"; src: url({FONT_FILE}) format("opentype"); }}\n'
        f'body {{ --font-stack: "{FAMILY}", {SANS}; --font-stack--monospace: "{FAMILY}", {MONO}; }}\n'
    )


def _write_font(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    chars = cjk_characters(Path(app.outdir))
    css = font_css() if chars else ""
    if chars:
        size = write_subset(chars, static / FONT_FILE)
        logger.info("CJK font subset: %d characters, %d kB", len(chars), size // 1024)
    (static / CSS_FILE).write_text(css, encoding="utf-8")


def setup(app):
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _write_font, priority=400)  # before the offline check (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
