"""Every chapter report also runs on a folder holding only transactions (CHAPTERS.md, item 4):
sections that need other tables are skipped with their note, nothing crashes."""

import pytest
from chapter_paths import NOTEBOOKS

from ecomlib.reports.chapters import CHAPTERS
from ecomlib.reports.runner import run_report

STEM_TO_CHAPTER = {stem: chapter for chapter, stem in CHAPTERS.items()}

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


@pytest.fixture(scope="module")
def transactions_only(tmp_path_factory, sample_store):
    folder = tmp_path_factory.mktemp("transactions-only")
    sample_store.transactions.to_csv(folder / "transactions.csv", index=False)
    return folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapter_runs_on_transactions_only(path, transactions_only, tmp_path):
    chapter = STEM_TO_CHAPTER.get(path.stem, path.stem)
    rec = run_report(chapter, {"data": str(transactions_only)}, tmp_path, notebook=path)
    assert rec.ok, rec.message() + (f"\nexecuted notebook: {rec.ipynb}" if rec.ipynb else "")
    assert rec.data and rec.data["missing"], "the report should say which tables were missing"
    assert rec.skipped, "sections needing other tables should show a skip note"
