"""Static checks of notebooks/02_pricing.ipynb (running it is tests/notebooks' job)."""

import re

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.resources import notebooks_dir
from ecomlib.teaching import exercises

NOTEBOOK = notebooks_dir() / "02_pricing.ipynb"


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
    # the seven items of book section 3.3, titled exactly as the book titles them (一 to 七)
    steps = ("市場調研與分析", "成本精確核算", "差異化定價策略", "促銷與活動定價", "動態調整價格", "考慮顧客價值感知",
             "維護與優化價格體系")
    for number, step in enumerate(steps, start=1):
        assert f"### {number}. {step} · " in text, step
    assert "The book's" not in text
    assert "## 3.3 價格策略制定" in text
    declared = nb.metadata["ecomlib"]["key_figures"]
    assert len(declared) >= 3
    assert {"price_index", "discount_depth"} <= set(declared)  # shared with basics and market
    for name in declared:
        assert f'reports.record("{name}"' in text
    assert text.count("*On your own data:*") >= 6


def test_formulas_are_valid_latex(nb):
    import latex2mathml.converter

    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    formulas = re.findall(r"\$\$(.+?)\$\$", text, re.S)
    assert len(formulas) >= 5
    for tex in formulas:
        shown = re.sub(r"<[^>]+>", "", latex2mathml.converter.convert(tex))
        assert "\\" not in shown, tex
    assert r"\," not in text  # shown raw by the exporter


def test_survey_and_profit_optimum_are_reconciled_from_the_numbers(nb):
    text = "\n".join(c.source for c in nb.cells)
    assert "Which price to act on?" in text and "revealed demand" in text and "stated preference" in text
    assert "demand.units(opp)" in text  # the OPP's units come from the fitted curve, not a typed number


def test_each_exercise_follows_the_section_it_practises(nb):
    sources = [c.source for c in nb.cells]

    def first(text):
        return next(i for i, s in enumerate(sources) if text in s)

    # q4 (avg paid price) right after the unit-economics table, q2 after the elasticities, q5 after the survey
    assert first('reports.record("gross_margin_rate"') < first("ex.q4.check") < first("### 3. 差異化定價策略")
    assert first("ex.update(fit=") < first("ex.q2.check") < first("### 4. 促銷與活動定價")
    assert first("### 6. 考慮顧客價值感知") < first("ex.q5.check") < first("### 7. 維護與優化價格體系")
    assert "survey_answers=survey_answers" in sources[first('exercises.load("pricing"')]
