"""Static checks of notebooks/09_platforms.ipynb (running it is tests/notebooks' job)."""

import re

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.resources import notebooks_dir
from ecomlib.teaching import exercises

NOTEBOOK = notebooks_dir() / "09_platforms.ipynb"
ISSUE_PARAMETERS = {"data", "preset", "columns", "start", "end", "fee_schedule", "tax_rules", "target_margin",
                    "fx_volatility", "scorecard_weights"}


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
    assert specs["fee_schedule"].is_path and specs["tax_rules"].is_path


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
    bank = exercises.load("platforms")
    asked = set(re.findall(r"ex\.(q\d+)\.check", "\n".join(c.source for c in checks)))
    assert asked == {q.name for q in bank}


def test_sections_use_the_book_titles_and_record_key_figures(nb):
    text = "\n".join(c.source for c in nb.cells)
    for heading in ("## 7.1 電商平臺選擇與合作模式", "## 7.2 渠道拓展策略", "## 7.3 合作伙伴關系管理",
                    "## 7.4 跨境電商運營策略"):
        assert heading in text
    declared = nb.metadata["ecomlib"]["key_figures"]
    assert len(declared) >= 3
    for name in declared:
        assert f'reports.record("{name}"' in text
    assert text.count("*On your own data:*") >= 5
    assert text.count("shop.is_sample") >= 3  # truth beside the P&L, the incrementality and the partners
