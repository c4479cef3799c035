"""Group codes and distinct counts for millions of order lines (numpy, no per-group Python loop).

``pandas.factorize`` turns a column into integer codes once; distinct (group, value) pairs are then
found with one ``bincount`` over ``value_code x n_groups + group_code`` when that table is small
enough (at most :data:`DENSE_LIMIT` cells), else by sorting the pair codes. Missing values get
code -1 and are never counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DENSE_LIMIT", "codes", "distinct_pairs", "distinct_per_group"]

#: Largest (values x groups) table counted densely (cells; 8 bytes each).
DENSE_LIMIT = 64_000_000


def codes(values) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (int64, -1 for missing) and the sorted distinct values."""
    out, uniques = pd.factorize(values, sort=True)
    return out.astype(np.int64, copy=False), pd.Index(uniques)


def distinct_pairs(value_codes: np.ndarray, group_codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (value, group) pairs among rows where both codes are >= 0, as two code arrays."""
    ok = (value_codes >= 0) & (group_codes >= 0)
    key = value_codes[ok] * n_groups + group_codes[ok]
    n_values = int(value_codes.max()) + 1 if len(value_codes) else 0
    if n_values * n_groups <= DENSE_LIMIT:
        present = np.flatnonzero(np.bincount(key, minlength=n_values * n_groups))
    else:
        present = np.unique(key)
    return present // n_groups, present % n_groups


def distinct_per_group(value_codes: np.ndarray, group_codes: np.ndarray, n_groups: int) -> np.ndarray:
    """How many distinct values each group holds (int64, length ``n_groups``)."""
    _, groups = distinct_pairs(value_codes, group_codes, n_groups)
    return np.bincount(groups, minlength=n_groups).astype(np.int64)
