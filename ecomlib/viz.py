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

The font is Noto Sans CJK SC (SIL Open Font License) shipped inside the ``mplfonts``
wheel; Latin text stays in DejaVu Sans and matplotlib falls back to Noto for CJK glyphs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
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
    "fmt_pct",
    "fmt_thousands",
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
_CJK_FILE = "NotoSansCJKsc-Regular.otf"

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

    ``signed=True`` adds a plus sign to positive changes (``'+4.0%'``).
    """
    v = _finite(value, "value")
    if math.isnan(v):
        return "–"
    pct = v * 100
    if round(pct, decimals) == 0:
        pct = 0.0  # no "-0%"
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


def percent_formatter(decimals: int = 0):
    """A matplotlib tick formatter for fractions shown as percentages (0.25 -> ``25%``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_pct(x, decimals))


def thousands_formatter(decimals: int = 0):
    """A matplotlib tick formatter for counts with thousands separators."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_thousands(x, decimals))


def table(
    df,
    *,
    cny: Iterable[str] = (),
    pct: Iterable[str] = (),
    counts: Iterable[str] = (),
    decimals: int = 2,
    cny_decimals: int = 0,
):
    """Return ``df`` as a pandas Styler with ecomlib's number formats, for display in notebooks.

    Columns in ``cny`` show as ``¥1,234``, in ``pct`` as ``12.3%`` (fractions in the data),
    in ``counts`` as ``1,234``; other numbers with ``decimals`` decimals. Text from the data
    (index and cells) is HTML-escaped, so a product named ``<script>`` shows as text. The
    DataFrame itself is not changed.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"`df` must be a pandas DataFrame, but a {type(df).__name__} was passed.")
    formats: dict[str, object] = {}
    for col in df.columns:
        if col in set(cny):
            formats[col] = lambda v, d=cny_decimals: fmt_cny(v, d)
        elif col in set(pct):
            formats[col] = lambda v: fmt_pct(v)
        elif col in set(counts):
            formats[col] = lambda v: fmt_thousands(v)
        elif pd.api.types.is_float_dtype(df[col]):
            formats[col] = lambda v, d=decimals: fmt_thousands(v, d)
    styler = df.style.format(formats, escape="html", na_rep="–")
    stamps = [v for v in df.index.to_flat_index() for v in (v if isinstance(v, tuple) else (v,))
              if isinstance(v, pd.Timestamp)]
    monthly = bool(stamps) and all(v.day == 1 and v == v.normalize() for v in stamps)
    return styler.format_index(lambda v: _index_label(v, monthly), escape="html")


def _index_label(value, monthly: bool) -> str:
    """Index labels for tables: dates without a clock time; month starts as ``2024-01``."""
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return value.strftime("%Y-%m" if monthly else "%Y-%m-%d")
        return value.isoformat(sep=" ")
    return str(value)


# ---------------------------------------------------------------- font
@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC font file shipped in the ``mplfonts`` wheel.

    Found without importing ``mplfonts`` (which has no side effects we need).
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "The CJK font package `mplfonts` is not installed, so Chinese labels cannot render.",
            fix="Install ecomlib's dependencies with `make setup` (mplfonts is one of them).",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / _CJK_FILE
    if not path.is_file():
        raise DataError(
            f"The font file {_CJK_FILE} was not found in {path.parent}.",
            fix="Reinstall mplfonts (`pip install --force-reinstall mplfonts`).",
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


def theme_rc(context: str = "notebook") -> dict:
    """Return the rcParams of the ecomlib theme (seaborn ``whitegrid`` plus our font and colours).

    ``context`` scales fonts and lines like seaborn's contexts: ``"paper"``, ``"notebook"``,
    ``"talk"`` (for a trainer's projector) or ``"poster"``.
    """
    if context not in _CONTEXTS:
        from ecomlib.validation import check_argument

        check_argument("context", _CONTEXTS, context)
    import seaborn as sns
    from cycler import cycler

    family = register_cjk_font()
    rc: dict = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context(context))
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
