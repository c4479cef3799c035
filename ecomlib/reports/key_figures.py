"""Key figures: the few numbers of a chapter an analyst wants on the index page.

Inside a notebook, ``reports.record("gmv_total", 1_234_567.0, label="GMV", unit="CNY")``
shows the figure as one line and attaches it to the cell output under the MIME type
:data:`MIME_KEY_FIGURE`. The report runner reads those outputs back from the executed
notebook, so the run record and ``index.html`` list the figures without re-running
anything. Outside a notebook (a plain script or a test) the figure is only kept in
memory; :func:`recorded` returns what was recorded so far in this process.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from ecomlib.errors import ParameterError

__all__ = [
    "MIME_KEY_FIGURE",
    "MIME_DATA_SUMMARY",
    "MIME_SKIP_NOTE",
    "KeyFigure",
    "record",
    "recorded",
    "clear_recorded",
    "format_p_value",
    "format_value",
    "publish",
]

#: MIME types of the machine-readable parts of ecomlib's notebook outputs.
MIME_KEY_FIGURE = "application/vnd.ecomlib.key-figure+json"
MIME_DATA_SUMMARY = "application/vnd.ecomlib.data-summary+json"
MIME_SKIP_NOTE = "application/vnd.ecomlib.skip-note+json"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_RECORDED: dict[str, KeyFigure] = {}


@dataclass(frozen=True)
class KeyFigure:
    """One recorded key figure.

    Attributes
    ----------
    name : str
        Machine name, e.g. ``"gmv_total"`` (letters, digits, ``_`` and ``.``).
    value : int, float, str, bool or None
        The figure, as a JSON-friendly scalar (NaN is kept as ``None``).
    label : str
        Human label shown in reports; defaults to the name.
    unit : str
        Unit shown after the value, e.g. ``"CNY"`` or ``"%"`` ('' for none).
    """

    name: str
    value: Any
    label: str
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The figure as a JSON-friendly dict."""
        return asdict(self)


def _plain_value(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if hasattr(value, "isoformat") and hasattr(value, "year"):  # pandas Timestamp
        return value.isoformat()
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:  # numpy scalar
        value = value.item()
        if isinstance(value, bool | str):
            return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value
    raise ParameterError(
        f"The value of key figure `{name}` must be a number, string, bool, date or None, "
        f"but a {type(value).__name__} was passed.",
        fix="Record one number per key figure, e.g. float(result.summary().loc['total', 'gmv']).",
    )


_P_VALUE = re.compile(r"(^|[._])p_?value$", re.IGNORECASE)


def format_p_value(value: float) -> str:
    """A p-value as people read it: ``< 0.0001`` below 0.0001, else 4 decimals (0.0312).

    The one rule is :func:`ecomlib.viz.fmt_p`, which tables and notebook text use too.
    """
    from ecomlib.viz import fmt_p

    return fmt_p(value)


def format_value(value: Any, unit: str = "", *, name: str = "") -> str:
    """Format a key-figure value for people: thousands separators, 4 significant digits.

    Parameters
    ----------
    value : number, str, bool or None
        The figure; None shows as ``n/a``.
    unit : str, optional
        Written after the value (``%`` without a space).
    name : str, optional
        The figure's machine name; a name ending in ``p_value`` (``ab_p_value``) is shown as
        a p-value: ``< 0.0001`` rather than ``1.905e-07`` or ``0.0000``.
    """
    if value is None:
        return "n/a"  # no unit after a figure that could not be computed ("n/a GBP" reads oddly)
    if _P_VALUE.search(name) and isinstance(value, int | float) and not isinstance(value, bool):
        return format_p_value(float(value))
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    else:
        text = str(value)
    return f"{text} {unit}".rstrip() if unit and unit != "%" else f"{text}{unit}"


def publish(data: dict[str, Any], metadata: dict[str, Any] | None = None) -> bool:
    """Display a MIME bundle when running inside IPython; return whether it was shown."""
    try:
        from IPython.core.interactiveshell import InteractiveShell
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    if not InteractiveShell.initialized():
        return False
    display(data, raw=True, metadata=metadata or {})
    return True


def record(name: str, value: Any, label: str | None = None, *, unit: str = "") -> None:
    """Record a key figure of the chapter for the run record and the index page.

    Parameters
    ----------
    name : str
        Machine name (letters, digits, ``_``, ``.``), unique within the notebook; recording
        the same name again replaces the earlier value.
    value : number, str, bool, date or None
        The figure. numpy scalars are converted; NaN is stored as None.
    label : str, optional
        Human label for reports (defaults to ``name``).
    unit : str, optional
        Unit shown after the value, e.g. ``"CNY"``, ``"%"``, ``"orders"``. ``"CNY"`` means
        money: it is recorded as the display currency (``viz.currency()``, set by
        ``open_data`` from the data), so GBP data give GBP figures.

    Notes
    -----
    Inside a notebook the figure is displayed as one line ("Key figure · GMV: 1,234,567
    CNY") carrying a machine-readable copy that the report runner collects. Nothing is
    returned, so a ``record(...)`` call as the last line of a cell shows nothing twice;
    :func:`recorded` gives the figures back.

    Examples
    --------
    >>> from ecomlib import reports
    >>> reports.record("gmv_total", 1234567.0, label="GMV, whole period", unit="CNY")
    >>> reports.recorded()["gmv_total"].value
    1234567.0
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(
            f"`name` must start with a letter or _ and contain only letters, digits, _ and ., "
            f"but {name!r} was passed."
        )
    if label is not None and not isinstance(label, str):
        raise ParameterError(f"`label` must be a string, but {label!r} was passed.")
    unit = str(unit)
    if unit == "CNY":  # notebooks write money as "CNY"; the data's currency is what it is in
        from ecomlib.viz import currency

        unit = currency()
    figure = KeyFigure(name=name, value=_plain_value(name, value), label=label or name, unit=unit)
    _RECORDED[name] = figure
    shown = format_value(figure.value, figure.unit, name=name)
    publish(
        {
            "text/plain": f"Key figure · {figure.label}: {shown}",
            "text/html": (
                '<div class="ecomlib-key-figure"><strong>Key figure</strong> · '
                f"{html.escape(figure.label)}: <strong>{html.escape(shown)}</strong></div>"
            ),
            MIME_KEY_FIGURE: figure.to_dict(),
        }
    )


def recorded() -> dict[str, KeyFigure]:
    """Return the key figures recorded in this process so far (a copy)."""
    return dict(_RECORDED)


def clear_recorded() -> None:
    """Forget the key figures recorded in this process (tests use it)."""
    _RECORDED.clear()
