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

# Everything is imported on first use (PEP 562): `ecomlib --help` imports this package
# (through ecomlib.reports.cli) and must not pay for pandas. name -> defining module.
_LAZY = {
    "attempt": "ecomlib.reports.coverage",
    "attempt_part": "ecomlib.reports.coverage",
    "substitute_note": "ecomlib.reports.coverage",
    "KeyFigure": "ecomlib.reports.key_figures",
    "clear_recorded": "ecomlib.reports.key_figures",
    "record": "ecomlib.reports.key_figures",
    "recorded": "ecomlib.reports.key_figures",
    "ParameterSpec": "ecomlib.reports.parameters",
    "parse_parameters": "ecomlib.reports.parameters",
    "validate_parameters": "ecomlib.reports.parameters",
    "ShopData": "ecomlib.reports.shop_data",
    "open_data": "ecomlib.reports.shop_data",
    "skip_note": "ecomlib.reports.shop_data",
    "CHAPTERS": "ecomlib.reports.chapters",
    "chapter_parameters": "ecomlib.reports.chapters",
    "RunRecord": "ecomlib.reports.runner",
    "run_report": "ecomlib.reports.runner",
    "run_all": "ecomlib.reports.runner",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ecomlib.reports' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
