"""Order lines as an ibis Table: large files cleaned in batches into DuckDB, or a database table.

:func:`open_transactions` reads a CSV (optionally ``.gz``) or Parquet file, a DuckDB database
table, or a table / view / query of any ibis backend (``postgresql://...``), and returns
the canonical transactions table as an ibis Table on DuckDB, with the same
:class:`~ecomlib.data.quality.QualityReport` as :func:`ecomlib.data.load_transactions`.

How the cleaning rules keep one definition
    The source is read in record batches (pyarrow's CSV and Parquet readers, or the
    database's own batches). Each batch goes through the pandas loader
    (:func:`ecomlib.data.load_transactions`), which applies every rule that looks at one row
    (dates, quantities, prices, statuses, column maps, presets) and counts it. The rules that
    compare rows across the file start at "exact duplicates": the loader only marks, per
    row, what each of those checks found (:data:`ecomlib.data.transactions.CHECK_LOG`), the
    cleaned batch is appended to a DuckDB table beside the source row's own columns, and
    DuckDB then finds the duplicates over the whole file (the first line of each group of
    equal source rows is kept, as in the pandas path) and counts the later checks on the
    lines that remain. Memory stays near one batch; the counts are the pandas path's.

Where the batches can differ from one pass over the whole file
    - The decimal mark and the day order are decided per batch; batches that decide
      differently raise :class:`~ecomlib.errors.DataError` (pass ``decimal=`` / ``dayfirst=``).
    - The 5 % limit of unreadable dates applies per batch.
    - Unmapped columns of a CSV are compared as text in the duplicate check (the pandas
      path types them first, so ``1.0`` and ``1`` would be equal there).
    Sources this path does not read (Excel, zip archives, a preset that works on whole
    orders such as ``shopify`` or ``olist``, a header with repeated names, a file pyarrow's
    strict CSV parser refuses) are loaded by the pandas path and then copied into DuckDB.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomlib.data import transactions as tx
from ecomlib.data.quality import CheckLog, QualityCheck, QualityReport
from ecomlib.engine.connect import connect, is_database, open_table, redact
from ecomlib.errors import DataError, EcomlibError

__all__ = ["BATCH_ROWS", "TABLE_VARIABLE", "Loaded", "open_transactions", "load_transactions_frame",
           "uses_engine_loader", "check_report_data", "report_lines", "report_transactions", "table_frame"]

#: Order lines cleaned at a time (a 3M-line CSV peaked at 1.5 GB RSS with 500,000, 1.76 GB with 1,000,000).
BATCH_ROWS = 500_000
#: Memory DuckDB may use while it stages and de-duplicates the batches (it spills to disk beyond:
#: the staged batches are a temporary table, which is written to the database's .tmp folder).
DUCKDB_MEMORY_LIMIT = "1GB"
#: Presets whose rules look at one row at a time (others need whole orders: pandas path).
ROW_PRESETS = (None, "online_retail")
#: Environment variable naming the table of a database ``data`` (``ecomlib report --table``).
TABLE_VARIABLE = "ECOMLIB_DATA_TABLE"
_STRING = pd.StringDtype("pyarrow", na_value=np.nan)
_TEMP_DIRS: list[str] = []


@dataclass
class Loaded:
    """Order lines opened by :func:`open_transactions`.

    Attributes
    ----------
    table : ibis.Table
        The canonical transactions (columns of :func:`ecomlib.data.load_transactions`).
    report : QualityReport
        What was read, found and done; the same counts as the pandas path.
    connection : ibis backend
        Where ``table`` lives (DuckDB unless ``clean=False`` on a database).
    notes : list of str
        How it was read (batches, pandas fallback).
    """

    table: Any
    report: QualityReport
    connection: Any
    notes: list[str] = field(default_factory=list)

    def to_pandas(self) -> pd.DataFrame:
        """The table as the pandas frame :func:`ecomlib.data.load_transactions` returns."""
        return table_frame(self.table)


def table_frame(table: Any) -> pd.DataFrame:
    """An ibis Table of canonical order lines as the pandas frame :func:`ecomlib.data.load_transactions`
    returns (pandas 3 strings, ``datetime64[us]``)."""
    return _to_frame(table.to_pyarrow())


class _BatchLog(CheckLog):
    """A :class:`CheckLog` that applies the one-row checks and only marks the cross-row ones."""

    deferred = True

    def __init__(self, n: int, revenue: np.ndarray):
        super().__init__(n, revenue)
        self.marks: list[tuple[str, str, bool, np.ndarray]] = []

    def _mark(self, name: str, hit: Any, action: str, drops: bool) -> bool:
        if name != "exact duplicates" and not self.marks:
            return False
        self.marks.append((name, action, drops, np.asarray(hit, dtype=bool) & self.keep))
        return True

    def drop(self, name: str, hit: Any, action: str = "dropped") -> np.ndarray:
        if self._mark(name, hit, action, True):
            return np.zeros(len(self.keep), dtype=bool)
        return super().drop(name, hit, action)

    def flag(self, name: str, hit: Any, action: str) -> None:
        if not self._mark(name, hit, action, False):
            super().flag(name, hit, action)


# ----------------------------------------------------------------------------- reading batches

@dataclass
class _Reader:
    origin: str
    batches: Iterator[pa.RecordBatch]
    notes: list[str]
    encoding: str | None = None
    total: int | None = None


def _text_reader(path: Path, where: str, encoding: str | None, batch_rows: int) -> _Reader | None:
    """pyarrow's streaming CSV reader, every column as text (None: leave it to the pandas path)."""
    import csv
    import gzip
    import io

    import pyarrow.csv as pacsv

    from ecomlib.data import sources as src

    gz = path.name.lower().endswith(".gz")

    def open_binary():
        return gzip.open(path, "rb") if gz else open(path, "rb")

    detected = (src._given_encoding(open_binary, encoding, where) if encoding
                else src.detect_encoding(open_binary, where))
    with open_binary() as fh, io.TextIOWrapper(fh, encoding=detected.encoding, errors="replace",
                                               newline="") as lines:
        first = lines.readline(src.MAX_HEADER_CHARS)
    src._check_header(first, where)
    suffix = path.suffixes[-2].lower() if gz and len(path.suffixes) > 1 else path.suffix.lower()
    sep = src._sniff_separator(first, suffix)
    header = next(csv.reader([first], delimiter=sep), [])
    if not header or len(set(header)) != len(header):
        return None
    arrow_encoding = "utf8" if detected.encoding in ("utf-8", "utf-8-sig") else detected.encoding
    reader = pacsv.open_csv(
        str(path),
        read_options=pacsv.ReadOptions(encoding=arrow_encoding, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=sep),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                             strings_can_be_null=True),
    )
    notes = [detected.note()]
    if detected.how != "plain ASCII":
        notes += src._mojibake_note(open_binary, detected, where)
    if sep != ",":
        notes.append(f"separator: {sep!r}")
    return _Reader(src._origin(where), _rebatch(iter(reader), batch_rows), notes, detected.encoding)


def _rebatch(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """The same rows in batches of ``rows`` (the last may be shorter)."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(pending).combine_chunks()
            yield from table.slice(0, rows).to_batches(max_chunksize=rows)
            rest = table.slice(rows)
            pending, count = list(rest.to_batches()), rest.num_rows
    if count:
        yield from pa.Table.from_batches(pending).combine_chunks().to_batches(max_chunksize=rows)


def _file_reader(source: Any, encoding: str | None, batch_rows: int) -> _Reader | None:
    import pyarrow.parquet as pq

    from ecomlib.data import sources as src

    path = src.resolve_path(source)
    where = f"`source` {str(path)!r}"
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        try:
            parquet = pq.ParquetFile(path)
        except (OSError, pa.ArrowException):
            return None  # the pandas path gives its own message
        return _Reader(src._origin(where), parquet.iter_batches(batch_size=batch_rows), [], None,
                       parquet.metadata.num_rows)
    if head.startswith(b"\x1f\x8b") and path.name.lower().endswith(".gz"):
        return _text_reader(path, where, encoding, batch_rows)
    suffix, gz = src._suffix(path.name)
    if gz or head.startswith((b"PK", b"\xd0\xcf", b"\x1f\x8b")) or suffix not in src.TEXT_SUFFIXES + ("",):
        return None
    return _text_reader(path, where, encoding, batch_rows)


def _arrow_batches(con: Any, expr: Any, rows: int) -> Any:
    """The rows of ``expr`` as a stream of Arrow record batches."""
    if getattr(con, "name", "") == "duckdb":  # ibis 12's DuckDB batches call an API DuckDB 2 removed
        return con.con.sql(str(con.compile(expr))).to_arrow_reader(rows)
    return expr.to_pyarrow_batches(chunk_size=rows)


def _database_reader(source: Any, table: str | None, batch_rows: int) -> tuple[_Reader, Any]:
    con = connect(source)
    shown = redact(source)
    expr = open_table(con, table, where=shown)
    try:
        total = int(expr.count().execute())
        batches = _arrow_batches(con, expr, batch_rows)
    except Exception as exc:
        raise DataError(f"{shown} could not read {table!r}: {' '.join(str(exc).split())[:300]}",
                        fix="Check the table or query in the database's own client.") from None
    origin = f"{shown} table {table!r}" if not str(table).lstrip().lower().startswith(("select", "with")) \
        else f"{shown} query"
    return _Reader(origin, _rebatch(iter(batches), batch_rows), [], None, total), con


# ----------------------------------------------------------------------------- cleaning

_DECIDED = re.compile(r"decided from ([\d,]+) values")
_ANY_N = "decided from N values"


class _Notes:
    """The quality-report notes of all batches: each once; decisions must agree across batches."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}

    def add(self, notes: tuple[str, ...]) -> None:
        for note in notes:
            key = _DECIDED.sub(_ANY_N, note)
            match = _DECIDED.search(note)
            if match:
                column = note.split(":", 1)[0]
                for seen in self.lines:
                    if seen.split(":", 1)[0] == column and _ANY_N in seen and seen != key:
                        raise DataError(
                            f"Column {column!r} is read differently in different parts of the file: "
                            f"{seen.replace(_ANY_N, 'decided')!r} and {note!r}.",
                            fix="Say how the file is written: decimal=',' or '.', dayfirst=True or False "
                            "(--decimal, --dayfirst).",
                        )
                self.counts[key] = self.counts.get(key, 0) + int(match.group(1).replace(",", ""))
            if key not in self.lines:
                self.lines.append(key)

    def final(self) -> list[str]:
        return [n.replace(_ANY_N, f"decided from {self.counts[n]:,} values") if n in self.counts else n
                for n in self.lines]


def _in_batch(exc: EcomlibError, origin: str, first: int, rows: int) -> EcomlibError:
    """``exc`` with the batch's "DataFrame" replaced by the file and its line numbers."""
    where = f"{origin} (data lines {first + 1:,}-{first + rows:,})"
    message = exc.message.replace("DataFrame", where, 1) if "DataFrame" in exc.message else f"{where}: {exc.message}"
    return type(exc)(message, fix=exc.fix)


def _clean_batch(frame: pd.DataFrame, options: dict[str, Any]) -> tuple[pd.DataFrame, QualityReport, _BatchLog]:
    logs: list[_BatchLog] = []

    def make(n: int, revenue: np.ndarray) -> _BatchLog:
        logs.append(_BatchLog(n, revenue))
        return logs[-1]

    token = tx.CHECK_LOG.set(make)
    try:
        clean, report = tx.load_transactions(frame, **options)
    finally:
        tx.CHECK_LOG.reset(token)
    return clean, report, logs[-1]


def _staged(clean: pd.DataFrame, raw: pa.RecordBatch, log: _BatchLog, offset: int) -> pa.Table:
    """One cleaned batch with its row number, check marks and source columns, for DuckDB."""
    kept = np.flatnonzero(log.keep)
    table = pa.Table.from_pandas(clean, preserve_index=False)
    table = table.append_column("_row", pa.array(kept + offset, pa.int64()))
    for i, (*_, hit) in enumerate(log.marks):
        table = table.append_column(f"_chk{i}", pa.array(hit[kept]))
    source = raw.take(pa.array(kept))
    for i, column in enumerate(source.columns):
        table = table.append_column(f"_src{i}", column)
    return table


def _progress_printer(progress: bool | Callable[[str], None]) -> Callable[[str], None]:
    """Where the load's progress lines go: the callable; True: stderr, or the progress setting
    (:mod:`ecomlib.engine.progress`) when it is on; False: nowhere."""
    from ecomlib.engine import progress as setting

    if callable(progress):
        return progress
    if progress and setting.enabled():
        return setting.say
    if progress:
        return lambda text: print(text, file=sys.stderr, flush=True)
    return lambda text: None


def _new_duckdb(database: str | Path | None) -> Any:
    import ibis

    if database is None:
        folder = tempfile.mkdtemp(prefix="ecomlib-duckdb-")
        _TEMP_DIRS.append(folder)
        database = Path(folder) / "transactions.duckdb"
    con = ibis.duckdb.connect(str(database))
    con.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")  # beyond it DuckDB spills to disk
    con.con.execute("SET enable_progress_bar = false")
    return con


@atexit.register
def _remove_temp_dirs() -> None:
    for folder in _TEMP_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


def _stream(reader: _Reader, duck: Any, options: dict[str, Any], name: str,
            say: Callable[[str], None]) -> QualityReport:
    """Clean ``reader``'s batches into ``duck``'s table ``name``; return the quality report."""
    t0 = time.perf_counter()
    notes, offset, revenue_read = _Notes(), 0, 0.0
    early: dict[str, QualityCheck] = {}
    marks: list[tuple[str, str, bool]] = []
    stage = f"_{name}_staged"
    duck.con.execute(f'DROP TABLE IF EXISTS "{stage}"')
    for raw in reader.batches:
        frame = raw.to_pandas(types_mapper={pa.string(): _STRING, pa.large_string(): _STRING}.get)
        try:
            clean, report, log = _clean_batch(frame, options)
        except EcomlibError as exc:
            raise _in_batch(exc, reader.origin, offset, raw.num_rows) from None
        del frame
        notes.add(report.notes)
        revenue_read += report.revenue_read
        for c in log.items:
            was = early.get(c.check)
            early[c.check] = c if was is None else QualityCheck(c.check, was.rows + c.rows, c.action, c.drops,
                                                                 was.revenue + c.revenue)
        marks = [(n, a, d) for n, a, d, _ in log.marks]
        verb = f'CREATE TEMP TABLE "{stage}" AS' if offset == 0 else f'INSERT INTO "{stage}" BY NAME'
        _append(duck, verb, _staged(clean, raw, log, offset))
        offset += raw.num_rows
        of = f" of {reader.total:,}" if reader.total else ""
        say(f"loading: {offset:,}{of} order lines cleaned ({time.perf_counter() - t0:.1f} s)")
    if offset == 0:
        raise DataError(f"{reader.origin} has a header but no data rows.", fix="Export the data again with rows.")
    say(f"loading: finding duplicates across batches ({time.perf_counter() - t0:.1f} s)")
    late, kept = _cross_rows(duck, stage, name, marks, list(clean.columns))
    if kept == 0:
        raise DataError(f"{reader.origin}: none of the {offset:,} rows survived cleaning.",
                        fix="Look at the quality report counts.")
    say(f"loading: done, {kept:,} of {offset:,} lines kept ({time.perf_counter() - t0:.1f} s)")
    lines = notes.final()
    at = 1 if lines and lines[0].startswith("preset:") else 0  # where the pandas path puts reading notes
    lines[at:at] = reader.notes
    return QualityReport("transactions", reader.origin, offset, kept, tuple(early.values()) + tuple(late),
                         tuple(lines), revenue_read, reader.encoding)


def _cross_rows(duck: Any, stage: str, name: str, marks: list[tuple[str, str, bool]],
                columns: list[str]) -> tuple[list[QualityCheck], int]:
    """Duplicates over the whole table and the checks after them, in DuckDB.

    A line is a duplicate when every source column equals an earlier kept line's. Only lines
    whose source columns share a hash with another line can be duplicates; those few are
    compared column by column (``PARTITION BY`` every source column, the first by row kept).
    """
    con = duck.con
    sources = [r[0] for r in con.execute(f'DESCRIBE "{stage}"').fetchall() if r[0].startswith("_src")]
    listed_sources = ", ".join(f'"{c}"' for c in sources)
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{stage}_dups" AS '
                f'WITH hashed AS (SELECT _row, hash({listed_sources}) AS _h FROM "{stage}"), '
                f'shared AS (SELECT _h FROM hashed GROUP BY _h HAVING count(*) > 1), '
                f'candidates AS (SELECT s.* FROM "{stage}" s JOIN hashed USING (_row) SEMI JOIN shared USING (_h)) '
                f'SELECT _row FROM (SELECT _row, row_number() OVER (PARTITION BY {listed_sources} ORDER BY _row) '
                f'AS _k FROM candidates) WHERE _k > 1')
    dup = f'(_row IN (SELECT _row FROM "{stage}_dups"))'
    alive, sums = ["TRUE"], []
    for i, (_, _, drops) in enumerate(marks):
        hit = dup if i == 0 else f"_chk{i}"
        where = " AND ".join(alive) + f" AND {hit}"
        sums += [f"count(*) FILTER (WHERE {where})", f"coalesce(sum(revenue) FILTER (WHERE {where}), 0)"]
        if drops:
            alive.append(f"NOT {hit}")
    sums.append(f"count(*) FILTER (WHERE {' AND '.join(alive)})")
    values = con.execute(f'SELECT {", ".join(sums)} FROM "{stage}"').fetchone()
    checks = [QualityCheck(n, int(values[2 * i]), a, d, float(values[2 * i + 1]))
              for i, (n, a, d) in enumerate(marks)]
    listed = ", ".join(f'"{c}"' for c in columns)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {listed} FROM "{stage}" '
                f'WHERE {" AND ".join(alive)} ORDER BY _row')
    con.execute(f'DROP TABLE "{stage}"')
    con.execute(f'DROP TABLE "{stage}_dups"')
    return checks, int(values[-1])


def _to_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(types_mapper={pa.string(): _STRING, pa.large_string(): _STRING}.get)
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].astype("str")
        elif pd.api.types.is_datetime64_dtype(frame[col]):
            frame[col] = frame[col].astype("datetime64[us]")
    return frame


def _append(duck: Any, verb: str, data: pa.Table) -> None:
    """``verb`` (CREATE TABLE ... AS / INSERT INTO ...) the rows of the Arrow table ``data``."""
    duck.con.register("_ecomlib_batch", data)
    try:
        duck.con.execute(f"{verb} SELECT * FROM _ecomlib_batch")
    finally:
        duck.con.unregister("_ecomlib_batch")


def _copy_frame(frame: pd.DataFrame, duck: Any, name: str) -> None:
    _append(duck, f'CREATE OR REPLACE TABLE "{name}" AS', pa.Table.from_pandas(frame, preserve_index=False))


def _as_stored(expr: Any, con: Any, origin: str, options: dict[str, Any]) -> tuple[Any, QualityReport]:
    """A database table with the column map applied and nothing cleaned (``clean=False``)."""
    from ecomlib.data.columns import load_mapping, plan_renames
    from ecomlib.data.presets import get_preset

    preset = get_preset(options.get("preset"))
    renames = plan_renames(list(expr.columns), tx.SCHEMA, load_mapping(options.get("columns")),
                           preset.columns if preset else None)
    expr = expr.select(**{new: expr[old] for old, new in renames.items()})
    n = int(expr.count().execute())
    notes = ("not cleaned: read as stored (clean=False)",)
    return expr, QualityReport("transactions", origin, n, n, (), notes)


def open_transactions(source: Any, *, table: str | None = None, preset: str | None = None,
                      columns: Any = None, encoding: str | None = None, start: Any = None, end: Any = None,
                      decimal: str | None = None, dayfirst: bool | None = None, clean: bool = True,
                      database: str | Path | None = None, batch_rows: int = BATCH_ROWS,
                      progress: bool | Callable[[str], None] = False) -> Loaded:
    """Open order lines as an ibis Table, cleaned by the rules of :func:`ecomlib.data.load_transactions`.

    Parameters
    ----------
    source : str, path or DataFrame
        A CSV/TSV (optionally ``.gz``) or Parquet file, any other file the pandas loader reads,
        a DuckDB database file, or a connection URL (``postgresql://user@host/db``).
    table : str, optional
        For a database: the table or view of order lines, or an SQL ``SELECT`` query.
    preset, columns, encoding, start, end, decimal, dayfirst
        As in :func:`ecomlib.data.load_transactions`.
    clean : bool, default True
        For a database: ``False`` keeps the table where it is (only the column map is applied),
        so that ibis expressions run on that backend; nothing is checked.
    database : path, optional
        DuckDB file to write the cleaned table into (table ``transactions``); default a
        temporary file removed when Python exits.
    batch_rows : int, default :data:`BATCH_ROWS`
        Order lines cleaned at a time.
    progress : bool or callable, default False
        Print (or pass to the callable) one line per batch on long loads.

    Returns
    -------
    Loaded
        ``table`` (ibis), ``report`` (QualityReport), ``connection``; ``to_pandas()``.

    Raises
    ------
    DataError, ParameterError, SchemaError
        As the pandas loader; also an unreachable database, a missing table (see
        :func:`ecomlib.engine.connect.connect` and :func:`~ecomlib.engine.connect.open_table`).

    Examples
    --------
    >>> loaded = open_transactions("orders.csv.gz", preset="online_retail")  # doctest: +SKIP
    >>> loaded.table.count().execute()  # doctest: +SKIP
    """
    options = {"preset": preset, "columns": columns, "start": start, "end": end, "decimal": decimal,
               "dayfirst": dayfirst}
    say = _progress_printer(progress)
    remote, whole = None, "the pandas loader reads this source whole"
    if not isinstance(source, pd.DataFrame) and is_database(source):
        if not clean:
            con = connect(source)
            expr = open_table(con, table, where=redact(source))
            expr, report = _as_stored(expr, con, f"{redact(source)} table {table!r}", options)
            return Loaded(expr, report, con, ["not cleaned (clean=False)"])
        reader, remote = _database_reader(source, table, batch_rows)
        if remote is source:  # the caller's own connection (a Spark session ...): theirs to close
            remote = None
    elif isinstance(source, pd.DataFrame) or preset not in ROW_PRESETS:
        reader = None
    else:
        try:
            reader = _file_reader(source, encoding, batch_rows)
        except pa.ArrowInvalid as exc:  # ragged lines, bad quoting: the pandas loader's lenient parser
            reader, whole = None, f"pyarrow refused the file ({exc})"
    duck = _new_duckdb(database)
    try:
        if reader is None:
            return _pandas_path(source, duck, options, encoding, whole)
        try:
            report = _stream(reader, duck, options, "transactions", say)
        except pa.ArrowInvalid as exc:
            if remote is not None or is_database(source):
                raise DataError(f"{redact(source)} sent data that could not be read: {exc}") from None
            return _pandas_path(source, duck, options, encoding, f"pyarrow refused the file ({exc})")
    finally:
        if remote is not None:
            with contextlib.suppress(Exception):
                remote.disconnect()
    return Loaded(duck.table("transactions"), report, duck, [f"cleaned in batches of {batch_rows:,} lines"])


def _pandas_path(source: Any, duck: Any, options: dict[str, Any], encoding: str | None, why: str) -> Loaded:
    for (name,) in duck.con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        duck.con.execute(f'DROP TABLE IF EXISTS "{name}"')  # what a refused stream had staged
    frame, report = tx.load_transactions(source, encoding=encoding, **options)
    _copy_frame(frame, duck, "transactions")
    return Loaded(duck.table("transactions"), report, duck, [f"pandas path: {why}"])


def load_transactions_frame(source: Any, **options: Any) -> tuple[pd.DataFrame, QualityReport]:
    """:func:`open_transactions`, returned as ``(DataFrame, QualityReport)`` like the pandas loader."""
    loaded = open_transactions(source, **options)
    return loaded.to_pandas(), loaded.report


# ----------------------------------------------------------------------------- reports

def _estimated_rows(path: Path) -> int:
    """Order lines in a CSV or Parquet file: exact for Parquet, from the size of the first lines for text."""
    import pyarrow.parquet as pq

    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if head[:4] == b"PAR1":
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (OSError, pa.ArrowException):
            return 0
    size = path.stat().st_size * (6 if head[:2] == b"\x1f\x8b" else 1)  # gzip: about 6x for order lines
    lines = head.count(b"\n") if head[:2] != b"\x1f\x8b" else 0
    per_line = len(head) / lines if lines else 100
    return int(size / per_line)


def uses_engine_loader(data: Any) -> bool:
    """Whether a report opens ``data`` with :func:`open_transactions` rather than ``load_shop``.

    True for a database (DuckDB file or URL), and for one CSV/Parquet file when the engine
    setting (:func:`ecomlib.engine.config.choose_engine`) picks DuckDB for its size.
    """
    from ecomlib.engine.config import choose_engine

    if is_database(data):
        return True
    path = Path(str(data)).expanduser()
    if not path.is_file():
        return False
    return choose_engine(_estimated_rows(path)) == "duckdb"


def check_report_data(value: Any) -> None:
    """Refuse, before a report runs, a database ``data`` without ``--table`` or a URL holding a password."""
    import os

    from ecomlib.errors import ParameterError

    if isinstance(value, str) and is_database(value) and not os.environ.get(TABLE_VARIABLE):
        raise ParameterError(
            f"`data` {redact(value)!r} is a database: name the table or view of order lines.",
            fix="Add --table NAME (or --table 'SELECT ...'); with run_report, set the environment "
            f"variable {TABLE_VARIABLE}.",
        )
    if isinstance(value, str) and redact(value) != value:
        raise ParameterError(
            f"`data` {redact(value)!r} holds a password; a report writes its parameters into the "
            "notebook and the run record, so it is refused there.",
            fix="Leave the password out of the URL and give it to the database client another way "
            "(PostgreSQL: the PGPASSWORD environment variable or ~/.pgpass).",
        )


def report_lines(data: Any, *, table: str | None = None, **options: Any) -> Loaded:
    """The order lines a report works on, opened by :func:`open_transactions` (progress on stderr).

    ``table`` defaults to the environment variable :data:`TABLE_VARIABLE`
    (``ecomlib report --table``). The lines stay in DuckDB: ``Loaded.table`` is the ibis Table.
    """
    import os

    table = table or os.environ.get(TABLE_VARIABLE) or None
    return open_transactions(data, table=table if is_database(data) else None, progress=True, **options)


def report_transactions(data: Any, *, table: str | None = None,
                        **options: Any) -> tuple[pd.DataFrame, QualityReport]:
    """:func:`report_lines` as ``(DataFrame, QualityReport)``: the whole frame in memory."""
    loaded = report_lines(data, table=table, **options)
    return loaded.to_pandas(), loaded.report
