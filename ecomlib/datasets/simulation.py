"""The contract between the sample-shop simulators and :func:`ecomlib.datasets.make_store`.

The sample shop is built by a chain of small simulators, one module each
(``ecomlib/datasets/sim_<name>.py``). Each module defines::

    NAME = "traffic"                         # unique; also names its random stream
    def simulate(ctx: SimContext) -> SimResult: ...

``make_store`` runs them in a fixed order; every simulator sees the tables and truth of
the ones before it through ``ctx``. Each draws only from ``ctx.rng(NAME)``, its own
independent stream derived from the store's seed, so adding or changing one simulator
never changes another's draws, and the same seed always gives byte-identical tables.

Truth values must be JSON-friendly so they can be bundled beside the sample data:
``int``, ``float``, ``str``, ``bool``, lists and dicts of those, or DataFrames.
Every truth key gets a one-line description in ``SimResult.truth_doc`` (with units).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SimContext", "SimResult"]


@dataclass
class SimContext:
    """What a simulator may read: the settings and everything simulated before it.

    Attributes
    ----------
    seed : int
        The store's seed.
    start, end : pandas.Timestamp
        First and last day of the simulated period (inclusive, daily resolution).
    n_customers : int
        Number of customers the shop acquires over the period.
    tables : dict of str to DataFrame
        Canonical tables produced by earlier simulators (``"transactions"``, ...).
    truth : dict of str to object
        Ground truth produced by earlier simulators.
    """

    seed: int
    start: pd.Timestamp
    end: pd.Timestamp
    n_customers: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    truth: dict[str, Any] = field(default_factory=dict)

    def rng(self, name: str) -> np.random.Generator:
        """Return the independent random stream of simulator ``name`` for this seed."""
        return np.random.default_rng(np.random.SeedSequence([int(self.seed), zlib.crc32(name.encode())]))

    @property
    def days(self) -> pd.DatetimeIndex:
        """Every day of the simulated period, ``datetime64[us]``."""
        return pd.date_range(self.start, self.end, freq="D", unit="us")


@dataclass
class SimResult:
    """What a simulator returns: new canonical tables, their ground truth, and its documentation."""

    tables: dict[str, pd.DataFrame]
    truth: dict[str, Any]
    truth_doc: dict[str, str]
