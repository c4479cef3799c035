"""Committed notebooks carry no outputs, and chapter notebooks follow the notebook contract."""

import ast
import re

import nbformat
import pytest
from chapter_paths import COMMITTED_NOTEBOOKS, NOTEBOOKS, ROOT

from ecomlib.reports.chapters import CHAPTERS, parameters_cell
from ecomlib.reports.parameters import parse_parameters


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=_ids(COMMITTED_NOTEBOOKS))
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} carry outputs or execution counts; clear them before "
        "committing (Jupyter: Edit > Clear Outputs of All Cells, or `jupyter nbconvert "
        "--clear-output --inplace`)."
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_chapter_notebook_follows_the_contract(path):
    nb = nbformat.read(path, as_version=4)
    assert path.stem in CHAPTERS.values(), f"{path.name} is not a chapter of ecomlib.reports.CHAPTERS"
    specs = parse_parameters(nb.cells[parameters_cell(nb, where=path.name)].source)
    assert {"data", "preset", "start", "end"} <= set(specs), f"{path.name} lacks common parameters"
    declared = nb.metadata.get("ecomlib", {}).get("key_figures")
    assert isinstance(declared, list) and len(declared) >= 3, (
        f"{path.name}: declare the key figures it records in the notebook metadata, "
        '"ecomlib": {"key_figures": [...]} (at least 3; see docs/parameters.md)'
    )
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "sys.path" not in sources


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_chapter_notebook_defines_no_functions(path):
    """All logic lives in ecomlib: no def, class or lambda in any code cell (teaching cells too)."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                found.append(f"cell {i}: {type(node).__name__} at line {node.lineno}")
    assert not found, f"{path.name} defines logic that belongs in ecomlib: {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_exercises_and_widgets_are_teaching_cells(path):
    """CHAPTERS.md: >= 5 exercises (4 for chapter 2) and >= 1 trainer widget, all tagged `teaching`."""
    nb = nbformat.read(path, as_version=4)

    def is_teaching(cell):
        return "teaching" in cell.get("metadata", {}).get("tags", [])

    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    widgets = [c for c in nb.cells if c.cell_type == "code" and re.search(r"(?<![\w.])panel\(", c.source)]
    assert len(checks) >= (4 if path.stem == "00_basics" else 5), f"{path.name}: {len(checks)} exercises"
    assert widgets, f"{path.name} has no trainer widget"
    untagged = [nb.cells.index(c) for c in checks + widgets if not is_teaching(c)]
    assert not untagged, f"{path.name}: exercise/widget cells {untagged} are not tagged 'teaching'"


def _names(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds (assignments, imports, loop targets) and names it reads."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
              if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return bound, read


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_the_report_runs_without_the_teaching_cells(path):
    """Reports leave the `teaching` cells out before running (ecomlib.reports.runner): no analysis
    cell may read a name that only a teaching cell binds, and no teaching cell records a key figure."""
    nb = nbformat.read(path, as_version=4)
    analysis, teaching_only, found = set(), set(), []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        bound, read = _names(cell.source)
        if "teaching" in cell.get("metadata", {}).get("tags", []):
            teaching_only |= bound - analysis
            if re.search(r"reports\.record\(", cell.source):
                found.append(f"cell {i} records a key figure")
        else:
            used = (read & teaching_only) - analysis - bound
            if used:
                found.append(f"cell {i} reads {sorted(used)}, bound only in teaching cells")
            analysis |= bound
    assert not found, f"{path.name}: {found}"
