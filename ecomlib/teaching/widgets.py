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

In JupyterLab the panel is live. Everywhere else — papermill runs, the executed
notebook on disk, nbconvert HTML — the same output carries a static PNG of the figure at
the current settings (nbconvert shows it because no widget state is saved), so reports
and CI still show a chart.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecomlib.errors import ParameterError

__all__ = ["Dropdown", "Panel", "Slider", "panel"]


@dataclass(frozen=True)
class Slider:
    """A numeric control from ``min`` to ``max`` in steps of ``step``.

    ``value`` defaults to the middle of the range. Integer bounds and step give an integer
    slider. ``label`` defaults to the parameter name.
    """

    min: float
    max: float
    step: float | None = None
    value: float | None = None
    label: str | None = None

    def __post_init__(self) -> None:
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

    def build(self, name: str):
        import ipywidgets as w

        cls = w.IntSlider if self.is_int else w.FloatSlider
        kwargs: dict[str, Any] = {"min": self.min, "max": self.max, "value": self.start}
        if self.step is not None:
            kwargs["step"] = self.step
        if not self.is_int:
            kwargs["readout_format"] = ".3g"
        return cls(description=self.label or name, continuous_update=False,
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

    # -------------------------------------------------------------- figures
    def figure(self):
        """Draw the current result on a new figure (not registered with pyplot) and return it."""
        from matplotlib.figure import Figure

        from ecomlib import viz

        with viz.theme():
            fig = Figure(figsize=self.figsize)
            ax = fig.subplots()
            self._plot(self.result, ax=ax)
            heading = "\n".join(t for t in (self.title, self.description()) if t)
            if heading:
                fig.suptitle(heading, x=0.01, ha="left", fontsize="medium")
            fig.tight_layout()
        return fig

    def png(self) -> bytes:
        """The current figure as PNG bytes (the static fallback)."""
        from ecomlib import viz

        buf = io.BytesIO()
        with viz.theme():
            self.figure().savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    # -------------------------------------------------------------- widget
    @property
    def widget(self):
        """The ipywidgets box (controls, description, figure), built on first use."""
        if self._widget is None:
            import ipywidgets as w

            self.controls = {name: spec.build(name) for name, spec in self._specs.items()}
            self._out = w.Output()
            self._text = w.HTML()
            for control in self.controls.values():
                control.observe(self._on_change, names="value")
            self._widget = w.VBox([*self.controls.values(), self._text, self._out])
            self._redraw()
        return self._widget

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self._recompute(self.values)
        self._redraw()

    def _redraw(self) -> None:
        from html import escape

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
            display(Image(data=self.png()))

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
        bundle["text/plain"] = f"<Panel: {self.title or 'interactive figure'}; {self.description()}>"
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
