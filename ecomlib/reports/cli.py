"""``ecomlib report``: run chapter notebooks as offline HTML reports.

Examples::

    ecomlib report --list
    ecomlib report basics
    ecomlib report pricing --data exports/orders.csv --preset online_retail -p level=0.9
    ecomlib report all --out reports --jobs 2
    ecomlib report basics --data orders.csv --encoding latin-1 --decimal , --dayfirst true
    ecomlib report retention --data postgresql://analyst@db.example.com/shop --table orders
    ecomlib report basics --data big_orders.parquet --engine duckdb

Ctrl+C or SIGTERM stops the running notebook and its kernel, removes the run's temporary
files and leaves earlier reports as they were; the exit code is then 130 (SIGINT) or 143
(SIGTERM). A second run into a folder another run is writing stops at once (exit 75)
unless ``--wait S`` lets it wait S seconds.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from ecomlib.data.cli import add_reading_options
from ecomlib.errors import ParameterError

__all__ = ["register", "run", "parse_assignments", "OPTION_PARAMETERS"]

#: The command this group adds, and its line in ``ecomlib --help`` (see :mod:`ecomlib.cli`).
COMMAND = "report"
HELP = "run a chapter notebook as an offline HTML report"

#: Options of `ecomlib report` that set the notebook parameter of the same name.
OPTION_PARAMETERS = ("data", "preset", "columns", "encoding", "sheet", "decimal", "dayfirst")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` command to the ``ecomlib`` command line."""
    from ecomlib.reports.chapters import CHAPTERS

    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description="Run a chapter notebook on the sample shop or your data and write "
        "<chapter>.html, <chapter>.ipynb and <chapter>.run.json into --out.",
    )
    parser.add_argument("chapter", nargs="?", metavar="CHAPTER",
                        help=f"one of {', '.join(CHAPTERS)}, or all")
    parser.add_argument("--data", metavar="PATH",
                        help="your export (a file or folder), a DuckDB file or a database URL such as "
                        "postgresql://user@host/shop (default: the sample shop)")
    parser.add_argument("--table", metavar="NAME",
                        help="with a database --data: the table or view of order lines, or a SELECT query")
    parser.add_argument("--engine", choices=("auto", "pandas", "duckdb"), default=None,
                        help="where loading and heavy aggregations run (default auto: DuckDB for large data)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="print a line per batch of a long load and per long engine aggregation to "
                        "stderr while the notebook runs (default: on when stderr is a terminal)")
    parser.add_argument("--preset", metavar="P", help="known export format, e.g. online_retail")
    parser.add_argument("--columns", metavar="MAP",
                        help="column mapping yours=canonical, e.g. InvoiceNo=order_id,InvoiceDate=order_date, or a .yaml/.json file")
    add_reading_options(parser)
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="set a notebook parameter (repeatable); see --list")
    parser.add_argument("--out", default="reports", metavar="DIR", help="output folder (default: reports)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="chapters run at once with 'all' (default 1)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S",
                        help="seconds one notebook may run (default 900)")
    parser.add_argument("--wait", type=float, default=0, metavar="S",
                        help="if another run is writing into --out, wait up to S seconds (default 0: stop at once)")
    parser.add_argument("--list", action="store_true", help="list chapters and their parameters, then stop")
    parser.add_argument("--teaching", action="store_true",
                        help="also run the exercise and widget cells (the report leaves them out)")
    parser.set_defaults(func=run)


def parse_assignments(items: list[str]) -> dict[str, str]:
    """Turn ``["a=1", "b=x,y"]`` into ``{"a": "1", "b": "x,y"}``."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(
                f"`-p` must be written NAME=VALUE, but {item!r} was passed.",
                fix="For example: -p level=0.9",
            )
        params[name.strip()] = value
    return params


def _list_chapters(out=None) -> int:
    out = out or sys.stdout
    from ecomlib.reports.chapters import CHAPTERS, chapter_notebook, chapter_parameters

    for chapter in CHAPTERS:
        path = chapter_notebook(chapter)
        if not path.exists():
            print(f"{chapter}: not available yet ({path.name} does not exist)", file=out)
            continue
        print(f"{chapter}: notebooks/{path.name}", file=out)
        for spec in chapter_parameters(chapter).values():
            allowed = f" (allowed: {spec.allowed})" if spec.allowed else ""
            option = f" (option --{spec.name})" if spec.name in OPTION_PARAMETERS else ""
            print(f"    {spec.name}: {spec.type_label} = {spec.default!r}  {spec.help}{allowed}{option}", file=out)
    return 0


def _report_failure(rec, out=None) -> None:
    out = out or sys.stdout
    print(rec.message(), file=out)
    if rec.ipynb:
        print(f"  executed notebook: {rec.ipynb}", file=out)
    if rec.html:
        print(f"  failed report: {rec.html}", file=out)
    fix = (rec.error or {}).get("fix")
    if fix:
        print(f"  How to fix: {fix}", file=out)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM during ``ecomlib report``; ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _signals_interrupt():
    """While inside: SIGINT and SIGTERM raise :class:`Interrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(args: argparse.Namespace) -> int:
    """Carry out ``ecomlib report``; return the exit code (130 / 143 when interrupted)."""
    if args.list:
        return _list_chapters()
    if not args.chapter:
        raise ParameterError("`CHAPTER` is missing.", fix="Run `ecomlib report --list` to see the chapters.")
    out_dir = Path(args.out)
    with _signals_interrupt():
        try:
            return _run(args, out_dir)
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            if args.chapter == "all":
                what = ("Interrupted: the running chapters stopped; reports finished before the signal "
                        f"are kept, the others in {out_dir}/ are unchanged, index.html was not rewritten.")
            else:
                what = f"Interrupted: {args.chapter} stopped; earlier reports in {out_dir}/ are unchanged."
            print(what, file=sys.stderr, flush=True)
            return 128 + int(signum)


def _engine_settings(args: argparse.Namespace) -> None:
    """``--engine`` and ``--table`` for this process and the notebook kernels it starts (environment)."""
    import os

    from ecomlib.engine.config import export_engine
    from ecomlib.engine.sources import TABLE_VARIABLE

    if args.engine is not None:
        export_engine(args.engine)
    if args.table is not None:
        os.environ[TABLE_VARIABLE] = args.table


def _run(args: argparse.Namespace, out_dir: Path) -> int:
    params = parse_assignments(args.param)
    _engine_settings(args)
    show = sys.stderr.isatty() if args.progress is None else args.progress
    with _progress_lines(show):
        return _run_chapters(args, out_dir, params)


@contextmanager
def _progress_lines(show: bool):
    """While the block runs, copy the kernels' progress lines (:mod:`ecomlib.engine.progress`) to stderr."""
    import os
    import tempfile

    from ecomlib.engine.progress import PROGRESS_VARIABLE

    if not show or os.environ.get(PROGRESS_VARIABLE):  # off, or already going where the user said
        yield
        return
    fd, name = tempfile.mkstemp(prefix="ecomlib-progress-", suffix=".log")
    os.close(fd)
    os.environ[PROGRESS_VARIABLE] = name
    done = threading.Event()

    def copy() -> None:
        with open(name, encoding="utf-8") as fh:
            while True:
                finished = done.is_set()  # read before the line: what was written before `done` is read
                line = fh.readline()
                if line:
                    print(line.rstrip("\n"), file=sys.stderr, flush=True)
                elif finished:
                    return
                else:
                    time.sleep(0.3)

    thread = threading.Thread(target=copy, daemon=True, name="ecomlib-progress")
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)
        os.environ.pop(PROGRESS_VARIABLE, None)
        with suppress(OSError):
            os.unlink(name)


def _run_chapters(args: argparse.Namespace, out_dir: Path, params: dict) -> int:
    from ecomlib.reports import runner

    for name in OPTION_PARAMETERS:
        value = getattr(args, name)
        if value is not None:
            params[name] = value
    limit = runner.DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    limit, wait, jobs = runner.check_run_options(time_limit=limit, wait=args.wait, jobs=args.jobs)
    runner.check_out_dir(out_dir)

    if args.chapter != "all":
        from ecomlib.reports.chapters import chapter_notebook, notebook_parameters

        path = chapter_notebook(args.chapter)
        if path.exists():  # refuse bad parameters before saying anything runs
            runner.prepare_parameters(notebook_parameters(path), params, where=f"chapter '{args.chapter}'")
        with runner.folder_lock(out_dir, args.chapter, wait=wait):  # before saying it runs
            print(f"Running chapter '{args.chapter}' ({path.name}) ...", flush=True)
            rec = runner.run_report(args.chapter, params, out_dir, time_limit=limit, teaching=args.teaching)
        if rec.ok:
            print(rec.message())
            return 0
        if rec.status == "not available":
            print(rec.message())
            return 1
        _report_failure(rec)
        return 1

    t0 = time.perf_counter()
    lock = threading.Lock()

    def progress(rec) -> None:
        with lock:
            elapsed = time.perf_counter() - t0
            took = f"{rec.duration_s:6.1f} s" if rec.status != "not available" else "      -"
            print(f"[{elapsed:7.1f} s] {rec.chapter:<10} {rec.status:<14} {took}", flush=True)

    runner.split_parameters(params)  # refuse bad parameters before saying anything runs
    with runner.folder_lock(out_dir, "all", wait=wait):
        print(f"Running every chapter into {out_dir}/ with {jobs} job(s) ...", flush=True)
        records = runner.run_all(params, out_dir, jobs=jobs, time_limit=limit, progress=progress,
                                 teaching=args.teaching)
    failed = [r for r in records if r.status == "failed"]
    for rec in failed:
        _report_failure(rec)
    done = sum(r.ok for r in records)
    print(f"{done} succeeded, {len(failed)} failed, "
          f"{sum(r.status == 'not available' for r in records)} not available; index: {out_dir / 'index.html'}")
    return 1 if failed else 0
