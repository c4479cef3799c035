"""``ecomlib data``: check a shop's export, list the presets, write the sample shop.

::

    ecomlib data check PATH [--preset P] [--columns MAP] [--table T] [--sheet S] [--encoding E]
                            [--decimal {.,,}] [--dayfirst {true,false}]
    ecomlib data presets
    ecomlib data sample [--seed N] [--out DIR]

``check`` prints the quality report (every table's, for a shop folder) and exits 0, or
prints one clear error and exits non-zero (the top-level command turns an
:class:`~ecomlib.errors.EcomlibError` into that message).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["register"]

#: The command this group adds, and its line in ``ecomlib --help`` (see :mod:`ecomlib.cli`).
COMMAND = "data"
HELP = "check and load shop data; write the sample shop"


def _sheet(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def _emit(text: str) -> None:
    """Print, staying quiet when the reader has gone (``ecomlib data check x.csv | head``)."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--encoding``, ``--sheet``, ``--decimal`` and ``--dayfirst`` (``data check`` and ``report``)."""
    parser.add_argument("--encoding", metavar="E",
                        help="text encoding of your export, e.g. latin-1, big5, shift_jis (default: detected)")
    parser.add_argument("--sheet", metavar="S", help="Excel sheet, a name or a 0-based position (default: the first with data)")
    parser.add_argument("--decimal", choices=(".", ","),
                        help="decimal mark of the numbers: . or , as in 1.299,00 (default: decided per column)")
    parser.add_argument("--dayfirst", choices=("true", "false"),
                        help="dates like 01/03/2024: true = 1 March, false = 3 January (default: decided per column)")


def _check(args: argparse.Namespace) -> int:
    from ecomlib.data.shop import load_shop
    from ecomlib.data.tables import load_table

    path = Path(args.path)
    options = {"columns": args.columns, "start": args.start, "end": args.end, "decimal": args.decimal,
               "dayfirst": None if args.dayfirst is None else args.dayfirst == "true"}
    if path.is_dir() and args.table is None:
        shop = load_shop(path, preset=args.preset, encoding=args.encoding, **options)
        _emit("\n\n".join([str(shop), *(str(r) for r in shop.quality.values())]))
        return 0
    _, report = load_table(path, args.table or "transactions", preset=args.preset, encoding=args.encoding,
                           sheet=None if args.sheet is None else _sheet(args.sheet), **options)
    _emit(str(report))
    return 0


def _presets(args: argparse.Namespace) -> int:
    from ecomlib.data.presets import PRESETS

    for preset in PRESETS.values():
        print(f"{preset.name:<14} {preset.description}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from ecomlib.datasets import write_sample_store

    kwargs = {} if args.seed is None else {"seed": args.seed}
    written = write_sample_store(Path(args.out), **kwargs)
    print(f"sample shop written to {args.out}")
    if isinstance(written, list | tuple) and written:
        print(f"{len(written)} file(s)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``data`` command group to the ``ecomlib`` command line."""
    from ecomlib.data.presets import PRESETS
    from ecomlib.data.schemas import TABLES

    data = subparsers.add_parser(COMMAND, help=HELP,
                                 description="Check a shop export against the canonical tables.")
    sub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    data.set_defaults(func=lambda args: (data.print_help(), 2)[1])

    check = sub.add_parser("check", help="load a file or folder and print its data-quality report")
    check.add_argument("path", help="file (CSV/TSV/.gz/.zip/Parquet/Excel) or shop folder")
    check.add_argument("--preset", choices=sorted(PRESETS), help="known export format")
    check.add_argument("--columns", metavar="MAP",
                       help="YAML or JSON file mapping your column names to canonical ones")
    check.add_argument("--table", choices=TABLES, metavar="TABLE",
                       help=f"canonical table the file holds: {', '.join(TABLES)} (default: transactions)")
    add_reading_options(check)
    check.add_argument("--start", help="first day to keep, YYYY-MM-DD")
    check.add_argument("--end", help="last day to keep, YYYY-MM-DD")
    check.set_defaults(func=_check)

    presets = sub.add_parser("presets", help="list the known export formats")
    presets.set_defaults(func=_presets)

    sample = sub.add_parser("sample", help="write the bundled sample shop (canonical CSV files)")
    sample.add_argument("--seed", type=int, help="random seed (default: the bundled shop's)")
    sample.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    sample.set_defaults(func=_sample)
