"""Section coverage: which sections of a report ran, ran on a substitute, or were skipped.

A chapter report must succeed on any transactions table the loader accepts, however thin.
Each section therefore ends in one of three ways, and the report opens with a table of them:

- **ran**: the section ran on the data it asks for;
- **substitute**: it ran on a stand-in, said in one line by :func:`substitute_note`
  ("no category column: grouped by product, the top 10 and 'other'");
- **skipped**: its table, column or data depth is missing, said by
  :func:`~ecomlib.reports.skip_note` or by :func:`attempt` when a computation raises one of
  ecomlib's data errors (too few points, a flat likelihood, zeros under a log).

A *section* is a markdown heading (levels 2-4) of the notebook followed by at least one code
cell that is not tagged ``teaching``; the notes printed by the cells under a heading belong to
that section. The data-opening section and teaching cells are not counted.

In a notebook::

    from ecomlib import reports
    tree = reports.attempt(kpi_tree, tx, sessions)      # None, with a skip note, on a data error
    if tree is not None:
        bp.plot_kpi_tree(tree);
    reports.substitute_note("no category column: the sections group by product")
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from ecomlib.errors import DataError, SchemaError
from ecomlib.reports.key_figures import MIME_SKIP_NOTE, publish

__all__ = ["MIME_SUBSTITUTE", "attempt", "attempt_part", "substitute_note", "section_coverage",
           "COVERAGE_STATUSES", "coverage_counts"]

#: MIME type of a "ran on a substitute" note.
MIME_SUBSTITUTE = "application/vnd.ecomlib.substitute-note+json"
#: The states of a section, best first.
COVERAGE_STATUSES = ("ran", "substitute", "skipped")
#: Errors that mean "the data cannot support this computation" (never ecomlib bugs).
DATA_ERRORS: tuple[type[Exception], ...] = (DataError, SchemaError)

_HEADING = re.compile(r"^\s{0,3}(#{2,4})\s+(.+?)\s*#*\s*$", re.MULTILINE)


def substitute_note(text: str, *, section: str = "") -> None:
    """Say in one visible line that a section runs on a substitute, and on which.

    Parameters
    ----------
    text : str
        What is missing and what is used instead, e.g. ``"no category column: grouped by
        product (the top 10 and 'other')"``.
    section : str, optional
        The section heading; by default the runner takes the heading above the cell.
    """
    publish(
        {
            "text/plain": f"Substitute: {text}",
            "text/html": (
                '<div class="ecomlib-substitute-note" style="border-left:4px solid #4a90d9;'
                'background:#eef5fc;padding:0.5em 1em;margin:0.5em 0">'
                f"<strong>Substitute.</strong> {html.escape(text)}</div>"
            ),
            MIME_SUBSTITUTE: {"section": section, "text": text},
        }
    ) or print(f"Substitute: {text}")


def _attempt(func: Callable[..., Any], args: tuple, kwargs: dict, part: bool) -> Any:
    from ecomlib.reports.shop_data import skip_note

    try:
        return func(*args, **kwargs)
    except DATA_ERRORS as exc:
        message = getattr(exc, "message", None) or str(exc)
        name = getattr(func, "__name__", None) or getattr(getattr(func, "func", None), "__name__", "it")
        skip_note("", (), reason=f"{name} cannot be computed on these data: {message.rstrip('.')}",
                  part=part)
        return None


def attempt(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``func(*args, **kwargs)``; on a data error show a skip note and return None.

    The note names the function and the error's plain-language cause, and marks the whole
    section as skipped in the coverage table. Only ecomlib's data errors
    (:class:`~ecomlib.errors.DataError`, including ``NotIdentifiableError``, and
    :class:`~ecomlib.errors.SchemaError`) are caught: anything else is a bug and is raised.

    Examples
    --------
    >>> from ecomlib.errors import DataError
    >>> from ecomlib import reports
    >>> def fit(n):
    ...     if n < 2:
    ...         raise DataError("needs at least 2 points")
    ...     return n
    >>> reports.attempt(fit, 1) is None     # prints the skip note outside a notebook
    Note: This section could not run. Skipped because fit cannot be computed on these data: needs at least 2 points.
    True
    >>> reports.attempt(fit, 3)
    3
    """
    return _attempt(func, args, kwargs, part=False)


def attempt_part(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Like :func:`attempt`, but a failure skips only this part: the section still counts as run."""
    return _attempt(func, args, kwargs, part=True)


_NUMBER = re.compile(r"^(\d+(?:\.\d+)*\.?)\s")


def _headings(source: str) -> list[tuple[int, str]]:
    return [(len(hashes), title.strip()) for hashes, title in _HEADING.findall(source)]


def cell_tags(cell: Any) -> list[str]:
    """A notebook cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []) or [])


def section_coverage(nb: Any) -> list[dict[str, Any]]:
    """The coverage rows of an executed notebook: ``section``, ``status``, ``why``.

    ``status`` is ``"skipped"`` when a whole-section skip note was shown under the heading,
    ``"substitute"`` when a substitute note was, else ``"ran"``; ``"not run"`` for the
    sections after a failed cell. ``why`` joins the notes' texts (also of skipped parts).
    """
    rows: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    number = ""  # the book number of the enclosing level-2 heading, e.g. "2.3"
    failed = False
    for cell in nb.cells:
        if "teaching" in cell_tags(cell):
            continue
        if cell.cell_type == "markdown":
            for level, title in _headings(cell.source):
                found = _NUMBER.match(title)
                if level == 2:
                    number = found.group(1) if found else ""
                elif number and not found:
                    title = f"{number} {title}"  # "商品 · Product" under 2.3 -> "2.3 商品 · Product"
                current = {"section": title, "status": None, "notes": [], "code": False}
                rows.append(current)
            continue
        if cell.cell_type != "code" or current is None:
            continue
        if "open_data(" in cell.source or "parameters" in cell_tags(cell) or "injected-parameters" in cell_tags(cell):
            current["data_section"] = True
        current["code"] = True
        if failed:
            current["status"] = current["status"] or "not run"
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failed = True
                current["status"] = "failed"
            data = output.get("data", {})
            if MIME_SKIP_NOTE in data:
                note = data[MIME_SKIP_NOTE]
                whole = note.get("scope", "section") == "section"
                current["notes"].append(("skipped" if whole else "part", note.get("reason") or note.get("text", "")))
            if MIME_SUBSTITUTE in data:
                current["notes"].append(("substitute", data[MIME_SUBSTITUTE].get("text", "")))
    out = []
    for row in rows:
        if not row["code"] or row.get("data_section"):
            continue
        kinds = {kind for kind, _ in row["notes"]}
        status = row["status"] or next((s for s in ("skipped", "substitute") if s in kinds), "ran")
        why = "; ".join(dict.fromkeys(
            (f"part skipped: {text}" if kind == "part" else text) for kind, text in row["notes"] if text))
        out.append({"section": row["section"], "status": status, "why": why})
    return out


def coverage_counts(coverage: list[dict[str, Any]]) -> dict[str, int]:
    """How many sections ran, ran on a substitute, were skipped (and ``total``)."""
    counts = {status: 0 for status in COVERAGE_STATUSES}
    for row in coverage:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    counts["total"] = len(coverage)
    return counts
