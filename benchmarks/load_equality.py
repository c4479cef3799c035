"""Record what ``load_transactions`` returns on a set of inputs, and compare two records.

A check for changes that must not change any result (speed-ups of the loading path): run it
with the code before the change, then after, and compare::

    python benchmarks/load_equality.py record /tmp/before     # (e.g. on a checkout of main)
    python benchmarks/load_equality.py record /tmp/after      # (with the change)
    python benchmarks/load_equality.py compare /tmp/before /tmp/after

Each call's frame is stored (pickle) with its quality report (fields, text, table), the warnings
it gave and the error it raised; ``compare`` lists every difference: values (exactly), dtypes
with their storage and missing-value marker, index, column order, attrs, report, warnings,
error. Exit status 1 when anything differs.

The inputs, written once with a seed into ``benchmarks/output/equality/`` (git-ignored): the
files of ``tests/data/fixtures`` with their presets; UCI-style and generic exports with odd
values (duplicates that differ only in an unmapped column, unparseable and fractional
quantities, prices like ``1e400``, dates in three forms and ``soon``, ids like ``17850.0``,
zero-width spaces, full-width text, currency strings, Chinese status words) as CSV, GB18030,
gzip, Parquet and a DataFrame, each also read with ``start=``; and the 1M-line file of
``bench_load.py`` when it has been written (``--big``). The previous session's recorded corpus
of 308 loads (all the test suite's calls) found no difference for the changes of issue 16.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "tests" / "data" / "fixtures"


def inputs(big: bool) -> list[tuple[str, object, dict]]:
    """(name, source, keyword arguments) of every call."""
    import numpy as np
    import pandas as pd

    folder = HERE / "output" / "equality"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(16)
    n = 30_000
    uci = pd.DataFrame({
        "InvoiceNo": rng.integers(536365, 540000, n).astype(str),
        "StockCode": rng.choice(["85123A", "71053", "POST", "M", "22423", "gift_0001_10", "DOT", " 22423"], n),
        "Description": rng.choice(["WHITE HANGING HEART", " RED MUG", "", "Ｆｕｌｌ ｗｉｄｔｈ", "a\u200bb"], n),
        "Quantity": rng.choice(["1", "2", "-3", "6", "1.5", "x", ""], n, p=[.3, .2, .1, .3, .04, .03, .03]),
        "InvoiceDate": rng.choice(["12/1/2010 8:26", "12/13/2010 9:00", "1/5/2011 10:01", "soon", "",
                                   "2011-01-05 10:01"], n, p=[.3, .3, .3, .02, .02, .06]),
        "UnitPrice": rng.choice(["2.55", "0", "-1.00", "3.39", "1e400", "12.5"], n, p=[.4, .05, .02, .4, .01, .12]),
        "CustomerID": rng.choice(["17850.0", "17850", "13047.0", "", "12583.0"], n),
        "Country": rng.choice(["United Kingdom", "France", "EIRE"], n),
        "Extra": rng.choice(["a", "b"], n),
    })
    uci.loc[rng.random(n) < 0.3, "InvoiceNo"] = "C" + uci["InvoiceNo"]
    uci = pd.concat([uci, uci.sample(3000, random_state=1), uci.sample(2000, random_state=2).assign(Extra="z")])
    uci = uci.sample(frac=1, random_state=3).reset_index(drop=True)
    generic = pd.DataFrame({
        "order_id": rng.integers(1, 5000, n).astype(str),
        "order_date": rng.choice(["2024-03-01 10:00", "2024-03-02T01:30:00+08:00", "01.03.2024", "bad", ""], n,
                                 p=[.5, .3, .17, .02, .01]),
        "product_id": rng.choice(["A1", "B2", "007"], n),
        "quantity": rng.choice(["1", "2", "-1", "3"], n),
        "unit_price": rng.choice(["¥1,299.00", "RMB 12.5", "12.5元", "(3.00)", "n/a", "１２"], n),
        "status": rng.choice(["已完成", "cancelled", "refund", "", "paid"], n),
        "customer_id": rng.choice(["u1", "u2", None], n),
    })
    files = {"odd_uci.csv": (uci, "csv"), "odd_uci_small.csv": (uci.head(3000), "csv"),
             "generic.csv": (generic, "csv"), "generic_gbk.csv": (generic, "gb18030"),
             "generic.csv.gz": (generic, "gzip"), "generic.parquet": (generic, "parquet")}
    for name, (frame, how) in files.items():
        path = folder / name
        if not path.exists():
            if how == "parquet":
                frame.to_parquet(path)
            elif how == "gb18030":
                path.write_bytes(frame.to_csv(index=False).encode("gb18030"))
            else:
                frame.to_csv(path, index=False, compression="gzip" if how == "gzip" else None)
    calls = [("fixture online_retail", FIXTURES / "online_retail.csv", {"preset": "online_retail"}),
             ("fixture online_retail_ii", FIXTURES / "online_retail_ii.csv", {"preset": "online_retail"}),
             ("fixture shopify", FIXTURES / "shopify_orders.csv", {"preset": "shopify"}),
             ("fixture olist", FIXTURES / "olist", {"preset": "olist"}),
             ("fixture online_retail, no preset", FIXTURES / "online_retail.csv", {})]
    for name in ("odd_uci.csv", "odd_uci_small.csv"):
        calls += [(name, folder / name, {"preset": "online_retail"}),
                  (name + " start", folder / name, {"preset": "online_retail", "start": "2010-12-05"})]
    calls += [("odd_uci DataFrame", uci, {"preset": "online_retail"})]
    for name in ("generic.csv", "generic_gbk.csv", "generic.csv.gz", "generic.parquet"):
        calls += [(name, folder / name, {}), (name + " dayfirst", folder / name, {"dayfirst": True})]
    calls += [("generic DataFrame", generic, {}), ("generic DataFrame end", generic, {"end": "2024-03-01"})]
    if big:
        sys.path.insert(0, str(HERE))
        from bench_load import input_file

        calls.append(("bench_load 1M lines", input_file(1_000_000), {"preset": "online_retail"}))
    return calls


def record(out: Path, big: bool) -> None:
    """Run every call and store what it returned, warned and raised under ``out``."""
    from ecomlib.data import load_transactions

    out.mkdir(parents=True, exist_ok=True)
    calls = inputs(big)
    for i, (name, source, kwargs) in enumerate(calls):
        result: dict = {"call": name}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                frame, report = load_transactions(source, **kwargs)
                result |= {"report": dataclasses.asdict(report), "text": str(report),
                           "table": report.to_frame().to_dict("list")}
                (out / f"{i:03d}.pkl").write_bytes(pickle.dumps(frame))
            except Exception as exc:  # the error is part of the result
                result["error"] = [type(exc).__name__, str(exc)]
        result["warnings"] = [[w.category.__name__, str(w.message)] for w in caught]
        (out / f"{i:03d}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    print(f"recorded {len(calls)} calls in {out}")


def _frame_problems(x, y) -> list[str]:
    import pandas as pd

    def kinds(frame):
        return [(c, repr(frame[c].dtype), getattr(frame[c].dtype, "storage", None),
                 getattr(frame[c].dtype, "na_value", None) is pd.NA) for c in frame]

    problems = []
    if list(x.columns) != list(y.columns) or kinds(x) != kinds(y):
        problems.append(f"columns/dtypes {kinds(x)} != {kinds(y)}")
    else:
        try:
            pd.testing.assert_frame_equal(x, y, check_exact=True, check_index_type=True, check_column_type=True,
                                          check_flags=True, check_freq=True)
        except AssertionError as exc:
            problems.append("values: " + str(exc)[:500])
    if type(x.index) is not type(y.index) or not x.index.equals(y.index) or x.attrs != y.attrs:
        problems.append("index or attrs differ")
    return problems


def compare(a: Path, b: Path) -> int:
    """Print every difference between two records; the number of calls that differ."""
    bad = 0
    names = sorted(p.stem for p in a.glob("*.json"))
    for name in names:
        ra = json.loads((a / f"{name}.json").read_text())
        rb = json.loads((b / f"{name}.json").read_text()) if (b / f"{name}.json").exists() else {}
        problems = [f"{key}: {str(ra.get(key))[:300]} != {str(rb.get(key))[:300]}"
                    for key in sorted(set(ra) | set(rb)) if ra.get(key) != rb.get(key)]
        fa, fb = a / f"{name}.pkl", b / f"{name}.pkl"
        if fa.exists() != fb.exists():
            problems.append("a frame in one record only")
        elif fa.exists():
            problems += _frame_problems(pickle.loads(fa.read_bytes()), pickle.loads(fb.read_bytes()))
        if problems:
            bad += 1
            print(f"== {name} ({ra.get('call')}):", *problems, sep="\n   ")
    print(f"{len(names)} calls compared, {bad} differ")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run every call and store the results in OUT")
    rec.add_argument("out", type=Path)
    rec.add_argument("--big", action="store_true", help="also the 1M-line file of bench_load.py")
    cmp_ = sub.add_parser("compare", help="compare two records")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.out, args.big)
        return 0
    return 1 if compare(args.a, args.b) else 0


if __name__ == "__main__":
    raise SystemExit(main())
