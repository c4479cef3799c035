"""The shared look of every ecomlib figure: theme, fixed colours, number formats, CJK font.

Nothing here runs at import. A notebook applies the theme once, explicitly::

    from ecomlib import viz
    viz.use_theme()            # for the rest of the session
    with viz.theme():          # or only inside a block
        ...

Chapter ``plotting.py`` functions start with ``ax = viz.get_ax(ax)``, which creates a
figure when none is given and registers the Chinese font with matplotlib, so bilingual
names such as ``美妝 Beauty`` render without missing-glyph warnings.

Colours are fixed per name across all chapters: ``channel_color("email")`` is the same
blue in the pricing chapter and in the retention chapter, and a name never seen before
still gets the same colour on every machine (it is picked by a checksum of the name, not
by the order names happen to appear in).

Tables go through :func:`table` (a pandas Styler) in every chapter, so they read alike
without per-call work: no ``0, 1, 2`` row numbers, floats to about 3 significant digits
per column (``0.879``, ``12.9``, ``1,904``), p-values as ``< 0.0001`` (:func:`fmt_p`), dates
without ``00:00:00``, missing values as ``–``; money (``cny=``) and percentages (``pct=``)
where the caller names the columns. All labels and text are HTML-escaped.

The font is a subset of Noto Sans CJK SC (SIL Open Font License) shipped inside ecomlib
(``ecomlib/fonts/``: GB 2312 and Big5 level-1 hanzi, kana, CJK punctuation, Latin); Latin text
stays in DejaVu Sans and matplotlib falls back to Noto for CJK glyphs. A character outside the
subset draws as an empty box with matplotlib's "Glyph ... missing" warning, never an error.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from ecomlib.errors import DataError, ParameterError

__all__ = [
    "CATEGORY_COLORS",
    "CHANNEL_COLORS",
    "CJK_FONT_FAMILY",
    "NEUTRAL",
    "PALETTE",
    "category_color",
    "category_palette",
    "channel_color",
    "channel_palette",
    "cjk_font_path",
    "cny_formatter",
    "fmt_cny",
    "set_currency",
    "currency",
    "currency_symbol",
    "fmt_p",
    "fmt_pct",
    "fmt_thousands",
    "format_table",
    "get_ax",
    "percent_formatter",
    "register_cjk_font",
    "table",
    "theme",
    "theme_rc",
    "thousands_formatter",
    "use_theme",
]

#: Family name matplotlib knows the bundled CJK font by.
CJK_FONT_FAMILY = "Noto Sans CJK SC"

#: Grey for totals, baselines and "other".
NEUTRAL = "#7f7f7f"

#: Colour-blind-friendly qualitative palette (Okabe & Ito 2008, extended with
#: seaborn "deep" tones) used for every categorical colour in ecomlib.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
    "#8C8C8C", "#CCB974", "#64B5CD", "#1B9E77", "#7570B3", "#E7298A",
)

#: Fixed colours of the channels the sample shop and common exports use.
CHANNEL_COLORS: dict[str, str] = {
    "organic": "#009E73",
    "seo": "#009E73",
    "direct": "#937860",
    "paid_search": "#0072B2",
    "search": "#0072B2",
    "sem": "#0072B2",
    "social": "#CC79A7",
    "paid_social": "#CC79A7",
    "email": "#56B4E9",
    "crm": "#56B4E9",
    "affiliate": "#E69F00",
    "referral": "#E69F00",
    "display": "#D55E00",
    "marketplace": "#8172B3",
    "app": "#55A868",
    "livestream": "#C44E52",
    "other": NEUTRAL,
}


#: Fixed colours of common product categories. A bilingual name such as ``美妝 Beauty`` is
#: matched by any of its words, so ``美妝 Beauty`` and ``beauty`` share a colour.
CATEGORY_COLORS: dict[str, str] = {
    "apparel": "#0072B2",
    "beauty": "#CC79A7",
    "electronics": "#56B4E9",
    "home": "#E69F00",
    "baby": "#F0E442",
    "sports": "#009E73",
    "books": "#8172B3",
    "food": "#D55E00",
    "toys": "#C44E52",
    "health": "#55A868",
    "jewelry": "#DA8BC3",
    "shoes": "#4C72B0",
}


def _normalise(name: object) -> str:
    text = str(name).strip().casefold()
    for sep in (" ", "-", "/"):
        text = text.replace(sep, "_")
    return text


def _hashed_color(name: object) -> str:
    """A colour from the palette chosen by CRC32 of the name: stable across runs and machines."""
    return PALETTE[zlib.crc32(_normalise(name).encode("utf-8")) % len(PALETTE)]


def channel_color(channel: object) -> str:
    """Return the fixed hex colour of a marketing channel.

    Known channels (see :data:`CHANNEL_COLORS`) have hand-picked colours; any other name
    gets a colour chosen by a checksum of the name, so it is the same in every chapter.

    Examples
    --------
    >>> channel_color("Email") == channel_color("email")
    True
    """
    return CHANNEL_COLORS.get(_normalise(channel), _hashed_color(channel))


def category_color(category: object) -> str:
    """Return the fixed hex colour of a product category.

    Common categories (see :data:`CATEGORY_COLORS`) are matched by the whole name or by any
    word of it; any other name gets a colour chosen by a checksum of the name.

    Examples
    --------
    >>> category_color("美妝 Beauty") == category_color("beauty")
    True
    """
    key = _normalise(category)
    if key in CATEGORY_COLORS:
        return CATEGORY_COLORS[key]
    for word in key.split("_"):
        if word in CATEGORY_COLORS:
            return CATEGORY_COLORS[word]
    return _hashed_color(category)


def channel_palette(channels: Iterable[object]) -> dict[str, str]:
    """Map each channel name to its colour; pass as ``palette=`` to seaborn."""
    return {str(c): channel_color(c) for c in channels}


def category_palette(categories: Iterable[object]) -> dict[str, str]:
    """Map each category name to its colour; pass as ``palette=`` to seaborn."""
    return {str(c): category_color(c) for c in categories}


# ---------------------------------------------------------------- number formats
def _finite(value: object, param: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"`{param}` must be a number, but {value!r} was passed.") from None
    return v


#: Symbols of the currencies shops commonly export in; other codes are written before the amount.
CURRENCY_SYMBOLS = {"CNY": "¥", "GBP": "£", "USD": "$", "EUR": "€", "JPY": "JP¥", "BRL": "R$",
                    "HKD": "HK$", "TWD": "NT$"}
_money = {"code": "CNY"}  # the display currency; set by set_currency (open_data does it)


def set_currency(code: str = "CNY") -> str:
    """Set the currency that :func:`fmt_cny`, :func:`cny_formatter` and :func:`table` write.

    ``reports.open_data`` calls it with the data's currency (the preset's, e.g. GBP for UCI
    Online Retail; CNY for the sample shop and by default), so one notebook shows one currency.
    Amounts are never converted. Returns the previous code.

    Examples
    --------
    >>> old = set_currency("GBP")
    >>> fmt_cny(1299.5, 2)
    '£1,299.50'
    >>> _ = set_currency(old)
    """
    if not isinstance(code, str) or not code.strip():
        raise ParameterError(f"`code` must be a currency code such as 'CNY' or 'GBP', but {code!r} was passed.")
    previous, _money["code"] = _money["code"], code.strip().upper()
    return previous


def currency() -> str:
    """The display currency's ISO code (``"CNY"`` unless :func:`set_currency` changed it)."""
    return _money["code"]


def currency_symbol() -> str:
    """The display currency's symbol (``"¥"`` for CNY; the code and a space when unknown)."""
    return CURRENCY_SYMBOLS.get(_money["code"], f"{_money['code']} ")


def fmt_cny(value: float, decimals: int = 0, *, compact: bool = False) -> str:
    """Format an amount of money: ``fmt_cny(1234567) == '¥1,234,567'``.

    The symbol is the display currency's (CNY by default; :func:`set_currency`). With
    ``compact=True`` large amounts are shortened: ``'¥1.23M'``, ``'¥45.6k'``. Missing values
    format as ``'–'``.
    """
    v = _finite(value, "value")
    if math.isnan(v):
        return "–"
    sign = "-" if v < 0 else ""
    symbol = currency_symbol()
    v = abs(v)
    if compact:
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if v >= size:
                digits = 2 if v < 10 * size else 1
                return f"{sign}{symbol}{v / size:.{digits}f}{suffix}"
    return f"{sign}{symbol}{v:,.{decimals}f}"


def fmt_pct(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """Format a fraction as a percentage: ``fmt_pct(0.1234) == '12.3%'``.

    ``signed=True`` adds a plus sign to positive changes (``'+4.0%'``; no change is ``'0.0%'``).
    """
    v = _finite(value, "value")
    if math.isnan(v):
        return "–"
    pct = v * 100
    if round(pct, decimals) == 0:
        return f"{0:.{decimals}f}%"  # no "-0%", no "+0%"
    return f"{pct:{'+' if signed else ''}.{decimals}f}%"


def fmt_thousands(value: float, decimals: int = 0) -> str:
    """Format a count with thousands separators: ``fmt_thousands(1234567) == '1,234,567'``."""
    v = _finite(value, "value")
    if math.isnan(v):
        return "–"
    return f"{v:,.{decimals}f}"


def cny_formatter(decimals: int = 0, *, compact: bool = True):
    """A matplotlib tick formatter for amounts of money in the display currency."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_cny(x, decimals, compact=compact))


def _tick_decimals(values, largest: int = 3) -> int:
    """The fewest decimals (0 to ``largest``) that write every one of ``values`` exactly, in
    percent: ticks 0.025 apart need one (``2.5%``), ticks 0.1 apart none (``10%``)."""
    import numpy as np

    pct = 100 * np.asarray(values, dtype=float)
    pct = pct[np.isfinite(pct)]
    for d in range(largest + 1):
        if np.all(np.abs(pct - np.round(pct, d)) < 1e-6):
            return d
    return largest


def percent_formatter(decimals: int | None = None):
    """A matplotlib tick formatter for fractions shown as percentages (0.25 -> ``25%``).

    ``decimals=None`` (the default): the fewest decimals that write every tick of the axis
    exactly (the fewest that are exact, at most 3), so that ticks at 2.5 % steps read ``2.5%, 5.0%, 7.5%``,
    not ``2%, 5%, 8%``; ticks at whole percents read as before (``10%, 20%``).
    """
    from matplotlib.ticker import Formatter

    class PercentTicks(Formatter):
        def __init__(self) -> None:
            self.decimals = 0 if decimals is None else decimals

        def format_ticks(self, values):
            if decimals is None:  # one number of decimals for the whole axis
                self.decimals = _tick_decimals(values)
            return [self(v, i) for i, v in enumerate(values)]

        def __call__(self, x, pos=None) -> str:
            return fmt_pct(x, self.decimals)

    return PercentTicks()


def thousands_formatter(decimals: int = 0):
    """A matplotlib tick formatter for counts with thousands separators."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_thousands(x, decimals))


# ---------------------------------------------------------------- tables
#: A column or row named like a p-value ("p_value", "p-value", "pvalue", "P value"; not "top_value").
_TABLE_IDS = itertools.count(1)  # ids of the tables of this process, in the order they are made
_P_NAME = re.compile(r"(?<![a-z0-9])p[\s_-]?values?(?![a-z])", re.IGNORECASE)
#: Words of a column name that mark a share (used with ``table(auto_pct=True)``).
_PCT_WORDS = frozenset({"share", "rate", "pct", "percent", "percentage"})
#: Integer columns shown without thousands separators (ids, years, codes).
_PLAIN_INT = re.compile(r"(^|_)(id|year|code|zip)$", re.IGNORECASE)


def fmt_p(p: float, digits: int = 4) -> str:
    """Format a p-value: ``fmt_p(0.0321) == '0.0321'``, ``fmt_p(3e-9) == '< 0.0001'``.

    Values below ``10 ** -digits`` show as ``'< 0.0001'`` (for ``digits=4``), never as a
    misleading ``0.0000``; missing values as ``'–'``.
    """
    v = _finite(p, "p")
    if math.isnan(v):
        return "–"
    smallest = 10.0 ** -digits
    return f"< {smallest:.{digits}f}" if v < smallest else f"{v:.{digits}f}"


def _escaped(fmt):
    """A caller's formatter whose output is HTML-escaped (the Styler escapes values, not outputs)."""
    if not callable(fmt):
        return fmt

    def formatted(value):
        import html

        return html.escape(str(fmt(value)))

    return formatted


def _html_p(p: float) -> str:
    """:func:`fmt_p` for an HTML table (the Styler escapes a cell's value, not what a formatter returns)."""
    import html

    return html.escape(fmt_p(p))


def _fmt_number(v: float, decimals: int) -> str:
    """``1,234.57`` with ``decimals`` decimals; no ``-0``; infinities as ``∞``."""
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if round(v, decimals) == 0:
        v = 0.0
    return f"{v:,.{decimals}f}"


def _fmt_significant(value, sig: int = 3) -> str:
    """One number with ``sig`` significant digits and thousands separators: 0.00123, 1.23, 1,235."""
    v = float(value)
    if not math.isfinite(v) or v == 0 or v == round(v) or abs(v) >= 10 ** (sig - 1):
        return _fmt_number(v, 0)
    if abs(v) < 1e-6:
        return f"{v:.{sig}g}"
    return _fmt_number(v, sig - 1 - math.floor(math.log10(abs(v))))


def _float_formatter(column, sig: int = 3):
    """A formatter for a float column: one number of decimals, so its median shows ``sig`` digits.

    Whole numbers get no decimals. A column whose values span more than four orders of
    magnitude (e.g. user counts beside rates) is formatted value by value instead.
    """
    import numpy as np

    x = np.abs(column.to_numpy(dtype=float, na_value=np.nan))
    x = x[np.isfinite(x) & (x > 0)]
    if x.size == 0 or np.all(x == np.round(x)):
        return lambda v: _fmt_number(float(v), 0)
    median = float(np.median(x))
    if median < 1e-4 or x.max() / x.min() > 1e4:
        return lambda v: _fmt_significant(v, sig)
    decimals = int(np.clip(sig - 1 - math.floor(math.log10(median)), 0, 6))
    while decimals < 6 and round(float(x.min()), decimals) == 0:  # a small value must not show as 0
        decimals += 1
    return lambda v, d=decimals: _fmt_number(float(v), d)


def _money_formatter(column, decimals: int | None):
    """Money in the display currency; without ``decimals``, cents only for typical amounts below 20."""
    if decimals is None:
        typical = column.abs().median()
        whole = bool((column.dropna() == column.dropna().round()).all())
        decimals = 0 if whole or not typical < 20 else 2
    return lambda v, d=decimals: fmt_cny(v, d)


def _date_formatter(column):
    """Dates without a clock time when every value is midnight, else to the minute (or second)."""
    t = column.dropna()
    if bool((t == t.dt.normalize()).all()):
        pattern = "%Y-%m-%d"
    else:
        pattern = "%Y-%m-%d %H:%M" if bool((t.dt.second == 0).all()) else "%Y-%m-%d %H:%M:%S"
    return lambda v: v.strftime(pattern)


def _fmt_cell(value) -> str:
    """A cell of a mixed (object) column: numbers and dates formatted, anything else escaped text."""
    import html

    import pandas as pd

    if isinstance(value, str):
        return value  # already escaped by the Styler
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _fmt_significant(value)
    if isinstance(value, pd.Timestamp):
        return _index_label(value, monthly=False)
    return html.escape(str(value))


def _column_formatter(name, column, *, auto_pct: bool):
    """The default formatter of one column, chosen from its name and dtype (None: leave as is)."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        return _date_formatter(column)
    numeric = pd.api.types.is_numeric_dtype(column)
    if numeric and (_P_NAME.search(str(name)) or str(name).strip().lower() == "p"):
        return _html_p
    if numeric and auto_pct and _PCT_WORDS & set(re.split(r"[\W_]+", str(name).lower())):
        if not column.abs().max() > 1:  # only fractions are shown as percentages
            return fmt_pct
    if pd.api.types.is_integer_dtype(column):
        return str if _PLAIN_INT.search(str(name)) else fmt_thousands
    if pd.api.types.is_float_dtype(column):
        return _float_formatter(column)
    if column.dtype == object:
        return _fmt_cell
    return None


def _formatters(df, *, cny, pct, counts, decimals, cny_decimals, auto_pct, formats) -> dict:
    """One formatter per column: the caller's lists first, then the defaults by name and dtype."""
    import pandas as pd

    cny, pct, counts, formats = set(cny), set(pct), set(counts), dict(formats or {})
    out: dict[object, object] = {}
    for col in df.columns:
        column = df[col]
        if col in formats:
            out[col] = _escaped(formats[col])
        elif col in cny:
            out[col] = _money_formatter(column, cny_decimals)
        elif col in pct:
            out[col] = fmt_pct
        elif col in counts:
            out[col] = fmt_thousands
        elif decimals is not None and pd.api.types.is_float_dtype(column) and not _P_NAME.search(str(col)):
            out[col] = lambda v, d=decimals: fmt_thousands(v, d)
        else:
            fmt = _column_formatter(col, column, auto_pct=auto_pct)
            if fmt is not None:
                out[col] = fmt
    return out


def _p_value_rows(df):
    """Rows of a long table whose label (index or a text cell) names a p-value, e.g. ``'p-value'``."""
    import numpy as np
    import pandas as pd

    labels = [df.index.to_series().astype(str)]
    labels += [df[c].astype(str) for c in df.columns if pd.api.types.is_string_dtype(df[c])]
    hits = np.zeros(len(df), dtype=bool)
    for text in labels:
        hits |= text.str.fullmatch(r"\s*" + _P_NAME.pattern + r"\s*", case=False).to_numpy(dtype=bool)
    return hits


def _is_positional(index) -> bool:
    """An unnamed integer index (0, 1, 2 ... or what is left of it after filtering) means nothing."""
    import pandas as pd

    return (not isinstance(index, pd.MultiIndex) and index.name is None
            and pd.api.types.is_integer_dtype(index))


def table(
    df,
    *,
    cny: Iterable[str] = (),
    pct: Iterable[str] = (),
    counts: Iterable[str] = (),
    decimals: int | None = None,
    cny_decimals: int | None = None,
    money: Iterable[str] = (),
    auto_pct: bool = False,
    formats: dict | None = None,
    index: bool | None = None,
):
    """Return ``df`` as a pandas Styler with ecomlib's number formats, for display in notebooks.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; it is not changed.
    cny, money : iterable of str
        Columns of money, shown in the display currency (:func:`set_currency`): ``¥1,234``.
    pct : iterable of str
        Columns of fractions shown as percentages: 0.123 -> ``12.3%``.
    counts : iterable of str
        Columns shown as whole numbers with thousands separators: ``1,234``.
    decimals : int, optional
        Decimals of every other float column. Default: chosen per column so that its typical
        value shows 3 significant digits (``0.879``, ``12.9``, ``1,904``); whole numbers get none.
    cny_decimals : int, optional
        Decimals of money. Default: 0, or 2 when the column's typical (median) amount is below 20.
    auto_pct : bool, default False
        Also show columns whose name has the word share, rate, pct or percent as percentages
        (only when all their values are fractions, \\|x\\| <= 1).
    formats : dict, optional
        ``{column: callable or format string}``, used as given (overrides everything else;
        a callable's output is written into the HTML as it is).
    index : bool, optional
        Show the index. Default: hidden when it is an unnamed integer index (0, 1, 2 ...).

    Returns
    -------
    pandas.io.formats.style.Styler

    Notes
    -----
    Without being asked, the table also shows: p-value columns and rows (named ``p_value``,
    ``p-value``, ``pvalue`` or ``p``) as ``< 0.0001`` when below it (:func:`fmt_p`); dates without
    a ``00:00:00`` clock time; integers with thousands separators (not ids and years); missing
    values as ``–``. Every label and text cell from the data -- column labels, index labels and
    their names -- is HTML-escaped, so a column named ``<script>`` shows as text.

    Examples
    --------
    >>> import pandas as pd
    >>> html = table(pd.DataFrame({"p_value": [3e-9], "lift": [0.123456]})).to_html()
    >>> "&lt; 0.0001" in html and "0.123" in html and "0.123456" not in html
    True
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"`df` must be a pandas DataFrame, but a {type(df).__name__} was passed.")
    fmts = _formatters(df, cny=[*cny, *money], pct=pct, counts=counts, decimals=decimals,
                       cny_decimals=cny_decimals, auto_pct=auto_pct, formats=formats)
    view = df.copy(deep=False)  # names are escaped on a copy: the Styler prints them as they are
    view.index = view.index.set_names([_escape_name(n) for n in view.index.names])
    view.columns = view.columns.set_names([_escape_name(n) for n in view.columns.names])
    # a counted id instead of pandas' random one: the same notebook gives the same HTML
    from pandas.io.formats.style import Styler

    styler = Styler(view, uuid=f"ecomlib{next(_TABLE_IDS)}")
    styler = styler.format(fmts, escape="html", na_rep="–")
    p_rows = _p_value_rows(df)
    numeric = [c for c in df.columns if pd.api.types.is_float_dtype(df[c]) and c not in (formats or {})]
    if p_rows.any() and numeric:
        styler = styler.format(_html_p, subset=pd.IndexSlice[p_rows, numeric], na_rep="–")
    stamps = [v for v in df.index.to_flat_index() for v in (v if isinstance(v, tuple) else (v,))
              if isinstance(v, pd.Timestamp)]
    monthly = bool(stamps) and all(v.day == 1 and v == v.normalize() for v in stamps)
    styler = styler.format_index(lambda v: _index_label(v, monthly), escape="html")
    styler = styler.format_index(lambda v: _index_label(v, False), axis="columns", escape="html")
    if index is False or (index is None and _is_positional(df.index)):
        styler = styler.hide(axis="index")
    return styler


def format_table(df, **kwargs) -> str:
    """The HTML of :func:`table` (same keywords), e.g. to write a table into a report or a file."""
    return table(df, **kwargs).to_html()


def _escape_name(name):
    import html

    return None if name is None else html.escape(str(name))


def _index_label(value, monthly: bool) -> str:
    """Index labels for tables: dates without a clock time; month starts as ``2024-01``.

    Text labels arrive escaped by the Styler; any other object is escaped here.
    """
    import html

    import pandas as pd

    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return value.strftime("%Y-%m" if monthly else "%Y-%m-%d")
        return value.isoformat(sep=" ")
    return value if isinstance(value, str) else html.escape(str(value))


# ---------------------------------------------------------------- font
@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC subset shipped in ``ecomlib/fonts/`` (SIL OFL 1.1)."""
    from ecomlib import resources

    path = resources.font_path()
    if not path.is_file():
        raise DataError(
            f"The font file {path.name} was not found in {path.parent}.",
            fix="Reinstall ecomlib (`pip install --force-reinstall ecomlib`), or restore "
            "ecomlib/fonts/ from the repository.",
        )
    return path


@lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Add the CJK font to matplotlib's font manager (once) and return its family name.

    This changes no rcParams; :func:`use_theme` / :func:`theme` put the family in the
    font fallback list.
    """
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(cjk_font_path()))
    return CJK_FONT_FAMILY


# ---------------------------------------------------------------- theme
_CONTEXTS = ("paper", "notebook", "talk", "poster")

# seaborn 0.13's "whitegrid" style and its plotting contexts (``seaborn.axes_style`` and
# ``seaborn.plotting_context``), as data: importing seaborn for them cost every report kernel
# 0.3 s. tests/test_viz.py compares them with the installed seaborn. Left out: the style's
# ``image.cmap = "rocket"``, a colormap that exists only once seaborn is imported (no ecomlib
# figure uses the default colormap).
_WHITEGRID = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.facecolor": "white", "axes.grid": True,
    "axes.labelcolor": ".15", "axes.spines.bottom": True, "axes.spines.left": True,
    "axes.spines.right": True, "axes.spines.top": True, "figure.facecolor": "white",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "grid.color": ".8", "grid.linestyle": "-", "lines.solid_capstyle": "round", "patch.edgecolor": "w",
    "patch.force_edgecolor": True, "text.color": ".15", "xtick.bottom": False, "xtick.color": ".15",
    "xtick.direction": "out", "xtick.top": False, "ytick.color": ".15", "ytick.direction": "out",
    "ytick.left": False, "ytick.right": False,
}
# the "notebook" context; the others scale every value by _CONTEXT_SCALE
_NOTEBOOK_CONTEXT = {
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
    "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1,
    "ytick.minor.width": 1, "xtick.major.size": 6, "ytick.major.size": 6, "xtick.minor.size": 4,
    "ytick.minor.size": 4, "font.size": 12, "axes.labelsize": 12, "axes.titlesize": 12,
    "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11, "legend.title_fontsize": 12,
}
_CONTEXT_SCALE = {"paper": 0.8, "notebook": 1, "talk": 1.5, "poster": 2}


def _context_rc(context: str) -> dict:
    scale = _CONTEXT_SCALE[context]
    return {key: value * scale for key, value in _NOTEBOOK_CONTEXT.items()}


def theme_rc(context: str = "notebook") -> dict:
    """Return the rcParams of the ecomlib theme (seaborn ``whitegrid`` plus our font and colours).

    ``context`` scales fonts and lines like seaborn's contexts: ``"paper"``, ``"notebook"``,
    ``"talk"`` (for a trainer's projector) or ``"poster"``.
    """
    if context not in _CONTEXTS:
        from ecomlib.validation import check_argument

        check_argument("context", _CONTEXTS, context)
    from cycler import cycler

    family = register_cjk_font()
    rc: dict = {}
    rc.update(_WHITEGRID)
    rc.update(_context_rc(context))
    rc.update(
        {
            # a list of families makes matplotlib fall back glyph by glyph (matplotlib >= 3.6)
            "font.family": ["DejaVu Sans", family],
            "font.sans-serif": ["DejaVu Sans", family],
            "axes.prop_cycle": cycler(color=list(PALETTE[:10])),
            "axes.titlesize": "large",
            "axes.titlelocation": "left",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.figsize": (8.0, 4.5),
            # text from the data (a category called "Gift card $$") is drawn as it is, never
            # parsed as mathtext; ecomlib's own labels use no mathtext
            "text.parse_math": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "legend.frameon": False,
        }
    )
    return rc


def use_theme(context: str = "notebook") -> None:
    """Apply the ecomlib theme to matplotlib for the rest of the session.

    Call it once near the top of a notebook. Use :func:`theme` to apply it only inside a
    ``with`` block.
    """
    import matplotlib as mpl

    mpl.rcParams.update(theme_rc(context))


@contextlib.contextmanager
def theme(context: str = "notebook") -> Iterator[None]:
    """Apply the ecomlib theme inside a ``with`` block and restore the settings after it."""
    import matplotlib as mpl

    with mpl.rc_context(theme_rc(context)):
        yield


def get_ax(ax=None, *, figsize: tuple[float, float] | None = None):
    """Return ``ax``, or a new Axes on a new figure when ``ax`` is None.

    Every chapter plotting function starts with ``ax = viz.get_ax(ax)``. It also registers
    the CJK font, so Chinese labels render once the theme is in use.
    """
    register_cjk_font()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new_ax = plt.subplots(figsize=figsize)
    return new_ax
