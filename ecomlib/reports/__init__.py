"""Chapter reports: notebook helpers, parameter checks, and the papermill report runner.

In a chapter notebook::

    from ecomlib import reports
    shop = reports.open_data(data, preset=preset, columns=columns, start=start, end=end)
    if shop.needs("sessions", ["session_id", "step"], section="6.1 流量 · Traffic"):
        ...
    reports.record("gmv_total", gmv, label="GMV", unit="CNY")

From Python or the shell::

    from ecomlib.reports import run_report
    run_report("basics", {"start": "2024-01-01"}, out_dir="reports")
    # ecomlib report basics -p start=2024-01-01 --out reports

The runner (papermill, nbconvert) is imported only when it is used, so ``from ecomlib
import reports`` in a notebook stays light.
"""

from __future__ import annotations

from typing import Any

from ecomlib.reports.coverage import attempt, attempt_part, substitute_note
from ecomlib.reports.key_figures import KeyFigure, clear_recorded, record, recorded
from ecomlib.reports.parameters import ParameterSpec, parse_parameters, validate_parameters
from ecomlib.reports.shop_data import ShopData, open_data, skip_note

__all__ = [
    "CHAPTERS",
    "KeyFigure",
    "ParameterSpec",
    "RunRecord",
    "attempt",
    "attempt_part",
    "ShopData",
    "clear_recorded",
    "chapter_parameters",
    "open_data",
    "parse_parameters",
    "record",
    "recorded",
    "run_report",
    "run_all",
    "skip_note",
    "substitute_note",
    "validate_parameters",
]

_LAZY = {
    "CHAPTERS": "ecomlib.reports.chapters",
    "chapter_parameters": "ecomlib.reports.chapters",
    "RunRecord": "ecomlib.reports.runner",
    "run_report": "ecomlib.reports.runner",
    "run_all": "ecomlib.reports.runner",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ecomlib.reports' has no attribute {name!r}")
