"""Regenerate ``ecomlib/fonts/NotoSansCJKsc-Regular-subset.otf`` (run from the repository root).

The character set, in full:

* all 6,763 hanzi of GB 2312 (rows 16-87: simplified Chinese);
* the 5,401 "frequently used" hanzi of Big5 (0xA440-0xC67E: traditional Chinese);
* CJK symbols and punctuation (U+3000-303F), hiragana and katakana (U+3040-30FF, for the
  Japanese exports the data readers are tested on), half- and full-width forms (U+FF00-FFEF);
* Latin: ASCII, Latin-1 and Latin Extended-A/B (U+0020-024F), general punctuation (U+2000-206F);
* the characters listed in ``tools/font_extra_chars.txt`` (hanzi the project's notebooks, sample
  shop or messages use outside the sets above; a test lists any that are missing).

Source: Noto Sans CJK SC Regular, version 1.004 (SIL Open Font License 1.1), the file
``NotoSansCJKsc-Regular.otf`` with the sha256 below (as shipped by the ``mplfonts`` 0.0.11 wheel
and by Google's noto-cjk releases). The output is byte-identical for the same input::

    python tools/make_font_subset.py PATH/TO/NotoSansCJKsc-Regular.otf
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ROOT / "tools" / "font_extra_chars.txt"
OUT = ROOT / "ecomlib" / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
SOURCE_SHA256 = "1652500938055a232cfbfa321de6ebaadfc5635dd9f75e369bc991d14a6512dd"
RANGES = [(0x0020, 0x024F), (0x2000, 0x206F), (0x3000, 0x30FF), (0xFF00, 0xFFEF)]


def _double_byte(codec: str, leads: range, trails: list[int], stop: bytes | None = None) -> set[str]:
    found = set()
    for lead in leads:
        for trail in trails:
            raw = bytes([lead, trail])
            if stop is not None and raw > stop:
                continue
            try:
                found.add(raw.decode(codec))
            except UnicodeDecodeError:
                pass
    return found


def character_set() -> str:
    """The sorted characters the subset keeps (see the module docstring)."""
    gb2312 = _double_byte("gb2312", range(0xB0, 0xF8), list(range(0xA1, 0xFF)))
    big5 = _double_byte("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)],
                        stop=b"\xc6\x7e")
    chars = gb2312 | big5
    for low, high in RANGES:
        chars.update(chr(c) for c in range(low, high + 1))
    for line in EXTRA.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            chars.update(c for c in line if not c.isspace())
    return "".join(sorted(chars))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJKsc-Regular.otf (version 1.004)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    digest = hashlib.sha256(args.source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"{args.source} has sha256 {digest}, not the expected {SOURCE_SHA256}", file=sys.stderr)
        return 1

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]      # keep vertical forms, locl etc. for the kept glyphs
    options.name_IDs = ["*"]             # keep the copyright and licence records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]      # the signature no longer matches a modified font
    font = TTFont(args.source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    chars = character_set()
    subsetter.populate(text=chars)
    subsetter.subset(font)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    font.save(args.out, reorderTables=True)
    kept = len(set(font.getBestCmap()))
    print(f"{args.out}: {args.out.stat().st_size:,} bytes, {kept:,} code points "
          f"({len(chars):,} requested; the rest are not in the source font)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
