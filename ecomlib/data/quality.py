"""The data-quality report every loader returns beside the cleaned table.

A :class:`QualityReport` has one row per check: what was looked for (``check``), how many
rows it concerned (``rows``), their share of the rows read (``share``) and what the loader
did about them (``action``). Checks whose action drops rows are marked ``drops=True``, so
that the report always balances::

    rows read = rows kept + sum of rows counted by every dropping check

and it also keeps the revenue of the rows each check dropped, so money balances too::

    revenue read = completed + cancelled + returned revenue kept + revenue dropped

It prints as a text table and renders as HTML in a notebook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["QualityCheck", "QualityReport", "CheckLog"]


@dataclass(frozen=True)
class QualityCheck:
    """One line of a :class:`QualityReport`.

    Attributes
    ----------
    check : str
        What was looked for, e.g. ``"exact duplicates"``.
    rows : int
        Rows concerned.
    action : str
        What the loader did (``"dropped"``, ``"kept, status = cancelled"``, ...).
    drops : bool
        Whether these rows were removed from the table.
    revenue : float
        Revenue (CNY) of the rows concerned, where the table has revenue; else 0.
    """

    check: str
    rows: int
    action: str
    drops: bool = False
    revenue: float = 0.0


@dataclass(frozen=True)
class QualityReport:
    """What a loader read, found and did.

    Attributes
    ----------
    table : str
        Canonical table name.
    source : str
        Where the data came from (path, ``DataFrame``, ...).
    rows_read : int
        Data rows in the source.
    rows_kept : int
        Rows in the returned table.
    checks : tuple of QualityCheck
        One entry per check, in the order they ran.
    notes : tuple of str
        Facts about the reading: encoding, sheet, column mapping, preset.
    revenue_read : float
        Sum of quantity x unit price over the rows read (transactions only; CNY).
    """

    table: str
    source: str
    rows_read: int
    rows_kept: int
    checks: tuple[QualityCheck, ...] = ()
    notes: tuple[str, ...] = ()
    revenue_read: float = 0.0
    encoding: str | None = field(default=None)

    def to_frame(self) -> pd.DataFrame:
        """The report as a table with columns ``check, rows, share, action``.

        The first row is ``rows read``, the last ``rows kept``.
        """
        rows = [("rows read", self.rows_read, "read")]
        rows += [(c.check, c.rows, c.action) for c in self.checks]
        rows += [("rows kept", self.rows_kept, "returned")]
        frame = pd.DataFrame(rows, columns=["check", "rows", "action"])
        frame = frame.astype({"rows": "int64"})
        denom = self.rows_read if self.rows_read else 1
        frame.insert(2, "share", frame["rows"] / denom)
        return frame

    def summary(self) -> pd.DataFrame:
        """Same as :meth:`to_frame` (the ecomlib result convention)."""
        return self.to_frame()

    def count(self, check: str) -> int:
        """Rows counted by ``check`` (0 if that check found nothing or did not run)."""
        return sum(c.rows for c in self.checks if c.check == check)

    @property
    def rows_dropped(self) -> int:
        """Rows removed by the dropping checks."""
        return sum(c.rows for c in self.checks if c.drops)

    @property
    def revenue_dropped(self) -> float:
        """Revenue (CNY) of the rows removed by the dropping checks."""
        return float(sum(c.revenue for c in self.checks if c.drops))

    def _lines(self) -> list[tuple[str, str, str, str]]:
        frame = self.to_frame()
        return [
            (str(c), f"{r:,}", f"{s:.1%}", str(a))
            for c, r, s, a in zip(frame["check"], frame["rows"], frame["share"], frame["action"], strict=True)
        ]

    def __str__(self) -> str:
        head = ("check", "rows", "share", "action")
        lines = self._lines()
        widths = [max(len(x[i]) for x in [head, *lines]) for i in range(4)]
        aligns = ("<", ">", ">", "<")
        fmt = "  ".join(f"{{:{a}{w}}}" for a, w in zip(aligns, widths, strict=True))
        out = [f"Quality report: {self.table} from {self.source}"]
        out += [f"  {n}" for n in self.notes]
        out.append(fmt.format(*head).rstrip())
        out += [fmt.format(*x).rstrip() for x in lines]
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in line) + "</tr>" for line in self._lines()
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div class='ecomlib-quality'><strong>Quality report: {html.escape(self.table)} from "
            f"{html.escape(self.source)}</strong>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "<table><thead><tr><th>check</th><th>rows</th><th>share</th><th>action</th></tr></thead>"
            f"<tbody>{cells}</tbody></table></div>"
        )


class CheckLog:
    """Collects :class:`QualityCheck` entries while keeping one mask of the rows still kept.

    ``drop`` removes the rows it is given from ``keep`` (only those not already dropped
    count), ``flag`` only counts them. ``revenue`` is each row's revenue, to sum per check.
    """

    def __init__(self, n: int, revenue: np.ndarray):
        self.keep = np.ones(n, dtype=bool)
        self.revenue = revenue
        self.items: list[QualityCheck] = []

    def drop(self, name: str, hit: Any, action: str = "dropped") -> np.ndarray:
        hit = np.asarray(hit, dtype=bool) & self.keep
        rows, revenue = self._count(hit)
        if rows:
            self.keep &= ~hit
        self.items.append(QualityCheck(name, rows, action, True, revenue))
        return hit

    def flag(self, name: str, hit: Any, action: str) -> None:
        hit = np.asarray(hit, dtype=bool) & self.keep
        rows, revenue = self._count(hit)
        self.items.append(QualityCheck(name, rows, action, False, revenue))

    def _count(self, hit: np.ndarray) -> tuple[int, float]:
        """Rows of ``hit`` and their revenue (a check that finds nothing costs one pass)."""
        rows = int(np.count_nonzero(hit))
        return rows, float(self.revenue[hit].sum()) if rows else 0.0
