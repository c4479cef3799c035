"""Static checks of notebooks/00_basics.ipynb (running it is tests/notebooks' job)."""

import re

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.resources import notebooks_dir
from ecomlib.teaching import exercises

NOTEBOOK = notebooks_dir() / "00_basics.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def test_first_code_cell_declares_the_common_parameters(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in tags(first)
    specs = parse_parameters(first.source)
    assert {"data", "preset", "start", "end"} <= set(specs)
    assert specs["method"].choices == ("log", "shapley")


def test_exercises_and_widget_are_teaching_cells(nb):
    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    assert len(checks) >= 4
    assert all("teaching" in tags(c) for c in checks)
    widget = [c for c in nb.cells if "panel(" in c.source]
    assert widget and all("teaching" in tags(c) for c in widget)
    # every question the bank defines is asked in the notebook
    bank = exercises.load("basics")
    asked = set(re.findall(r"ex\.(q\d+)\.check", "\n".join(c.source for c in checks)))
    assert asked == {q.name for q in bank}


def test_sections_cite_the_book_and_key_figures_are_recorded(nb):
    text = "\n".join(c.source for c in nb.cells)
    # issue 14 §2: the book's own section titles (shared/BOOK_TOC.md), its five elements of 2.3
    for heading in ("## 2.1 電商運營概念", "## 2.2 電商運營的重要性", "## 2.3 電商運營的基本要素"):
        assert heading in text
    for element in ("產品策略", "市場定位", "用戶運營", "流量獲取", "數據分析與優化"):
        assert f"### {element}" in text
    assert "book's shorthand" not in text and "電子商務運營是什麼" not in text
    assert len(re.findall(r"reports\.record\(", text)) >= 3
    assert text.count("*On your own data:*") >= 5
