"""Stand-ins for columns that real exports lack, each with the one line a report prints.

A chapter that groups by ``category`` or ``channel`` still runs on an export without them:

- no (or a single) category: group by product instead, the ``top`` products by revenue and one
  ``"other"`` group (:func:`category_substitute`);
- no channel: one channel ``"all"`` (:func:`channel_substitute`).

Each function returns a :class:`Substitution`: the frame to use (a copy when anything was
filled in; the input is never modified) and ``note``, the sentence to show with
:func:`ecomlib.reports.substitute_note`, or None when the data had the column.

Examples
--------
>>> import pandas as pd
>>> tx = pd.DataFrame({"product_id": ["a", "b", "c"], "revenue": [5.0, 3.0, 1.0]})
>>> sub = category_substitute(tx, top=2)
>>> sub.frame["category"].tolist()
['a', 'b', 'other']
>>> sub.note
"no category column: grouped by product instead (the top 2 by revenue, the rest as 'other')"
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ecomlib.validation import check_columns, check_frame

__all__ = ["Substitution", "category_substitute", "channel_substitute", "product_labels"]


@dataclass(frozen=True)
class Substitution:
    """A frame with a stand-in column, and the note that says so.

    Attributes
    ----------
    frame : DataFrame
        The data to use.
    column : str
        The column that now holds the groups.
    note : str or None
        One sentence for the report ("no category column: grouped by product ..."); None
        when the data had the column and nothing was substituted.
    pooled : tuple of str
        Catch-all groups the substitute made (``("other",)``): not categories, so nothing that
        compares products within a category (cannibalisation) should be measured inside them.
    """

    frame: pd.DataFrame
    column: str
    note: str | None = None
    pooled: tuple[str, ...] = ()

    @property
    def substituted(self) -> bool:
        """True when a stand-in was used."""
        return self.note is not None


def _distinct(frame: pd.DataFrame, col: str) -> int:
    return int(frame[col].nunique(dropna=True)) if col in frame.columns else 0


def product_labels(tx: pd.DataFrame, *, product_col: str = "product_id",
                   name_col: str = "product_name") -> pd.Series:
    """Each line's product shown by its most frequent name; the id where it has none.

    A name two products share is followed by the id in brackets, so no two products merge.
    (UCI Online Retail: ``"REGENCY CAKESTAND 3 TIER"`` for 22423; taking the first name
    instead would label four bag products ``"mailout"``.)

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"product_id": ["a", "a", "a", "b", "c"],
    ...                    "product_name": ["Mug", "Mug", "mailout", "Mug", None]})
    >>> product_labels(tx).tolist()
    ['Mug (a)', 'Mug (a)', 'Mug (a)', 'Mug (b)', 'c']
    """
    ids = tx[product_col].astype("str")
    names = tx.get(name_col)
    if names is None:
        return ids
    named = names.notna() & (names.astype("str").str.strip() != "")
    if not named.any():
        return ids
    pairs = pd.DataFrame({"id": ids[named], "name": names[named].astype("str").str.strip()})
    best = pairs.value_counts(sort=True).reset_index().drop_duplicates("id")
    shared = best["name"].duplicated(keep=False)
    best["name"] = best["name"].where(~shared, best["name"] + " (" + best["id"] + ")")
    label = ids.map(best.set_index("id")["name"])
    return label.where(label.notna(), ids)


def category_substitute(tx: pd.DataFrame, *, top: int = 10, min_groups: int = 2, category_col: str = "category",
                        product_col: str = "product_id", revenue_col: str = "revenue",
                        name_col: str = "product_name", other: str = "other") -> Substitution:
    """Categories, or products (top ``top`` by revenue plus ``other``) when there are none.

    Parameters
    ----------
    tx : DataFrame
        Order lines with ``product_col`` and ``revenue_col``.
    top : int, default 10
        Products kept by name when grouping by product; the rest form ``other``.
    min_groups : int, default 2
        Fewer distinct categories than this (none, or a single one) count as "no category".
    category_col, product_col, revenue_col : str
        Column names.
    name_col : str, default "product_name"
        Products are labelled by their most frequent name in this column
        (:func:`product_labels`), by their id when the column is absent.
    other : str, default "other"
        Name of the rest group.

    Returns
    -------
    Substitution
        ``frame`` with ``category_col`` filled by the product groups when substituted.
    """
    check_frame(tx, "tx")
    n = _distinct(tx, category_col)
    if n >= min_groups and tx[category_col].notna().all():
        return Substitution(tx, category_col)
    check_columns(tx, [product_col, revenue_col], "tx")
    why = f"no {category_col} column" if n == 0 else (
        f"a single {category_col}" if n < min_groups else f"{category_col} missing on some lines")
    if 0 < n and n >= min_groups:  # some lines lack a category: those lines become "other"
        frame = tx.copy()
        frame[category_col] = frame[category_col].astype("str").where(tx[category_col].notna(), other)
        return Substitution(frame, category_col, f"{why}: those lines are grouped as '{other}'", (other,))
    by_product = tx.groupby(product_col, observed=True, sort=False)[revenue_col].sum()
    keep = by_product.sort_values(ascending=False, kind="stable").index[:top]
    frame = tx.copy()
    labels = product_labels(tx, product_col=product_col, name_col=name_col)
    frame[category_col] = labels.where(tx[product_col].isin(keep), other)
    rest = "" if len(by_product) <= top else f", the rest as '{other}'"
    return Substitution(frame, category_col,
                        f"{why}: grouped by product instead (the top {min(top, len(by_product))} by revenue{rest})",
                        (other,) if rest else ())


def channel_substitute(tx: pd.DataFrame, *, channel_col: str = "channel", name: str = "all") -> Substitution:
    """The channel column, or one channel ``name`` for every line when there is none.

    Examples
    --------
    >>> import pandas as pd
    >>> channel_substitute(pd.DataFrame({"x": [1]})).frame["channel"].tolist()
    ['all']
    """
    check_frame(tx, "tx")
    if channel_col in tx.columns and tx[channel_col].notna().any():
        if tx[channel_col].notna().all():
            return Substitution(tx, channel_col)
        frame = tx.copy()
        frame[channel_col] = frame[channel_col].astype("str").where(tx[channel_col].notna(), "unknown")
        return Substitution(frame, channel_col, f"{channel_col} missing on some lines: those are 'unknown'")
    frame = tx.copy()
    frame[channel_col] = pd.Series(name, index=tx.index, dtype="str")
    return Substitution(frame, channel_col, f"no {channel_col} column: every order counted in one channel '{name}'")
