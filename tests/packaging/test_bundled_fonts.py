"""The bundled CJK font: an OFL-licensed Noto Sans CJK SC subset, covering what the project writes."""

import gzip
import importlib.util
import re
import tomllib
import warnings
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from ecomlib import resources
from ecomlib.reports.html_export import cjk_font_css

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.fixture(scope="module")
def cmap():
    with TTFont(resources.font_path(), lazy=True) as font:
        return font.getBestCmap()


def _subset_tool():
    spec = importlib.util.spec_from_file_location("make_font_subset", ROOT / "tools" / "make_font_subset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_font_is_the_ofl_noto_subset_with_its_licence_beside_it():
    with TTFont(resources.font_path(), lazy=True) as font:
        names = {r.nameID: r.toUnicode() for r in font["name"].names if r.platformID == 3}
    assert names[1].startswith("Noto Sans CJK SC")
    assert "SIL Open Font License, Version 1.1" in names[13]
    licence = (resources.font_path().parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence and "Adobe" in licence
    size = resources.font_path().stat().st_size
    assert 1_000_000 < size < 8_000_000, f"{size:,} bytes: a subset of a few MB, not the 16 MB font"


def test_font_holds_exactly_the_documented_character_set(cmap):
    wanted = _subset_tool().character_set()
    assert {chr(c) for c in cmap} <= set(wanted)
    hanzi = [c for c in wanted if "\u4e00" <= c <= "\u9fff"]
    assert len(hanzi) > 8_800
    assert [c for c in hanzi if ord(c) not in cmap] == []


def _project_text():
    for pattern in ("ecomlib/**/*.py", "ecomlib/**/*.yaml", "README.md", "docs/*.md"):
        for path in ROOT.glob(pattern):
            yield path.read_text(encoding="utf-8")
    for path in resources.notebooks_dir().glob("*.ipynb"):
        yield path.read_text(encoding="utf-8")
    for path in resources.sample_dir().iterdir():
        if path.name.endswith(".csv"):
            yield path.read_text(encoding="utf-8")
        elif path.name.endswith(".csv.gz"):
            yield gzip.decompress(path.read_bytes()).decode("utf-8")


def test_every_cjk_character_the_project_writes_is_in_the_font(cmap):
    used = set().union(*(CJK.findall(text) for text in _project_text()))
    missing = "".join(sorted(c for c in used if ord(c) not in cmap and c not in "\u3040\u3097\u3098"))
    assert missing == "", (f"add {missing!r} to tools/font_extra_chars.txt and run "
                           "tools/make_font_subset.py")


def test_a_character_outside_the_subset_warns_and_the_rest_is_still_embedded(cmap):
    rare = next(chr(c) for c in range(0x4E00, 0x9FFF) if c not in cmap)
    with pytest.warns(UserWarning, match=re.escape(rare)):
        css = cjk_font_css(f"<p>電商 {rare}</p>")
    assert "base64," in css
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "base64," in cjk_font_css("<p>電商運營</p>")


def test_mplfonts_and_its_proprietary_simhei_are_gone():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    assert not [d for d in declared if d.lower().startswith("mplfonts")]
    assert not list(resources.package_dir().rglob("*.ttf"))
