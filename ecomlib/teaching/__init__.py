"""Teaching helpers for the chapter notebooks: exercises and trainer panels.

- :mod:`ecomlib.teaching.exercises` — ``exercises.load(chapter, **data)`` returns the
  chapter's questions with ``check()`` / ``hint()`` / ``solution()`` and ``progress()``;
  ``____`` is the blank a student replaces.
- :mod:`ecomlib.teaching.widgets` — :func:`panel` builds sliders and dropdowns that re-run a
  computation and redraw its plot, with a static PNG fallback for reports.

Cells that use these are tagged ``teaching`` in the notebooks and left out of analyst
reports. See ``docs/writing_a_chapter.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562), so `ecomlib --help` (which registers
# ecomlib.teaching.workspace) does not import pandas. name -> defining module.
_LAZY = {
    "CheckResult": "ecomlib.teaching.exercises",
    "ExerciseSet": "ecomlib.teaching.exercises",
    "Mistake": "ecomlib.teaching.exercises",
    "Question": "ecomlib.teaching.exercises",
    "____": "ecomlib.teaching.exercises",
    "Dropdown": "ecomlib.teaching.widgets",
    "Panel": "ecomlib.teaching.widgets",
    "Slider": "ecomlib.teaching.widgets",
    "panel": "ecomlib.teaching.widgets",
}
_SUBMODULES = ("exercises", "widgets", "workspace")

__all__ = [
    "CheckResult",
    "Dropdown",
    "ExerciseSet",
    "Mistake",
    "Panel",
    "Question",
    "Slider",
    "____",
    "exercises",
    "panel",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"ecomlib.teaching.{name}")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ecomlib.teaching' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
