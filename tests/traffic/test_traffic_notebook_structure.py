"""Static checks of notebooks/04_traffic_conversion.ipynb (running it is tests/notebooks' job)."""

import re

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.resources import notebooks_dir
from ecomlib.teaching import exercises

NOTEBOOK = notebooks_dir() / "04_traffic_conversion.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def test_parameters_cell_has_the_issue_parameters(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in tags(first)
    specs = parse_parameters(first.source)
    assert {"data", "preset", "start", "end", "funnel_steps", "experiment", "alpha", "power", "mde",
            "attribution_models", "time_decay_half_life_days"} <= set(specs)


def test_exercises_and_widgets_are_teaching_cells(nb):
    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    assert len(checks) >= 5 and all("teaching" in tags(c) for c in checks)
    widgets = [c for c in nb.cells if "panel(" in c.source]
    assert len(widgets) >= 2 and all("teaching" in tags(c) for c in widgets)
    bank = exercises.load("traffic")
    asked = set(re.findall(r"ex\.(q\d+)\.check", "\n".join(c.source for c in checks)))
    assert asked == {q.name for q in bank}


def test_sections_cite_the_book_and_key_figures_are_declared(nb):
    text = "\n".join(c.source for c in nb.cells)
    for heading in ("## 6.1 流量獲取途徑分析", "## 6.2 轉化率提升策略", "## 6.4 數據驅動營銷決策"):
        assert heading in text
    recorded = set(re.findall(r"reports\.record\(\s*\"(\w+)\"", text))
    declared = set(nb.metadata["ecomlib"]["key_figures"])
    assert len(declared) >= 3 and declared <= recorded
    assert text.count("*On your own data:*") >= 4
