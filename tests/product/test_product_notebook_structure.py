"""Static checks of notebooks/07_product.ipynb (running it is tests/notebooks' job)."""

import re

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.resources import notebooks_dir
from ecomlib.teaching import exercises

NOTEBOOK = notebooks_dir() / "07_product.ipynb"
ISSUE_PARAMETERS = {"data", "preset", "columns", "start", "end", "level", "growth_span", "min_support",
                    "min_confidence", "launch", "forecast_weeks"}


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def test_parameters_cell_declares_the_issue_parameters(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in tags(first)
    specs = parse_parameters(first.source)
    assert ISSUE_PARAMETERS <= set(specs)
    assert specs["level"].choices == ("category", "product")


def test_no_logic_in_the_notebook_and_no_outputs(nb):
    for c in nb.cells:
        if c.cell_type == "code":
            assert not re.search(r"^\s*(def|class) |lambda", c.source, re.M), c.source[:80]
            assert not c.outputs and c.execution_count is None


def test_exercises_and_widgets_are_teaching_cells(nb):
    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    assert len(checks) >= 5 and all("teaching" in tags(c) for c in checks)
    widgets = [c for c in nb.cells if "panel(" in c.source]
    assert len(widgets) == 2 and all("teaching" in tags(c) for c in widgets)
    bank = exercises.load("product")
    asked = set(re.findall(r"ex\.(q\d+)\.check", "\n".join(c.source for c in checks)))
    assert asked == {q.name for q in bank}


def test_sections_use_the_book_titles_and_record_key_figures(nb):
    text = "\n".join(c.source for c in nb.cells)
    for heading in ("## 3.2 產品策略制定", "## 5.1 產品定位與規劃", "## 5.2 新產品開發策略",
                    "## 5.3 產品推廣策略", "## 5.4 品牌建設與市場推廣"):
        assert heading in text
    declared = nb.metadata["ecomlib"]["key_figures"]
    assert len(declared) >= 3
    for name in declared:
        assert f'reports.record("{name}"' in text
    assert text.count("*On your own data:*") >= 10
    assert "03_promotion_roi" in text  # 5.3 points to the promotion chapter for festivals
    assert text.count("shop.is_sample") >= 4
