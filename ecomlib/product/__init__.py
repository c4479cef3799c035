"""Product strategy, new products and brand (book 3.2 and 5.1-5.4).

* :func:`bass_share`, :func:`bass_cumulative`, :func:`bass_adopters`, :func:`bass_peak`,
  :func:`fit_bass`, :func:`bass_forecast` — Bass diffusion of a new product: closed forms,
  nonlinear least-squares fit with intervals, forecast from the first weeks (5.2).
"""

from ecomlib.product.diffusion import (
    BassFit,
    bass_adopters,
    bass_cumulative,
    bass_forecast,
    bass_peak,
    bass_share,
    fit_bass,
)

__all__ = [
    "BassFit",
    "bass_adopters",
    "bass_cumulative",
    "bass_forecast",
    "bass_peak",
    "bass_share",
    "fit_bass",
]
