"""Teaching helpers for the chapter notebooks: exercises and trainer panels.

- :mod:`ecomlib.teaching.exercises` — ``exercises.load(chapter, **data)`` returns the
  chapter's questions with ``check()`` / ``hint()`` / ``solution()`` and ``progress()``;
  ``____`` is the blank a student replaces.
- :mod:`ecomlib.teaching.widgets` — :func:`panel` builds sliders and dropdowns that re-run a
  computation and redraw its plot, with a static PNG fallback for reports.

Cells that use these are tagged ``teaching`` in the notebooks and left out of analyst
reports. See ``docs/writing_a_chapter.md``.
"""

from ecomlib.teaching import exercises
from ecomlib.teaching.exercises import CheckResult, ExerciseSet, Mistake, Question, ____
from ecomlib.teaching.widgets import Dropdown, Panel, Slider, panel

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
