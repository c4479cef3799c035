"""``load_shop``: every canonical table found in a folder (or one transactions file).

A shop folder holds one file per table, named after it: ``transactions.csv`` (or
``.csv.gz``, ``.tsv``, ``.parquet``, ``.xlsx``), ``products.csv``, ``customers.csv``, ...
(see :data:`ecomlib.data.schemas.TABLES`). The tables present are loaded with their
quality reports; the absent ones are listed in :attr:`Shop.missing`, so a chapter can skip
the sections that need them with a visible note.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ecomlib.data.columns import load_mapping
from ecomlib.data.quality import QualityReport
from ecomlib.data.schemas import HELPER_TABLES, TABLES
from ecomlib.data.sources import resolve_path
from ecomlib.data.tables import load_table
from ecomlib.data.transactions import load_transactions
from ecomlib.errors import DataError, EcomlibError

__all__ = ["Shop", "load_shop", "apply_categories", "FILE_SUFFIXES", "find_table_file"]

FILE_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".parquet", ".xlsx", ".zip")


@dataclass(frozen=True)
class Shop:
    """The canonical tables of one shop.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The tables found, by canonical name.
    quality : dict of str to QualityReport
        The quality report of each table found.
    missing : tuple of str
        Canonical tables not found.
    source : str
        The folder or file read.
    files : dict of str to str
        The file each table came from.
    unreadable : dict of str to str
        Optional tables whose file could not be read, with the reason; they are left out
        (and listed in ``missing``) so that the rest of the shop still loads.
    """

    tables: dict[str, pd.DataFrame]
    quality: dict[str, QualityReport]
    missing: tuple[str, ...]
    source: str
    files: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    def __contains__(self, table: object) -> bool:
        return table in self.tables

    def get(self, table: str, default: Any = None) -> pd.DataFrame | Any:
        """The table called ``table``, or ``default`` when the shop does not have it."""
        return self.tables.get(table, default)

    def summary(self) -> pd.DataFrame:
        """One row per canonical table: ``table, rows, columns, rows_dropped, file`` (0 rows if missing)."""
        rows = []
        for name in TABLES:
            if name in self.tables:
                rep = self.quality[name]
                rows.append((name, len(self.tables[name]), self.tables[name].shape[1], rep.rows_dropped,
                             self.files.get(name, "")))
            else:
                rows.append((name, 0, 0, 0, "(missing)"))
        return pd.DataFrame(rows, columns=["table", "rows", "columns", "rows_dropped", "file"])

    def __str__(self) -> str:
        lines = [f"Shop from {self.source}: {len(self.tables)} table(s) loaded, {len(self.missing)} missing"]
        for name, df in self.tables.items():
            rep = self.quality[name]
            dropped = f", {rep.rows_dropped:,} dropped" if rep.rows_dropped else ""
            lines.append(f"  {name:<16} {len(df):>10,} rows{dropped}")
        if self.missing:
            lines.append(f"  missing: {', '.join(self.missing)}")
        for name, why in self.unreadable.items():
            lines.append(f"  could not read {name} (left out): {why}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f"<pre class='ecomlib-shop'>{html.escape(str(self))}</pre>"


def find_table_file(folder: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``folder`` (``<table>.csv``, ``.csv.gz`` ...), or None."""
    for suffix in FILE_SUFFIXES:
        path = folder / f"{table}{suffix}"
        if path.is_file():
            return path
    return None


def load_shop(folder_or_file: Any, *, preset: str | None = None, columns: Any = None, start: Any = None,
              end: Any = None, encoding: str | None = None, sheet: Any = None, decimal: str | None = None,
              dayfirst: bool | None = None) -> Shop:
    """Load every canonical table present in a folder, or one transactions file.

    Parameters
    ----------
    folder_or_file : str or path
        A folder holding ``transactions.csv`` and any other canonical tables, a folder of
        a preset's export (``preset="olist"``), a folder holding a single data file of any
        name (read as transactions), or a single transactions file.
    preset : str, optional
        Preset for the transactions (see :func:`~ecomlib.data.load_transactions`).
    columns : dict or path, optional
        Column map for the transactions, or a dict of table name -> column map.
    start, end : date-like, optional
        Inclusive date range applied to the tables that have a date (transactions, sessions,
        marketing spend, touchpoints, daily KPIs, customers by signup date).
    encoding, sheet, decimal, dayfirst : optional
        Reading options (see :func:`~ecomlib.data.load_transactions`): ``encoding`` applies
        to every file of the folder, ``sheet`` to Excel files, ``decimal`` and ``dayfirst``
        to the transactions.

    Returns
    -------
    Shop
        ``Shop.tables``, ``Shop.quality`` and ``Shop.missing``; prints a short summary.

    Examples
    --------
    >>> shop = load_shop("data/sample")  # doctest: +SKIP
    >>> shop.missing  # doctest: +SKIP
    ()
    """
    path = resolve_path(folder_or_file, "folder_or_file", folder_ok=True)
    read = {"encoding": encoding, "sheet": sheet, "decimal": decimal, "dayfirst": dayfirst}
    mapping = columns if isinstance(columns, dict) and set(columns) <= set(TABLES) and columns else None
    per_table = {t: load_mapping(m, f"columns[{t!r}]") for t, m in (mapping or {}).items()}
    if mapping is None:
        per_table["transactions"] = load_mapping(columns)
    tx_columns = per_table.get("transactions") or None
    if path.is_file() or preset == "olist":
        tx, report = load_transactions(path, preset=preset, columns=tx_columns, start=start, end=end, **read)
        return Shop({"transactions": tx}, {"transactions": report},
                    tuple(t for t in TABLES if t != "transactions" and t not in HELPER_TABLES), str(path), {"transactions": str(path)})
    tables, quality, files, unreadable = {}, {}, {}, {}
    for table in TABLES:
        file = find_table_file(path, table)
        if file is None:
            continue
        if table == "transactions":
            df, rep = load_transactions(file, preset=preset, columns=tx_columns, start=start, end=end, **read)
        else:
            try:
                df, rep = load_table(file, table, columns=per_table.get(table) or None, start=start, end=end,
                                     encoding=encoding, sheet=sheet)
            except EcomlibError as exc:  # an optional table: report it and go on without it
                unreadable[table] = f"{file.name}: {getattr(exc, 'message', exc)}"
                continue
        tables[table], quality[table], files[table] = df, rep, str(file)
    if unreadable and "transactions" not in tables:
        raise DataError(
            f"`folder_or_file` {str(path)!r} has no transactions file, and these could not be read: "
            + "; ".join(unreadable.values()),
            fix="Add transactions.csv (every chapter needs it) and fix or remove the unreadable files.",
        )
    if not tables:
        data_files = [p for p in sorted(path.iterdir()) if p.is_file() and p.name.lower().endswith(FILE_SUFFIXES)]
        if len(data_files) == 1:  # a folder holding one export: read it as the transactions
            tx, report = load_transactions(data_files[0], preset=preset, columns=tx_columns, start=start, end=end,
                                           **read)
            report = replace(report, notes=(f"the only data file in the folder, read as transactions: "
                                            f"{data_files[0].name}",) + report.notes)
            return Shop({"transactions": tx}, {"transactions": report},
                        tuple(t for t in TABLES if t != "transactions" and t not in HELPER_TABLES), str(path),
                        {"transactions": str(data_files[0])})
        names = sorted(p.name for p in path.iterdir())[:20]
        raise DataError(
            f"`folder_or_file` {str(path)!r} holds no canonical table file. Found: {names}.",
            fix="Name the files after their tables (transactions.csv, products.csv, ...), or pass "
            "the transactions file itself, or preset='olist' for an Olist folder.",
        )
    if "transactions" in tables:
        tx, note = apply_categories(tables["transactions"], tables.get("categories"), tables.get("products"))
        if note:
            tables["transactions"] = tx
            quality["transactions"] = replace(quality["transactions"],
                                              notes=quality["transactions"].notes + (note,))
    missing = tuple(t for t in TABLES if t not in tables and t not in HELPER_TABLES)
    return Shop(tables, quality, missing, str(path), files, unreadable)


def apply_categories(tx: pd.DataFrame, categories: pd.DataFrame | None = None,
                     products: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str | None]:
    """Fill the transactions' missing ``category`` from a ``categories`` or ``products`` table.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions; lines whose ``category`` is missing (or all lines, when the
        column is absent) are looked up by ``product_id``.
    categories : DataFrame, optional
        The optional ``categories`` table (``product_id``, ``category``); it wins.
    products : DataFrame, optional
        The ``products`` table; its ``category`` is used for products not in ``categories``.

    Returns
    -------
    (DataFrame, str or None)
        A copy with ``category`` filled, and the note for the quality report (None when
        nothing was filled, and then ``tx`` itself).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"product_id": ["a", "b", "c"]})
    >>> cats = pd.DataFrame({"product_id": ["a", "b"], "category": ["Toys", "Books"]})
    >>> out, note = apply_categories(tx, cats)
    >>> out["category"].tolist(), note
    (['Toys', 'Books', nan], 'category: 2 of 3 lines (2 of 3 products) filled from the categories table; 1 line(s) still without one')
    """
    sources = [(name, t) for name, t in (("categories", categories), ("products", products))
               if t is not None and {"product_id", "category"} <= set(t.columns) and t["category"].notna().any()]
    if not sources:
        return tx, None
    current = tx["category"] if "category" in tx.columns else pd.Series(pd.NA, index=tx.index, dtype="str")
    lookup = pd.concat([t.loc[t["category"].notna(), ["product_id", "category"]] for _, t in sources])
    lookup = lookup.drop_duplicates("product_id", keep="first").set_index("product_id")["category"]
    todo = current.isna()
    found = tx["product_id"].map(lookup).where(todo)
    if not found.notna().any():
        return tx, None
    out = tx.copy()
    out["category"] = current.astype("str").where(~todo, found.astype("str"))
    filled = int(found.notna().sum())
    left = int(out["category"].isna().sum())
    products_filled = int(tx.loc[found.notna(), "product_id"].nunique())
    names = " and ".join(f"the {name} table" for name, _ in sources)
    note = (f"category: {filled:,} of {len(tx):,} lines ({products_filled:,} of {tx['product_id'].nunique():,} "
            f"products) filled from {names}" + (f"; {left:,} line(s) still without one" if left else ""))
    return out, note
