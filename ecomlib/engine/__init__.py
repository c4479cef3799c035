"""Where the heavy group-bys run: pandas in memory, DuckDB, or a warehouse through ibis.

The models of every chapter need only customer-, period- or arm-level aggregates; the work that
grows with the data is the group-by over order lines, sessions or touchpoints before them. This
package runs that group-by on an engine chosen by :func:`ecomlib.engine.config.choose_engine`
(``"pandas"``, ``"duckdb"``, or ``"auto"``, which picks DuckDB above a documented size).
"""

from __future__ import annotations

from ecomlib.engine.config import ENGINES, choose_engine, engine_option, get_engine, set_engine

__all__ = ["ENGINES", "choose_engine", "engine_option", "get_engine", "set_engine"]
