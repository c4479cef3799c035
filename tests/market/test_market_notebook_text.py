"""Issue 14 §2, §4, §5: the market notebook's text says only what the book and its own numbers say."""

import nbformat
import pytest

from ecomlib.resources import notebooks_dir

NOTEBOOK = notebooks_dir() / "01_market_analysis.ipynb"


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _analyst(cells):
    return [c for c in cells if "teaching" not in c.metadata.get("tags", [])]


def test_headings_are_the_books_section_titles(cells):
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    for title in ("## 3.1 市場分析與定位", "## 4.1 行業市場分析", "## 4.2 競爭分析", "## 4.3 目標客戶研究",
                  "## 4.4 市場趨勢預測與應對"):
        assert title in text
    assert "市場分析與目標客戶研究" in cells[0].source


def test_analyst_text_does_not_refer_to_teaching_cells(cells):
    text = "\n".join(c.source for c in _analyst(cells) if c.cell_type == "markdown").lower()
    assert "trainer" not in text and "simulator" not in text


def test_mase_text_does_not_call_below_one_the_benchmark(cells):
    text = "\n".join(c.source for c in cells)
    assert "(below 1 beats it)" not in text
    assert "check.beats_benchmark(forecast_method)" in text  # the verdict is computed


def test_sample_competitors_are_shops_not_platforms(sample_store):
    names = " ".join(sample_store.competitors["company"].astype(str))
    for platform in ("Tmall", "JD", "天貓", "京東", "拼多多", "抖音", "小紅書"):
        assert platform not in names
