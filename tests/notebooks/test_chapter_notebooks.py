"""Every chapter notebook runs through the report runner on the sample shop, teaching cells included
(as a student runs it; the reports themselves leave them out)."""

import html
import json
import math
import re

import nbformat
import pytest
from chapter_paths import NOTEBOOKS, ROOT

from ecomlib.reports.chapters import CHAPTERS
from ecomlib.reports.offline import remote_references
from ecomlib.reports.runner import run_report

STEM_TO_CHAPTER = {stem: chapter for chapter, stem in CHAPTERS.items()}
ECOMLIB_SOURCE = re.compile(r"[/\\]ecomlib[/\\](?!reports[/\\]fixtures)[^:]*\.py:\d+: \w*Warning")

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

#: A LaTeX command a reader would see as text; formulas must be MathML (issue 14 §5)
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
NOT_PROSE = re.compile(r"<(code|pre|style)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)

#: Key figures that more than one chapter reports: one definition, one value (issue 14).
SHARED_FIGURES = ("clv_mean", "price_index", "discount_depth", "conversion_rate")


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory, worker_id):
    """A folder every xdist worker of this session sees (the workers' common base)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if worker_id != "master" else base) / "shared-key-figures"
    folder.mkdir(exist_ok=True)
    return folder


def _check_shared_figures(chapter, key_figures, shared_dir):
    """Write this chapter's shared figures; compare them with chapters that ran before.

    Whichever chapter of a pair runs later in the session makes the comparison, so with all
    chapters run every pair is compared once.
    """
    mine = {f["name"]: f["value"] for f in key_figures if f["name"] in SHARED_FIGURES}
    (shared_dir / f"{chapter}.json").write_text(json.dumps(mine))
    for other in shared_dir.glob("*.json"):
        if other.stem == chapter:
            continue
        theirs = json.loads(other.read_text())
        for name in set(mine) & set(theirs):
            a, b = mine[name], theirs[name]
            same = (a == b) if not all(isinstance(v, int | float) for v in (a, b)) else (
                math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))
            assert same, f"key figure {name!r} is {a} in {chapter} but {b} in {other.stem}"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("chapter-reports")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapter_runs_on_the_sample_shop(path, out_dir, shared_dir):
    chapter = STEM_TO_CHAPTER.get(path.stem, path.stem)
    rec = run_report(chapter, None, out_dir, notebook=path, python_warnings="default", teaching=True)
    assert rec.ok, rec.message() + (f"\nexecuted notebook: {rec.ipynb}" if rec.ipynb else "")

    declared = nbformat.read(path, as_version=4).metadata.get("ecomlib", {}).get("key_figures", [])
    recorded = {f["name"] for f in rec.key_figures}
    assert set(declared) <= recorded, f"declared but not recorded: {sorted(set(declared) - recorded)}"
    _check_shared_figures(chapter, rec.key_figures, shared_dir)

    ours = [w for w in rec.warnings if ECOMLIB_SOURCE.search(w) and str(ROOT) in w]
    assert not ours, "warnings raised from ecomlib code:\n" + "\n".join(ours)

    page = (out_dir / f"{chapter}.html").read_text(encoding="utf-8")
    assert remote_references(page) == []
    tex = TEX_COMMAND.findall(NOT_PROSE.sub("", page.split("<body", 1)[1]))
    assert not tex, f"raw LaTeX in the report text: {tex[:5]}"
    assert "celltag_teaching" not in page
    assert "<h2>Parameters</h2>" in page and "<h2>Data</h2>" in page
    assert "bundled sample shop" in html.unescape(page)


def test_shared_key_figures_are_recorded_by_at_least_two_chapters():
    """The cross-chapter comparison above only bites if each shared figure is in two chapters."""
    recorded = {}
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        for name in re.findall(r"reports\.record\(\s*[\"'](\w+)[\"']", code):
            recorded.setdefault(name, set()).add(path.stem)
    thin = {name: sorted(recorded.get(name, ())) for name in SHARED_FIGURES if len(recorded.get(name, ())) < 2}
    assert not thin, f"shared key figures recorded by fewer than two chapters: {thin}"
