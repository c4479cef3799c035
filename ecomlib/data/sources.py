"""Reading a source into a raw DataFrame: files of every supported format, or a DataFrame.

Supported: CSV / TSV / TXT (optionally ``.gz``), ``.zip`` holding exactly one data file,
Parquet, Excel (``.xlsx``, ``.xlsm``, ``.xls``), and a pandas DataFrame (never mutated).
Files are only ever opened for reading, and the work stays bounded on hostile input:

- only regular files are read (not ``/dev/zero``, a pipe or a socket, which may never end);
- the format is taken from the content (its first bytes), not the name: a CSV saved as
  ``orders.xlsx`` is read as CSV, and the quality report says so;
- the text encoding is detected (:mod:`ecomlib.data.encodings`) and named, with its
  confidence, in the quality report;
- a header of more than :data:`MAX_COLUMNS` columns is refused before parsing;
- a zip member or ``.gz`` stream may expand to at most :data:`MAX_ZIP_RATIO` times its
  compressed size (at least :data:`ZIP_RATIO_FLOOR` bytes) and never beyond
  :data:`MAX_UNZIPPED_BYTES`, counted while reading (declared sizes can lie). Pass
  ``max_unzipped_bytes=`` to allow a larger file you trust, or change the module settings.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import stat
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ecomlib.data.encodings import (
    Detected,
    decode_failure,
    detect_encoding,
    mojibake_signs,
)
from ecomlib.data.memory import arrow_pool, per_column, release_memory
from ecomlib.errors import DataError, DataWarning, ParameterError, shorten
from ecomlib.validation import closest_names

__all__ = ["RawSource", "read_source", "resolve_path", "detect_encoding", "ENCODINGS", "MAX_COLUMNS",
           "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "ZIP_RATIO_FLOOR"]

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "big5", "shift_jis", "cp1252", "latin-1", "utf-16")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")
MAX_COLUMNS = 2000  # columns in a text file's header; more is refused before parsing
MAX_HEADER_CHARS = 1_000_000  # characters read of a text file's first line
MAX_UNZIPPED_BYTES = 2 * 1024**3  # bytes a zip member or .gz stream may expand to (2 GiB)
MAX_ZIP_RATIO = 100  # uncompressed / compressed size allowed by default ...
ZIP_RATIO_FLOOR = 16 * 1024**2  # ... for files that expand beyond 16 MiB
MOJIBAKE_SAMPLE_BYTES = 1 << 18  # bytes of the decoded start checked for mojibake
_CHUNK = 1 << 24
_SHOWN = {"text": "text (CSV)", "gzip": "gzip-compressed data", "zip": "a zip archive",
          "xlsx": "an Excel workbook", "xls": "an Excel 97-2003 workbook", "parquet": "Parquet data"}


@dataclass
class RawSource:
    """A source read as it is: the frame, where it came from, and facts about the reading.

    ``encoding``, ``confidence`` and ``separator`` describe a text file, ``sheet`` and
    ``sheets`` a workbook; :meth:`describe` puts them in words for error messages.
    """

    frame: pd.DataFrame
    origin: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    confidence: float | None = None
    separator: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    coded: tuple[str, ...] = ()  # columns read as categoricals (``read_source(categories=True)``)

    def describe(self) -> str:
        """What was detected, e.g. ``"encoding gb18030 (confidence 97%), separator ','"``."""
        parts = []
        if self.encoding:
            conf = "" if self.confidence is None else f" (confidence {self.confidence:.0%})"
            parts.append(f"encoding {self.encoding}{conf}")
        if self.separator:
            parts.append(f"separator {self.separator!r}")
        if self.sheets:
            parts.append(f"sheet {self.sheet!r} of {list(self.sheets)}")
        return ", ".join(parts)


def resolve_path(source: Any, param: str = "source", *, folder_ok: bool = False) -> Path:
    """Return ``source`` as an existing regular file (or folder) :class:`Path`, or raise a readable error."""
    if not isinstance(source, str | os.PathLike):
        raise ParameterError(
            f"`{param}` must be a file path or a pandas DataFrame, but a {type(source).__name__} was passed."
        )
    path = Path(source).expanduser()
    if not path.exists():
        parent = path.parent if path.parent.is_dir() else None
        near = closest_names(path.name, [p.name for p in parent.iterdir()]) if parent else []
        hint = f" Files with a similar name there: {near}." if near else ""
        raise ParameterError(
            f"`{param}` does not exist: {shorten(str(path))!r}.{hint}",
            fix="Check the spelling and the working directory, or pass an absolute path.",
        )
    if path.is_dir():
        if folder_ok:
            return path
        raise ParameterError(
            f"`{param}` is a folder, but a file was expected: {str(path)!r}.",
            fix="Pass the data file inside it, or use ecomlib.data.load_shop(folder) to read a whole folder.",
        )
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = ("a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise ParameterError(
            f"`{param}` is {kind}, not a regular file: {str(path)!r}. Reading it might never end.",
            fix="Save the data to a file on disk and pass that file.",
        )
    return path


def _suffix(name: str) -> tuple[str, bool]:
    """Lower-case data suffix of ``name`` and whether it is gzip-compressed."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return os.path.splitext(lower)[1], gz


def _content_kind(head: bytes, open_zip: Callable[[], zipfile.ZipFile]) -> str:
    """The format of a file from its first bytes: text, gzip, zip, xlsx, xls or parquet."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        with open_zip() as archive:
            names = set(archive.namelist())
        return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else "zip"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return "text"


def _named_kind(suffix: str, gz: bool) -> str:
    if gz:
        return "gzip"
    if suffix == ".zip":
        return "zip"
    if suffix in EXCEL_SUFFIXES:
        return "xls" if suffix == ".xls" else "xlsx"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return "text"


def _check_header(first: str, where: str) -> None:
    """Refuse a first line of more than :data:`MAX_COLUMNS` fields (pandas renames repeats quadratically)."""
    fields = 1 + max(first.count(sep) for sep in (",", "\t", ";", "|"))
    if fields > MAX_COLUMNS:
        raise DataError(
            f"{where} has a header of more than {MAX_COLUMNS:,} columns ({fields:,} or more in the first "
            f"{len(first):,} characters); it is refused before parsing.",
            fix="Check that the file is an export of order lines; if the columns are real, raise "
            "ecomlib.data.sources.MAX_COLUMNS or keep only the columns you need.",
        )
    if len(first) >= MAX_HEADER_CHARS and not first.endswith("\n"):
        raise DataError(f"{where} has a first line longer than {MAX_HEADER_CHARS:,} characters.",
                        fix="The first line must be a header naming the columns.")


def _sniff_separator(first_line: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _mojibake_note(open_binary: Callable[[], BinaryIO], detected: Detected, where: str) -> list[str]:
    """A note (and a :class:`DataWarning`) when the decoded start of the file looks garbled."""
    with open_binary() as fh:
        text = fh.read(MOJIBAKE_SAMPLE_BYTES).decode(detected.encoding, errors="replace")
    signs = mojibake_signs(text, detected.encoding)
    if not signs:
        return []
    note = f"encoding: the text read as {detected.encoding} looks garbled (mojibake): {'; '.join(signs)}"
    warnings.warn(f"{where}: {note}. If the text is wrong, pass encoding='...' (--encoding).",
                  DataWarning, stacklevel=4)
    return [note]


def _given_encoding(open_binary: Callable[[], BinaryIO], encoding: str, where: str) -> Detected:
    """The encoding the user named, checked: it must exist and decode the whole stream."""
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ParameterError(f"`encoding` {shorten(encoding, 80)!r} is not a known text encoding.",
                             fix=f"Use a Python codec name such as {', '.join(ENCODINGS)}; or leave it out "
                             "to detect the encoding.") from None
    if (failure := decode_failure(open_binary, encoding)) is not None:
        raise DataError(f"{where} is not valid {encoding} text ({failure}).",
                        fix="Leave `encoding` out to detect it, or name the file's real encoding.")
    return Detected(encoding, 1.0, "given")


def _read_text(open_binary: Callable[[], BinaryIO], target: Any, where: str, suffix: str,
               encoding: str | None, text_columns: Callable[[list[str]], list[str]] | None,
               compression: str | None, categories: bool = False) -> RawSource:
    detected = _given_encoding(open_binary, encoding, where) if encoding else detect_encoding(open_binary, where)
    enc = detected.encoding
    with open_binary() as fh, io.TextIOWrapper(fh, encoding=enc, errors="replace", newline="") as lines:
        first = lines.readline(MAX_HEADER_CHARS)
    _check_header(first, where)
    sep = _sniff_separator(first, suffix)
    header = next(csv.reader([first], delimiter=sep), [])
    if not first.strip() or not header:
        raise DataError(f"{where} has no header row.", fix="The first line must name the columns.")
    text = text_columns(header) if text_columns else []  # (it raises on repeated mapped names)
    dtype = {c: "str" for c in text} or None
    coded: tuple[str, ...] = ()
    try:
        if len(set(header)) != len(header):
            raise ValueError("repeated column names: the C parser renames them")
        frame = _read_arrow(target, sep, enc, text, categories)
        coded = tuple(text) if categories else ()
    except (pd.errors.ParserError, ValueError, TypeError):
        try:  # the pyarrow parser is strict about quoting and ragged lines; the C parser is not
            target_again = target.getvalue() if isinstance(target, io.BytesIO) else target
            if isinstance(target_again, bytes):
                target_again = io.BytesIO(target_again)
            frame = pd.read_csv(target_again, sep=sep, encoding=enc, dtype=dtype, compression=compression)
        except (pd.errors.ParserError, ValueError) as exc:
            raise DataError(f"{where} could not be parsed as a table: {shorten(exc)}",
                            fix="Check that every line has the same number of fields.") from None
    notes = [detected.note()]
    if detected.how != "plain ASCII":
        notes += _mojibake_note(open_binary, detected, where)
    if sep != ",":
        notes.append(f"separator: {sep!r}")
    return RawSource(frame, _origin(where), enc, notes, detected.confidence, sep, coded=coded)


_STRING_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
                 pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def _read_arrow(target: Any, sep: str, encoding: str, text: list[str], categories: bool = False) -> pd.DataFrame:
    """Parse with pyarrow's multi-threaded reader; ``text`` columns are read as strings.

    Columns are typed while parsing (no cast afterwards) and the Arrow table is handed to
    pandas column by column (``self_destruct``), which keeps the peak memory low. With
    ``categories``, the ``text`` columns are dictionary-encoded while parsing and come back as
    pandas categoricals (``_categorical``): each distinct text is stored once.
    """
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    source = str(target) if isinstance(target, os.PathLike) else target  # .gz paths decompress
    kind = pa.dictionary(pa.int32(), pa.string()) if categories else pa.string()
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(encoding=arrow_encoding),
        parse_options=pacsv.ParseOptions(delimiter=sep),
        convert_options=pacsv.ConvertOptions(column_types={c: kind for c in text}, strings_can_be_null=True),
    )
    names, coded = table.column_names, {}
    if categories and text:
        pool = arrow_pool(4 * table.num_rows)  # (one 32-bit code per row)
        done = per_column(_categorical, [table.column(name) for name in text], [pool] * len(text))
        coded = dict(zip(text, done, strict=True))
        table = table.drop_columns(text)
    frame = table.to_pandas(types_mapper=_STRING_TYPES.get, self_destruct=True, split_blocks=True,
                            date_as_object=False)
    del table
    if coded:  # the columns back in the file's order
        rest = dict(frame.items())
        frame = pd.DataFrame({name: coded[name] if name in coded else rest[name] for name in names},
                             index=pd.RangeIndex(len(next(iter(coded.values())))), copy=False)
    release_memory()  # hand parse buffers back before cleaning allocates
    return frame


def _categorical(column: pa.ChunkedArray, pool: Any = None) -> pd.Series:
    """A dictionary-encoded text column as a pandas categorical of pyarrow strings.

    The categories are the distinct texts in the order they first appear in the file (the
    dictionaries of the parsed blocks, unified in file order); a missing text has code -1. The
    codes are one array from ``pool`` (see :func:`ecomlib.data.memory.arrow_pool`).
    """
    column = column.unify_dictionaries(memory_pool=pool)
    dictionary = column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.string())
    indices = [chunk.indices for chunk in column.chunks]
    indices = pa.concat_arrays(indices, memory_pool=pool) if indices else pa.array([], pa.int32())
    if indices.null_count:
        indices = pc.coalesce(indices, pa.scalar(-1, pa.int32()), memory_pool=pool)
    codes = indices.to_numpy(zero_copy_only=False)
    values = pd.Index(pd.array(dictionary, dtype=_STRING_TYPES[pa.string()]))
    # (the indices of an Arrow dictionary are valid codes: pandas need not check their range)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=_unique_categories(values), validate=False), copy=False)


def _unique_categories(values: pd.Index) -> pd.CategoricalDtype:
    """The categorical dtype of ``values``, which are known to be distinct (an Arrow dictionary):
    pandas' own check hashes them all again (0.06 s for 250,000 order ids), so it is skipped
    where pandas offers that."""
    fastpath = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    return fastpath(values, False) if fastpath is not None else pd.CategoricalDtype(values)


def _read_sheet(book: pd.ExcelFile, sheet: Any) -> tuple[pd.DataFrame, str, list[str]]:
    """The sheet asked for (name or 0-based position), or the first that holds data."""
    names = book.sheet_names
    if sheet is None:
        for name in names:
            frame = pd.read_excel(book, sheet_name=name)
            if len(frame.columns):
                break
        else:
            name = names[0]
        notes = [] if name == names[0] else [f"sheet: {name!r} (the first sheet {names[0]!r} is empty)"]
        if len(names) > 1 and name == names[0]:
            notes.append(f"sheet: {name!r}, the first of {names}")
        return frame, name, notes
    key = sheet
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise ParameterError(f"`sheet` must be 0-{len(names) - 1} or one of {names}, but {sheet!r} was passed.")
        key = names[sheet]
    elif sheet not in names:
        raise ParameterError(f"`sheet` must be one of {names} (or a 0-based position), but {shorten(sheet)!r} "
                             "was passed.")
    return pd.read_excel(book, sheet_name=key), key, [f"sheet: {key!r}"]


def _read_excel(target: Any, where: str, sheet: Any) -> RawSource:
    try:
        with pd.ExcelFile(target) as book:
            frame, name, notes = _read_sheet(book, sheet)
            names = tuple(book.sheet_names)
    except (zipfile.BadZipFile, EOFError, zlib.error, KeyError, OSError) as exc:
        raise DataError(f"{where} is not a readable Excel workbook (damaged or truncated): {shorten(exc)}",
                        fix="Open it in Excel and save it again, or export the data as CSV UTF-8.") from None
    return RawSource(frame, _origin(where), None, notes, sheet=name, sheets=names)


def _unzip_cap(compressed: int, max_unzipped_bytes: int | None) -> int:
    if max_unzipped_bytes is not None:
        return max_unzipped_bytes
    return min(MAX_UNZIPPED_BYTES, max(MAX_ZIP_RATIO * compressed, ZIP_RATIO_FLOOR))


def _too_big(where: str, size: int, cap: int, compressed: int, declared: bool) -> DataError:
    how = "declares" if declared else "expands to more than"
    return DataError(
        f"{where} {how} {size:,} bytes uncompressed from {compressed:,} compressed bytes; the limit is "
        f"{cap:,} bytes ({MAX_ZIP_RATIO}x the compressed size, at most {MAX_UNZIPPED_BYTES:,}). "
        "Files that expand this much are often zip bombs.",
        fix="If you trust the file, pass max_unzipped_bytes=<bytes> (or raise "
        "ecomlib.data.sources.MAX_UNZIPPED_BYTES / MAX_ZIP_RATIO), or unzip it yourself and pass the data file.",
    )


def _read_capped(fh: BinaryIO, cap: int, too_big: Callable[[int], DataError]) -> bytes:
    parts, total = [], 0
    while chunk := fh.read(_CHUNK):
        total += len(chunk)
        if total > cap:
            raise too_big(total)
        parts.append(chunk)
    return b"".join(parts)


_DAMAGED = (zipfile.BadZipFile, EOFError, zlib.error, gzip.BadGzipFile, NotImplementedError, RuntimeError)


def _unzip(path: Path, where: str, max_unzipped_bytes: int | None) -> tuple[str, bytes]:
    """The one data member of a zip archive and its bytes, within the size caps."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.infolist()
                if not m.is_dir() and not m.filename.startswith("__MACOSX/")
                and not os.path.basename(m.filename).startswith(".")
            ]
            if len(members) != 1:
                what = "no data file" if not members else f"{len(members)} files: {[m.filename for m in members][:20]}"
                raise DataError(
                    f"{where} is a zip archive that holds {what}; exactly one data file was expected.",
                    fix="Unzip it and pass the one file you mean, or pass the folder to load_shop.",
                )
            info = members[0]
            cap = _unzip_cap(info.compress_size, max_unzipped_bytes)
            if info.file_size > cap:
                raise _too_big(where, info.file_size, cap, info.compress_size, declared=True)
            with archive.open(info) as fh:
                data = _read_capped(fh, cap, lambda n: _too_big(where, n, cap, info.compress_size, False))
    except _DAMAGED as exc:
        raise DataError(f"{where} is not a valid zip archive (truncated, damaged or encrypted): {shorten(exc)}",
                        fix="Download or export it again, or unzip it yourself and pass the data file.") from None
    return info.filename, data


class _Capped(io.RawIOBase):
    """A read-only stream that raises once more than ``cap`` bytes have been read from ``inner``."""

    def __init__(self, inner: BinaryIO, cap: int, too_big: Callable[[int], DataError]):
        self._inner, self._cap, self._too_big = inner, cap, too_big

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        if self._inner.tell() > self._cap:
            raise self._too_big(self._inner.tell())
        buffer[:len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def close(self) -> None:
        self._inner.close()
        super().close()


def _read_gzip_text(path: Path, where: str, suffix: str, encoding: str | None,
                    text_columns: Callable[[list[str]], list[str]] | None, max_unzipped_bytes: int | None,
                    categories: bool = False) -> RawSource:
    compressed = path.stat().st_size
    cap = _unzip_cap(compressed, max_unzipped_bytes)

    def opener() -> BinaryIO:
        raw = _Capped(gzip.open(path, "rb"), cap, lambda n: _too_big(where, n, cap, compressed, False))
        return io.BufferedReader(raw, buffer_size=1 << 20)

    try:
        if not path.name.lower().endswith(".gz"):  # pyarrow decompresses by the name: unpack it here
            with opener() as fh:
                data = fh.read()
            return _read_text(lambda: io.BytesIO(data), io.BytesIO(data), where, suffix, encoding, text_columns, None,
                              categories)
        if encoding:  # detection (which reads it all, capped) is skipped: count the bytes once
            with opener() as fh:
                while fh.read(_CHUNK):
                    pass
        return _read_text(opener, path, where, suffix, encoding, text_columns, "gzip", categories)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise DataError(f"{where} is not a valid gzip file (truncated or damaged): {shorten(exc)}",
                        fix="Download or export it again.") from None


def _origin(where: str) -> str:
    """``"`source` '/a/b.csv'"`` (for error messages) -> ``"'/a/b.csv'"`` (for report titles)."""
    return where.split("` ", 1)[1] if where.startswith("`") else where


def _unique_labels(frame: pd.DataFrame, text_columns: Callable[[list[str]], list[str]] | None) -> pd.DataFrame:
    """``frame`` with repeated column labels made unique (``name``, ``name.1``); a repeated label
    that would be mapped onto a canonical column is an error (raised by ``text_columns``)."""
    labels = [str(c) for c in frame.columns]
    if len(set(labels)) == len(labels):
        return frame
    if text_columns is not None:
        text_columns(labels)
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        unique.append(label if label not in seen else f"{label}.{seen[label]}")
        seen[label] = seen.get(label, 0) + 1
    return frame.set_axis(unique, axis=1)


def _read_bytes(data: bytes, where: str, member: str, sheet: Any, encoding: str | None,
                text_columns: Callable[[list[str]], list[str]] | None, cap: int, categories: bool = False) -> RawSource:
    """A zip member by its content."""
    inner, _ = _suffix(member)
    kind = _content_kind(data[:8], lambda: zipfile.ZipFile(io.BytesIO(data)))
    if kind in ("xlsx", "xls"):
        return _read_excel(io.BytesIO(data), where, sheet)
    if kind == "parquet":
        return RawSource(pd.read_parquet(io.BytesIO(data)), _origin(where))
    if kind == "zip":
        raise DataError(f"{where} is itself a zip archive.", fix="Unzip the archives and pass the data file.")
    if kind == "gzip":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                data = _read_capped(fh, cap, lambda n: _too_big(where, n, cap, len(data), False))
        except _DAMAGED as exc:
            raise DataError(f"{where} is not a valid gzip file: {shorten(exc)}") from None
    if not data:
        raise DataError(f"{where} is empty (0 bytes).", fix="Export the data again; the file holds nothing.")
    return _read_text(lambda: io.BytesIO(data), io.BytesIO(data), where, inner, encoding, text_columns, None,
                      categories)


def read_source(source: Any, *, encoding: str | None = None, sheet: Any = None,
                text_columns: Callable[[list[str]], list[str]] | None = None,
                param: str = "source", max_unzipped_bytes: int | None = None,
                categories: bool = False) -> RawSource:
    """Read ``source`` without cleaning anything.

    Parameters
    ----------
    source : path or DataFrame
        The file to read (a regular file), or a DataFrame (never modified).
    encoding : str, optional
        Text encoding; by default detected (see :mod:`ecomlib.data.encodings`).
    sheet : str or int, optional
        Excel sheet; by default the first sheet that holds data.
    text_columns : callable, optional
        Given a text file's header, returns the columns to read as text (identifiers,
        so that ``007`` keeps its zeros).
    max_unzipped_bytes : int, optional
        Bytes a zip member or ``.gz`` file may expand to; by default
        ``min(MAX_UNZIPPED_BYTES, max(MAX_ZIP_RATIO x compressed size, ZIP_RATIO_FLOOR))``.
    categories : bool, default False
        Return the ``text_columns`` of a text file that pyarrow parses as pandas categoricals
        instead of strings (``RawSource.coded`` names them): the same values, as one code per
        row and each distinct text once, in the order the texts first appear. Other sources,
        and files the pyarrow reader cannot parse, are read as usual.

    Raises
    ------
    ParameterError
        A path that does not exist, is a folder, a device or a pipe, or has an unsupported suffix.
    DataError
        An empty, damaged, truncated or over-large file, an unknown or mixed encoding, a
        header of more than :data:`MAX_COLUMNS` columns.
    """
    if isinstance(source, pd.DataFrame):
        return RawSource(_unique_labels(source, text_columns), "DataFrame", None, [])
    path = resolve_path(source, param)
    where = f"`{param}` {str(path)!r}"
    suffix, gz = _suffix(path.name)
    if suffix not in TEXT_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES + (".zip", ""):
        raise ParameterError(
            f"`{param}` has an unsupported file type {suffix!r}: {str(path)!r}. Supported: "
            f"{', '.join(TEXT_SUFFIXES + PARQUET_SUFFIXES + EXCEL_SUFFIXES)}, .zip and .gz.",
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise DataError(f"{where} is empty (0 bytes).", fix="Export the data again; the file holds nothing.")
    try:
        kind = _content_kind(head, lambda: zipfile.ZipFile(path))
    except zipfile.BadZipFile as exc:
        raise DataError(f"{where} is not a valid zip archive or workbook (truncated or damaged): {shorten(exc)}",
                        fix="Download or export it again.") from None
    named = _named_kind(suffix, gz)
    renamed = [] if kind == named or {kind, named} <= {"xls", "xlsx"} else [
        f"content: the file is named {path.name!r} but holds {_SHOWN[kind]}; read as {_SHOWN[kind]}"]
    raw = _read_kind(kind, path, where, suffix, encoding, sheet, text_columns, max_unzipped_bytes, categories)
    raw.frame = _unique_labels(raw.frame, text_columns)
    raw.notes[:0] = renamed
    return raw


def _read_kind(kind: str, path: Path, where: str, suffix: str, encoding: str | None, sheet: Any,
               text_columns: Callable[[list[str]], list[str]] | None, max_unzipped_bytes: int | None,
               categories: bool = False) -> RawSource:
    if kind == "zip":
        member, data = _unzip(path, where, max_unzipped_bytes)
        cap = _unzip_cap(path.stat().st_size, max_unzipped_bytes)
        raw = _read_bytes(data, f"{where} (member {member!r})", member, sheet, encoding, text_columns, cap,
                          categories)
        raw.notes.insert(0, f"zip member: {member}")
        return raw
    if kind in ("xlsx", "xls"):
        return _read_excel(path, where, sheet)
    if kind == "parquet":
        try:
            return RawSource(pd.read_parquet(path), _origin(where))
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"{where} is not readable Parquet (damaged or truncated): {shorten(exc)}",
                            fix="Write the file again.") from None
    if kind == "gzip":
        return _read_gzip_text(path, where, suffix, encoding, text_columns, max_unzipped_bytes, categories)
    with open(path, "rb") as fh:
        start = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        raise DataError(f"{where} holds a web page (HTML), not a table file; some shops' 'Excel' "
                        "exports are HTML pages.", fix="Open it in Excel and save it as 'CSV UTF-8' or .xlsx.")
    return _read_text(lambda: open(path, "rb"), path, where, suffix, encoding, text_columns, None, categories)
