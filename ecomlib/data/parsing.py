"""Vectorised parsers for the text a shop export holds: money, counts, dates, ids, flags.

Each parser takes a Series and returns ``(values, bad)``: the parsed Series and a boolean
mask of the entries that held something but could not be parsed (missing entries are not
``bad``; callers count them separately). Nothing loops over rows in Python, and the
regular expressions avoid ``\\s`` (which sends pandas from pyarrow's engine to Python's ``re``).

Numbers
    Currency symbols and codes (``¥1,299.00``, ``￥``, ``RMB 12.5``, ``12.5元``, ``€``, ``$``,
    ``R$``), full-width digits (``１２９９``) and accounting negatives (``(12.50)``) are accepted.
    The decimal mark is decided **per column from the whole column**: a value that fits only
    the decimal point (``12.50``, ``1,299.00``) or only the decimal comma (``12,50``,
    ``1.299,00``, ``1 299,00``) votes; values such as ``1,299`` fit both (1.299 or 1299) and
    do not. A column with votes for one mark is read with it; a column with votes for both,
    or with only ambiguous values, raises :class:`~ecomlib.errors.DataError` naming the
    ``decimal`` option. Invalid groupings (``1,2,3``), ``inf``, ``nan`` and values that
    overflow (``1e400``) are unparseable.
Dates
    ISO 8601 first, then day/month/year forms (``/``, ``.`` or ``-`` between the fields),
    then the year-first forms of :data:`DATE_FORMATS`. Whether ``01/03/2024`` is 1 March
    (day first) or 3 January (month first) is decided **per column**: a first field above 12
    means day first, a second field above 12 means month first, both is an error naming
    ``dayfirst``. A column where every field is 12 or less is read month first (the UCI
    Online Retail and US convention) unless all its d/m/y dates are written with dots
    (``1.3.2024``, day first wherever dots are used). One rule applies to every value.
    A stated UTC offset (``+08:00``, ``Z``) is dropped, keeping the local wall-clock time
    of that offset (``2024-03-01T01:30:00+08:00`` is 2024-03-01 01:30); a time-zone aware
    column keeps the wall-clock time of its zone. :func:`implausible_dates` marks dates
    before :data:`EARLIEST_DATE` or more than :data:`LATEST_AHEAD` after today.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from ecomlib.data.memory import arrow_pool
from ecomlib.errors import DataError, ParameterError

__all__ = ["DATE_FORMATS", "EARLIEST_DATE", "LATEST_AHEAD", "outside_range", "implausible_dates", "plausible_bounds",
           "clean_text", "parse_numbers", "parse_dates", "parse_ids", "parse_bools", "is_blank"]

# tried after ISO 8601 and the day/month/year forms; the year comes first, so no order is ambiguous
DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y%m%d",
)
EARLIEST_DATE = "1990-01-01"  # dates before it are export errors (placeholders, typos of the year)
LATEST_AHEAD = pd.DateOffset(years=1)  # dates more than this after today are export errors too

_CURRENCY = r"(?i)RMB|CNY|USD|EUR|GBP|HKD|TWD|JPY|BRL|CHF|NT\$|HK\$|US\$|R\$|元|[¥$€£₩₹]"
# a number with the decimal point / the decimal comma; groups of three split by , . space ' or _
_NUMBER = {
    ".": r"[+-]?(?:\d+|[1-9]\d{0,2}(?:[, '_]\d{3})+)?(?:\.\d+)?(?:[eE][+-]?\d+)?",
    ",": r"[+-]?(?:\d+|[1-9]\d{0,2}(?:[. '_]\d{3})+)?(?:,\d+)?(?:[eE][+-]?\d+)?",
}
_GROUPS = {".": r"[, '_]", ",": r"[. '_]"}
_NAMES = {".": "decimal point (1,299.00 = 1299.00)", ",": "decimal comma (1.299,00 = 1299.00)"}
_TZ_SUFFIX = r"(\d:\d\d(?::\d\d(?:\.\d+)?)?)[ \t]*(?:[+-]\d\d:?\d\d|Z|UTC|GMT)$"
_TZ_FOUND = r"\d:\d\d(?::\d\d(?:\.\d+)?)?[ \t]*(?:[+-]\d\d:?\d\d|Z|UTC|GMT)$"  # the same, no group
_DMY = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"
_DAY_ABOVE_12 = r"(?:1[3-9]|2\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-]\d{4}.*"
_MONTH_ABOVE_12 = r"(?:0?[1-9]|1[0-2])[/.\-](?:1[3-9]|2\d|3[01])[/.\-]\d{4}.*"


def is_blank(s: pd.Series) -> pd.Series:
    """True where ``s`` is missing or, for text, empty after stripping spaces."""
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        return s.isna() | s.astype("str").str.strip().eq("")
    return s.isna()


#: Characters that do not show but break equality: a byte-order mark in mid-file (two exports
#: pasted together), zero-width spaces and joiners, the word joiner.
_INVISIBLE = "[\ufeff\u200b\u200c\u200d\u2060]"


def _drop_invisible(text: pd.Series) -> pd.Series:
    """``text`` without invisible characters (a new array only when there are some)."""
    if text.str.contains(_INVISIBLE, regex=True, na=False).any():
        return text.str.replace(_INVISIBLE, "", regex=True)
    return text


def _as_text(s: pd.Series) -> pd.Series:
    """Text with full-width characters folded to ASCII (NFKC), invisible characters and outer
    spaces removed."""
    text = s.astype("str").str.strip()
    if text.str.contains(r"[^\x00-\x7f]", regex=True, na=False).any():
        text = _drop_invisible(text).str.normalize("NFKC").str.strip()
    return text


def _is_flags(s: pd.Series, blank: pd.Series) -> bool:
    """True for a bool column, or text that holds only true / false."""
    if pd.api.types.is_bool_dtype(s):
        return True
    if pd.api.types.is_numeric_dtype(s) or blank.all():
        return False
    return bool(s[~blank].astype("str").str.strip().str.lower().isin(("true", "false")).all())


def _decimal_mark(text: pd.Series, fits: dict[str, pd.Series], column: str,
                  notes: list[str] | None, counts: np.ndarray | None = None) -> str:
    """The decimal mark the column's values agree on; DataError if they do not, or cannot.

    ``counts`` (rows per value, when ``text`` holds a column's distinct values) weighs the votes.
    """
    only = {m: fits[m] & ~fits[o] for m, o in ((".", ","), (",", "."))}
    votes = {m: _count(only[m], counts) for m in only}
    if votes["."] and votes[","]:
        examples = [text[only[m]].iloc[0] for m in (".", ",")]
        problem = (f"mixes decimal points and decimal commas ({examples[0]!r} and {examples[1]!r}), "
                   "so no one reading is right for every value")
    elif votes["."] or votes[","]:
        mark = "." if votes["."] else ","
        if notes is not None:
            notes.append(f"{column}: {_NAMES[mark]}, decided from {votes[mark]:,} values")
        return mark
    else:
        examples = text[fits["."] & text.str.contains(r"[.,]", regex=True)].unique()[:3].tolist()
        if not examples:  # whole numbers only: nothing to decide
            return "."
        problem = (f"holds numbers such as {examples} that read differently with a decimal point "
                   "(1,299 = 1299) and a decimal comma (1,299 = 1.299), and no value decides")
    raise DataError(
        f"Column {column!r} {problem}.",
        fix='Say which mark the file uses: decimal="," (or decimal=".") in load_transactions / '
        "load_table, --decimal , (or --decimal .) on the command line, -p decimal=, for a report.",
    )


# Plain numbers (12, -3, 2.55): no currency, grouping, spaces or exponent. Such a column can
# only vote for the decimal point: a value fits the decimal comma too only when it is a whole
# number or one dot before three digits (1.299 = 1299 with a thousands dot), _GROUPED_DOT.
_PLAIN = r"^[+-]?\d+(?:\.\d+)?$"
_GROUPED_DOT = r"^[+-]?[1-9]\d{0,2}\.\d{3}$"


def _count(hit: Any, counts: np.ndarray | None) -> int:
    """Rows where ``hit`` (one entry per value) is true: each value weighs ``counts`` rows, or one."""
    hit = np.asarray(hit, dtype=bool)
    return int(hit.sum()) if counts is None else int(counts[hit].sum())


def _arrow_text(s: pd.Series) -> Any:
    """The pyarrow array behind a pyarrow-backed text Series (no copy), else None."""
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return s.array.__arrow_array__()
    return None


def _plain_numbers(s: pd.Series, decimal: str | None, column: str,
                   notes: list[str] | None, counts: np.ndarray | None = None) -> tuple[pd.Series, pd.Series] | None:
    """:func:`parse_numbers` for a text column of plain numbers only, with pyarrow's kernels.

    Returns ``None`` (use the general path) unless every present value is a plain number and
    the general path would read the column with the decimal point; the values, ``bad`` and
    the note are then the same as the general path's, only faster (one regex pass and one
    cast instead of normalising, stripping and matching every value twice).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow_text(s)
    if arr is None or decimal not in (None, "."):
        return None
    present = len(arr) - arr.null_count
    if (pc.sum(pc.match_substring_regex(arr, _PLAIN)).as_py() or 0) != present:
        return None
    dotted = pc.match_substring(arr, ".")
    votes = 0
    if decimal is None:
        voting = pc.and_kleene(dotted, pc.invert(pc.match_substring_regex(arr, _GROUPED_DOT)))
        votes = _count(voting.fill_null(False), counts) if counts is not None else pc.sum(voting).as_py() or 0
        if votes == 0 and pc.any(dotted).as_py():
            return None  # only values like 1.299: the general path explains the ambiguity
    values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    given = values[~np.isnan(values)]
    if not np.isfinite(given).all() or (np.abs(given) >= 2.0**53).any() or np.signbit(given[given == 0]).any():
        return None  # overflow, huge or negative-zero values: their reading is the general path's
    if notes is not None and votes:
        notes.append(f"{column}: {_NAMES['.']}, decided from {votes:,} values")
    elif notes is not None and decimal == "." and pc.any(dotted).as_py():
        notes.append(f"{column}: {_NAMES['.']}, as set (decimal='.')")
    return (pd.Series(values, index=s.index, copy=False),
            pd.Series(np.zeros(len(s), dtype=bool), index=s.index, copy=False))


def parse_numbers(s: pd.Series, decimal: str | None = None, *, column: str = "value",
                  notes: list[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse money or counts to float64.

    Parameters
    ----------
    s : Series
        Numbers as text or numbers.
    decimal : {".", ","}, optional
        Decimal mark; values that do not fit it are unparseable. By default it is decided
        from the whole column (see the module docstring).
    column : str
        Name used in messages and notes.
    notes : list of str, optional
        When given, a line saying which decimal mark was used is appended.

    Returns
    -------
    values : Series of float64
        NaN where missing or unparseable; always finite otherwise.
    bad : Series of bool
        True where the entry held text that is not a number, or a non-finite value.

    Raises
    ------
    DataError
        A column of true/false flags, or a column whose decimal mark is ambiguous or
        self-contradictory (and ``decimal`` not given).

    Examples
    --------
    >>> v, bad = parse_numbers(pd.Series(["¥1,299.00", "RMB 12.5", "１２", "(3)", "n/a"]))
    >>> v.tolist()[:4], bad.tolist()
    ([1299.0, 12.5, 12.0, -3.0], [False, False, False, False, True])
    >>> parse_numbers(pd.Series(["€12,50", "1.299,00"]))[0].tolist()
    [12.5, 1299.0]
    """
    return _parse_numbers(s, decimal, column, notes)


def _parse_numbers(s: pd.Series, decimal: str | None, column: str, notes: list[str] | None,
                   counts: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_numbers`; ``counts``: ``s`` holds distinct values, each standing for that many rows
    (so that the votes for a decimal mark, and the note, count rows)."""
    fast = _plain_numbers(s, decimal, column, notes, counts)
    if fast is not None:
        return fast
    blank = is_blank(s)
    if _is_flags(s, blank):
        raise DataError(f"Column {column!r} holds true/false flags, not numbers.",
                        fix=f"Map {column!r} to the column of the export that holds the numbers.")
    if pd.api.types.is_numeric_dtype(s):
        values = s.astype("float64")
        finite = np.isfinite(values)
        return values.where(finite), ~finite & ~blank
    text = _as_text(s).where(~blank)
    negative = text.str.match(r"^\(.*\)$", na=False)
    text = text.str.replace(r"[()]", "", regex=True).str.replace(_CURRENCY, "", regex=True).str.strip()
    fits = {m: text.str.fullmatch(_NUMBER[m]).fillna(False) & text.str.contains(r"\d", regex=True).fillna(False)
            for m in _NUMBER}
    if decimal is None:
        decimal = _decimal_mark(text, fits, column, notes, counts)
    elif decimal not in _NUMBER:
        raise ParameterError(f"`decimal` must be '.' or ',', but {decimal!r} was passed.")
    elif notes is not None and text.str.contains(r"[.,]", regex=True).any():
        notes.append(f"{column}: {_NAMES[decimal]}, as set (decimal={decimal!r})")
    digits = text.where(fits[decimal]).str.replace(_GROUPS[decimal], "", regex=True)
    if decimal == ",":
        digits = digits.str.replace(",", ".", regex=False)
    values = pd.to_numeric(digits, errors="coerce").astype("float64")
    values = values.where(~negative, -values)
    values = values.where(np.isfinite(values))
    return values, values.isna() & ~blank


def _day_first(pending: pd.Series, dayfirst: bool | None, column: str, notes: list[str] | None) -> bool:
    """Whether the column's d/m/y dates are day first, decided once for the whole column."""
    dmy = pending.str.match(_DMY, na=False)
    if dayfirst is not None or not dmy.any():
        if dayfirst is not None and dmy.any() and notes is not None:
            notes.append(f"{column}: {'day' if dayfirst else 'month'} first, as set (dayfirst={dayfirst})")
        return bool(dayfirst)
    day_votes = pending.str.fullmatch(_DAY_ABOVE_12, na=False)
    month_votes = pending.str.fullmatch(_MONTH_ABOVE_12, na=False)
    if day_votes.any() and month_votes.any():
        raise DataError(
            f"Column {column!r} has dates with a first field above 12 ({pending[day_votes].iloc[0]!r}, "
            f"day first) and others with a second field above 12 ({pending[month_votes].iloc[0]!r}, "
            "month first): no one reading is right for every date.",
            fix="Say which order the file uses: dayfirst=True (or False) in load_transactions / "
            "load_table, --dayfirst true (or false) on the command line; or fix the export.",
        )
    if day_votes.any() or month_votes.any():
        first = bool(day_votes.any())
        votes = int((day_votes | month_votes).sum())
        how = (f"decided from {votes:,} distinct date{'s' if votes != 1 else ''} with a "
               f"{'day' if first else 'month'} above 12")
        other = ""
    else:
        first = bool(pending[dmy].str.match(r"\d{1,2}\.\d{1,2}\.", na=False).all())
        how = ("every day and month is 12 or less; dotted dates are read day first, others "
               "month first")
        other = f"; pass dayfirst={not first} (--dayfirst {str(not first).lower()}) if that is wrong"
    if notes is not None:
        example = "1 March 2024" if first else "3 January 2024"
        notes.append(f"{column}: {'day' if first else 'month'} first (01/03/2024 = {example}), {how}{other}")
    return first


def _dmy_formats(day_first: bool) -> tuple[str, ...]:
    order = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    return (f"{order} %H:%M", f"{order} %H:%M:%S", order)


# d/m/y h:mm (or m/d/y): the order of the first two fields for each format
_DMY_MINUTES = {"%d/%m/%Y %H:%M": ("d", "m"), "%m/%d/%Y %H:%M": ("m", "d")}


_DMY_HM = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}$"


def _dmy_minutes(text: pd.Series, fmt: str) -> np.ndarray:
    """``pd.to_datetime(text, format=fmt, errors="coerce")`` for the texts written the one way
    strptime reads them, computed from their fields with numpy; NaT for every other text (which
    the caller then parses with ``fmt`` as usual).

    Those texts have the shape ``d/m/yyyy h:mm`` (:data:`_DMY_HM`: one or two digits for the day,
    month and hour, four for the year, two for the minutes, one space) with every field in its
    range (month 1-12, day 1-31, hour 0-23, minute 0-59, year 1000-9999) and name a real day.
    One regex pass finds them; the fields are then read at the places the separators leave
    (the digits of the matched texts, from the Arrow buffers), not extracted as strings.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(len(text), np.datetime64("NaT", "us"))
    arr = _arrow_text(text)
    if arr is None or len(text) == 0:
        return out
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    shaped = pc.match_substring_regex(arr, "^" + _DMY_HM).fill_null(False).to_numpy(zero_copy_only=False)
    if not shaped.any():
        return out
    where = np.flatnonzero(shaped)
    first, second, year, hour, minute = _dmy_fields(arr.filter(pa.array(shaped)))
    part = dict(zip(_DMY_MINUTES[fmt], (first, second), strict=True))
    month = ((year - 1970) * 12 + part["m"] - 1).astype("datetime64[M]")
    days_in_month = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    real = ((part["m"] >= 1) & (part["m"] <= 12) & (part["d"] >= 1) & (part["d"] <= days_in_month)
            & (hour <= 23) & (minute <= 59) & (year >= 1000))
    stamp = (month.astype("datetime64[D]") + (part["d"] - 1)).astype("datetime64[us]") \
        + (hour * 60 + minute).astype("timedelta64[m]")
    out[where[real]] = stamp[real]
    return out


def _dmy_fields(shaped: Any) -> tuple[np.ndarray, ...]:
    """The five numbers of texts of the shape :data:`_DMY_HM` (a pyarrow string or large string
    array): the first and second field, the year, the hour and the minutes, as int64."""
    import pyarrow as pa

    wide_offsets = pa.types.is_large_string(shaped.type)
    offsets = np.frombuffer(shaped.buffers()[1], dtype=np.int64 if wide_offsets else np.int32)
    offsets = offsets[shaped.offset:shaped.offset + len(shaped) + 1]
    data = np.frombuffer(shaped.buffers()[2], dtype=np.uint8)
    start = offsets[:-1].astype(np.int64)

    def digits(at: np.ndarray, wide: np.ndarray | None = None) -> np.ndarray:
        """The number written at ``at`` (two digits where ``wide``, else one; four with wide=None)."""
        if wide is None:
            return sum((data[at + i].astype(np.int64) - 48) * 10 ** (3 - i) for i in range(4))
        one = data[at].astype(np.int64) - 48
        two = one * 10 + data[np.minimum(at + 1, len(data) - 1)].astype(np.int64) - 48
        return np.where(wide, two, one)

    wide1 = data[start + 1] != 47  # (no "/" after the first digit: two digits)
    at2 = start + 2 + wide1
    wide2 = data[at2 + 1] != 47
    at_year = at2 + 2 + wide2
    at_hour = at_year + 5
    wide_hour = data[at_hour + 1] != 58  # (no ":" after the first digit)
    at_minute = at_hour + 2 + wide_hour
    return (digits(start, wide1), digits(at2, wide2), digits(at_year), digits(at_hour, wide_hour),
            digits(at_minute, np.ones(len(start), dtype=bool)))


#: From this length on, :func:`parse_dates` parses each distinct text once (when there are few).
_FACTORIZE_FROM = 10_000


def parse_dates(s: pd.Series, formats: tuple[str, ...] | None = None, *, dayfirst: bool | None = None,
                column: str = "date", notes: list[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps to ``datetime64[us]`` (time-zone naive, local wall-clock time).

    Parameters
    ----------
    s : Series
        Dates as text, datetimes or pandas timestamps.
    formats : tuple of str, optional
        strptime formats to try after ISO 8601 instead of the d/m/y forms and
        :data:`DATE_FORMATS`.
    dayfirst : bool, optional
        ``True``: ``01/03/2024`` is 1 March; ``False``: 3 January; by default decided from
        the whole column (see the module docstring). Dates that do not fit are unparseable.
    column : str
        Name used in messages and notes.
    notes : list of str, optional
        When given, a line saying which order was used (for d/m/y dates) is appended.

    Returns
    -------
    values : Series of datetime64[us]
        NaT where missing or unparseable. A stated UTC offset is dropped: the value is the
        wall-clock time at that offset (``2024-03-01T01:30+08:00`` -> 2024-03-01 01:30).
    bad : Series of bool
        True where the entry held text that is not a date.

    Raises
    ------
    DataError
        Dates that are day first and month first in one column (and ``dayfirst`` not given).

    Examples
    --------
    >>> v, bad = parse_dates(pd.Series(["2010-12-01 08:26", "12/1/2010 8:26", "soon"]))
    >>> v.dt.strftime("%Y-%m-%d %H:%M").tolist()[:2], bad.tolist()
    (['2010-12-01 08:26', '2010-12-01 08:26'], [False, False, True])
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_localize(None).astype("datetime64[us]"), pd.Series(False, index=s.index)
    if pd.api.types.is_datetime64_dtype(s):
        return s.astype("datetime64[us]"), pd.Series(False, index=s.index)
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("date", "datetime"):
        # pyarrow reads 2024-06-18 as datetime.date objects
        return pd.to_datetime(s).astype("datetime64[us]"), pd.Series(False, index=s.index)
    if len(s) >= _FACTORIZE_FROM:
        codes, uniques = pd.factorize(s)
        if len(uniques) <= len(s) // 4:  # an export repeats each order's time on all its lines
            values, bad = parse_dates(pd.Series(uniques), formats, dayfirst=dayfirst, column=column, notes=notes)
            found = codes >= 0  # (-1: missing)
            values = np.where(found, values.to_numpy()[codes], np.datetime64("NaT", "us"))
            return (pd.Series(values, index=s.index, dtype="datetime64[us]", copy=False),
                    pd.Series(found & bad.to_numpy()[codes], index=s.index, copy=False))
    return _parse_date_text(s, formats, dayfirst, column, notes)


def _parse_date_text(s: pd.Series, formats: tuple[str, ...] | None, dayfirst: bool | None, column: str,
                    notes: list[str] | None) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_dates` of text ``s`` as it is (the loaders pass each distinct text once)."""
    text = _as_text(s)
    blank = s.isna() | text.eq("")
    text = text.where(~blank)
    if text.str.contains(_TZ_FOUND, regex=True, na=False).any():  # (a search is cheaper than a replace)
        text = text.str.replace(_TZ_SUFFIX, r"\1", regex=True)
    shaped = text.str.match(_DMY_HM, na=False)  # d/m/y h:mm is never ISO 8601: not tried as such
    values = pd.to_datetime(text.where(~shaped) if shaped.any() else text, format="ISO8601", errors="coerce")
    todo = values.isna() & ~blank
    if todo.any():  # the other formats, tried on each distinct leftover text once
        pending = pd.Series(text[todo].unique())
        if formats is None:
            first = _day_first(pending, dayfirst, column, notes)
            dotted = pending.str.match(r"\d{1,2}[.\-]\d{1,2}[.\-]\d{4}", na=False).any()
            pending_std = pending.str.replace(r"^" + _DMY, r"\1/\2/\3", regex=True) if dotted else pending
            formats = _dmy_formats(first) + DATE_FORMATS
        else:
            pending_std = pending
        found = pd.Series(pd.NaT, index=pending.index, dtype="datetime64[us]")
        if formats[0] in _DMY_MINUTES:  # the common case without strptime (exactly its reading)
            found = pd.Series(_dmy_minutes(pending_std, formats[0]), index=pending.index, copy=False)
        for fmt in formats:
            left = found.isna()
            if not left.any():
                break
            found = found.where(~left, pd.to_datetime(pending_std.where(left), format=fmt, errors="coerce"))
        if len(pending) == len(text) and bool(todo.all()):  # every text distinct and pending, in order
            values = pd.Series(found.to_numpy(), index=text.index, name=text.name, copy=False)
        else:
            lookup = pd.Series(found.to_numpy(), index=pending.to_numpy())
            values = values.where(~todo, text.map(lookup))
    values = values.astype("datetime64[us]")
    return values, values.isna() & ~blank


def implausible_dates(dates: pd.Series, earliest: Any = None, latest: Any = None) -> np.ndarray:
    """True where ``dates`` fall before ``earliest`` or after ``latest``.

    Parameters
    ----------
    dates : Series of datetime64
    earliest, latest : date-like, optional
        Defaults: :data:`EARLIEST_DATE` (1990-01-01) and today + :data:`LATEST_AHEAD` (one
        year). Read at call time, so changing the module constants changes the bounds.
    """
    lo, hi = plausible_bounds(earliest, latest)
    return ((dates < lo) | (dates > hi)).to_numpy()


def plausible_bounds(earliest: Any = None, latest: Any = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last plausible date (see :func:`implausible_dates`)."""
    lo = pd.Timestamp(EARLIEST_DATE if earliest is None else earliest)
    hi = pd.Timestamp.today().normalize() + LATEST_AHEAD if latest is None else pd.Timestamp(latest)
    return lo, hi


#: From this length on, text columns with few distinct values are cleaned once per distinct value.
_DISTINCT_FROM = 10_000
#: Set while :func:`map_values` cleans a categorical's distinct values (no point looking for repeats).
_ALREADY_DISTINCT: ContextVar[bool] = ContextVar("_ALREADY_DISTINCT", default=False)


def _per_distinct(s: pd.Series, clean: Any) -> pd.Series | None:
    """``clean(s)`` computed once per distinct value of a long, repetitive pyarrow text column.

    Returns ``None`` when ``s`` is short, not pyarrow text, or mostly distinct values (the caller
    then cleans it whole). Ids, names and countries repeat on every line of an order, so this
    turns a million string operations into a few thousand plus one ``take``.
    """
    import pyarrow as pa

    arr = _arrow_text(s)
    if arr is None or len(s) < _DISTINCT_FROM or _ALREADY_DISTINCT.get():
        return None
    encoded = arr.dictionary_encode().combine_chunks()
    if len(encoded.dictionary) > len(s) // 4:
        return None
    distinct = clean(pd.Series(encoded.dictionary.to_pandas(types_mapper=lambda _: s.dtype)))
    cleaned = _arrow_text(distinct)
    if cleaned is None:
        return None
    if distinct.dtype == s.dtype and cleaned.equals(pa.chunked_array([encoded.dictionary])):
        return s  # nothing changed: keep sharing the column's buffers, as the whole-column path does
    taken = cleaned.combine_chunks().take(encoded.indices) if isinstance(cleaned, pa.ChunkedArray) \
        else cleaned.take(encoded.indices)
    return pd.Series(pd.array(taken, dtype=distinct.dtype), index=s.index)


def clean_text(s: pd.Series) -> pd.Series:
    """Text with invisible characters (a mid-file BOM, zero-width spaces) and outer spaces
    removed, and empty text as missing.

    A new array is made only when something changes, which keeps the memory of loading a
    large, clean file low.
    """
    distinct = _per_distinct(s, clean_text)
    if distinct is not None:
        return distinct
    if not (pd.api.types.is_string_dtype(s) and s.dtype != object):
        s = s.astype("str").where(s.notna())
    s = _drop_invisible(s)
    if (s.str.startswith(" ") | s.str.endswith(" ")).any():
        s = s.str.strip()
    if s.eq("").any():
        s = s.where(s.ne(""))
    return s


def parse_ids(s: pd.Series) -> pd.Series:
    """Identifiers as text: ``17850.0`` -> ``"17850"``, blanks -> missing, outer spaces stripped.

    A float id read as text (``"17850.0"``, ``"17850.00"``) loses its zero decimals.

    Examples
    --------
    >>> parse_ids(pd.Series([17850.0, np.nan])).tolist()
    ['17850', nan]
    """
    if pd.api.types.is_float_dtype(s):
        whole = s.isna() | (np.floor(s) == s)
        if whole.all():
            return s.astype("Int64").astype("str")
    distinct = _per_distinct(s, parse_ids)
    if distinct is not None:
        return distinct
    text = clean_text(s)
    if (text.str.endswith(".0") | text.str.endswith(".00")).any():
        text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return text

_TRUE = ("true", "t", "yes", "y", "1", "1.0", "是", "真")
_FALSE = ("false", "f", "no", "n", "0", "0.0", "否", "假")


def parse_bools(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse flags (``True``/``yes``/``1``/``是`` ...) to bool; ``bad`` marks anything else."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("bool"), pd.Series(False, index=s.index)
    text = s.astype("str").str.strip().str.lower()
    is_true = text.isin(_TRUE)
    bad = ~(is_true | text.isin(_FALSE))
    return is_true, bad


def outside_range(dates: pd.Series, start: Any, end: Any) -> np.ndarray:
    """True where ``dates`` fall before ``start`` or after ``end`` (inclusive days; ``None`` = open)."""
    outside = np.zeros(len(dates), dtype=bool)
    try:
        if start is not None:
            outside |= (dates < pd.Timestamp(start)).to_numpy()
        if end is not None:  # inclusive day: everything before the next midnight
            end_ts = pd.Timestamp(end)
            if end_ts == end_ts.normalize():
                end_ts = end_ts + pd.Timedelta(days=1)
                outside |= (dates >= end_ts).to_numpy()
            else:
                outside |= (dates > end_ts).to_numpy()
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"`start` / `end` must be dates like '2024-01-31', but: {exc}") from None
    return outside


# --- columns read as categoricals (codes + distinct texts), cleaned once per distinct value ----------
#
# The reader can hand a text file's columns over as pandas categoricals (see
# ``ecomlib.data.sources.read_source(categories=True)``): one code per row and each distinct text
# once, in the order the texts first appear. The loaders then parse and clean the distinct texts
# only and expand the results through the codes, which gives the same values as parsing every row.


def coded_values(s: pd.Series, drop: np.ndarray | None = None,
                 counts: bool = False) -> tuple[np.ndarray, pd.Series, np.ndarray | None]:
    """The codes (``-1``: missing), the distinct values and (with ``counts``) their row counts of a
    categorical column.

    The values are the ones some row uses, in the order they first appear, as the reader's
    categories are (without ``counts``, a category no row uses is kept); ``drop`` (one bool per
    row) makes those rows missing first, as ``s.where(~drop)`` would.
    """
    codes = codes_of(s)
    values = s.cat.categories
    dropping = drop is not None and bool(drop.any())
    if dropping:
        codes = np.where(drop, -1, codes)
    rows = value_counts_of(codes, len(values)) if counts or dropping else None
    if dropping or (rows is not None and not rows.all()):
        used = pd.unique(codes[codes >= 0])  # in order of first appearance among the rows left
        remap = np.full(len(values) + 1, -1, dtype=codes.dtype)  # (fewer values: the codes' type fits)
        remap[used] = np.arange(len(used))
        codes, values, rows = remap[codes], values[used], rows[used]
    return codes, pd.Series(values, copy=False), rows


def codes_of(s: pd.Series) -> np.ndarray:
    """The codes of a categorical ``s`` (``-1``: missing), read-only and without a copy
    (``s.cat.codes`` copies them into a new Series)."""
    return s.array.codes


def value_counts_of(codes: np.ndarray, size: int) -> np.ndarray:
    """Rows per value (codes ``-1`` are not counted)."""
    return np.bincount(codes + 1, minlength=size + 1)[1:]


def per_row(values: Any, codes: np.ndarray, fill: Any) -> np.ndarray:
    """One entry per row from one entry per value; ``fill`` where the code is -1."""
    values = np.asarray(values)
    return np.append(values, np.array([fill], dtype=values.dtype))[codes]


def by_value(s: pd.Series, f: Any) -> pd.Series:
    """``f(s)`` for an elementwise ``f`` that returns bool or numbers, computed once per distinct value
    of a categorical ``s`` (and once for a missing value)."""
    values = pd.Series(s.cat.categories, copy=False)
    values = pd.concat([values, pd.Series([np.nan], dtype=values.dtype)], ignore_index=True)
    result = np.asarray(f(values))
    if result.dtype == bool and not (result.any() and not result.all()):  # one answer for every row
        return pd.Series(np.full(len(s), bool(result[0])), index=s.index, copy=False)
    return pd.Series(result[codes_of(s)], index=s.index, copy=False)


def map_values(s: pd.Series, f: Any) -> pd.Series:
    """``f`` (elementwise, text -> text) applied to the distinct values of a categorical ``s``: a
    categorical again, whose categories are the distinct results (a missing result: code -1)."""
    values = pd.Series(s.cat.categories, copy=False)
    token = _ALREADY_DISTINCT.set(True)
    try:
        result = f(values)
    finally:
        _ALREADY_DISTINCT.reset(token)
    if result.dtype == values.dtype and result.equals(values):
        return s  # nothing to clean
    codes, cleaned = pd.factorize(result)
    new_codes = per_row(codes, codes_of(s), -1)
    return pd.Series(pd.Categorical.from_codes(new_codes, dtype=pd.CategoricalDtype(pd.Index(cleaned))),
                     index=s.index, copy=False)


def decoded(s: pd.Series, keep: np.ndarray | None = None) -> pd.Series:
    """The rows of a categorical text column (those where ``keep``) as a plain column of the
    categories' dtype, with a fresh index; a large column's text is written into memory from the
    system's allocator (:func:`ecomlib.data.memory.arrow_pool`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = codes_of(s)
    if keep is not None:
        codes = codes[keep]
    values = s.cat.categories.array
    arrow = _arrow_text(pd.Series(values, copy=False))
    if arrow is None:
        return pd.Series(values.take(codes, allow_fill=True), copy=False)
    if len(values) == 0:  # a column of missing values only
        taken = pa.nulls(len(codes), arrow.type)
    else:
        missing = codes < 0
        indices = pa.array(codes, mask=missing) if missing.any() else pa.array(codes)
        pool = arrow_pool(4 * len(codes))  # (4 bytes of offsets per row, and the text)
        taken = pc.take(arrow.combine_chunks(), indices, boundscheck=False, memory_pool=pool)  # (codes in range)
        if taken.null_count == 0 and taken.buffers()[0] is not None:  # no validity bitmap when nothing is missing
            taken = pa.Array.from_buffers(taken.type, len(taken), [None, *taken.buffers()[1:]], 0, taken.offset)
    return pd.Series(pd.array(taken, dtype=values.dtype), copy=False)
