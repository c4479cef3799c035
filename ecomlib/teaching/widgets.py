"""Trainer panels: sliders and dropdowns that re-run a computation and redraw its plot.

A panel is built from two functions the chapter already has — one that computes a
result from a few settings, one that plots a result on an Axes — and a description of
the controls::

    from ecomlib.teaching import Dropdown, Slider, panel

    p = panel(
        compute=lambda visitors, conversion: visitors * conversion,
        plot=lambda result, ax: ax.bar(["orders"], [result]) and ax,
        controls={"visitors": Slider(1_000, 100_000, 1_000, value=50_000),
                  "conversion": Slider(0.005, 0.10, 0.005, value=0.02)},
        title="Orders = visitors x conversion",
    )
    p                     # last line of a cell: shows the panel

Each slider shows its value formatted as the chapter writes it: ``+10%`` for a change,
``2.5%`` for a rate, ``¥41`` for an amount (in the display currency of
:func:`ecomlib.viz.set_currency`), ``50,000`` for a count. ``Slider(unit="auto")`` guesses the
unit -- a range inside -1..1, or a name with a word such as rate, share, margin or lift, is a
percentage; a name with price, cost, value or spend is money -- and ``unit=`` says it outright.

In JupyterLab the panel is live: the reading (``describe``) shows once, under the controls,
and the figure carries only the title. Everywhere else — papermill runs, the executed
notebook on disk, nbconvert HTML — the same output carries a static PNG of the figure at
the current settings, headed by the title, the settings (``visitors Δ +10% · split log``)
and the reading (nbconvert shows it because no widget state is saved), so reports and CI
still show a chart.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecomlib.errors import ParameterError

__all__ = ["Dropdown", "Panel", "Slider", "panel"]

#: Units a slider's readout can be written in.
UNITS = ("auto", "percent", "money", "number")
_MONEY_WORDS = frozenset({"price", "cost", "value", "spend", "budget", "revenue", "gmv", "aov", "cac", "amount"})
_PCT_WORDS = frozenset({"share", "rate", "margin", "discount", "lift", "level", "power", "penetration",
                        "pct", "percent", "spread", "change"})


@dataclass(frozen=True)
class Slider:
    """A numeric control from ``min`` to ``max`` in steps of ``step``.

    ``value`` defaults to the middle of the range. Integer bounds and step give an integer
    slider. ``label`` defaults to the parameter name. ``unit`` is how the value reads next
    to the slider: ``"percent"`` (0.1 -> ``10%``; ``+10%`` when the range goes below 0),
    ``"money"`` (``¥1,299`` in the display currency), ``"number"`` (``1,000``), or ``"auto"``
    to guess it from the range and the name (see the module docstring).

    Examples
    --------
    >>> Slider(-0.3, 0.3, 0.01, value=0.1, label="visitors Δ").readout(0.1)
    '+10%'
    >>> Slider(8.0, 207.0, 1.0, value=41.0).readout(1299, name="order_value")
    '¥1,299'
    """

    min: float
    max: float
    step: float | None = None
    value: float | None = None
    label: str | None = None
    unit: str = "auto"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ParameterError(f"Slider `unit` must be one of {list(UNITS)}, but {self.unit!r} was passed.")
        if not self.max > self.min:
            raise ParameterError(f"Slider `max` must exceed `min`, but min={self.min!r}, max={self.max!r}.")
        if self.value is not None and not self.min <= self.value <= self.max:
            raise ParameterError(
                f"Slider `value` must lie between {self.min!r} and {self.max!r}, but {self.value!r} was passed."
            )

    @property
    def is_int(self) -> bool:
        parts = (self.min, self.max, self.step if self.step is not None else 1)
        return all(isinstance(x, int) and not isinstance(x, bool) for x in parts)

    @property
    def start(self) -> float:
        if self.value is not None:
            return self.value
        mid = (self.min + self.max) / 2
        return int(mid) if self.is_int else mid

    def unit_for(self, name: str = "") -> str:
        """The unit the readout is written in: ``unit``, or the guess for ``unit="auto"``."""
        if self.unit != "auto":
            return self.unit
        if self.is_int:
            return "number"
        words = set(re.split(r"[\W_]+", f"{name} {self.label or ''}".lower()))
        if (-1 <= self.min and self.max <= 1) or (words & _PCT_WORDS and not words & _MONEY_WORDS):
            return "percent"
        return "money" if words & _MONEY_WORDS else "number"

    def readout(self, value: float, name: str = "") -> str:
        """``value`` as the slider shows it, e.g. ``'+10%'``, ``'2.5%'``, ``'¥1,299'``, ``'50,000'``."""
        from ecomlib import viz

        unit = self.unit_for(name)
        step = self.step if self.step is not None else (self.max - self.min) / 100
        if unit == "percent":
            decimals = max(0, -math.floor(math.log10(abs(step) * 100) + 1e-9))
            return viz.fmt_pct(value, decimals, signed=self.min < 0)
        if unit == "money":
            return viz.fmt_cny(value, 0 if step >= 1 else 2)
        return viz.fmt_thousands(value, 0 if self.is_int else max(0, -math.floor(math.log10(abs(step)) + 1e-9)))

    def build(self, name: str):
        """The ipywidgets slider, without its own readout (the panel shows :meth:`readout`)."""
        import ipywidgets as w

        cls = w.IntSlider if self.is_int else w.FloatSlider
        kwargs: dict[str, Any] = {"min": self.min, "max": self.max, "value": self.start}
        if self.step is not None:
            kwargs["step"] = self.step
        return cls(description=self.label or name, continuous_update=False, readout=False,
                   style={"description_width": "initial"}, **kwargs)


@dataclass(frozen=True)
class Dropdown:
    """A choice among ``options`` (a sequence of values, or a mapping label -> value)."""

    options: Sequence[Any] | Mapping[str, Any]
    value: Any = None
    label: str | None = None

    def __post_init__(self) -> None:
        if len(self.options) == 0:
            raise ParameterError("Dropdown `options` must not be empty.")
        if self.value is not None and self.value not in self._values:
            raise ParameterError(
                f"Dropdown `value` must be one of {self._values!r}, but {self.value!r} was passed."
            )

    @property
    def _values(self) -> list[Any]:
        if isinstance(self.options, Mapping):
            return list(self.options.values())
        return list(self.options)

    @property
    def start(self) -> Any:
        return self.value if self.value is not None else self._values[0]

    def readout(self, value: Any, name: str = "") -> str:
        """The label of the option ``value`` (its key when ``options`` is a mapping)."""
        if isinstance(self.options, Mapping):
            return next((str(k) for k, v in self.options.items() if v == value), str(value))
        return str(value)

    def build(self, name: str):
        import ipywidgets as w

        options = list(self.options.items()) if isinstance(self.options, Mapping) else list(self.options)
        return w.Dropdown(options=options, value=self.start, description=self.label or name,
                          style={"description_width": "initial"})


Control = Slider | Dropdown


class Panel:
    """Controls plus a live figure; see :func:`panel`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The control widgets by parameter name (set ``.value`` to move one).
    readout_labels : dict of str to ipywidgets.Label
        The formatted value beside each slider (``+10%``, ``¥1,299``), by parameter name.
    result : object
        What ``compute`` returned for the current settings.
    calls : int
        How many times ``compute`` has run (tests use it).
    """

    def __init__(
        self,
        compute: Callable[..., Any],
        plot: Callable[..., Any],
        controls: Mapping[str, Control],
        *,
        title: str | None = None,
        describe: Callable[[Any], str] | None = None,
        figsize: tuple[float, float] = (8.0, 4.5),
    ):
        if not callable(compute) or not callable(plot):
            raise ParameterError("`compute` and `plot` must be functions.")
        if not controls:
            raise ParameterError("`controls` must name at least one Slider or Dropdown.")
        for name, spec in controls.items():
            if not isinstance(spec, Slider | Dropdown):
                raise ParameterError(
                    f"`controls[{name!r}]` must be a Slider or a Dropdown, but a "
                    f"{type(spec).__name__} was passed."
                )
        self._compute = compute
        self._plot = plot
        self._specs = dict(controls)
        self.title = title
        self._describe = describe
        self.figsize = figsize
        self.calls = 0
        self.result: Any = None
        self._widget = None
        self.controls: dict[str, Any] = {}
        self.readout_labels: dict[str, Any] = {}
        self._recompute(self.values)

    # -------------------------------------------------------------- state
    @property
    def values(self) -> dict[str, Any]:
        """The current setting of every control."""
        if self.controls:
            return {name: c.value for name, c in self.controls.items()}
        return {name: spec.start for name, spec in self._specs.items()}

    def _recompute(self, values: Mapping[str, Any]) -> None:
        self.result = self._compute(**values)
        self.calls += 1

    def description(self) -> str:
        """The one-line text shown under the controls (empty without ``describe``)."""
        return self._describe(self.result) if self._describe else ""

    def readouts(self) -> dict[str, str]:
        """Every control's current value as it reads, e.g. ``{"visitors": "+10%"}``."""
        return {name: spec.readout(value, name) for (name, spec), value
                in zip(self._specs.items(), self.values.values(), strict=True)}

    def settings(self) -> str:
        """The current settings on one line: ``'visitors Δ +10% · split log'``."""
        return " · ".join(f"{self._specs[name].label or name} {text}" for name, text in self.readouts().items())

    # -------------------------------------------------------------- figures
    def figure(self, *, static: bool = True):
        """Draw the current result on a new figure (not registered with pyplot) and return it.

        The static figure (for reports and saved notebooks, where no controls show) is headed
        by the title, the settings and the reading; the live one only by the title, since the
        panel shows the settings beside the sliders and the reading under them.
        """
        from matplotlib.figure import Figure

        from ecomlib import viz

        with viz.theme():
            fig = Figure(figsize=self.figsize)
            ax = fig.subplots()
            self._plot(self.result, ax=ax)
            lines = (self.title, self.settings(), self.description()) if static else (self.title,)
            heading = "\n".join(t for t in lines if t)
            if heading:
                fig.suptitle(heading, x=0.01, ha="left", fontsize="medium")
            fig.tight_layout()
        return fig

    def png(self, *, static: bool = True) -> bytes:
        """The current figure as PNG bytes (``static=True``: the fallback; see :meth:`figure`)."""
        from ecomlib import viz

        buf = io.BytesIO()
        with viz.theme():
            self.figure(static=static).savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    # -------------------------------------------------------------- widget
    @property
    def widget(self):
        """The ipywidgets box (controls with their readouts, description, figure), built on first use."""
        if self._widget is None:
            import ipywidgets as w

            self.controls = {name: spec.build(name) for name, spec in self._specs.items()}
            self.readout_labels = {name: w.Label() for name, spec in self._specs.items()
                                   if isinstance(spec, Slider)}
            self._out = w.Output()
            self._text = w.HTML()
            for control in self.controls.values():
                control.observe(self._on_change, names="value")
            rows = [w.HBox([c, self.readout_labels[n]]) if n in self.readout_labels else c
                    for n, c in self.controls.items()]
            self._widget = w.VBox([*rows, self._text, self._out])
            self._redraw()
        return self._widget

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self._recompute(self.values)
        self._redraw()

    def _redraw(self) -> None:
        from html import escape

        readouts = self.readouts()
        for name, label in self.readout_labels.items():
            label.value = readouts[name]
        self._text.value = f"<b>{escape(self.description())}</b>" if self._describe else ""
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with ipywidgets
            return
        if get_ipython() is None:
            return  # headless (tests, scripts): nothing to draw into
        from IPython.display import Image, display

        with self._out:
            self._out.clear_output(wait=True)
            display(Image(data=self.png(static=False)))

    def set(self, **values: Any) -> Panel:
        """Move controls by name (as a trainer would) and return the panel."""
        _ = self.widget  # builds the controls on first use
        for name, value in values.items():
            if name not in self.controls:
                raise ParameterError(f"`{name}` is not a control of this panel; it has {list(self.controls)}.")
            self.controls[name].value = value
        return self

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle: dict[str, Any] = {}
        try:
            bundle.update(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        except Exception:  # noqa: BLE001 - no widget front end; the static figure still shows
            bundle = {}
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        bundle["text/plain"] = f"<Panel: {self.title or 'interactive figure'}; {self.settings()}; {self.description()}>"
        return bundle

    def __repr__(self) -> str:
        return f"<Panel {self.title or ''} {self.values}>"


def panel(
    compute: Callable[..., Any],
    plot: Callable[..., Any],
    controls: Mapping[str, Control],
    *,
    title: str | None = None,
    describe: Callable[[Any], str] | None = None,
    figsize: tuple[float, float] = (8.0, 4.5),
) -> Panel:
    """Build a trainer panel: controls that re-run ``compute`` and redraw with ``plot``.

    Parameters
    ----------
    compute : callable
        ``compute(**settings) -> result``; its keyword names are the keys of ``controls``.
    plot : callable
        ``plot(result, ax=ax) -> ax``; a chapter ``plotting.py`` function.
    controls : mapping of str to Slider or Dropdown
        One control per keyword of ``compute``.
    title : str, optional
        Figure title.
    describe : callable, optional
        ``describe(result) -> str``, a one-line reading shown under the controls (for
        example ``"GMV = ¥1.23M (+4.0%)"``).
    figsize : (float, float)
        Figure size in inches.

    Returns
    -------
    Panel
        Display it as the last expression of a cell. ``Panel.png()`` is the static figure.
    """
    return Panel(compute, plot, controls, title=title, describe=describe, figsize=figsize)
