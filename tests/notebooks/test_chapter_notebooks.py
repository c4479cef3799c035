"""Every chapter notebook runs through the report runner on the sample shop."""

import html
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


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("chapter-reports")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapter_runs_on_the_sample_shop(path, out_dir):
    chapter = STEM_TO_CHAPTER.get(path.stem, path.stem)
    rec = run_report(chapter, None, out_dir, notebook=path, python_warnings="default")
    assert rec.ok, rec.message() + (f"\nexecuted notebook: {rec.ipynb}" if rec.ipynb else "")

    declared = nbformat.read(path, as_version=4).metadata.get("ecomlib", {}).get("key_figures", [])
    recorded = {f["name"] for f in rec.key_figures}
    assert set(declared) <= recorded, f"declared but not recorded: {sorted(set(declared) - recorded)}"

    ours = [w for w in rec.warnings if ECOMLIB_SOURCE.search(w) and str(ROOT) in w]
    assert not ours, "warnings raised from ecomlib code:\n" + "\n".join(ours)

    page = (out_dir / f"{chapter}.html").read_text(encoding="utf-8")
    assert remote_references(page) == []
    assert "celltag_teaching" not in page
    assert "<h2>Parameters</h2>" in page and "<h2>Data</h2>" in page
    assert "bundled sample shop" in html.unescape(page)
