"""Open the data a chapter notebook runs on, and skip sections whose data is missing.

Every chapter notebook starts the same way::

    from ecomlib import reports
    shop = reports.open_data(data, preset=preset, columns=columns, start=start, end=end)

An empty ``data`` opens the bundled sample shop (:func:`ecomlib.datasets.load_sample_store`),
whose ground truth is then in ``shop.truth``; otherwise the file or folder is read with
:func:`ecomlib.data.load_shop`, and its data-quality reports go to the top of the HTML
report. A section that needs a table the data lacks starts with::

    if shop.needs("sessions", ["session_id", "step"], section="6.1 流量 · Traffic"):
        ...  # the section

which shows a visible skip note instead of crashing when the table or columns are absent.

**Data the engine opened.** A database, or one file large enough for DuckDB (the engine
setting, :func:`ecomlib.engine.config.choose_engine`), is cleaned into DuckDB by
:func:`ecomlib.engine.sources.open_transactions`. Then ``shop.table("transactions")`` is that
ibis Table, which the chapter functions that accept one aggregate on DuckDB, and
``shop["transactions"]`` is the pandas frame, built the first time a cell asks for it (and kept).
``needs``, ``summary`` and the report header read the Table's columns and row count, so a
notebook that only calls engine-aware functions never builds the frame.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ecomlib.errors import ParameterError
from ecomlib.reports.key_figures import MIME_DATA_SUMMARY, MIME_SKIP_NOTE, publish

__all__ = ["ShopData", "LazyTables", "open_data", "skip_note", "parse_column_map", "quality_to_json"]

# canonical day column of each dated table, used to apply `start` / `end` to the sample shop
DATE_COLUMNS = {
    "transactions": "order_date",
    "sessions": "date",
    "marketing_spend": "date",
    "touchpoints": "timestamp",
    "kpis_daily": "date",
    "tickets": "created",
    "reviews": "date",
    "partner_deliveries": "ordered_date",
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_column_map(columns: Any) -> dict[str, Any] | str | None:
    """Read a column mapping: your column name -> canonical name.

    Accepts a dict (passed on as it is, also ``{table: {yours: canonical}}``), a string
    ``"InvoiceNo=order_id,InvoiceDate=order_date"``, a JSON object, or the path of a YAML or
    JSON file (returned as the path, which :func:`ecomlib.data.load_shop` reads). Empty
    means no mapping (None). The direction is the data layer's: the key is the name in your
    file, the value the canonical column.
    """
    if _blank(columns):
        return None
    if isinstance(columns, dict):
        return columns
    if not isinstance(columns, str):
        raise ParameterError(
            f"`columns` must be a mapping such as 'InvoiceNo=order_id,InvoiceDate=order_date' "
            f"or a YAML/JSON file, but a {type(columns).__name__} was passed."
        )
    text = columns.strip()
    if "=" not in text and not text.startswith("{"):
        path = Path(text).expanduser()
        if path.suffix.lower() not in {".json", ".yaml", ".yml"} or not path.is_file():
            raise ParameterError(
                f"`columns` must be 'yours=canonical' pairs such as 'InvoiceNo=order_id' or an "
                f"existing .yaml/.json file, but {text!r} was passed."
            )
        return str(path)
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"`columns` is not valid JSON ({exc.msg}): {text!r}.") from None
        return loaded
    pairs = [part for part in text.replace(";", ",").split(",") if part.strip()]
    if not all("=" in part for part in pairs):
        raise ParameterError(
            f"`columns` must look like 'InvoiceNo=order_id,InvoiceDate=order_date' "
            f"(yours=canonical), but {text!r} was passed."
        )
    return {k.strip(): v.strip() for k, v in (part.split("=", 1) for part in pairs)}


def quality_to_json(report: Any) -> Any:
    """Turn a data-quality report into JSON-friendly data for the HTML header.

    A report with a ``summary()`` (or ``to_frame()``) table becomes
    ``{"columns": [...], "rows": [[...], ...], "notes": [...]}`` (lists keep the column
    order, which JSON objects written by nbformat would not); anything else its text.
    """
    if report is None:
        return None
    for method in ("summary", "to_frame"):
        if callable(getattr(report, method, None)):
            frame = getattr(report, method)()
            if isinstance(frame, pd.DataFrame):
                frame = frame.reset_index() if frame.index.name is not None else frame
                rows = json.loads(frame.to_json(orient="values", date_format="iso"))
                notes = [str(n) for n in getattr(report, "notes", ()) or ()]
                return {"columns": [str(c) for c in frame.columns], "rows": rows, "notes": notes}
    if dataclasses.is_dataclass(report):
        return {"text": json.dumps(dataclasses.asdict(report), default=str, indent=1)}
    return {"text": str(report)}


class LazyTables(MutableMapping):
    """Tables by name, some of them built only when first read (then kept).

    Parameters
    ----------
    frames : dict of str to DataFrame, optional
        Tables already in memory.
    lazy : dict of str to callable, optional
        Tables built on first access: name -> function of no arguments returning the DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> tables = LazyTables(lazy={"transactions": lambda: pd.DataFrame({"a": [1]})})
    >>> tables.is_built("transactions"), "transactions" in tables
    (False, True)
    >>> len(tables["transactions"]), tables.is_built("transactions")
    (1, True)
    """

    def __init__(self, frames: dict[str, pd.DataFrame] | None = None, *,
                 lazy: dict[str, Callable[[], pd.DataFrame]] | None = None):
        self._frames = dict(frames or {})
        self._lazy = {k: v for k, v in (lazy or {}).items() if k not in self._frames}
        self._order = list(self._frames) + list(self._lazy)

    def is_built(self, name: str) -> bool:
        """Whether ``name`` is in memory (False for a table not built yet, or absent)."""
        return name in self._frames

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames and name in self._lazy:
            self._frames[name] = self._lazy.pop(name)()
        return self._frames[name]

    def __setitem__(self, name: str, frame: pd.DataFrame) -> None:
        if name not in self._order:
            self._order.append(name)
        self._lazy.pop(name, None)
        self._frames[name] = frame

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._order.remove(name)
        self._frames.pop(name, None)
        self._lazy.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._frames or name in self._lazy

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}{'' if self.is_built(k) else ' (not built)'}" for k in self._order)
        return f"LazyTables({shown})"


@dataclass
class ShopData:
    """The tables a notebook works on, where they came from, and what was checked.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Canonical tables present (``"transactions"``, ``"sessions"``, ...).
    truth : dict or None
        The sample shop's ground truth; None for the user's own data.
    truth_doc : dict
        One-line description (with units) of each truth key.
    quality : dict
        Data-quality report per loaded table (empty for the sample shop).
    missing : list of str
        Canonical tables the data does not have.
    source : str
        Human description of the data (the path, or "bundled sample shop").
    unreadable : dict of str to str
        Optional tables present as files that could not be read (left out), with the reason.
    currency : str
        ISO code of the amounts (CNY for the sample shop, the preset's otherwise); money is
        displayed in it, never converted.
    engine_tables : dict of str to ibis.Table
        The tables the engine opened (see the module notes): :meth:`table` returns them;
        ``tables`` builds their pandas frame on first access.
    """

    tables: MutableMapping[str, pd.DataFrame]
    truth: dict[str, Any] | None = None
    truth_doc: dict[str, str] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    source: str = ""
    unreadable: dict[str, str] = field(default_factory=dict)
    currency: str = "CNY"
    engine_tables: dict[str, Any] = field(default_factory=dict)
    _rows: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unbuilt = {name: _frame_loader(table) for name, table in self.engine_tables.items()
                   if name not in self.tables}
        if unbuilt:
            frames = self.tables._frames if isinstance(self.tables, LazyTables) else dict(self.tables)
            self.tables = LazyTables(frames, lazy=unbuilt)

    def table(self, name: str) -> Any:
        """The table as the chapter functions take it: the engine's ibis Table when the engine
        opened it (nothing is loaded into memory), else the pandas frame (as ``shop[name]``)."""
        if name in self.engine_tables:
            return self.engine_tables[name]
        return self[name]

    def rows(self, name: str) -> int:
        """Rows of a table present, without building the frame of one the engine opened."""
        if isinstance(self.tables, LazyTables) and not self.tables.is_built(name) and name in self.engine_tables:
            if name not in self._rows:
                self._rows[name] = int(self.engine_tables[name].count().execute())
            return self._rows[name]
        return len(self.tables[name])

    def columns(self, name: str) -> list[str]:
        """Column names of a table present, without building the frame of one the engine opened."""
        if isinstance(self.tables, LazyTables) and not self.tables.is_built(name) and name in self.engine_tables:
            return list(self.engine_tables[name].columns)
        return [str(c) for c in self.tables[name].columns]

    @property
    def is_sample(self) -> bool:
        """True when the data is the simulated sample shop (so ``truth`` is known)."""
        return self.truth is not None

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self.tables:
            raise ParameterError(
                f"The data has no table {table!r}; it has {sorted(self.tables)}.",
                fix=f"Guard the section with `if shop.needs({table!r}, [...]):`.",
            )
        return self.tables[table]

    def get(self, table: str) -> pd.DataFrame | None:
        """Return the table, or None when the data lacks it."""
        return self.tables.get(table)

    def needs(self, table: str, columns: Iterable[str] = (), *, section: str = "",
              part: bool = False) -> bool:
        """Return True when ``table`` is present with ``columns``; else show a skip note.

        Parameters
        ----------
        table : str
            Canonical table name, e.g. ``"sessions"``.
        columns : iterable of str
            Columns the section uses.
        section : str, optional
            The section heading, named in the note.
        part : bool, default False
            True when the guarded code is only a part of its section (see :func:`skip_note`).
        """
        columns = list(columns)
        present = table in self.tables
        absent = columns if not present else [c for c in columns if c not in self.columns(table)]
        if present and not absent and self.rows(table) > 0:
            return True
        reason = (
            f"the data has no table '{table}'"
            if not present
            else (f"the table '{table}' has no rows" if not absent else f"'{table}' lacks {absent}")
        )
        skip_note(table, columns, section=section, reason=reason, part=part)
        return False

    def summary(self) -> pd.DataFrame:
        """One row per table: rows, columns, and whether it is missing."""
        rows = [
            {"table": name, "rows": self.rows(name), "columns": len(self.columns(name)), "present": True}
            for name in self.tables
        ]
        rows += [{"table": name, "rows": 0, "columns": 0, "present": False} for name in self.missing]
        return pd.DataFrame(rows, columns=["table", "rows", "columns", "present"])

    def to_json(self) -> dict[str, Any]:
        """What the report header shows: source, tables, missing tables, quality."""
        return {
            "source": self.source,
            "is_sample": self.is_sample,
            "tables": {name: int(self.rows(name)) for name in self.tables},
            "missing": list(self.missing),
            "unreadable": dict(self.unreadable),
            "currency": self.currency,
            "quality": {name: quality_to_json(q) for name, q in self.quality.items()},
        }


def _frame_loader(table: Any) -> Callable[[], pd.DataFrame]:
    """How a table the engine opened becomes the frame :func:`ecomlib.data.load_transactions` returns."""
    def build() -> pd.DataFrame:
        from ecomlib.engine.sources import table_frame

        return table_frame(table)
    return build


def skip_note(
    table: str, columns: Iterable[str] = (), *, section: str = "", reason: str = "",
    part: bool = False,
) -> None:
    """Show a visible note that a section is skipped because its data is missing or too thin.

    The note says which table and columns the section needs, why it was skipped, and how to
    supply the data. In a plain script it is printed.

    Parameters
    ----------
    table : str
        Canonical table the section needs; '' when the table is there but too thin (then
        ``reason`` says what is missing, e.g. "needs at least 2 categories").
    columns : iterable of str
        Columns the section needs.
    section : str, optional
        The section's name for the note (the coverage table uses the heading above the cell).
    reason : str, optional
        Why it was skipped, in plain words.
    part : bool, default False
        True when only a part of the section is skipped (a by-channel split, a second
        figure): the section still counts as run in the coverage table.
    """
    columns = list(columns)
    where = f"Section '{section}'" if section else ("This part of the section" if part else "This section")
    cols = f" with the columns {', '.join(columns)}" if columns else ""
    why = f" Skipped because {reason}." if reason else " Skipped."
    if table:
        text = (
            f"{where} needs the table '{table}'{cols}.{why} Supply it as {table}.csv (or .xlsx, "
            f".parquet) in the folder passed as --data; use --columns to map your column names."
        )
    else:
        text = f"{where} could not run.{why}"
    shown = publish(
        {
            "text/plain": f"Note: {text}",
            "text/html": (
                '<div class="ecomlib-skip-note" style="border-left:4px solid #d9a400;'
                'background:#fff8e1;padding:0.5em 1em;margin:0.5em 0">'
                f"<strong>Skipped.</strong> {html.escape(text)}</div>"
            ),
            MIME_SKIP_NOTE: {"section": section, "table": table, "columns": columns, "text": text,
                             "reason": reason or text, "scope": "part" if part else "section"},
        }
    )
    if not shown:
        print(f"Note: {text}")


def _filter_dates(tables: dict[str, pd.DataFrame], start: Any, end: Any) -> dict[str, pd.DataFrame]:
    if _blank(start) and _blank(end):
        return dict(tables)
    lo = None if _blank(start) else pd.Timestamp(start).normalize()
    hi = None if _blank(end) else pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    out = {}
    for name, frame in tables.items():
        col = DATE_COLUMNS.get(name)
        if col is None or col not in frame.columns:
            out[name] = frame
            continue
        keep = pd.Series(True, index=frame.index)
        if lo is not None:
            keep &= frame[col] >= lo
        if hi is not None:
            keep &= frame[col] < hi
        out[name] = frame.loc[keep]
    return out


def _open_sample(start: Any, end: Any) -> ShopData:
    from ecomlib.datasets import load_sample_store

    store = load_sample_store()
    tables = store.tables()
    all_tables = _canonical_table_names()
    return ShopData(
        tables=_filter_dates(tables, start, end),
        truth=dict(store.truth),
        truth_doc=dict(getattr(store, "truth_doc", {}) or {}),
        missing=[name for name in all_tables if name not in tables],
        source="bundled sample shop (simulated; ground truth known)",
    )


def _canonical_table_names() -> list[str]:
    from ecomlib.data.schemas import HELPER_TABLES, TABLES

    return [name for name in TABLES if name not in HELPER_TABLES]


def open_data(
    data: Any = "",
    *,
    preset: str | None = "",
    columns: Any = "",
    start: Any = "",
    end: Any = "",
    currency: str = "",
    encoding: str = "",
    sheet: Any = "",
    decimal: str = "",
    dayfirst: Any = "",
    show: bool = True,
) -> ShopData:
    """Open the data named by a notebook's common parameters.

    Parameters
    ----------
    data : str or path
        A shop export (file or folder). Empty means the bundled sample shop; the name of a
        bundled real data set (``"online_retail"``) opens it with its preset.
    preset : str, optional
        Name of a known export format (see ``ecomlib data presets``); empty for none.
    columns : str or dict, optional
        Column mapping yours=canonical, e.g. ``"InvoiceNo=order_id,InvoiceDate=order_date"``,
        or a YAML/JSON file holding it (see :func:`parse_column_map`).
    start, end : str or date, optional
        First and last day to include (inclusive), ``YYYY-MM-DD``; empty for no limit.
    currency : str, optional
        ISO code of the data's amounts (``"GBP"``); empty means the preset's currency
        (GBP for ``online_retail``, BRL for ``olist``), else CNY. It becomes the display
        currency of :mod:`ecomlib.viz` (``viz.set_currency``) and of CNY key figures.
    encoding, sheet, decimal, dayfirst : str, optional
        Reading options of :func:`ecomlib.data.load_shop`; empty means detected from the
        data. ``sheet`` is a name or a 0-based position, ``decimal`` is ``"."`` or ``","``,
        ``dayfirst`` is ``"true"`` (01/03/2024 is 1 March) or ``"false"`` (3 January).
    show : bool, default True
        Display a one-table summary of what was opened (and hand it to the report header).

    Returns
    -------
    ShopData
        ``tables``, ``truth`` (sample shop only), ``quality``, ``missing``, ``source``.

    Examples
    --------
    >>> from ecomlib import reports
    >>> shop = reports.open_data("")            # doctest: +SKIP
    >>> shop.tables["transactions"].shape       # doctest: +SKIP
    """
    for name, value in (("start", start), ("end", end)):
        if not _blank(value):
            try:
                pd.Timestamp(value)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"`{name}` must be a date written YYYY-MM-DD, but {value!r} was passed."
                ) from None
    from ecomlib.datasets.online_retail import bundled_data

    named = bundled_data(data)
    if named is not None:  # a bundled real data set opened by name, e.g. "online_retail"
        data, preset = str(named[0]), (preset if not _blank(preset) else named[1])
    if _blank(data):
        shop = _open_sample(start, end)
    elif _engine_loads(data):  # a database, or one large file the engine setting sends to DuckDB
        shop = _open_with_engine(data, preset, columns, start, end, _read_options(encoding, sheet, decimal, dayfirst))
    else:
        from ecomlib.data import load_shop

        path = Path(str(data)).expanduser()
        loaded = load_shop(
            path,
            preset=None if _blank(preset) else preset,
            columns=parse_column_map(columns),
            start=None if _blank(start) else start,
            end=None if _blank(end) else end,
            **_read_options(encoding, sheet, decimal, dayfirst),
        )
        shop = ShopData(
            tables=dict(loaded.tables),
            quality=dict(getattr(loaded, "quality", {}) or {}),
            missing=list(getattr(loaded, "missing", []) or []),
            source=str(path),
            unreadable=dict(getattr(loaded, "unreadable", {}) or {}),
        )
    if not _blank(currency):
        shop.currency = str(currency).strip().upper()
    elif not _blank(preset) and not shop.is_sample:
        from ecomlib.data.presets import get_preset

        shop.currency = get_preset(preset).currency or "CNY"
    from ecomlib import viz

    viz.set_currency(shop.currency)
    if show:
        _show_summary(shop)
    return shop


def _engine_loads(data: Any) -> bool:
    from ecomlib.engine.sources import uses_engine_loader

    return uses_engine_loader(data)


def _open_with_engine(data: Any, preset: Any, columns: Any, start: Any, end: Any, read: dict[str, Any]) -> ShopData:
    """The transactions of ``data`` as the engine's ibis Table (:func:`ecomlib.engine.sources.report_lines`);
    their pandas frame is built only if a cell reads ``shop["transactions"]``."""
    from ecomlib.engine.connect import redact
    from ecomlib.engine.sources import report_lines

    loaded = report_lines(
        str(data), preset=None if _blank(preset) else preset, columns=parse_column_map(columns),
        start=None if _blank(start) else start, end=None if _blank(end) else end,
        **{k: v for k, v in read.items() if k != "sheet"},
    )
    report = loaded.report
    missing = [t for t in _canonical_table_names() if t != "transactions"]
    shop = ShopData(tables={}, quality={"transactions": report}, missing=missing,
                    source=report.source if report.source else redact(data),
                    engine_tables={"transactions": loaded.table})
    shop._rows["transactions"] = int(report.rows_kept)
    return shop


def _read_options(encoding: Any, sheet: Any, decimal: Any, dayfirst: Any) -> dict[str, Any]:
    """The reading options of :func:`open_data` as :func:`ecomlib.data.load_shop` takes them."""
    out: dict[str, Any] = {}
    if not _blank(encoding):
        out["encoding"] = str(encoding).strip()
    if not _blank(sheet):
        text = str(sheet).strip()
        out["sheet"] = int(text) if text.isdigit() else text
    if not _blank(decimal):
        out["decimal"] = str(decimal).strip()
        if out["decimal"] not in (".", ","):
            raise ParameterError(f"`decimal` must be '.' or ',', but {decimal!r} was passed.")
    if not _blank(dayfirst):
        word = str(dayfirst).strip().lower()
        if word not in ("true", "false", "yes", "no", "1", "0"):
            raise ParameterError(
                f"`dayfirst` must be true (01/03/2024 is 1 March) or false (3 January), "
                f"but {dayfirst!r} was passed."
            )
        out["dayfirst"] = word in ("true", "yes", "1")
    return out


def _show_summary(shop: ShopData) -> None:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{shop.rows(name):,}</td></tr>"
        for name in shop.tables
    )
    missing = ", ".join(shop.missing) or "none"
    unreadable = "".join(
        f"<p><strong>Could not read {html.escape(name)}</strong> (left out): {html.escape(why)}</p>"
        for name, why in shop.unreadable.items()
    )
    if shop.unreadable:
        print("\n".join(f"Could not read {name} (left out): {why}" for name, why in shop.unreadable.items()))
    publish(
        {
            "text/plain": f"Data: {shop.source}; tables: "
            + ", ".join(f"{k} ({shop.rows(k):,} rows)" for k in shop.tables)
            + f"; missing: {missing}; amounts in {shop.currency}",
            "text/html": (
                f'<div class="ecomlib-data-summary"><p><strong>Data:</strong> '
                f"{html.escape(shop.source)}</p><table><tr><th>table</th><th>rows</th></tr>"
                f"{rows}</table><p>Tables not present: {html.escape(missing)}</p>"
                f"<p>Amounts in {html.escape(shop.currency)} (not converted).</p>{unreadable}</div>"
            ),
            MIME_DATA_SUMMARY: shop.to_json(),
        }
    )
