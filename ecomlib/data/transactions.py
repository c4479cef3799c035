"""``load_transactions``: any shop's order lines as the canonical transactions table.

The loader reads the source (:mod:`ecomlib.data.sources`), maps its columns
(:mod:`ecomlib.data.columns`, presets in :mod:`ecomlib.data.presets`), parses money, counts,
dates and ids (:mod:`ecomlib.data.parsing`) and runs the quality checks below, in this
order. A row is counted by the first dropping check that concerns it, so that
``rows read = rows kept + rows dropped``; money balances the same way.

=============================  ========================================================
check                          action
=============================  ========================================================
repeated header rows           dropped (a header line pasted mid-file)
unparseable dates              dropped; more than 5 % raises DataError with examples
dates outside plausible range  dropped (before 1990-01-01 or more than a year from today,
                               :data:`~ecomlib.data.parsing.EARLIEST_DATE` / ``LATEST_AHEAD``)
dates outside requested range  dropped (``start`` / ``end``, inclusive days)
missing or unparseable qty     dropped (also ``inf``, ``nan``, ``1e400``)
non-integer quantities         dropped
quantities out of range        dropped (more than 1e9 units on a line)
missing or unparseable prices  dropped (also ``inf``, ``nan``, ``1e400``)
prices out of range            dropped (a unit price above 1e9)
negative prices                dropped (bad-debt adjustments and similar)
exact duplicates               dropped (every column of the source row, mapped or not,
                               equal to an earlier line)
non-product lines              dropped (postage, fees ...; presets that define them)
zero prices                    kept (free items and samples; revenue 0)
revenue differs from q x p     kept; revenue recomputed as quantity x unit_price
cancellations                  kept, status = cancelled
returns                        kept, status = returned (negative quantity)
missing customer ids           kept, customer_id missing
=============================  ========================================================

Large files: the mapped text columns of a text file are read as categoricals (pyarrow
dictionary-encodes them while parsing), and every parse, clean-up and check above runs once
per distinct text, the result being spread to the rows through the codes; duplicates are
found from the columns' codes; only the kept rows are decoded into the returned table. The
table and the report are the same as when every row is parsed (``tests/data/test_fast_paths.py``).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ecomlib.data.columns import load_mapping, missing_columns_error, plan_renames
from ecomlib.data.memory import per_column, release_memory
from ecomlib.data.parsing import (
    _parse_date_text,
    _parse_numbers,
    by_value,
    clean_text,
    coded_values,
    codes_of,
    decoded,
    implausible_dates,
    is_blank,
    map_values,
    outside_range,
    parse_dates,
    parse_ids,
    parse_numbers,
    per_row,
    plausible_bounds,
)
from ecomlib.data.presets import Preset, get_preset, guess_preset
from ecomlib.data.quality import CheckLog, QualityReport
from ecomlib.data.schemas import SCHEMAS, STATUSES
from ecomlib.data.sources import RawSource, read_source, resolve_path
from ecomlib.errors import DataError

__all__ = ["load_transactions", "normalise_status", "MAX_BAD_DATE_SHARE", "MAX_QUANTITY", "MAX_UNIT_PRICE",
           "STATUS_WORDS"]

MAX_BAD_DATE_SHARE = 0.05
MAX_QUANTITY = 1e9  # units on one line; beyond this a value is an export error (and overflows int64 later)
MAX_UNIT_PRICE = 1e9  # currency units for one unit; beyond this a value is an export error
SCHEMA = SCHEMAS["transactions"]
#: The check log :func:`_clean` counts with. :mod:`ecomlib.engine.sources` sets one that defers
#: the checks from "exact duplicates" on, to run them across the batches of a large file.
CHECK_LOG: ContextVar[type[CheckLog]] = ContextVar("CHECK_LOG", default=CheckLog)
OUTPUT_COLUMNS = ("order_id", "order_date", "customer_id", "product_id", "product_name", "category",
                  "quantity", "unit_price", "revenue", "channel", "country", "status")
TEXT_COLUMNS = ("order_id", "customer_id", "product_id", "product_name", "category", "channel",
                "country", "promo_id", "device")

# words shops use for each canonical status (lower case)
STATUS_WORDS = {
    "completed": ("completed", "complete", "paid", "delivered", "shipped", "fulfilled", "success",
                  "successful", "done", "closed", "已完成", "完成", "交易成功", "已付款", "已发货", "已簽收", "已签收"),
    "cancelled": ("cancelled", "canceled", "cancel", "void", "voided", "unavailable", "已取消", "取消",
                  "交易关闭", "交易關閉"),
    "returned": ("returned", "return", "refunded", "refund", "已退款", "退款", "退货", "退貨", "已退货"),
}
_STATUS_LOOKUP = {word: status for status, words in STATUS_WORDS.items() for word in words}


def normalise_status(values: pd.Series) -> pd.Series:
    """Map shop status words onto ``completed`` / ``cancelled`` / ``returned``.

    A blank status counts as ``completed`` (a negative quantity later makes it ``returned``).

    Raises
    ------
    DataError
        For words it does not know, listing them and the known ones.
    """
    if values.isin(STATUSES).all():
        return values.astype("str")
    blank = is_blank(values)
    text = values.astype("str").str.strip().str.lower().where(~blank, "completed")
    mapped = text.map(_STATUS_LOOKUP)
    unknown = text[mapped.isna()].unique().tolist()
    if unknown:
        raise DataError(
            f"Column 'status' holds value(s) {unknown[:10]} that are not a known order status. "
            f"Allowed: {list(STATUSES)} or a synonym ({', '.join(sorted(_STATUS_LOOKUP)[:12])}, ...).",
            fix="Map your statuses to completed / cancelled / returned before loading, or leave "
            "the column out (status is then derived: negative quantity = returned).",
        )
    return mapped.astype("str")


#: Rows per piece when exact duplicates are looked for order by order (see :func:`_duplicated`).
DUPLICATE_PIECE_ROWS = 1_000_000


def _duplicated(source: pd.DataFrame, keep: np.ndarray, coded: bool, group: str | None = None) -> np.ndarray:
    """Exact duplicates among the rows of ``source`` where ``keep`` (one bool per row): all but
    the first of each group of such rows equal in every column, as ``source[keep].duplicated()``
    put back in place (False in the other rows).

    Each column becomes one code per row (its categorical codes, or ``pd.factorize``, the
    equality ``DataFrame.duplicated`` uses); a hash of the codes finds the rows that may have a
    twin, and only those are compared exactly, on their codes. When the ``group`` column (the
    order id) comes in blocks, as exports write an order's lines together, its codes never
    decrease, twins lie in the same block, and the rows are searched in pieces of about
    :data:`DUPLICATE_PIECE_ROWS` rows cut between blocks, by sorting (block, hash) pairs
    (:func:`_repeated`): the temporaries stay a piece long and reuse the same memory (on the
    CI machine, fresh memory for 10M-row temporaries cost more than the search itself).
    Otherwise all rows at once, by a hash table. The table is never copied.
    """
    codes = [_codes(column, coded) for _, column in source.items()]
    at = [i for i, name in enumerate(source.columns) if name == group]
    blocks = codes[at[0]] if len(at) == 1 else None
    out = np.zeros(len(source), dtype=bool)
    if blocks is None or len(source) < 2 or not bool(np.all(blocks[1:] >= blocks[:-1])):
        rows = np.flatnonzero(keep)
        out[rows] = _duplicated_among(codes, 0, rows, None)
        return out
    for lo, hi in _pieces(blocks, DUPLICATE_PIECE_ROWS):
        rows = lo + np.flatnonzero(keep[lo:hi])
        out[rows] = _duplicated_among([code[lo:hi] for code in codes], lo, rows, blocks[rows])
    return out


def _pieces(blocks: np.ndarray, size: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive pieces of ``blocks`` of about ``size`` rows (more where one
    block is longer), each cut where the block changes."""
    n = len(blocks)
    if n <= size:
        return [(0, n)]
    starts = np.flatnonzero(blocks[1:] != blocks[:-1]) + 1  # where a new block begins
    if len(starts) == 0:
        return [(0, n)]
    cuts = np.unique(starts[np.minimum(np.searchsorted(starts, np.arange(size, n, size)), len(starts) - 1)])
    bounds = [0, *cuts.tolist(), n]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _duplicated_among(codes: list[np.ndarray], start: int, rows: np.ndarray, blocks: np.ndarray | None) -> np.ndarray:
    """:func:`_duplicated` for the ``rows``, given the ``codes`` of the rows from ``start`` on;
    ``blocks``: the rows' order-block codes (non-decreasing), or None to use a hash table."""
    # key = key * 1000003 + code over the columns, in place (code -1 wraps around: still a key); in
    # blocks only its low 32 bits are used, which 32-bit arithmetic gives (at half the memory traffic)
    key = np.zeros(len(codes[0]), dtype=np.uint32 if blocks is not None else np.uint64)
    for code in codes:
        np.multiply(key, key.dtype.type(1_000_003), out=key)
        np.add(key, code, out=key, dtype=key.dtype, casting="unsafe")
    rows = rows - start if start else rows  # (positions within the codes given)
    key = key[rows]
    if blocks is not None:  # key = (block + 1) << 32 | low 32 bits of the key
        high = blocks.astype(np.uint64)
        high += np.uint64(1)
        high <<= np.uint64(32)
        high |= key
        del key
        candidates = _repeated(high)
    else:
        candidates = pd.Series(key).duplicated(keep=False).to_numpy()
    out = np.zeros(len(rows), dtype=bool)
    if candidates.any():
        picked = rows[candidates]
        exact = pd.DataFrame({i: code[picked] for i, code in enumerate(codes)})
        out[candidates] = exact.duplicated(keep="first").to_numpy()
    return out


def _repeated(values: np.ndarray) -> np.ndarray:
    """Whether each of the uint64 ``values`` occurs more than once, as
    ``pd.Series(values).duplicated(keep=False)``.

    The values are sorted (numpy's vectorised sort) to find the repeated ones, usually few; the
    rows holding them are then picked out through a table of their low 16 bits, and only the
    rows that table lets through are looked up among the repeated values.
    """
    ordered = np.sort(values)
    twins = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    out = np.zeros(len(values), dtype=bool)
    if len(twins) == 0:
        return out
    twins = np.unique(twins)
    low = np.zeros(1 << 16, dtype=bool)
    low[(twins & np.uint64(0xFFFF)).astype(np.intp)] = True
    maybe = np.flatnonzero(low[(values & np.uint64(0xFFFF)).astype(np.intp)])
    out[maybe] = np.isin(values[maybe], twins)
    return out


def _codes(column: pd.Series, coded: bool) -> np.ndarray:
    """One code per row, equal where the values are equal (missing values too), -1 for missing."""
    if _is_coded(column, coded):
        return codes_of(column)
    return pd.factorize(column)[0]


def _is_coded(column: pd.Series, coded: bool) -> bool:
    """Whether ``column`` is a categorical that the reader made (``coded``: the file was read so)."""
    return coded and isinstance(column.dtype, pd.CategoricalDtype)


def _repeated_header(frame: pd.DataFrame, renames: dict[str, str], coded: bool) -> np.ndarray:
    hit = np.zeros(len(frame), dtype=bool)
    for file_col, canonical in renames.items():
        column = frame[canonical]
        typed = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_dtype(column)
        if canonical in ("order_id", "quantity", "order_date") and not typed:
            def is_header(values: pd.Series, name: str = str(file_col)) -> pd.Series:
                return values.astype("str") == name
            hit |= (by_value(column, is_header) if _is_coded(column, coded) else is_header(column)).to_numpy()
    return hit


def _numbers(s: pd.Series, decimal: str | None, column: str, notes: list[str] | None, coded: bool,
             drop: np.ndarray | None = None) -> pd.Series:
    """:func:`parse_numbers` of ``s`` (rows where ``drop`` read as missing), once per distinct value
    of a coded column; the values only."""
    return pd.Series(_number_values(s, decimal, column, notes, coded, drop).rows(), index=s.index, copy=False)


@dataclass(frozen=True)
class _PerValue:
    """A numpy column as one value per distinct text and one code per row (``-1``: missing, read as
    ``fill``); ``codes`` is None when ``values`` holds one value per row."""

    values: np.ndarray
    codes: np.ndarray | None
    fill: Any = np.nan

    def rows(self) -> np.ndarray:
        """One value per row (``fill`` where the code is -1)."""
        return self.mapped(lambda values: values, self.fill)

    def mapped(self, f: Any, fill: Any) -> np.ndarray:
        """One value of ``f(values)`` per row (``f`` elementwise on the values' array; ``fill``
        where the code is -1): ``f`` runs once per distinct value and the rows are built once."""
        return f(self.values) if self.codes is None else per_row(f(self.values), self.codes, fill)

    @cached_property
    def has_missing(self) -> bool:
        """Whether some row has code -1."""
        return self.codes is not None and bool((self.codes < 0).any())

    def test(self, f: Any) -> np.ndarray:
        """``f(rows())`` for an elementwise test ``f``, computed once per distinct value (and for a
        missing one); a test that no row passes costs no pass over the rows."""
        if self.codes is None:
            return np.asarray(f(self.values), dtype=bool)
        hit = np.asarray(f(np.append(self.values, np.array([self.fill], dtype=self.values.dtype))), dtype=bool)
        if hit[:-1].any() or (hit[-1] and self.has_missing):
            return hit[self.codes]
        return np.zeros(len(self.codes), dtype=bool)


def _number_values(s: pd.Series, decimal: str | None, column: str, notes: list[str] | None, coded: bool,
                   drop: np.ndarray | None = None) -> _PerValue:
    """:func:`_numbers` as a :class:`_PerValue` (per distinct value for a coded column)."""
    if not _is_coded(s, coded):
        values = parse_numbers(s.where(~drop) if drop is not None and drop.any() else s, decimal,
                               column=column, notes=notes)[0]
        return _PerValue(values.to_numpy(dtype="float64"), None)
    codes, values, counts = coded_values(s, drop, counts=True)
    parsed, _ = _parse_numbers(values, decimal, column, notes, counts)
    return _PerValue(parsed.to_numpy(dtype="float64"), codes)


def _text(s: pd.Series, clean: Any, coded: bool) -> pd.Series:
    """``clean(s)`` (:func:`parse_ids` or :func:`clean_text`), once per distinct value of a coded column."""
    return map_values(s, clean) if _is_coded(s, coded) else clean(s)


#: Columns read as text and parsed by :func:`parse_numbers` / :func:`parse_dates`, one rule per column.
NUMBER_COLUMNS = ("order_date", "quantity", "unit_price", "unit_cost", "discount", "revenue")


def _read(source: Any, preset: Preset | None, mapping: dict[str, str], encoding: str | None,
          sheet: Any) -> RawSource:
    """The source as read; a text file's mapped columns as categoricals where the preset allows."""
    if preset is not None and preset.read_folder is not None:
        return preset.read_folder(resolve_path(source, folder_ok=True))

    def text_columns(header: list[str]) -> list[str]:
        wanted = set()
        if preset is not None:
            wanted |= set(preset.text_columns)
        renames = plan_renames(header, SCHEMA, mapping, preset.columns if preset else None)
        # dates as text too: pyarrow would turn 01:30+08:00 into 17:30 UTC, losing the local time;
        # numbers as text: the reader would take 1.299 for 1.299 before the column's decimal
        # mark is decided (it may be a thousands dot), and 2.500 would lose its trailing zeros
        wanted |= {k for k, v in renames.items() if v in TEXT_COLUMNS or v in NUMBER_COLUMNS}
        return [c for c in header if c in wanted]

    categories = preset is None or preset.categories
    return read_source(source, encoding=encoding, sheet=sheet, text_columns=text_columns, categories=categories)


def _derive_required(frame: pd.DataFrame, notes: list[str], decimal: str | None, coded: bool) -> pd.DataFrame:
    if "product_id" not in frame and "product_name" in frame:
        frame = frame.assign(product_id=frame["product_name"])
        notes.append("product_id: taken from product_name (no product id column)")
    if "unit_price" not in frame and "revenue" in frame and "quantity" in frame:
        revenue = _numbers(frame["revenue"], decimal, "revenue", None, coded)
        quantity = _numbers(frame["quantity"], decimal, "quantity", None, coded)
        frame = frame.assign(unit_price=(revenue / quantity).where(quantity != 0))
        notes.append("unit_price: revenue / quantity (no unit price column)")
    return frame


def _dates_or_raise(raw: pd.Series, keep: np.ndarray, where: str, dayfirst: bool | None,
                    notes: list[str], coded: bool) -> tuple[pd.Series, np.ndarray, _PerValue]:
    """The order dates, the kept rows whose date is missing, and the dates per distinct text."""
    if _is_coded(raw, coded):  # each distinct text once
        codes, values, _ = coded_values(raw, ~keep)
        parsed, bad_value = _parse_date_text(values, None, dayfirst, "order_date", notes)
        per_date = _PerValue(parsed.to_numpy(), codes, np.datetime64("NaT", "us"))
        unreadable = values[bad_value.to_numpy()]
    else:
        dates, bad = parse_dates(raw.where(keep), dayfirst=dayfirst, column="order_date", notes=notes)
        per_date = _PerValue(dates.to_numpy(), None, np.datetime64("NaT", "us"))
        unreadable = raw[bad]
    dates = pd.Series(per_date.rows(), index=raw.index, copy=False)
    missing = per_date.test(np.isnat) & keep
    share = missing.sum() / max(int(keep.sum()), 1)
    if share > MAX_BAD_DATE_SHARE:
        examples = unreadable.astype("str").unique()[:5].tolist()
        raise DataError(
            f"{where}: {missing.sum():,} of {int(keep.sum()):,} order dates ({share:.1%}) are missing or "
            f"cannot be read as dates (more than {MAX_BAD_DATE_SHARE:.0%}). Examples: {examples}.",
            fix="Check that 'order_date' maps to the right column; dates must look like 2024-06-18, "
            "2024-06-18 10:30, 6/18/2024 10:30, 18.06.2024 or 2024年6月18日 (dayfirst= sets the order "
            "of 01/03/2024).",
        )
    return dates, missing, per_date


def load_transactions(source: Any, *, preset: str | None = None, columns: Any = None,
                      encoding: str | None = None, sheet: Any = None, start: Any = None,
                      end: Any = None, decimal: str | None = None,
                      dayfirst: bool | None = None) -> tuple[pd.DataFrame, QualityReport]:
    """Load order lines from a file or DataFrame as the canonical transactions table.

    Parameters
    ----------
    source : str, path or DataFrame
        CSV/TSV (optionally ``.gz``), a ``.zip`` holding one data file, Parquet, Excel, a
        folder (``preset="olist"``), or a DataFrame (never modified).
    preset : {"online_retail", "shopify", "olist"}, optional
        A known export's column map and quirks (see :mod:`ecomlib.data.presets`).
    columns : dict or path, optional
        ``{"file column": "canonical column"}``, or a YAML/JSON file holding it.
    encoding : str, optional
        Text encoding; detected by default (UTF-8, UTF-8 with BOM, GB18030/GBK).
    sheet : str or int, optional
        Excel sheet name or 0-based position; by default the first sheet with data.
    start, end : date-like, optional
        Keep only orders on or after ``start`` and on or before ``end`` (inclusive days).
    decimal : {".", ","}, optional
        Decimal mark of the number columns (quantity, prices, revenue, cost, discount);
        values that do not fit it are unparseable. By default it is decided per column from
        the whole column (``12,50`` and ``1.299,00`` mean a decimal comma, ``12.50`` and
        ``1,299.00`` a decimal point) and the quality report says which was used; a column
        where it cannot be decided (only values like ``1,299``) raises DataError.
    dayfirst : bool, optional
        Read dates such as ``01/03/2024`` day first (1 March, ``True``) or month first
        (``False``). By default decided from the whole column: a first field above 12 means
        day first, a second one month first; when every field is 12 or less, month first
        (day first for dotted dates such as ``1.3.2024``); the report says which. A stated
        UTC offset is dropped, keeping the wall-clock time at that offset
        (``2024-03-01T01:30+08:00`` is 2024-03-01 01:30).

    Returns
    -------
    transactions : DataFrame
        Columns ``order_id, order_date, customer_id, product_id, product_name, category,
        quantity, unit_price, revenue, channel, country, status`` (unit_price and revenue in
        the file's currency, CNY for Chinese shops), plus ``unit_cost, discount, promo_id,
        device`` when the source has them.
    report : QualityReport
        What was read, found and done (see the module docstring for the checks).

    Raises
    ------
    SchemaError
        Required columns missing (order_id, order_date, product_id, quantity, unit_price).
    DataError
        No rows, more than 5 % unreadable dates, unknown status words, unreadable file, a
        number column of true/false flags, a decimal mark or date order that the column
        cannot decide (see ``decimal`` and ``dayfirst``).
    ParameterError
        Path that does not exist, a folder instead of a file, unknown preset.

    Examples
    --------
    >>> df, report = load_transactions("orders.csv", preset="online_retail")  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    """
    preset_obj = get_preset(preset)
    mapping = load_mapping(columns)
    raw = _read(source, preset_obj, mapping, encoding, sheet)
    notes = list(raw.notes)
    frame = raw.frame
    if preset_obj is not None:
        notes.insert(0, f"preset: {preset_obj.name}")
        if preset_obj.prepare is not None:
            frame, more = preset_obj.prepare(frame)
            notes += more
            release_memory()
    found = [str(c) for c in raw.frame.columns]
    renames = plan_renames(list(frame.columns), SCHEMA, mapping, preset_obj.columns if preset_obj else None)
    source_rows = frame.reset_index(drop=True)
    frame = frame[list(renames)].set_axis(list(renames.values()), axis=1)
    frame = _derive_required(frame, notes, decimal, bool(raw.coded))
    missing = [c for c in SCHEMA.required if c not in frame.columns]
    if missing:
        guess = guess_preset(found) if preset_obj is None else None
        tip = f" These headers look like a {guess!r} export: try preset={guess!r}." if guess else ""
        raise missing_columns_error(missing, SCHEMA.required, found, "transactions", raw.origin, tip, source=raw)
    moved = {k: v for k, v in renames.items() if k != v}
    if moved:
        notes.append("columns: " + ", ".join(f"{k} -> {v}" for k, v in moved.items()))
    ignored = [c for c in found if c not in renames and c not in frame.columns]
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored[:12])}" + (" ..." if len(ignored) > 12 else ""))
    if len(frame) == 0:
        raise DataError(f"{raw.origin} has a header but no data rows.", fix="Export the data again with rows.")
    return _clean(frame.reset_index(drop=True), renames, preset_obj, raw, notes, start, end,
                  decimal=decimal, dayfirst=dayfirst, source_rows=source_rows)


def _kept_rows(canonical: pd.DataFrame, order: list[str], keep: np.ndarray, coded: set[str]) -> pd.DataFrame:
    """``canonical.loc[keep, order]`` with a fresh index; the ``coded`` columns (categoricals)
    are decoded to text for the kept rows only.

    The columns are built side by side (:func:`ecomlib.data.memory.per_column`), each on its
    own, and a column's source is let go as soon as its output is built, so the table is never
    held twice in memory (a large file's peak stays near its final size).
    """
    rows = None if keep.all() else np.flatnonzero(keep)
    sources = [canonical.pop(col) for col in order]

    def build(i: int) -> pd.Series:
        column, sources[i] = sources[i], None  # (the source goes when its output is built)
        if order[i] in coded:
            return decoded(column, rows)
        return column if rows is None else pd.Series(column.array.take(rows), copy=False)

    columns = dict(zip(order, per_column(build, range(len(order))), strict=True))
    release_memory()  # the old columns' buffers, at once
    return pd.DataFrame(columns, copy=False)


def _status(frame: pd.DataFrame, keep: np.ndarray, coded: bool) -> tuple[np.ndarray, list[str]]:
    """Each row's status as a code into the list of canonical status words.

    Rows already dropped count as ``completed`` (their status is not looked at); a coded
    column's words are normalised once per distinct value.
    """
    if "status" not in frame:
        return np.zeros(len(frame), dtype=np.int8), ["completed"]
    raw = frame["status"]
    if _is_coded(raw, coded):
        codes, values, _ = coded_values(raw, ~keep)
        word_codes, words = pd.factorize(normalise_status(values))
        kinds = list(words)
        if "completed" not in kinds:
            kinds.append("completed")
        # missing statuses and dropped rows: completed, as normalise_status reads a blank
        return per_row(_small(word_codes), codes, kinds.index("completed")), kinds
    raw_status = raw if keep.all() else raw.where(keep, "completed")
    word_codes, words = pd.factorize(normalise_status(raw_status))
    return _small(word_codes), list(words)


def _small(codes: np.ndarray) -> np.ndarray:
    """Status codes in one byte each (there are a handful of status words; room is left for the
    two that :func:`_code_of` may add)."""
    return codes.astype(np.int8) if len(codes) == 0 or codes.max() < 120 else codes


def _whole_units(quantity: np.ndarray) -> np.ndarray:
    """Quantities as int64, a missing one as 0 (the rows with one are dropped)."""
    return pd.Series(quantity, copy=False).fillna(0).astype("int64").to_numpy()


def _true_where(hit: pd.Series) -> np.ndarray:
    """A bool Series as an array, missing read as False."""
    return hit.to_numpy() if hit.dtype == bool else hit.fillna(False).to_numpy()


def _code_of(kinds: list[str], word: str) -> int:
    """Position of ``word`` in ``kinds`` (appended when missing)."""
    if word not in kinds:
        kinds.append(word)
    return kinds.index(word)


def _clean(frame: pd.DataFrame, renames: dict[str, str], preset: Preset | None, raw: RawSource,
           notes: list[str], start: Any, end: Any, *, decimal: str | None = None,
           dayfirst: bool | None = None,
           source_rows: pd.DataFrame | None = None) -> tuple[pd.DataFrame, QualityReport]:
    n = len(frame)
    coded = bool(raw.coded)  # text columns read as categoricals: work once per distinct value
    header = _repeated_header(frame, renames, coded)
    number = {c: frame[c] for c in ("quantity", "unit_price", "unit_cost", "discount", "revenue") if c in frame}
    per_quantity = _number_values(number["quantity"], decimal, "quantity", notes, coded, header)
    per_price = _number_values(number["unit_price"], decimal, "unit_price", notes, coded, header)
    quantity, price = per_quantity.rows(), per_price.rows()
    with np.errstate(over="ignore", invalid="ignore"):  # (as pandas: huge q x p is set to 0 below)
        revenue_in = quantity * price  # 0 where a number is missing or out of range
    insane = (per_quantity.test(lambda q: ~(np.abs(q) <= MAX_QUANTITY))
              | per_price.test(lambda p: ~(np.abs(p) <= MAX_UNIT_PRICE)))
    if insane.any():
        revenue_in[insane] = 0.0
    checks = CHECK_LOG.get()(n, revenue_in)
    checks.drop("repeated header rows", header)
    dates, missing_dates, per_date = _dates_or_raise(frame["order_date"], checks.keep, raw.origin, dayfirst, notes, coded)
    checks.drop("unparseable dates", missing_dates)
    lo, hi = plausible_bounds()
    checks.drop("dates outside the plausible range", per_date.test(lambda d: implausible_dates(pd.Series(d), lo, hi)),
                f"dropped (before {lo:%Y-%m-%d} or after {hi:%Y-%m-%d})")
    if start is not None or end is not None:
        checks.drop("dates outside the requested range", per_date.test(lambda d: outside_range(pd.Series(d), start, end)))
    checks.drop("missing or unparseable quantities", per_quantity.test(np.isnan))
    checks.drop("non-integer quantities", per_quantity.test(lambda q: q != np.round(q)))
    checks.drop("quantities out of range", per_quantity.test(lambda q: np.abs(q) > MAX_QUANTITY),
                f"dropped (more than {MAX_QUANTITY:,.0f} units on one line)")
    checks.drop("missing or unparseable prices", per_price.test(np.isnan))
    checks.drop("prices out of range", per_price.test(lambda p: np.abs(p) > MAX_UNIT_PRICE),
                f"dropped (a unit price above {MAX_UNIT_PRICE:,.0f})")
    checks.drop("negative prices", per_price.test(lambda p: p < 0))

    release_memory()
    out = {"order_id": _text(frame["order_id"], parse_ids, coded), "order_date": dates}
    for col in TEXT_COLUMNS[1:]:
        if col in frame:
            out[col] = _text(frame[col], parse_ids if col.endswith("_id") else clean_text, coded)
    out["quantity"] = per_quantity.mapped(_whole_units, 0)
    out["unit_price"] = pd.Series(price, copy=False)
    for col in ("unit_cost", "discount"):
        if col in frame:
            out[col] = _numbers(number[col], decimal, col, notes, coded, header)
    out["revenue"] = revenue_in  # (in the constructor: a column set later would be copied)
    canonical = pd.DataFrame(out, copy=False)
    text_coded = {c for c in out if _is_coded(out[c], coded)}
    del out, dates, price  # canonical holds them now (and _kept_rows frees them column by column)
    status, kinds = _status(frame, checks.keep, coded)
    negative_completed = (canonical["quantity"].to_numpy() < 0) & (status == _code_of(kinds, "completed"))
    if negative_completed.any():
        status = np.where(negative_completed, _code_of(kinds, "returned"), status)

    release_memory()
    group = next((k for k, v in renames.items() if v == "order_id"), None)  # the order id as read
    if source_rows is None or len(source_rows) != n:
        source_rows, group = canonical.assign(status=status), "order_id"
    if getattr(checks, "deferred", False):  # (a batch of a larger file: ecomlib.engine.sources finds them)
        dup = np.zeros(n, dtype=bool)
    else:
        dup = _duplicated(source_rows, checks.keep, coded, group)
    checks.drop("exact duplicates", dup)
    if preset is not None and preset.non_product is not None:
        checks.drop("non-product lines", _true_where(preset.non_product(canonical)),
                    "dropped (postage, fees, adjustments: not product sales)")
    else:
        checks.flag("non-product lines", np.zeros(n, dtype=bool),
                    "not checked: no preset names non-product codes for this source")
    checks.flag("zero prices", (canonical["unit_price"] == 0).to_numpy(), "kept (revenue 0)")
    if "revenue" in frame:  # the file's own line totals, compared with quantity x unit price
        stated = _numbers(number["revenue"], decimal, "revenue", notes, coded, header).to_numpy()
        differs = np.abs(stated - revenue_in) > 0.005 + 1e-9 * np.abs(revenue_in)
        checks.flag("revenue differs from quantity x unit_price", differs & ~np.isnan(stated),
                    "kept; revenue = quantity x unit_price")
    checks.flag("cancellations", status == _code_of(kinds, "cancelled"), "kept, status = cancelled")
    checks.flag("returns", status == _code_of(kinds, "returned"), "kept, status = returned")
    if "customer_id" in canonical:
        customer = canonical["customer_id"]
        no_customer = codes_of(customer) < 0 if _is_coded(customer, True) else customer.isna().to_numpy()
    else:
        no_customer = np.ones(n, dtype=bool)
    checks.flag("missing customer ids", no_customer, "kept, customer_id missing")

    kept = int(checks.keep.sum())
    if kept == 0 and not getattr(checks, "deferred", False):
        raise DataError(
            f"{raw.origin}: none of the {n:,} rows survived cleaning.",
            fix="Look at the quality report counts: " + ", ".join(f"{c.check}: {c.rows}" for c in checks.items if c.rows),
        )
    statuses = pd.CategoricalDtype(pd.Index(kinds, dtype="str"))
    canonical["status"] = pd.Categorical.from_codes(status, dtype=statuses)
    for col in OUTPUT_COLUMNS:
        if col not in canonical:  # (built at the kept length below)
            canonical[col] = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8),
                                                       dtype=pd.CategoricalDtype(pd.Index([], dtype="str")))
    order = list(OUTPUT_COLUMNS) + [c for c in SCHEMA.optional if c in canonical and c not in OUTPUT_COLUMNS]
    del status, source_rows, quantity, dup, number, per_quantity, per_price, per_date  # (table next)
    absent = {c for c in OUTPUT_COLUMNS if isinstance(canonical[c].dtype, pd.CategoricalDtype)
              and c not in text_coded and c != "status"}
    result = _kept_rows(canonical, order, checks.keep, text_coded | absent | {"status"})
    report = QualityReport("transactions", raw.origin, n, len(result), tuple(checks.items), tuple(notes),
                           float(revenue_in.sum()), raw.encoding)
    return result, report
