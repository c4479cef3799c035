"""Static checks of the chapter notebooks built to the full contract (running them is
test_chapter_notebooks' job): the issue's parameters, no logic and no outputs in the notebook,
exercises and trainer panels in `teaching` cells, the book's section titles, declared key figures
recorded, "On your own data" notes and truth shown beside estimates on the sample shop.

One table of what each chapter's issue asks for; one set of tests for all of them.
"""

import re
from dataclasses import dataclass

import nbformat
import pytest

from ecomlib.reports.parameters import parse_parameters
from ecomlib.resources import notebooks_dir
from ecomlib.teaching import exercises


@dataclass(frozen=True)
class Chapter:
    name: str  # report name and exercise bank
    notebook: str
    parameters: frozenset[str]  # the issue's parameters
    headings: tuple[str, ...]  # the book's section titles (../shared/BOOK_TOC.md)
    own_data_notes: int  # at least this many "*On your own data:*" notes
    truth_cells: int  # at least this many `shop.is_sample` branches (truth beside estimates)
    also: tuple[str, ...] = ()  # other text the issue asks for


COMMON = frozenset({"data", "preset", "columns", "start", "end"})
CHAPTERS = [
    Chapter("service", "08_service_team.ipynb",
            COMMON | {"sla_minutes", "target_service_level", "interval_minutes", "handle_minutes", "shrinkage",
                      "bonus_threshold", "bonus_rate"},
            ("## 3.5 客戶服務策略制定", "## 8.1 團隊建設與招聘策略", "## 8.2 團隊職責劃分與管理模式",
             "## 8.3 培訓與激勵機制", "## 8.4 團隊文化與凝聚力打造"), 8, 5),
    Chapter("product", "07_product.ipynb",
            COMMON | {"level", "growth_span", "min_support", "min_confidence", "launch", "forecast_weeks"},
            ("## 3.2 產品策略制定", "## 5.1 產品定位與規劃", "## 5.2 新產品開發策略", "## 5.3 產品推廣策略",
             "## 5.4 品牌建設與市場推廣"), 10, 4,
            also=("03_promotion_roi",)),  # 5.3 points to the promotion chapter for festivals
    Chapter("platforms", "09_platforms.ipynb",
            COMMON | {"fee_schedule", "tax_rules", "target_margin", "fx_volatility", "scorecard_weights"},
            ("## 7.1 電商平臺選擇與合作模式", "## 7.2 渠道拓展策略", "## 7.3 合作伙伴關系管理",
             "## 7.4 跨境電商運營策略"), 5, 3),  # truth beside the P&L, the incrementality and the partners
]
BY_NAME = {c.name: c for c in CHAPTERS}


@pytest.fixture(scope="module", params=[c.name for c in CHAPTERS])
def chapter(request):
    spec = BY_NAME[request.param]
    return spec, nbformat.read(notebooks_dir() / spec.notebook, as_version=4)


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def test_parameters_cell_declares_the_issue_parameters(chapter):
    spec, nb = chapter
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in tags(first)
    assert spec.parameters <= set(parse_parameters(first.source))


def test_parameter_specs_where_the_issue_fixes_them():
    specs = {c.name: parse_parameters(next(x for x in nbformat.read(notebooks_dir() / c.notebook, as_version=4).cells
                                           if x.cell_type == "code").source) for c in CHAPTERS}
    assert specs["service"]["interval_minutes"].choices == (15, 30, 60)
    assert specs["product"]["level"].choices == ("category", "product")
    assert specs["platforms"]["fee_schedule"].is_path and specs["platforms"]["tax_rules"].is_path


def test_no_logic_in_the_notebook_and_no_outputs(chapter):
    _, nb = chapter
    for c in nb.cells:
        if c.cell_type == "code":
            assert not re.search(r"^\s*(def|class) |lambda", c.source, re.M), c.source[:80]
            assert not c.outputs and c.execution_count is None


def test_exercises_and_widgets_are_teaching_cells(chapter):
    spec, nb = chapter
    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    assert len(checks) >= 5 and all("teaching" in tags(c) for c in checks)
    widgets = [c for c in nb.cells if "panel(" in c.source]
    assert len(widgets) == 2 and all("teaching" in tags(c) for c in widgets)
    asked = set(re.findall(r"ex\.(q\d+)\.check", "\n".join(c.source for c in checks)))
    assert asked == {q.name for q in exercises.load(spec.name)}


def test_sections_use_the_book_titles_and_record_key_figures(chapter):
    spec, nb = chapter
    text = "\n".join(c.source for c in nb.cells)
    for heading in spec.headings:
        assert heading in text
    declared = nb.metadata["ecomlib"]["key_figures"]
    assert len(declared) >= 3
    for name in declared:
        assert f'reports.record("{name}"' in text
    assert text.count("*On your own data:*") >= spec.own_data_notes
    assert text.count("shop.is_sample") >= spec.truth_cells
    for needed in spec.also:
        assert needed in text
