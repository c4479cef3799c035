"""Static checks of notebooks/02_pricing.ipynb (running it is tests/notebooks' job)."""

import re
from pathlib import Path

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.teaching import exercises

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_pricing.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def test_parameters_cell_has_the_issue_parameters(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in tags(first)
    specs = parse_parameters(first.source)
    assert {"data", "preset", "start", "end", "category", "freq", "unit_cost_ratio",
            "min_price_points", "survey"} <= set(specs)
    assert specs["freq"].choices == ("D", "W", "M")


def test_exercises_and_widgets_are_teaching_cells(nb):
    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    assert len(checks) >= 5 and all("teaching" in tags(c) for c in checks)
    widgets = [c for c in nb.cells if "panel(" in c.source]
    assert len(widgets) == 2 and all("teaching" in tags(c) for c in widgets)
    asked = set(re.findall(r"ex\.(q\d+)\.check", "\n".join(c.source for c in checks)))
    assert asked == {q.name for q in exercises.load("pricing")}


def test_seven_steps_cited_and_key_figures_declared(nb):
    text = "\n".join(c.source for c in nb.cells)
    for step in ("市場調研", "成本核算", "差異化定價", "促銷定價", "動態調價", "顧客價值感知", "維護價格體系"):
        assert step in text
    assert "## 3.3 價格策略制定" in text
    declared = nb.metadata["ecomlib"]["key_figures"]
    assert len(declared) >= 3
    for name in declared:
        assert f'reports.record("{name}"' in text
    assert text.count("*On your own data:*") >= 6
