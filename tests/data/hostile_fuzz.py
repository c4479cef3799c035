"""Hostile-input fuzz table for the data layer and the report runner (issue 15).

A script, not a test (pytest collects only ``test_*.py``): it builds about 90 hostile loader
inputs in a temporary folder, runs ``ecomlib.data.load_transactions`` on each in its own
subprocess (20 s timeout) and sorts each outcome into one class:

- ``loaded, right``: loaded, every checked value equals what the input means, and the
  quality report balances (rows read = data rows in the file = rows kept + rows dropped);
- ``clear error``: an ``EcomlibError`` whose message is under 4,000 characters;
- ``traceback``: any other exception (or an EcomlibError with a longer message);
- ``silent wrong``: loaded, but a value differs from the input's meaning, rows went missing
  without being counted, or a load happened where no load can be right; ``wrong, warned``
  when a DataWarning was emitted;
- ``hang``: the 20 s timeout passed.

Then it runs ``ecomlib report basics`` on about 15 hostile command lines (exit code and
stderr: a one-line message is a clear error, a ``Traceback`` is a traceback).

Usage::

    python tests/data/hostile_fuzz.py [--markdown OUT.md] [--only SUBSTRING] [--no-cli]

Run it alone, on a quiet machine: it runs serially, one case at a time.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT = 20.0  # seconds per loader case
CLI_TIMEOUT_FAIL = 60.0  # seconds for a report run expected to stop early
CLI_TIMEOUT_RUN = 240.0  # seconds for a report run expected to succeed
N = 20  # data rows of a generated CSV
DROP = "<dropped>"  # expected meaning of a row the loader must drop (and count)
COLS = ("order_id", "order_date", "customer_id", "product_id", "product_name", "quantity", "unit_price")
CHECKED = ("order_id", "order_date", "product_name", "quantity", "unit_price", "status")
ECOMLIB_ERRORS = ("EcomlibError", "DataError", "SchemaError", "ParameterError", "NotFittedError",
                  "NotIdentifiableError")
CLASSES = ("loaded, right", "clear error", "traceback", "silent wrong", "wrong, warned", "hang")


# --------------------------------------------------------------------------- child side
def _norm(value: Any) -> Any:
    """A JSON-able, comparable form of one cell (long strings as length + hash)."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, (int, bool)):
        return int(value)
    if isinstance(value, str):
        if len(value) > 300:
            return f"<{len(value)} chars sha1 {hashlib.sha1(value.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}>"
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return _norm(value.item())
    return str(value)


def child(spec_path: str) -> None:
    """Load one case and print one JSON line with the outcome."""
    spec = json.loads(Path(spec_path).read_text())
    out: dict[str, Any]
    caught: list[str] = []
    try:
        from ecomlib.data import load_transactions
        from ecomlib.errors import DataWarning

        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            df, report = load_transactions(spec["path"], **spec["kwargs"])
        caught = [f"{w.category.__name__}: {str(w.message)[:300]}" for w in seen
                  if issubclass(w.category, DataWarning)]
        values = {c: [_norm(v) for v in df[c].tolist()] for c in CHECKED if c in df.columns}
        out = {"kind": "ok", "n": len(df), "rows_read": report.rows_read, "rows_kept": report.rows_kept,
               "rows_dropped": report.rows_dropped,
               "dropped": {c.check: c.rows for c in report.checks if c.drops and c.rows},
               "notes": [str(n)[:300] for n in report.notes], "values": values, "warnings": caught}
    except BaseException as exc:  # noqa: BLE001 - the point is to classify everything
        try:
            from ecomlib.errors import EcomlibError
        except Exception:  # noqa: BLE001
            EcomlibError = ()  # type: ignore[assignment]  # noqa: N806
        text = str(exc)
        out = {"kind": "ecomlib" if isinstance(exc, EcomlibError) else "exception",
               "type": type(exc).__name__, "len": len(text), "first": text.splitlines()[0][:400] if text else "",
               "tb": "".join(traceback.format_exception(exc)[-3:])[-1200:]}
    sys.stdout.write("\n@@RESULT@@" + json.dumps(out, default=str) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- corpus
@dataclass
class Expect:
    """What a case means: values of the kept rows per column, and rows read."""

    values: dict[str, list[Any]]
    read: int
    kept: int


@dataclass
class Case:
    name: str
    cls: str
    build: Callable[[Path], tuple[str, dict[str, Any]]]
    expect: Expect | None  # None: no load can be right (only a clear error is)
    note: str = ""


def default_rows(n: int = N) -> list[dict[str, str]]:
    return [{"order_id": f"o{i:02d}", "order_date": f"2024-03-{i % 28 + 1:02d}", "customer_id": f"c{i}",
             "product_id": f"p{i}", "product_name": f"Item {i}", "quantity": str(1 + i % 3),
             "unit_price": f"{2.5 + i:.2f}"} for i in range(n)]


def default_meaning(n: int = N) -> list[dict[str, Any]]:
    return [{"order_id": f"o{i:02d}", "order_date": f"2024-03-{i % 28 + 1:02d}", "product_name": f"Item {i}",
             "quantity": 1 + i % 3, "unit_price": 2.5 + i} for i in range(n)]


def to_csv(rows: list[dict[str, str]], sep: str = ",", header: list[str] | None = None,
           newline: str = "\n") -> str:
    """CSV text, cells quoted where needed (a comma inside ``€12,50``, a quote, a newline)."""
    cols = list(rows[0])
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline)
    writer.writerow(header if header is not None else cols)
    writer.writerows([r[c] for c in cols] for r in rows)
    return buf.getvalue()


def expect_from(meaning: list[dict[str, Any] | str], read: int | None = None) -> Expect:
    kept = [m for m in meaning if m != DROP]
    cols = sorted({k for m in kept for k in m})
    values = {c: [m.get(c) for m in kept] for c in cols}
    return Expect(values=values, read=len(meaning) if read is None else read, kept=len(kept))


def _cycle(values: list[Any], n: int) -> list[Any]:
    return [values[i % len(values)] for i in range(n)]


def column_case(name: str, cls: str, col: str, raw: list[str], meant: list[Any] | None, *, whole: bool = True,
                kwargs: dict[str, Any] | None = None, encoding: str = "utf-8", suffix: str = ".csv",
                note: str = "") -> Case:
    """A CSV whose column ``col`` holds ``raw`` (cycled over the whole column, or only in the
    first rows when ``whole=False``); ``meant`` the value each raw cell means (DROP: dropped)."""

    rows = default_rows()
    meaning: list[Any] = default_meaning()
    count = N if whole else len(raw)
    raws = _cycle(raw, count)
    means = _cycle(meant, count) if meant is not None else None
    for i in range(count):
        rows[i][col] = raws[i]
        if means is not None:
            if means[i] == DROP:
                meaning[i] = DROP
            else:
                meaning[i][col] = means[i]

    def build(d: Path) -> tuple[str, dict[str, Any]]:
        p = d / f"{name}{suffix}"
        p.write_bytes(to_csv(rows).encode(encoding))
        return str(p), dict(kwargs or {})

    return Case(name, cls, build, expect_from(meaning) if meant is not None else None, note)


def bytes_case(name: str, cls: str, make: Callable[[Path], bytes | None], expect: Expect | None, *,
               suffix: str = ".csv", kwargs: dict[str, Any] | None = None, note: str = "") -> Case:
    def build(d: Path) -> tuple[str, dict[str, Any]]:
        p = d / f"{name}{suffix}"
        data = make(p)
        if data is not None:
            p.write_bytes(data)
        return str(p), dict(kwargs or {})

    return Case(name, cls, build, expect, note)


def names_case(name: str, names: list[str], encoding: str, *, header: list[str] | None = None,
               kwargs: dict[str, Any] | None = None, suffix: str = ".csv", note: str = "",
               bom: bytes = b"") -> Case:
    rows = default_rows()
    meaning = default_meaning()
    for i in range(N):
        rows[i]["product_name"] = names[i % len(names)]
        meaning[i]["product_name"] = names[i % len(names)]
    data = bom + to_csv(rows, header=header).encode(encoding)
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    return bytes_case(name, "encodings", lambda p: data, expect_from(meaning), suffix=suffix, kwargs=kwargs,
                      note=note)


def plain_expect() -> Expect:
    return expect_from(default_meaning())


def plain_csv(**kw: Any) -> bytes:
    return to_csv(default_rows(), **kw).encode()


LATIN = ["Crème brûlée", "Café au lait", "Größe Ä", "Ñandú piñata"]
CJK_TRAD = ["珍珠奶茶", "鳳梨酥", "牛肉麵"]
CJK_SIMP = ["珍珠奶茶", "凤梨酥", "牛肉面"]
JAPANESE = ["抹茶ラテ", "どら焼き", "お茶"]
BIG5_HEADER = ["訂單編號", "訂單日期", "顧客編號", "商品編號", "商品名稱", "數量", "單價"]
GBK_HEADER = ["订单号", "订单日期", "客户id", "商品编号", "商品名称", "数量", "单价"]


def number_cases() -> list[Case]:
    c = "numbers"
    price, qty = "unit_price", "quantity"
    return [
        column_case("eur_decimal_comma", c, price, ["€12,50", "€3,00", "€1.299,00"], [12.5, 3.0, 1299.0]),
        column_case("usd_sign_eu_format", c, price, ["$1.299,00", "$12,50"], [1299.0, 12.5]),
        column_case("space_thousands", c, price, ["1 299,00", "12,50"], [1299.0, 12.5]),
        column_case("nbsp_thousands", c, price, ["1\u00a0299,00", "12,50"], [1299.0, 12.5]),
        column_case("narrow_nbsp_thousands", c, price, ["1\u202f299,00", "12,50"], [1299.0, 12.5]),
        column_case("comma_decimal_short", c, price, ["12,5", "3,25"], [12.5, 3.25]),
        column_case("one_1,2,3_in_dot_column", c, price, ["1,2,3"], [DROP], whole=False),
        column_case("one_1.2.3_in_dot_column", c, price, ["1.2.3"], [DROP], whole=False),
        column_case("mixed_dot_and_comma", c, price, ["12.50", "3,25"], [12.5, 3.25],
                    note="either reading per cell or a clear error is fine"),
        column_case("ambiguous_1,299_only", c, price, ["1,299", "2,500"], None,
                    note="1,299 is 1299 or 1.299: only an error naming decimal= is right"),
        column_case("ambiguous_decimal_comma_kw", c, price, ["1,299", "2,500"], [1.299, 2.5],
                    kwargs={"decimal": ","}),
        column_case("ambiguous_decimal_point_kw", c, price, ["1,299", "2,500"], [1299.0, 2500.0],
                    kwargs={"decimal": "."}),
        column_case("us_thousands", c, price, ["1,299.00", "12.50"], [1299.0, 12.5]),
        column_case("decimal_comma_kw_on_12.50", c, price, ["12.50", "3.25"], [12.5, 3.25],
                    kwargs={"decimal": ","},
                    note="the docstring says values that do not fit decimal= are unparseable; 12.5 is accepted "
                    "as what the text means"),
        column_case("decimal_comma_kw_dot_thousands", c, price, ["1.299", "2.500"], [1299.0, 2500.0],
                    kwargs={"decimal": ","}, note="with decimal=',' the dot groups thousands"),
        column_case("ambiguous_1.299_only", c, price, ["1.299", "2.500"], None,
                    note="1.299 is 1.299 or 1299 (European thousands), as ambiguous as 1,299"),
        column_case("eu_mixed_plain_ints", c, price, ["12,50", "3", "1.299,00"], [12.5, 3.0, 1299.0]),
        column_case("trailing_minus", c, price, ["12.50-"], [DROP], whole=False,
                    note="SAP-style -12.50: negative (dropped) or unparseable; never +12.5"),
        column_case("swiss_apostrophe", c, price, ["1'299.00", "12.50"], [1299.0, 12.5]),
        column_case("fullwidth_digits", c, price, ["１２.５", "３.２５"], [12.5, 3.25]),
        column_case("yen_and_yuan_marks", c, price, ["¥12.50", "12.50元", "￥3.25"], [12.5, 12.5, 3.25]),
        column_case("accounting_parentheses", c, price, ["(12.50)"], [DROP], whole=False,
                    note="(12.50) is -12.50: a negative price (dropped) or unparseable; never +12.5"),
        column_case("price_inf", c, price, ["inf"], [DROP], whole=False),
        column_case("price_Infinity", c, price, ["Infinity"], [DROP], whole=False),
        column_case("price_minus_inf", c, price, ["-inf"], [DROP], whole=False),
        column_case("price_1e308", c, price, ["1e308"], [DROP], whole=False),
        column_case("price_1e400", c, price, ["1e400"], [DROP], whole=False),
        column_case("price_NaN", c, price, ["NaN"], [DROP], whole=False),
        column_case("quantity_inf", c, qty, ["inf"], [DROP], whole=False),
        column_case("quantity_Infinity", c, qty, ["Infinity"], [DROP], whole=False),
        column_case("quantity_1e308", c, qty, ["1e308"], [DROP], whole=False),
        column_case("quantity_1e400", c, qty, ["1e400"], [DROP], whole=False),
        column_case("price_booleans", c, price, ["true", "false"], None),
        column_case("quantity_booleans", c, qty, ["TRUE", "FALSE"], None),
        column_case("price_minus_zero", c, price, ["-0"], [0.0], whole=False),
        column_case("quantity_minus_zero", c, qty, ["-0"], [0], whole=False),
        column_case("negative_quantity_return", c, qty, ["-2"], [-2], whole=False),
        column_case("quantity_fraction", c, qty, ["1.5"], [DROP], whole=False),
    ]


def date_cases() -> list[Case]:
    c, d = "dates", "order_date"
    return [
        column_case("dayfirst_column", c, d, ["01/03/2024", "13/03/2024", "05/04/2024"],
                    ["2024-03-01", "2024-03-13", "2024-04-05"]),
        column_case("dayfirst_mixed_separators", c, d, ["01/03/2024", "1.3.2024", "13-03-2024", "05/04/2024"],
                    ["2024-03-01", "2024-03-01", "2024-03-13", "2024-04-05"]),
        column_case("monthfirst_column", c, d, ["03/13/2024", "01/03/2024"], ["2024-03-13", "2024-01-03"]),
        column_case("ambiguous_all_le_12", c, d, ["01/03/2024", "05/04/2024"], ["2024-01-03", "2024-05-04"],
                    note="documented rule: month first when undecidable"),
        column_case("ambiguous_dayfirst_kw", c, d, ["01/03/2024", "05/04/2024"], ["2024-03-01", "2024-04-05"],
                    kwargs={"dayfirst": True}),
        column_case("dotted_only", c, d, ["1.3.2024", "5.4.2024"], ["2024-03-01", "2024-04-05"],
                    note="documented rule: dotted dates day first"),
        column_case("conflicting_day_month_orders", c, d, ["13/03/2024", "03/13/2024"], None,
                    note="half day-first, half month-first: no single rule reads the column"),
        column_case("offset_only_column", c, d, ["2024-03-01T01:30:00+08:00"], ["2024-03-01T01:30:00"]),
        column_case("offset_mixed_with_naive", c, d, ["2024-03-01T01:30:00+08:00", "2024-03-02 10:00"],
                    ["2024-03-01T01:30:00", "2024-03-02T10:00:00"]),
        column_case("different_offsets", c, d, ["2024-03-01T01:30:00+08:00", "2024-03-01T01:30:00-05:00"],
                    ["2024-03-01T01:30:00", "2024-03-01T01:30:00"]),
        column_case("utc_Z_suffix", c, d, ["2024-03-01T01:30:00Z"], ["2024-03-01T01:30:00"]),
        column_case("year_0001", c, d, ["0001-03-01"], [DROP], whole=False),
        column_case("year_1900", c, d, ["1900-03-01"], [DROP], whole=False),
        column_case("year_2200", c, d, ["2200-03-01"], [DROP], whole=False),
        column_case("year_9999", c, d, ["9999-12-31"], [DROP], whole=False),
        column_case("one_garbage_date", c, d, ["not a date"], [DROP], whole=False),
        column_case("all_garbage_dates", c, d, ["not a date", "soon", "yesterday"], None),
        column_case("feb_30", c, d, ["2024-02-30"], [DROP], whole=False),
        column_case("date_with_garbage_tail", c, d, ["2024-06-01 garbage"], [DROP], whole=False),
        column_case("chinese_dates", c, d, ["2024年3月1日", "2024年4月15日"], ["2024-03-01", "2024-04-15"]),
        column_case("dayfirst_with_time", c, d, ["13/03/2024 10:30", "01/03/2024 23:59"],
                    ["2024-03-13T10:30:00", "2024-03-01T23:59:00"]),
    ]


def _half_utf8_half_gbk(p: Path) -> bytes:
    rows = default_rows()
    for i in range(N):
        rows[i]["product_name"] = CJK_SIMP[i % 3]
    lines = to_csv(rows).splitlines(keepends=True)
    half = len(lines) // 2
    return "".join(lines[:half]).encode("utf-8") + "".join(lines[half:]).encode("gbk")


def _nul_before_commas(p: Path) -> bytes:
    return plain_csv().replace(b",", b"\x00,")


def _stray_ff(p: Path) -> bytes:
    rows = default_rows()
    for i in range(N):
        rows[i]["product_name"] = CJK_SIMP[i % 3]
    data = to_csv(rows).encode("utf-8")
    return data.replace("牛肉面".encode(), "牛肉".encode() + b"\xff", 1)


def encoding_cases() -> list[Case]:
    e = "encodings"
    names_meaning = default_meaning()
    for i in range(N):
        names_meaning[i]["product_name"] = CJK_SIMP[i % 3]
    cp_rows = default_rows()
    cp_meaning = default_meaning()
    for i in range(N):
        cp_rows[i]["product_name"] = LATIN[i % 4]
        cp_rows[i]["unit_price"] = f"€{2.5 + i:.2f}".replace(".", ",")
        cp_meaning[i]["product_name"] = LATIN[i % 4]
    return [
        names_case("latin1", LATIN, "latin-1"),
        names_case("latin1_explicit_kw", LATIN, "latin-1", kwargs={"encoding": "latin-1"}),
        names_case("latin1_gzipped", LATIN, "latin-1", suffix=".csv.gz"),
        bytes_case("cp1252_euro_prices", e, lambda p: to_csv(cp_rows).encode("cp1252"), expect_from(cp_meaning)),
        names_case("big5", CJK_TRAD, "big5"),
        names_case("big5_chinese_headers", CJK_TRAD, "big5", header=BIG5_HEADER),
        names_case("shift_jis", JAPANESE, "shift_jis"),
        names_case("gbk_chinese_headers", CJK_SIMP, "gbk", header=GBK_HEADER),
        names_case("utf8_bom", CJK_SIMP, "utf-8", bom=b"\xef\xbb\xbf"),
        names_case("utf16_with_bom", CJK_SIMP, "utf-16"),
        names_case("utf16le_no_bom", CJK_SIMP, "utf-16-le"),
        names_case("utf16be_no_bom", LATIN, "utf-16-be"),
        bytes_case("half_utf8_half_gbk", e, _half_utf8_half_gbk, expect_from(names_meaning),
                   note="a right load is impossible unless each line is decoded on its own; expected: error"),
        bytes_case("nul_before_every_comma", e, _nul_before_commas, plain_expect(),
                   note="right only if NULs are stripped; else an error"),
        bytes_case("stray_0xff_in_utf8", e, _stray_ff, None,
                   note="one invalid byte in a UTF-8 file: an error naming the line"),
        bytes_case("unknown_encoding_kw", e, lambda p: plain_csv(), None, kwargs={"encoding": "klingon"}),
    ]


def _zip_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def _excel(p: Path, sheets: dict[str, Any]) -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for sheet, frame in sheets.items():
            frame.to_excel(xw, sheet_name=sheet, index=False)
    return buf.getvalue()


def _frame(**changes: Any) -> Any:
    import pandas as pd

    frame = pd.DataFrame(default_rows())
    frame["quantity"] = frame["quantity"].astype(int)
    frame["unit_price"] = frame["unit_price"].astype(float)
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    for k, v in changes.items():
        frame[k] = v
    return frame


def _parquet(frame: Any) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _notes_and_orders(p: Path) -> bytes:
    import pandas as pd

    notes = pd.DataFrame({"Report": ["Monthly export", "generated by shop"], "Value": ["x", "y"]})
    return _excel(p, {"Notes": notes, "Orders": _frame()})


def _excel_error_cell(p: Path) -> bytes:
    frame = _frame()
    frame["unit_price"] = frame["unit_price"].astype(object)
    frame.loc[0, "unit_price"] = "#VALUE!"
    return _excel(p, {"Orders": frame})


def _parquet_tz(p: Path) -> bytes:
    import pandas as pd

    dates = pd.Series(pd.to_datetime(["2024-03-01 01:30"] * N)).dt.tz_localize("Asia/Shanghai")
    return _parquet(_frame(order_date=dates))


def _xlsx_named_csv(p: Path) -> bytes:
    return _excel(p, {"Orders": _frame()})


def _dup_unmapped(p: Path) -> bytes:
    rows = default_rows()
    rows[1] = dict(rows[0])
    for i, r in enumerate(rows):
        r["line_no"] = str(i + 1)
    return to_csv(rows).encode()


def _dup_meaning() -> list[Any]:
    m = default_meaning()
    m[1] = dict(m[0])
    return m


def _exact_dup(p: Path) -> bytes:
    rows = default_rows()
    rows[1] = dict(rows[0])
    return to_csv(rows).encode()


def _repeated_header(p: Path) -> bytes:
    text = to_csv(default_rows())
    lines = text.splitlines(keepends=True)
    return "".join(lines[:11] + [lines[0]] + lines[11:]).encode()


def _two_price_columns(p: Path) -> bytes:
    rows = default_rows()
    for i, r in enumerate(rows):
        r["price"] = f"{99 + i:.2f}"
    return to_csv(rows).encode()


def _same_header_twice(p: Path) -> bytes:
    rows = default_rows()
    head = list(rows[0]) + ["unit_price"]
    body = [",".join([*r.values(), "7.00"]) for r in rows]
    return ("\n".join([",".join(head), *body]) + "\n").encode()


def _bom_mid(p: Path) -> bytes:
    lines = plain_csv().splitlines(keepends=True)
    lines[5] = b"\xef\xbb\xbf" + lines[5]
    return b"".join(lines)


def _quotes(p: Path) -> bytes:
    rows = default_rows()
    rows[0]["product_name"] = "Tea, green"
    rows[1]["product_name"] = 'He said "hi"'
    rows[2]["product_name"] = "two\nlines"
    return to_csv(rows).encode()


def _quotes_meaning() -> list[Any]:
    m = default_meaning()
    m[0]["product_name"] = "Tea, green"
    m[1]["product_name"] = 'He said "hi"'
    m[2]["product_name"] = "two\nlines"
    return m


def _unterminated_quote(p: Path) -> bytes:
    return plain_csv().replace(b",Item 5,", b',"Item 5,')


LONG = "x" * 1_000_000


def _long_cell(p: Path) -> bytes:
    rows = default_rows()
    rows[0]["product_name"] = LONG
    return to_csv(rows).encode()


def _long_meaning() -> list[Any]:
    m = default_meaning()
    m[0]["product_name"] = _norm(LONG)
    return m


def _ragged(p: Path, extra: bool) -> bytes:
    lines = plain_csv().decode().splitlines(keepends=True)
    if extra:
        lines[4] = lines[4].rstrip("\n") + ",surplus\n"
    else:
        lines[4] = ",".join(lines[4].split(",")[:5]) + "\n"
    return "".join(lines).encode()


def _blank_lines(p: Path) -> bytes:
    lines = plain_csv().decode().splitlines(keepends=True)
    return "".join(lines[:6] + ["\n", ",,,,,,\n"] + lines[6:]).encode()


def format_cases() -> list[Case]:
    f = "formats"
    good = plain_expect()
    m = default_meaning()
    excel_err = [DROP] + m[1:]
    dup_meaning = _dup_meaning()
    ragged_meaning = m[:3] + [DROP] + m[4:]
    return [
        bytes_case("truncated_zip", f, lambda p: _zip_of("orders.csv", plain_csv() * 50)[:300], None,
                   suffix=".zip"),
        bytes_case("zip_one_csv", f, lambda p: _zip_of("orders.csv", plain_csv()), good, suffix=".zip"),
        bytes_case("zip_two_csvs", f, lambda p: _two_member_zip(), None, suffix=".zip",
                   note="which member? an error naming both"),
        bytes_case("csv_named_xlsx", f, lambda p: plain_csv(), good, suffix=".xlsx",
                   note="right if read as the CSV it is, else a clear error"),
        bytes_case("csv_named_parquet", f, lambda p: plain_csv(), good, suffix=".parquet"),
        bytes_case("xlsx_named_csv", f, _xlsx_named_csv, good, suffix=".csv"),
        bytes_case("random_bytes_csv", f, lambda p: bytes(range(256)) * 40, None),
        bytes_case("multi_sheet_default", f, _notes_and_orders, good, suffix=".xlsx",
                   note="Notes sheet first: right if Orders is found, else an error suggesting sheet="),
        bytes_case("multi_sheet_named", f, _notes_and_orders, good, suffix=".xlsx", kwargs={"sheet": "Orders"}),
        bytes_case("multi_sheet_out_of_range", f, _notes_and_orders, None, suffix=".xlsx", kwargs={"sheet": 7}),
        bytes_case("excel_typed", f, lambda p: _excel(p, {"Orders": _frame()}), good, suffix=".xlsx"),
        bytes_case("excel_error_cell", f, _excel_error_cell, expect_from(excel_err), suffix=".xlsx"),
        bytes_case("parquet_typed", f, lambda p: _parquet(_frame()), good, suffix=".parquet"),
        bytes_case("parquet_inf_price", f, lambda p: _parquet(_frame(unit_price=[math.inf] + [2.5 + i for i in
                   range(1, N)])), expect_from([DROP] + m[1:]), suffix=".parquet"),
        bytes_case("parquet_tz_aware_dates", f, _parquet_tz,
                   expect_from([{**x, "order_date": "2024-03-01T01:30:00"} for x in m]), suffix=".parquet",
                   note="local wall time of the stated zone, as for text"),
        bytes_case("parquet_bool_price", f, lambda p: _parquet(_frame(unit_price=[True, False] * (N // 2))), None,
                   suffix=".parquet"),
        bytes_case("empty_file", f, lambda p: b"", None),
        bytes_case("header_only", f, lambda p: plain_csv().splitlines(keepends=True)[0], None),
        bytes_case("two_columns_same_canonical", f, _two_price_columns, good,
                   note="price (an alias) and unit_price (the canonical name), different values: right if the "
                   "exact name wins and the alias is reported as ignored, or an error"),
        bytes_case("same_header_twice", f, _same_header_twice, None),
        bytes_case("dup_differ_in_unmapped_col", f, _dup_unmapped, expect_from(dup_meaning),
                   note="lines differ in line_no: not duplicates"),
        bytes_case("exact_duplicate_lines", f, _exact_dup, expect_from([*m[:1], DROP, *m[2:]])),
        bytes_case("repeated_header_mid_file", f, _repeated_header, expect_from(m, read=N + 1),
                   note="a header pasted mid-file: counted as a dropped repeated header"),
        bytes_case("semicolon_decimal_comma", f,
                   lambda p: to_csv([{**r, "unit_price": r["unit_price"].replace(".", ",")} for r in default_rows()],
                                    sep=";").encode(), good),
        bytes_case("tab_separated", f, lambda p: plain_csv(sep="\t"), good, suffix=".tsv"),
        bytes_case("crlf_lines", f, lambda p: plain_csv(newline="\r\n"), good),
        bytes_case("bom_mid_file", f, _bom_mid, good, note="a UTF-8 BOM at the start of line 6"),
        bytes_case("quoted_cells", f, _quotes, expect_from(_quotes_meaning())),
        bytes_case("unterminated_quote", f, _unterminated_quote, None,
                   note="swallows the rest of the file into one cell unless caught"),
        bytes_case("very_long_cell_1MB", f, _long_cell, expect_from(_long_meaning())),
        bytes_case("ragged_row_extra_field", f, lambda p: _ragged(p, True), expect_from(ragged_meaning),
                   note="a line with one field too many: dropped and counted, or an error"),
        bytes_case("ragged_row_short", f, lambda p: _ragged(p, False), expect_from(ragged_meaning)),
        bytes_case("blank_lines", f, _blank_lines, expect_from(m, read=N + 1),
                   note="an empty line (skipped) and a line of commas (a row read, dropped and counted)"),
        bytes_case("header_case_and_spaces", f,
                   lambda p: plain_csv(header=[" Order_ID ", "ORDER DATE", "Customer-ID", "product_id",
                                               "Product Name", "QTY", "Unit Price"]), good),
    ]


def _two_member_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", plain_csv())
        zf.writestr("b.csv", plain_csv())
    return buf.getvalue()


BOMB_BYTES = 64 * 1024**2  # uncompressed size of the zip / gzip bombs (ratio about 1000:1)


def _bomb_body() -> Any:
    head = ",".join(COLS) + "\n"
    row = b"o1,2024-03-01,c1,p1,Item,1,2.50\n"
    chunk = row * (1 << 15)
    yield head.encode()
    for _ in range(BOMB_BYTES // len(chunk)):
        yield chunk


def _zip_bomb(p: Path) -> None:
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, zf.open("orders.csv", "w") as fh:
        for part in _bomb_body():
            fh.write(part)


def _gz_bomb(p: Path) -> None:
    with gzip.open(p, "wb", compresslevel=9) as fh:
        for part in _bomb_body():
            fh.write(part)


def _wide_header(p: Path) -> bytes:
    return (",".join(["order_id"] * 100_000) + "\n" + ",".join(["1"] * 100_000) + "\n").encode()


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _symlink_zero(p: Path) -> None:
    p.symlink_to("/dev/zero")


def _billion_laughs(d: Path) -> tuple[str, dict[str, Any]]:
    data = d / "laughs_data.csv"
    data.write_bytes(plain_csv())
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    mp = d / "laughs.yaml"
    mp.write_text("\n".join(lines) + "\n")
    return str(data), {"columns": str(mp)}


def _laughs_inline(d: Path) -> tuple[str, dict[str, Any]]:
    data = d / "laughs2_data.csv"
    data.write_bytes(plain_csv())
    mp = d / "laughs_no_alias.yaml"
    mp.write_text("order_id: " + "[" * 5000 + "]" * 5000 + "\n")
    return str(data), {"columns": str(mp)}


def bounded_cases() -> list[Case]:
    b = "bounded"
    return [
        bytes_case("header_100k_columns", b, _wide_header, None),
        bytes_case("first_line_2MB_no_newline", b, lambda p: b"order_id," * 230_000, None),
        Case("dev_zero", b, lambda d: ("/dev/zero", {}), None),
        bytes_case("fifo_named_csv", b, _fifo, None, note="nobody writes to it: must not block"),
        bytes_case("symlink_to_dev_zero_csv", b, _symlink_zero, None),
        bytes_case("zip_bomb_64MB", b, _zip_bomb, None, suffix=".zip",
                   note="64 MiB member at ~1000:1; the cap (100x, floor 16 MiB) must stop it"),
        bytes_case("gzip_bomb_64MB", b, _gz_bomb, None, suffix=".csv.gz"),
        Case("yaml_billion_laughs_map", b, _billion_laughs, None),
        Case("yaml_deep_nesting_map", b, _laughs_inline, None, note="5,000 nested lists, no aliases"),
        Case("directory_as_source", b, lambda d: (str(d), {}), None),
        Case("missing_path", b, lambda d: (str(d / "nope.csv"), {}), None),
        Case("unknown_preset", b, lambda d: (bytes_case("x", b, lambda p: plain_csv(), None).build(d)[0],
                                             {"preset": "amazon"}), None),
    ]


# --------------------------------------------------------------------------- classify
def compare(exp: Expect, got: dict[str, Any]) -> list[str]:
    """Differences between the expected meaning and what was loaded (empty: right)."""
    problems = []
    if got["rows_read"] != got["rows_kept"] + got["rows_dropped"]:
        problems.append(f"report does not balance: read {got['rows_read']} != kept {got['rows_kept']} "
                        f"+ dropped {got['rows_dropped']}")
    if got["n"] != got["rows_kept"]:
        problems.append(f"table has {got['n']} rows, report says kept {got['rows_kept']}")
    if got["rows_read"] != exp.read:
        problems.append(f"rows read {got['rows_read']}, the file has {exp.read} data rows")
    if got["n"] != exp.kept:
        problems.append(f"kept {got['n']} rows, expected {exp.kept} (dropped: {got['dropped']})")
        return problems
    for col, want in exp.values.items():
        have = got["values"].get(col)
        if have is None:
            problems.append(f"column {col} missing")
            continue
        for i, (w, h) in enumerate(zip(want, have, strict=True)):
            if not _same(w, h):
                problems.append(f"{col}[{i}] = {h!r}, expected {w!r}")
                break
    return problems


def _same(want: Any, have: Any) -> bool:
    if want is None:
        return have is None
    if isinstance(want, float):
        return isinstance(have, (int, float)) and math.isclose(want, have, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(want, str) and len(want) == 10 and want[4] == "-" and isinstance(have, str):
        return have in (want, want + "T00:00:00")
    return want == have


@dataclass
class Outcome:
    case: str
    cls: str
    verdict: str
    seconds: float
    detail: str
    expected_load: bool = field(default=False)


def run_case(case: Case, root: Path) -> Outcome:
    d = root / case.name
    d.mkdir()
    try:
        path, kwargs = case.build(d)
    except Exception as exc:  # noqa: BLE001
        return Outcome(case.name, case.cls, "traceback", 0.0, f"corpus build failed: {exc!r}")
    spec = d / "spec.json"
    spec.write_text(json.dumps({"path": path, "kwargs": kwargs}))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(spec)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, start_new_session=True, text=True,
                            errors="replace")
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child's own session: only what we started
        proc.communicate()
        return Outcome(case.name, case.cls, "hang", time.monotonic() - t0, f"no answer in {TIMEOUT:.0f} s",
                       case.expect is not None)
    seconds = time.monotonic() - t0
    marker = stdout.rfind("@@RESULT@@")
    if marker < 0:
        return Outcome(case.name, case.cls, "traceback", seconds,
                       f"child died (exit {proc.returncode}): {stderr.strip()[-400:]}", case.expect is not None)
    got = json.loads(stdout[marker + len("@@RESULT@@"):].splitlines()[0])
    return classify(case, got, seconds)


def classify(case: Case, got: dict[str, Any], seconds: float) -> Outcome:
    expected_load = case.expect is not None
    base = (case.name, case.cls)
    if got["kind"] == "ecomlib":
        if got["len"] < 4000:
            return Outcome(*base, "clear error", seconds, f"{got['type']}: {got['first']}", expected_load)
        return Outcome(*base, "traceback", seconds, f"{got['type']} with a {got['len']:,}-char message: "
                       f"{got['first'][:200]}", expected_load)
    if got["kind"] == "exception":
        return Outcome(*base, "traceback", seconds, f"{got['type']}: {got['first']}\n{got['tb']}", expected_load)
    warned = "; ".join(got["warnings"])
    notes = [n for n in got["notes"] if any(k in n for k in ("decimal", "day", "encoding", "sheet", "offset"))]
    if case.expect is None:
        verdict = "wrong, warned" if warned else "silent wrong"
        shown = {k: v[:3] for k, v in got["values"].items() if k in ("order_date", "product_name", "unit_price")}
        return Outcome(*base, verdict, seconds, f"loaded {got['n']} rows where only an error is right "
                       f"(read {got['rows_read']}, dropped {got['dropped']}; first values {shown}; "
                       f"notes {notes}{'; warned: ' + warned if warned else ''})", expected_load)
    problems = compare(case.expect, got)
    if not problems:
        return Outcome(*base, "loaded, right", seconds, f"notes {notes}" if notes else "", expected_load)
    verdict = "wrong, warned" if warned else "silent wrong"
    return Outcome(*base, verdict, seconds, "; ".join(problems[:4]) + f" (notes {notes}"
                   + (f"; warned: {warned}" if warned else "") + ")", expected_load)


# --------------------------------------------------------------------------- report runner (CLI)
@dataclass
class CliCase:
    name: str
    args: list[str]
    should_run: bool  # True: a good run (exit 0, basics.html written) is right
    note: str = ""
    figures: dict[str, float] = field(default_factory=dict)  # key figures a right reading gives


def _run_record(out_dir: Path) -> dict[str, Any]:
    for name in ("basics.run.json", "basics.failed.run.json"):
        if (out_dir / name).exists():
            return json.loads((out_dir / name).read_text())
    return {}


def _notebook_error(out_dir: Path) -> tuple[str, str]:
    """(exception name, value) of the first error output of a failed notebook."""
    path = out_dir / "basics.failed.ipynb"
    if not path.exists():
        return "", ""
    for cell in json.loads(path.read_text()).get("cells", []):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                return o.get("ename", ""), o.get("evalue", "")[:300]
    return "", ""


def _figures_check(out_dir: Path, want: dict[str, float]) -> str:
    got = {k["name"]: k["value"] for k in _run_record(out_dir).get("key_figures", [])}
    wrong = [f"{k} = {got.get(k)!r}, expected {v!r}" for k, v in want.items()
             if not isinstance(got.get(k), (int, float)) or not math.isclose(got[k], v, rel_tol=1e-6)]
    return "; ".join(wrong)


FIGURES: dict[str, float] = {}  # GMV and completed orders of the sample export


def _sample_export(d: Path) -> dict[str, Path]:
    """A Latin-1, day-first, decimal-comma export made from the sample shop (every 25th line)."""
    from ecomlib.datasets import load_sample_store

    tx = load_sample_store().transactions.iloc[::25].copy()
    tx["product_name"] = "Crème brûlée " + tx["product_id"].astype(str)
    tx["category"] = tx["category"].astype(str).str.extract(r"([A-Za-z][A-Za-z &]*)$", expand=False).fillna("Misc")
    tx["order_date"] = tx["order_date"].dt.strftime("%d/%m/%Y %H:%M")
    cols = ["order_id", "order_date", "customer_id", "product_id", "product_name", "category", "quantity",
            "unit_price", "revenue", "channel", "country", "status"]
    tx = tx[cols]
    done = tx[tx["status"] == "completed"]
    FIGURES.update(gmv_total=float(done["revenue"].sum()), orders_total=float(done["order_id"].nunique()))
    latin = d / "shop_latin1_dayfirst.csv"
    tx.to_csv(latin, index=False, encoding="latin-1", sep=";", decimal=",")
    plain = d / "shop_plain.csv"
    tx.to_csv(plain, index=False)
    return {"latin": latin, "plain": plain}


def cli_cases(d: Path) -> list[CliCase]:
    files = _sample_export(d)
    existing = d / "a_file.txt"
    existing.write_text("not a folder\n")
    fifo = d / "pipe.csv"
    os.mkfifo(fifo)
    trunc = d / "trunc.zip"
    trunc.write_bytes(_zip_of("orders.csv", plain_csv() * 50)[:300])
    laughs_data, laughs_kw = _billion_laughs(d)
    out = str(d / "out")
    lat, pl = str(files["latin"]), str(files["plain"])
    return [
        CliCase("start_with_garbage_tail", ["-p", "start=2024-06-01 garbage", "--out", out + "1"], False),
        CliCase("start_month_13", ["-p", "start=2024-13-45", "--out", out + "2"], False),
        CliCase("time_limit_negative", ["--time-limit", "-5", "--out", out + "3"], False),
        CliCase("time_limit_nan", ["--time-limit", "nan", "--out", out + "4"], False),
        CliCase("out_is_existing_file", ["--out", str(existing)], False),
        CliCase("jobs_zero", ["--jobs", "0", "--out", out + "5"], False),
        CliCase("wait_negative", ["--wait", "-1", "--out", out + "6"], False),
        CliCase("decimal_semicolon", ["--decimal", ";", "--out", out + "7"], False),
        CliCase("unknown_param", ["-p", "no_such_param=1", "--out", out + "8"], False),
        CliCase("data_missing_path", ["--data", str(d / "nope.csv"), "--out", out + "9"], False),
        CliCase("data_dev_zero", ["--data", "/dev/zero", "--out", out + "10"], False),
        CliCase("data_fifo", ["--data", str(fifo), "--out", out + "11"], False),
        CliCase("data_truncated_zip", ["--data", str(trunc), "--out", out + "12"], False),
        CliCase("columns_billion_laughs", ["--data", laughs_data, "--columns", laughs_kw["columns"],
                                           "--out", out + "13"], False),
        CliCase("data_latin1_dayfirst_detected", ["--data", lat, "--out", out + "14"], True,
                note="Latin-1, ';' separated, day-first dates, decimal commas: all detected", figures=FIGURES),
        CliCase("data_latin1_dayfirst_options", ["--data", lat, "--encoding", "latin-1", "--dayfirst", "true",
                                                 "--decimal", ",", "--out", out + "15"], True, figures=FIGURES),
        CliCase("data_plain_wrong_dayfirst", ["--data", pl, "--dayfirst", "true", "--out", out + "16"], False,
                note="ISO dates with --dayfirst true: fine to run (ISO is unambiguous) or a clear error",
                figures=FIGURES),
    ]


def run_cli(case: CliCase) -> Outcome:
    cmd = [sys.executable, "-m", "ecomlib", "report", "basics", *case.args]
    exe = Path(sys.executable).with_name("ecomlib")
    if exe.exists():
        cmd = [str(exe), "report", "basics", *case.args]
    limit = CLI_TIMEOUT_RUN if case.should_run or "plain" in case.name else CLI_TIMEOUT_FAIL
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                            env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        return Outcome(case.name, "report runner", "hang", time.monotonic() - t0, f"no end in {limit:.0f} s")
    seconds = time.monotonic() - t0
    lines = [x for x in stderr.splitlines() if x.strip()] or [x for x in stdout.splitlines() if x.strip()]
    said = [x for x in lines if "error" in x.lower() and not x.startswith("usage")]
    last = (said or lines or [""])[0].strip()[:300]
    out_dir = Path(case.args[case.args.index("--out") + 1])
    wrong = _figures_check(out_dir, case.figures) if case.figures else ""
    figures = f"; key figures wrong: {wrong}" if wrong else ("; key figures right" if case.figures else "")
    if "Traceback (most recent call last)" in stderr:
        return Outcome(case.name, "report runner", "traceback", seconds, f"exit {proc.returncode}: {last}")
    ename, evalue = _notebook_error(out_dir)
    if proc.returncode != 0 and ename:
        failed = [x for x in lines if "failed in section" in x]
        verdict = "clear error" if ename in ECOMLIB_ERRORS else "traceback"
        return Outcome(case.name, "report runner", verdict, seconds,
                       f"exit {proc.returncode}: notebook raised {ename}: {evalue} "
                       f"({failed[0].strip()[:200] if failed else last}){figures}", case.should_run)
    if proc.returncode == 0:
        written = (out_dir / "basics.html").exists()
        if case.should_run and written and not wrong:
            return Outcome(case.name, "report runner", "loaded, right", seconds,
                           "exit 0, basics.html written" + figures, True)
        if case.name == "data_plain_wrong_dayfirst" and written:
            return Outcome(case.name, "report runner", "loaded, right", seconds, "exit 0 (ISO dates kept)", False)
        return Outcome(case.name, "report runner", "silent wrong", seconds,
                       f"exit 0 (html written: {written}) where only an error is right; stdout: "
                       f"{stdout.strip().splitlines()[-1][:200] if stdout.strip() else ''}", case.should_run)
    message = "\n".join(lines)
    if len(message) < 4000:
        return Outcome(case.name, "report runner", "clear error", seconds,
                       f"exit {proc.returncode}: {last}", case.should_run)
    return Outcome(case.name, "report runner", "traceback", seconds,
                   f"exit {proc.returncode}, {len(message):,} chars on stderr: {last}", case.should_run)


# --------------------------------------------------------------------------- output
def tables(outcomes: list[Outcome]) -> str:
    by_cls: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_cls.setdefault(o.cls, []).append(o)
    used = [c for c in CLASSES if any(o.verdict == c for o in outcomes) or c != "wrong, warned"]
    head = "| class | inputs | " + " | ".join(used) + " |"
    sep = "|---|---:|" + "---:|" * len(used)
    rows = [head, sep]
    for cls, items in by_cls.items():
        counts = [sum(o.verdict == c for o in items) for c in used]
        rows.append(f"| {cls} | {len(items)} | " + " | ".join(map(str, counts)) + " |")
    total = [sum(o.verdict == c for o in outcomes) for c in used]
    rows.append(f"| **total** | **{len(outcomes)}** | " + " | ".join(f"**{t}**" for t in total) + " |")
    return "\n".join(rows)


def details(outcomes: list[Outcome], only_bad: bool) -> str:
    rows = ["| class | case | outcome | s | details |", "|---|---|---|---:|---|"]
    for o in outcomes:
        if only_bad and o.verdict in ("loaded, right", "clear error"):
            continue
        text = o.detail.replace("|", "\\|").replace("\n", " ⏎ ")[:700]
        rows.append(f"| {o.cls} | {o.case} | {o.verdict} | {o.seconds:.1f} | {text} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--markdown", help="write the tables as Markdown to this file")
    ap.add_argument("--only", help="run only cases whose name contains this")
    ap.add_argument("--no-cli", action="store_true", help="skip the report-runner cases")
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    cases = number_cases() + date_cases() + encoding_cases() + format_cases() + bounded_cases()
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="hostile-fuzz-") as tmp:
        root = Path(tmp)
        for case in cases:
            o = run_case(case, root)
            outcomes.append(o)
            print(f"{o.cls:10} {o.case:34} {o.verdict:14} {o.seconds:5.1f}s  {(o.detail.splitlines() or [''])[0][:150]}",
                  flush=True)
        if not args.no_cli:
            cli_root = root / "cli"
            cli_root.mkdir()
            for cc in cli_cases(cli_root):
                if args.only and args.only not in cc.name:
                    continue
                o = run_cli(cc)
                outcomes.append(o)
                print(f"{'report':10} {o.case:34} {o.verdict:14} {o.seconds:5.1f}s  {o.detail[:150]}", flush=True)
    summary = tables(outcomes)
    unexpected_errors = [o for o in outcomes if o.verdict == "clear error" and o.expected_load]
    print("\n" + summary)
    print("\nNot 'loaded, right' or 'clear error':\n" + details(outcomes, only_bad=True))
    print("\nClear errors on inputs that have a right reading (a load would have been better):\n"
          + "\n".join(f"- {o.case}: {o.detail[:200]}" for o in unexpected_errors))
    if args.markdown:
        text = ["# Hostile-input fuzz table (issue 15)", "",
                f"`python tests/data/hostile_fuzz.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
                f"each loader case in its own process ({TIMEOUT:.0f} s timeout).", "", summary, "",
                "## Cases that are neither loaded right nor a clear error", "", details(outcomes, True), "",
                "## Clear errors on inputs that have a right reading", "",
                *[f"- {o.case}: {o.detail[:300]}" for o in unexpected_errors], "",
                "## All cases", "", details(outcomes, False), ""]
        Path(args.markdown).write_text("\n".join(text))


if __name__ == "__main__":
    main()
