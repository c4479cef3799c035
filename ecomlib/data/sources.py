"""Reading a source into a raw DataFrame: files of every supported format, or a DataFrame.

Supported: CSV / TSV / TXT (optionally ``.gz``), ``.zip`` holding exactly one data file,
Parquet, Excel (``.xlsx``, ``.xlsm``, ``.xls``), and a pandas DataFrame (never mutated).
Text files are checked for their encoding before parsing: UTF-8, UTF-8 with BOM, and
GB18030 (a superset of GBK and GB2312) are tried in that order, and the one used is named
in the quality report. Files are only ever opened for reading.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import closest_names

__all__ = ["RawSource", "read_source", "resolve_path", "detect_encoding", "ENCODINGS"]

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")
_CHUNK = 1 << 24


@dataclass
class RawSource:
    """A source read as it is: the frame, where it came from, and facts about the reading."""

    frame: pd.DataFrame
    origin: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def resolve_path(source: Any, param: str = "source", *, folder_ok: bool = False) -> Path:
    """Return ``source`` as an existing :class:`Path`, or raise a readable error."""
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
            f"`{param}` does not exist: {str(path)!r}.{hint}",
            fix="Check the spelling and the working directory, or pass an absolute path.",
        )
    if path.is_dir() and not folder_ok:
        raise ParameterError(
            f"`{param}` is a folder, but a file was expected: {str(path)!r}.",
            fix="Pass the data file inside it, or use ecomlib.data.load_shop(folder) to read a whole folder.",
        )
    return path


def _suffix(name: str) -> tuple[str, bool]:
    """Lower-case data suffix of ``name`` and whether it is gzip-compressed."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return os.path.splitext(lower)[1], gz


def detect_encoding(open_binary: Callable[[], BinaryIO], where: str) -> str:
    """Return the first of UTF-8 (with or without BOM) and GB18030 that decodes the whole stream.

    Raises
    ------
    DataError
        When none of them decodes the file; the message names what was tried and where
        the first undecodable byte is.
    """
    with open_binary() as fh:
        head = fh.read(4)
    if head[:3] == codecs.BOM_UTF8:
        candidates = ["utf-8-sig"]
    elif head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    else:
        candidates = ["utf-8", "gb18030"]
    failures = []
    for enc in candidates:
        decoder = codecs.getincrementaldecoder(enc)()
        offset = 0
        try:
            with open_binary() as fh:
                while chunk := fh.read(_CHUNK):
                    # plain ASCII is valid in every candidate: check one byte (it fails if a
                    # multi-byte character was cut at the chunk border) and skip the rest
                    decoder.decode(chunk[:1] if chunk.isascii() else chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError as exc:
            failures.append(f"{enc} (bad byte at position {offset + exc.start})")
    if "utf-8-sig" in candidates:
        failures.append("gb18030 (not tried: the file starts with a UTF-8 byte-order mark)")
    raise DataError(
        f"{where} is not in a supported text encoding. Tried: {', '.join(failures)}.",
        fix="Save the file as UTF-8 (Excel: 'CSV UTF-8'), or pass encoding='...' naming its encoding.",
    )


def _sniff_separator(first_line: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_text(open_binary: Callable[[], BinaryIO], target: Any, where: str, suffix: str,
               encoding: str | None, text_columns: Callable[[list[str]], list[str]] | None,
               compression: str | None) -> RawSource:
    with open_binary() as fh:
        if not fh.read(1):
            raise DataError(f"{where} is empty (0 bytes).", fix="Export the data again; the file holds nothing.")
    enc = encoding or detect_encoding(open_binary, where)
    with open_binary() as fh, io.TextIOWrapper(fh, encoding=enc, errors="replace", newline="") as lines:
        first = lines.readline()
    sep = _sniff_separator(first, suffix)
    try:
        header = pd.read_csv(io.StringIO(first), sep=sep, nrows=0).columns.tolist()
    except pd.errors.EmptyDataError:
        raise DataError(f"{where} has no header row.", fix="The first line must name the columns.") from None
    text = text_columns(header) if text_columns else []
    dtype = {c: "str" for c in text} or None
    try:
        if len(set(header)) != len(header):
            raise ValueError("repeated column names: the C parser renames them")
        frame = _read_arrow(target, sep, enc, text)
    except (pd.errors.ParserError, ValueError, TypeError):
        try:  # the pyarrow parser is strict about quoting and ragged lines; the C parser is not
            target_again = target.getvalue() if isinstance(target, io.BytesIO) else target
            if isinstance(target_again, bytes):
                target_again = io.BytesIO(target_again)
            frame = pd.read_csv(target_again, sep=sep, encoding=enc, dtype=dtype, compression=compression)
        except (pd.errors.ParserError, ValueError) as exc:
            raise DataError(f"{where} could not be parsed as a table: {exc}",
                            fix="Check that every line has the same number of fields.") from None
    notes = [f"encoding: {enc}" + (" (GBK-compatible)" if enc == "gb18030" else "")]
    if sep != ",":
        notes.append(f"separator: {sep!r}")
    return RawSource(frame, _origin(where), enc, notes)


_STRING_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
                 pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def _read_arrow(target: Any, sep: str, encoding: str, text: list[str]) -> pd.DataFrame:
    """Parse with pyarrow's multi-threaded reader; ``text`` columns are read as strings.

    Columns are typed while parsing (no cast afterwards) and the Arrow table is handed to
    pandas column by column (``self_destruct``), which keeps the peak memory low.
    """
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    source = str(target) if isinstance(target, os.PathLike) else target  # .gz paths decompress
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(encoding=arrow_encoding),
        parse_options=pacsv.ParseOptions(delimiter=sep),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in text},
                                             strings_can_be_null=True),
    )
    frame = table.to_pandas(types_mapper=_STRING_TYPES.get, self_destruct=True, split_blocks=True,
                            date_as_object=False)
    del table
    pa.default_memory_pool().release_unused()  # hand parse buffers back before cleaning allocates
    return frame


def _read_sheet(book: pd.ExcelFile, sheet: Any) -> tuple[pd.DataFrame, list[str]]:
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
        return frame, notes
    key = sheet
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise ParameterError(f"`sheet` must be 0-{len(names) - 1} or one of {names}, but {sheet!r} was passed.")
        key = names[sheet]
    elif sheet not in names:
        raise ParameterError(f"`sheet` must be one of {names} (or a 0-based position), but {sheet!r} was passed.")
    return pd.read_excel(book, sheet_name=key), [f"sheet: {key!r}"]


def _read_excel(target: Any, where: str, sheet: Any) -> RawSource:
    with pd.ExcelFile(target) as book:
        frame, notes = _read_sheet(book, sheet)
    return RawSource(frame, _origin(where), None, notes)


def _open_zip(path: Path) -> tuple[zipfile.ZipFile, str]:
    archive = zipfile.ZipFile(path)
    members = [
        m.filename for m in archive.infolist()
        if not m.is_dir() and not m.filename.startswith("__MACOSX/")
        and not os.path.basename(m.filename).startswith(".")
    ]
    if len(members) != 1:
        what = "no data file" if not members else f"{len(members)} files: {members}"
        raise DataError(
            f"`source` zip archive {str(path)!r} holds {what}; exactly one data file was expected.",
            fix="Unzip it and pass the one file you mean, or pass the folder to load_shop.",
        )
    return archive, members[0]


def _origin(where: str) -> str:
    """``"`source` '/a/b.csv'"`` (for error messages) -> ``"'/a/b.csv'"`` (for report titles)."""
    return where.split("` ", 1)[1] if where.startswith("`") else where


def read_source(source: Any, *, encoding: str | None = None, sheet: Any = None,
                text_columns: Callable[[list[str]], list[str]] | None = None,
                param: str = "source") -> RawSource:
    """Read ``source`` without cleaning anything.

    Parameters
    ----------
    source : path or DataFrame
        The file to read, or a DataFrame (returned as is; it is never modified).
    encoding : str, optional
        Text encoding; by default detected (UTF-8, UTF-8 with BOM, GB18030/GBK).
    sheet : str or int, optional
        Excel sheet; by default the first sheet that holds data.
    text_columns : callable, optional
        Given a text file's header, returns the columns to read as text (identifiers,
        so that ``007`` keeps its zeros).
    """
    if isinstance(source, pd.DataFrame):
        return RawSource(source, "DataFrame", None, [])
    path = resolve_path(source, param)
    where = f"`{param}` {str(path)!r}"
    suffix, gz = _suffix(path.name)
    if suffix == ".zip":
        archive, member = _open_zip(path)
        with archive:
            data = archive.read(member)
        inner, inner_gz = _suffix(member)
        where = f"{where} (member {member!r})"
        if inner in EXCEL_SUFFIXES:
            return _read_excel(io.BytesIO(data), where, sheet)
        if inner in PARQUET_SUFFIXES:
            return RawSource(pd.read_parquet(io.BytesIO(data)), _origin(where))
        if inner_gz:
            data = gzip.decompress(data)
        raw = _read_text(lambda: io.BytesIO(data), io.BytesIO(data), where, inner, encoding, text_columns, None)
        raw.notes.insert(0, f"zip member: {member}")
        return raw
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, where, sheet)
    if suffix in PARQUET_SUFFIXES:
        return RawSource(pd.read_parquet(path), _origin(where))
    if suffix in TEXT_SUFFIXES or suffix == "":
        opener = (lambda: gzip.open(path, "rb")) if gz else (lambda: open(path, "rb"))
        try:
            return _read_text(opener, path, where, suffix, encoding, text_columns, "gzip" if gz else None)
        except (gzip.BadGzipFile, EOFError) as exc:
            raise DataError(f"{where} is not a valid gzip file: {exc}") from None
    raise ParameterError(
        f"`{param}` has an unsupported file type {suffix!r}: {str(path)!r}. Supported: "
        f"{', '.join(TEXT_SUFFIXES + PARQUET_SUFFIXES + EXCEL_SUFFIXES)}, .zip and .gz.",
    )
