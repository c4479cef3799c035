"""Progress on long loads and aggregations: one short line per step, quiet unless asked for.

Where the lines go is one setting, the environment variable :data:`PROGRESS_VARIABLE`
(so that a notebook kernel started by ``ecomlib report`` inherits it):

* unset or empty (the default, and in the tests): nothing is printed;
* ``stderr``: each line goes to this process's standard error;
* any other value: the path of a file each line is appended to (``ecomlib report`` uses one,
  and prints its new lines to the terminal while the notebook runs, as the kernel's own
  standard error goes into the notebook).

What reports progress:

* :func:`ecomlib.engine.sources.open_transactions` (and so ``--data`` in a report): a line
  per batch of order lines cleaned, then the duplicate search and the total;
* every engine aggregation that takes :data:`MIN_SECONDS` or longer
  (:func:`ecomlib.engine.backend.fetch`): which function, on which backend, how long, how
  many result rows.

Examples
--------
>>> import os
>>> os.environ[PROGRESS_VARIABLE] = "stderr"   # doctest: +SKIP
>>> # engine: rfm_summary on duckdb, 3.2 s, 5,000,000 rows
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

__all__ = ["MIN_SECONDS", "PROGRESS_VARIABLE", "enabled", "say", "step"]

#: Environment variable naming where progress lines go (empty: nowhere).
PROGRESS_VARIABLE = "ECOMLIB_PROGRESS"

#: Aggregations quicker than this (seconds) are not reported.
MIN_SECONDS = 1.0


def _target() -> str:
    return os.environ.get(PROGRESS_VARIABLE, "").strip()


def enabled() -> bool:
    """Whether progress lines are printed (the variable is set)."""
    return bool(_target())


def say(text: str) -> None:
    """Print one progress line where :data:`PROGRESS_VARIABLE` says (nothing when unset)."""
    target = _target()
    if not target:
        return
    if target == "stderr":
        print(text, file=sys.stderr, flush=True)
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError:  # a progress line must never stop the work
        pass


@contextlib.contextmanager
def step(label: str, backend: str = "") -> Iterator[dict]:
    """Time a block; say ``engine: <label> on <backend>, <s> s[, <n> rows]`` when it took long.

    The caller may put ``rows`` into the yielded dict.
    """
    if not enabled():
        yield {}
        return
    facts: dict = {}
    start = time.perf_counter()
    yield facts
    seconds = time.perf_counter() - start
    if seconds >= MIN_SECONDS:
        rows = f", {facts['rows']:,} rows" if "rows" in facts else ""
        where = f" on {backend}" if backend else ""
        say(f"engine: {label}{where}, {seconds:.1f} s{rows}")
