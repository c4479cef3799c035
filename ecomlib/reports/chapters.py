"""Which notebook each chapter report runs, and the parameters it declares."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ecomlib import resources
from ecomlib.errors import ParameterError
from ecomlib.reports.coverage import cell_tags
from ecomlib.reports.parameters import ParameterSpec, parse_parameters
from ecomlib.validation import closest_names

__all__ = [
    "CHAPTERS",
    "NOTEBOOK_DIR",
    "chapter_notebook",
    "chapter_parameters",
    "check_chapter",
    "notebook_parameters",
    "parameters_cell",
]

#: Chapter name -> notebook file stem, in book order.
CHAPTERS = {
    "basics": "00_basics",
    "market": "01_market_analysis",
    "pricing": "02_pricing",
    "promotion": "03_promotion_roi",
    "traffic": "04_traffic_conversion",
    "retention": "05_retention",
    "risk": "06_risk",
    "product": "07_product",
    "service": "08_service_team",
    "platforms": "09_platforms",
}

#: The chapter notebooks shipped with ecomlib (:func:`ecomlib.resources.notebooks_dir`).
NOTEBOOK_DIR = resources.notebooks_dir()


def check_chapter(chapter: str) -> str:
    """Return ``chapter`` if it is a known chapter name, else raise ParameterError."""
    if chapter not in CHAPTERS:
        close = closest_names(str(chapter), CHAPTERS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ParameterError(
            f"`chapter` must be one of {', '.join(CHAPTERS)} or all, but {chapter!r} was passed.{hint}"
        )
    return chapter


def chapter_notebook(chapter: str, notebook_dir: str | Path | None = None) -> Path:
    """Return the path of ``chapter``'s notebook (which may not exist yet)."""
    folder = Path(notebook_dir) if notebook_dir is not None else NOTEBOOK_DIR
    return folder / f"{CHAPTERS[check_chapter(chapter)]}.ipynb"


def parameters_cell(nb: nbformat.NotebookNode, *, where: str = "the notebook") -> int:
    """Return the index of the first code cell, which must be tagged ``parameters``."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if "parameters" not in cell_tags(cell):
            raise ParameterError(
                f"The first code cell of {where} is not tagged 'parameters'.",
                fix="Tag the cell that declares the parameters with `parameters` "
                "(see docs/parameters.md).",
            )
        return index
    raise ParameterError(f"{where} has no code cell, so no 'parameters' cell.")


def notebook_parameters(path: str | Path) -> dict[str, ParameterSpec]:
    """Read the parameter specs declared in the ``parameters`` cell of a notebook file."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    index = parameters_cell(nb, where=path.name)
    try:
        return parse_parameters(nb.cells[index].source)
    except ParameterError as exc:
        raise ParameterError(f"In {path.name}: {exc.message}", fix=exc.fix) from None


def chapter_parameters(chapter: str, notebook_dir: str | Path | None = None) -> dict[str, ParameterSpec]:
    """Parameters of a chapter's notebook; an empty dict when the notebook does not exist yet."""
    path = chapter_notebook(chapter, notebook_dir)
    return notebook_parameters(path) if path.exists() else {}
