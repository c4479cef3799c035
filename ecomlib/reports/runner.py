"""Run a chapter notebook as a report: validate, execute with papermill, export, record.

:func:`run_report` checks the parameters against the notebook's ``parameters`` cell
before any kernel starts, executes the notebook in a child process (papermill, with the
current interpreter as kernel) under a time limit, and writes into ``out_dir``:

``<chapter>.html``
    the analyst's offline report (see :mod:`ecomlib.reports.html_export`);
``<chapter>.ipynb``
    the executed notebook (without its ``teaching`` cells unless ``teaching=True``);
``<chapter>.run.json``
    the run record (:class:`RunRecord`): parameters, input files with size and sha256,
    package versions, start, end, duration, status, key figures, skipped sections.

Each run works in its own temporary folder inside ``out_dir`` (``.<chapter>.*.partial/``:
the job file, the kernel's connection file, the partial notebook and report) and renames
its files into place with :func:`os.replace` (atomic, same file system), so a failed run
never overwrites an earlier good report; it leaves ``<chapter>.failed.html``,
``<chapter>.failed.ipynb`` and ``<chapter>.failed.run.json`` instead. A lock on
``out_dir/.ecomlib.lock`` (:func:`folder_lock`, ``fcntl.flock``: released by the system
when the process dies) lets one process at a time write into a folder; a second one waits
up to ``wait`` seconds, then stops with :class:`OutputBusyError` naming the first.
An interrupted run (Ctrl+C) stops papermill and its kernel and removes its temporary folder.

A report runs the analysis only: the cells tagged ``teaching`` (exercises, widgets, asides for
students) are left out before the kernel starts, as the HTML report would drop them anyway
(about 1 s of every chapter's 7-9 s on the sample shop). ``teaching=True`` (``ecomlib report
--teaching``) runs the whole notebook as a student sees it; the notebook tests do. No analysis
cell may use a name that only a teaching cell defines (a test checks every chapter).
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import json
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from ecomlib.errors import EcomlibError, ParameterError
from ecomlib.reports import execution_record as er
from ecomlib.reports.chapters import CHAPTERS, chapter_notebook, check_chapter, notebook_parameters
from ecomlib.reports.coverage import cell_tags
from ecomlib.reports.html_export import export_html, render_header
from ecomlib.reports.offline import active_content, remote_references
from ecomlib.reports.parameters import ParameterSpec, validate_parameters

__all__ = [
    "RunRecord", "run_report", "run_all", "prepare_parameters", "DEFAULT_TIME_LIMIT",
    "OutputBusyError", "folder_lock", "check_out_dir", "check_run_options",
]

#: Seconds a whole notebook may run before it is stopped.
DEFAULT_TIME_LIMIT = 900
#: Largest accepted time limit and wait, seconds (one week).
MAX_SECONDS = 7 * 24 * 3600
#: The lock file of an output folder.
LOCK_NAME = ".ecomlib.lock"


class OutputBusyError(EcomlibError, RuntimeError):
    """Another process is writing reports into the same output folder.

    ``ecomlib report`` exits with :attr:`exit_code` 75 (``EX_TEMPFAIL``: try again later).
    """

    exit_code = 75


@dataclass(frozen=True)
class RunRecord:
    """What one report run did; written as ``<chapter>.run.json``.

    Attributes
    ----------
    chapter : str
        Chapter name (``"basics"``).
    status : str
        ``"succeeded"``, ``"failed"`` or ``"not available"`` (no notebook yet).
    notebook : str
        The source notebook's path.
    parameters : dict
        Every parameter's effective value (defaults plus what was passed).
    passed : dict
        The parameters the user passed, converted (paths absolute).
    inputs : list of dict
        Input files: ``path``, ``size`` (bytes), ``sha256``.
    packages : dict
        Versions of Python and the main packages.
    started, ended : str
        ISO timestamps (UTC).
    duration_s : float
        Wall time of the run, seconds.
    key_figures : list of dict
        ``name``, ``value``, ``label``, ``unit`` of each recorded figure.
    skipped : list of dict
        Skip notes shown (sections or parts skipped for missing or thin data).
    coverage : list of dict
        One row per report section: ``section``, ``status`` (``ran``, ``substitute``,
        ``skipped``; ``failed`` / ``not run`` after an error) and ``why``.
    warnings : list of str
        Warnings the notebook printed to stderr (``file:line: Category: message``).
    error : dict or None
        For a failed run: ``section``, ``cell``, ``execution_count``, ``ename``,
        ``evalue``, ``fix``.
    html, ipynb, record : str
        Paths of the written files ('' when not written).
    data : dict or None
        What ``open_data`` reported (source, tables and rows, missing, quality).
    """

    chapter: str
    status: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    passed: dict[str, Any] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    packages: dict[str, str] = field(default_factory=dict)
    started: str = ""
    ended: str = ""
    duration_s: float = 0.0
    key_figures: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    html: str = ""
    ipynb: str = ""
    record: str = ""
    data: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """True when the run succeeded."""
        return self.status == "succeeded"

    def message(self) -> str:
        """One plain sentence saying how the run went."""
        if self.status == "not available":
            return f"Chapter '{self.chapter}' is not available yet ({self.notebook} does not exist)."
        if self.ok:
            return f"Chapter '{self.chapter}' succeeded in {self.duration_s:.1f} s: {self.html}"
        err = self.error or {}
        where = f" in section '{err['section']}'" if err.get("section") else ""
        return f"Chapter '{self.chapter}' failed{where}: {err.get('evalue') or err.get('ename', 'error')}"

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-friendly data."""
        return asdict(self)

    def summary(self) -> pd.DataFrame:
        """Key facts as a one-column table (index: field)."""
        facts = {
            "chapter": self.chapter,
            "status": self.status,
            "duration_s": round(self.duration_s, 2),
            "key_figures": len(self.key_figures),
            "skipped_sections": sum(r["status"] == "skipped" for r in self.coverage),
            "sections": len(self.coverage),
            "html": self.html,
        }
        return pd.DataFrame({"value": pd.Series(facts, dtype=object)})


def bundled_data(value: Any) -> tuple[Path, str] | None:
    """The bundled data set named by a ``data`` value (see :mod:`ecomlib.datasets.online_retail`)."""
    from ecomlib.datasets.online_retail import bundled_data as lookup

    return lookup(value)


def prepare_parameters(
    specs: Mapping[str, ParameterSpec], params: Mapping[str, Any] | None, *, where: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate ``params``; make path values absolute. Return (passed, effective)."""
    passed = validate_parameters(specs, params, where=where)
    named = bundled_data(passed.get("data"))
    if named is not None:  # --data online_retail: the bundled file, with its preset
        passed["data"] = str(named[0])
        if "preset" in specs and not passed.get("preset"):
            passed["preset"] = named[1]
    from ecomlib.engine.connect import is_url
    from ecomlib.engine.sources import check_report_data

    check_report_data(passed.get("data"))  # (a database URL: no password, since reports record it)
    for name, value in passed.items():
        if specs[name].is_path and isinstance(value, str) and value.strip() and not is_url(value):
            passed[name] = str(Path(value).expanduser().resolve())
    if isinstance(passed.get("columns"), str):
        candidate = Path(passed["columns"]).expanduser()
        if candidate.suffix in {".json", ".yaml", ".yml"} and candidate.is_file():
            passed["columns"] = str(candidate.resolve())
    for name in ("data",):
        if passed.get(name) and not is_url(passed[name]) and not Path(passed[name]).exists():
            raise ParameterError(
                f"Parameter `{name}` names {passed[name]!r}, which does not exist.",
                fix="Pass the path of your export file or folder (relative to where you run the command).",
            )
    effective = {name: spec.default for name, spec in specs.items()}
    effective.update(passed)
    return passed, effective


def check_out_dir(out_dir: str | Path) -> Path:
    """Return ``out_dir`` as a path, or raise ParameterError if it cannot be a report folder.

    The folder need not exist; but neither it nor a parent may be an existing file.
    """
    out = Path(out_dir).expanduser()
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            raise ParameterError(
                f"The output folder `--out` ({out}) cannot be used: {folder} is a file, not a folder.",
                fix="Pass a folder path for --out (it is created if it does not exist).",
            )
    return out


def _seconds(value: Any, what: str, *, zero: bool) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    low_ok = number >= 0 if zero else number > 0
    if not (math.isfinite(number) and low_ok and number <= MAX_SECONDS):
        bound = "0 or more" if zero else "above 0"
        raise ParameterError(
            f"{what} must be a number of seconds {bound} and at most {MAX_SECONDS} (a week), "
            f"but {value!r} was passed."
        )
    return number


def check_run_options(
    *, time_limit: Any = DEFAULT_TIME_LIMIT, wait: Any = 0, jobs: Any = 1
) -> tuple[float, float, int]:
    """Check the runner's own options; return (time_limit, wait, jobs) converted.

    Raises
    ------
    ParameterError
        For a time limit that is not a finite number of seconds above 0, a negative or
        non-finite wait, or fewer than 1 job.
    """
    limit = _seconds(time_limit, "The time limit (`--time-limit`, `time_limit`)", zero=False)
    waited = _seconds(wait, "`--wait` (`wait`)", zero=True)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"`--jobs` (`jobs`) must be a whole number of 1 or more, but {jobs!r} was passed.")
    return limit, waited, jobs


# --------------------------------------------------------------------------- the folder lock

# folders this process holds: resolved path -> {"fd", "owners": [(chapter, thread id)], "started"}
_HELD: dict[Path, dict[str, Any]] = {}
_HELD_GUARD = threading.Lock()


def _write_holder(fd: int, owners: list[tuple[str, int]], started: str) -> None:
    chapters = ", ".join(dict.fromkeys(c for c, _ in owners))
    info = json.dumps({"pid": os.getpid(), "chapter": chapters, "started": started})
    os.ftruncate(fd, 0)
    os.pwrite(fd, info.encode("utf-8"), 0)


def _holder(folder: Path, chapter: str) -> str:
    """Who holds ``folder``, in words (from the lock file)."""
    try:
        info = json.loads((folder / LOCK_NAME).read_text(encoding="utf-8"))
        return f"pid {info['pid']}, chapter '{info['chapter']}', started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return f"chapter '{chapter}'"


def _try_lock(key: Path, chapter: str) -> str | None:
    """Take or join the lock of ``key``; return None on success, else who holds it."""
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held is not None:  # this process holds it: other chapters (or the same thread) may join
            if any(c == chapter and t != threading.get_ident() for c, t in held["owners"]):
                return f"pid {os.getpid()}, chapter '{chapter}', started {held['started']}"
            held["owners"].append((chapter, threading.get_ident()))
            _write_holder(held["fd"], held["owners"], held["started"])
            return None
        fd = os.open(key / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return _holder(key, chapter)
        _HELD[key] = {"fd": fd, "owners": [(chapter, threading.get_ident())], "started": _now()}
        _write_holder(fd, _HELD[key]["owners"], _HELD[key]["started"])
        return None


def _unlock(key: Path, chapter: str) -> None:
    with _HELD_GUARD:
        held = _HELD[key]
        held["owners"].remove((chapter, threading.get_ident()))
        if held["owners"]:
            _write_holder(held["fd"], held["owners"], held["started"])
            return
        del _HELD[key]
        os.ftruncate(held["fd"], 0)
        fcntl.flock(held["fd"], fcntl.LOCK_UN)
        os.close(held["fd"])


@contextmanager
def folder_lock(out_dir: str | Path, chapter: str, *, wait: float = 0) -> Iterator[Path]:
    """Hold the lock of the output folder ``out_dir`` (created if needed) while writing into it.

    One process at a time holds a folder (``fcntl.flock`` on ``out_dir/.ecomlib.lock``,
    released by the system even if the process is killed, so no lock is ever stale).
    Within that process, different chapters share it (``run_all`` with several jobs), and
    the thread holding it may take it again; the same chapter from another thread waits
    like another process would.

    Parameters
    ----------
    out_dir : str or path
        The output folder.
    chapter : str
        Written into the lock file with the process id and start time, so that a refused
        run can say who holds the folder.
    wait : float, default 0
        Seconds to wait for the folder to be free; 0 = give up at once.

    Raises
    ------
    OutputBusyError
        When the folder is still held after ``wait`` seconds.
    """
    out = check_out_dir(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    key = out.resolve()
    deadline = time.monotonic() + wait
    while (holder := _try_lock(key, chapter)) is not None:
        if time.monotonic() >= deadline:
            waited = f" after waiting {wait:g} s" if wait else ""
            raise OutputBusyError(
                f"The output folder {out}/ is in use by another report run ({holder}){waited}; "
                "nothing was written. Wait for it to finish, pass --wait SECONDS, or choose another --out."
            )
        time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))
    try:
        yield out
    finally:
        _unlock(key, chapter)


# --------------------------------------------------------------------------- child processes


class _Stopped(BaseException):
    """A run of ``run_all`` was stopped because the whole command was interrupted."""


class _Stopper:
    """Stops every papermill child of one ``run_all`` at once (after Ctrl+C / SIGTERM)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.live: dict[int, tuple[subprocess.Popen, Path]] = {}
        self.guard = threading.Lock()

    def add(self, proc: subprocess.Popen, pid_file: Path) -> None:
        with self.guard:
            self.live[proc.pid] = (proc, pid_file)
        if self.event.is_set():
            _kill_tree(proc, pid_file)

    def remove(self, proc: subprocess.Popen) -> None:
        with self.guard:
            self.live.pop(proc.pid, None)

    def stop(self) -> None:
        self.event.set()
        with self.guard:
            live = list(self.live.values())
        for proc, pid_file in live:
            _kill_tree(proc, pid_file)


def _kill_tree(proc: subprocess.Popen, pid_file: Path) -> None:
    """Kill papermill's process group, then the kernel's (jupyter starts it in its own session)."""
    groups = [proc.pid]
    try:
        groups.append(int(pid_file.read_text(encoding="ascii")))
    except (OSError, ValueError):
        pass  # no kernel yet; a kernel whose parent dies also stops itself (ipykernel's parent poller)
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


class _Worker:
    """One ``python -m ecomlib.reports.execute --serve`` child that runs jobs one after another.

    ``run_all`` gives each of its threads one, so papermill is imported once per thread, not
    once per chapter. A job that times out or is stopped kills the child and its kernel; the
    next job starts a new child.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.replies: queue.Queue[str | None] = queue.Queue()

    def _alive(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ecomlib.reports.execute", "--serve"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, start_new_session=True,
            )
            self.replies = queue.Queue()
            threading.Thread(target=self._read, args=(self.proc, self.replies), daemon=True,
                             name="ecomlib-worker-replies").start()
        return self.proc

    @staticmethod
    def _read(proc: subprocess.Popen, replies: queue.Queue) -> None:
        for line in proc.stdout:
            replies.put(line)
        replies.put(None)  # the child has gone

    def run(self, job: Path, pid_file: Path, err_file: Path, time_limit: float,
            stop: _Stopper | None) -> tuple[int, str]:
        """Run one job file; return (exit status, what the job wrote to stderr)."""
        proc = self._alive()
        if stop is not None:
            stop.add(proc, pid_file)
        try:
            try:
                proc.stdin.write(f"{job}\n")
                proc.stdin.flush()
                reply = self.replies.get(timeout=time_limit)
            except queue.Empty:
                self._kill(pid_file)
                return -1, f"the notebook exceeded its time limit of {time_limit:g} s"
            except OSError:  # the child died between jobs
                reply = None
        except BaseException:  # Ctrl+C / SIGTERM: stop the child and its kernel too
            self._kill(pid_file)
            raise
        finally:
            if stop is not None:
                stop.remove(proc)
        if stop is not None and stop.event.is_set():
            raise _Stopped
        err = err_file.read_text(encoding="utf-8", errors="replace") if err_file.exists() else ""
        if reply is None:
            code = proc.wait()
            self.proc = None
            return (code if code != 0 else 4), err
        return int(reply), err

    def _kill(self, pid_file: Path) -> None:
        if self.proc is not None:
            _kill_tree(self.proc, pid_file)
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        """Let the child finish (end of its input), or kill it after 10 s."""
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _execute(
    nb_in: Path, work: Path, nb_out: Path, passed: dict, time_limit: float,
    python_warnings: str | None = None, stop: _Stopper | None = None, worker: _Worker | None = None,
    cwd: Path | None = None,
) -> tuple[int, str]:
    """Run papermill in a child process group, its files in ``work``; return (exit status, stderr).

    The kernel starts in ``cwd`` (default: the notebook's folder).

    With ``worker`` the job goes to that long-lived child, else to a child of its own. On
    any interruption (KeyboardInterrupt in this thread, ``stop`` from another) the child
    and its kernel are killed before the exception goes on.
    """
    if stop is not None and stop.event.is_set():
        raise _Stopped
    job, pid_file = work / "job.json", work / "kernel.pid"
    job.write_text(
        json.dumps(
            {
                "input": str(nb_in),
                "output": str(nb_out),
                "parameters": passed,
                "cwd": str(cwd if cwd is not None else nb_in.parent),
                "cell_timeout": max(1, math.ceil(time_limit)),
                "python_warnings": python_warnings,
                "runtime_dir": str(work / "runtime"),  # the kernel's connection file goes here
                "kernel_pid_file": str(pid_file),
                "stderr_file": str(work / "stderr.txt"),  # used by a worker (--serve)
            }
        ),
        encoding="utf-8",
    )
    if worker is not None:
        return worker.run(job, pid_file, work / "stderr.txt", time_limit, stop)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecomlib.reports.execute", str(job)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    if stop is not None:
        stop.add(proc, pid_file)
    try:
        _, err = proc.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        _kill_tree(proc, pid_file)
        proc.communicate()
        return -1, f"the notebook exceeded its time limit of {time_limit:g} s"
    except BaseException:  # Ctrl+C / SIGTERM: stop papermill and its kernel too
        _kill_tree(proc, pid_file)
        try:
            proc.communicate(timeout=10)
        except BaseException:  # noqa: BLE001 - a second signal or a kernel slow to die
            proc.kill()
        raise
    finally:
        if stop is not None:
            stop.remove(proc)
    if stop is not None and stop.event.is_set():
        raise _Stopped
    return proc.returncode, err


def _failure(ename: str, evalue: str) -> dict[str, Any]:
    return {"section": "", "cell": None, "execution_count": None, "ename": ename,
            "evalue": evalue, "fix": None, "source": ""}


def _export(executed, chapter, specs, effective, found, base, duration) -> tuple[str | None, dict | None]:
    """Build the analyst HTML; return (html, error) where error says why the report failed."""
    if executed is None:
        return None, None
    error = base["error"]
    status = "succeeded" if error is None else "failed"
    preview = RunRecord(status=status, **base)
    title = er.notebook_title(executed) or chapter
    header = render_header(
        {
            "title": title,
            "chapter": chapter,
            "status": status,
            "message": "" if preview.ok else preview.message(),
            "started": base["started"],
            "duration_s": duration,
            "versions": base["packages"],
            "parameters": er.parameter_rows(specs, effective),
            "data": found.data,
            "key_figures": found.key_figures,
            "skipped": found.skipped,
            "coverage": found.coverage,
        }
    )
    try:
        html_text = export_html(executed, header, title=title)
    except Exception as exc:  # noqa: BLE001 - the executed notebook is still kept
        return None, _failure("ExportError", f"the HTML export failed: {type(exc).__name__}: {exc}")
    remote = remote_references(html_text)
    if remote:  # an online report is a failure of the report, whatever the notebook did
        return html_text, error or _failure(
            "OfflineError", f"the HTML report would load remote resources: {remote[:3]}"
        )
    active = active_content(html_text)
    if active:  # the sanitiser should have removed it: a report that could run code is not kept
        return html_text, error or _failure(
            "OfflineError", f"the HTML report has active content: {active[:3]}"
        )
    return html_text, None


def without_teaching(nb_path: Path, target: Path) -> Path:
    """Write ``nb_path`` without its cells tagged ``teaching`` to ``target``; return ``target``."""
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells = [cell for cell in nb.cells if "teaching" not in cell_tags(cell)]
    nbformat.write(nb, target)
    return target.resolve()


def run_report(
    chapter: str,
    params: Mapping[str, Any] | None = None,
    out_dir: str | Path = "reports",
    *,
    notebook: str | Path | None = None,
    notebook_dir: str | Path | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    python_warnings: str | None = None,
    wait: float = 0,
    teaching: bool = False,
) -> RunRecord:
    """Run one chapter's notebook as a report.

    Parameters
    ----------
    chapter : str
        One of ``basics, market, pricing, promotion, traffic, retention, risk``; names
        the output files.
    params : mapping, optional
        Parameter values by name (Python values or command-line strings), checked against
        the notebook's ``parameters`` cell before anything runs.
    out_dir : str or path, default "reports"
        Folder for ``<chapter>.html``, ``<chapter>.ipynb`` and ``<chapter>.run.json``.
    notebook : str or path, optional
        Run this notebook instead of the chapter's own (used by tests).
    notebook_dir : str or path, optional
        Folder holding the chapter notebooks (default: the repository's ``notebooks/``).
    time_limit : float, default 900
        Seconds the whole notebook may take; it is stopped after that.
    python_warnings : str, optional
        ``PYTHONWARNINGS`` for the kernel, e.g. ``"default"`` to show every warning once
        per location (the notebook tests use it); the warnings go to ``RunRecord.warnings``.
    wait : float, default 0
        Seconds to wait when another process is writing into ``out_dir``; 0 = stop at once.
    teaching : bool, default False
        Also run the cells tagged ``teaching`` (exercises, widgets), which the HTML report
        leaves out; the executed ``<chapter>.ipynb`` then holds them too.

    Returns
    -------
    RunRecord
        ``status`` is "succeeded", "failed" or "not available" (notebook not written yet).

    Raises
    ------
    ParameterError
        For an unknown chapter or parameter, a value of the wrong type or range, a time
        limit or wait that is not a positive (non-negative) finite number of seconds, or an
        ``out_dir`` that is a file.
    OutputBusyError
        When another process still writes into ``out_dir`` after ``wait`` seconds.
    KeyboardInterrupt
        Ctrl+C: papermill and its kernel are stopped, the temporary folder removed, earlier
        reports left as they were.

    Examples
    --------
    >>> record = run_report("basics", {"start": "2024-01-01"})   # doctest: +SKIP
    >>> record.status, record.html                               # doctest: +SKIP
    ('succeeded', 'reports/basics.html')
    """
    return _run_report(chapter, params, out_dir, notebook=notebook, notebook_dir=notebook_dir,
                       time_limit=time_limit, python_warnings=python_warnings, wait=wait, teaching=teaching)


def _run_report(
    chapter: str,
    params: Mapping[str, Any] | None,
    out_dir: str | Path,
    *,
    notebook: str | Path | None = None,
    notebook_dir: str | Path | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    python_warnings: str | None = None,
    wait: float = 0,
    stop: _Stopper | None = None,
    worker: _Worker | None = None,
    teaching: bool = False,
) -> RunRecord:
    """:func:`run_report`, stoppable from another thread through ``stop``, on ``worker`` if given."""
    if notebook is None:
        check_chapter(chapter)
    nb_path = Path(notebook) if notebook is not None else chapter_notebook(chapter, notebook_dir)
    if not nb_path.exists():
        return RunRecord(chapter=chapter, status="not available", notebook=str(nb_path))
    specs = notebook_parameters(nb_path)
    passed, effective = prepare_parameters(specs, params, where=f"chapter '{chapter}'")
    time_limit, wait, _ = check_run_options(time_limit=time_limit, wait=wait)
    with folder_lock(out_dir, chapter, wait=wait) as out:
        work = Path(tempfile.mkdtemp(prefix=f".{chapter}.", suffix=".partial", dir=out))
        try:
            return _run_in(work, out, chapter, nb_path, specs, passed, effective,
                           time_limit, python_warnings, stop, worker, teaching)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _run_in(work, out, chapter, nb_path, specs, passed, effective, time_limit, python_warnings, stop,
            worker=None, teaching=False):
    """Execute, export and record one run in its temporary folder ``work``; move the files to ``out``."""
    started, t0 = _now(), time.perf_counter()
    partial = work / f"{chapter}.ipynb"
    source = nb_path.resolve() if teaching else without_teaching(nb_path, work / "report-input.ipynb")
    code, stderr = _execute(source, work.resolve(), partial.resolve(), passed, time_limit,
                            python_warnings, stop, worker, cwd=nb_path.resolve().parent)
    duration = time.perf_counter() - t0
    executed = nbformat.read(partial, as_version=4) if partial.exists() else None
    found = er.collect(executed) if executed is not None else er.Collected()
    error = None if code == 0 else er.locate_error(executed, code, stderr)

    base = dict(
        chapter=chapter,
        notebook=str(nb_path),
        parameters=effective,
        passed=passed,
        inputs=er.input_files(specs, effective),
        packages=er.package_versions(),
        started=started,
        ended=_now(),
        duration_s=round(duration, 3),
        key_figures=found.key_figures,
        skipped=found.skipped,
        coverage=found.coverage,
        warnings=found.warnings,
        data=found.data,
        error=error,
    )
    html_text, export_error = _export(executed, chapter, specs, effective, found, base, duration)
    error = error or export_error
    base["error"] = error
    ok = error is None
    suffix = "" if ok else ".failed"
    paths = {}
    record_path = out / f"{chapter}{suffix}.run.json"
    if html_text is not None:
        (work / f"{chapter}.html").write_text(html_text, encoding="utf-8")
        paths["html"] = str(out / f"{chapter}{suffix}.html")
    if partial.exists():
        paths["ipynb"] = str(out / f"{chapter}{suffix}.ipynb")
    record = RunRecord(status="succeeded" if ok else "failed", **base, **paths, record=str(record_path))
    (work / f"{chapter}.run.json").write_text(
        json.dumps(record.to_dict(), indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    # everything is written: move it into place (same file system, each rename atomic)
    for kind in ("html", "ipynb"):
        if kind in paths:
            os.replace(work / f"{chapter}.{kind}", paths[kind])
    os.replace(work / f"{chapter}.run.json", record_path)
    if record.ok:
        for stale in (f"{chapter}.failed.html", f"{chapter}.failed.ipynb", f"{chapter}.failed.run.json"):
            (out / stale).unlink(missing_ok=True)
    return record


def split_parameters(
    params: Mapping[str, Any] | None, chapters: list[str] | None = None,
    notebook_dir: str | Path | None = None,
) -> dict[str, dict[str, Any]]:
    """Give each chapter the parameters it declares, checked; a name no chapter declares is an error."""
    names = list(chapters or CHAPTERS)
    params = dict(params or {})
    per_chapter: dict[str, dict[str, Any]] = {}
    declared: set[str] = set()
    for name in names:
        path = chapter_notebook(name, notebook_dir)
        specs = notebook_parameters(path) if path.exists() else {}
        declared |= set(specs)
        mine = {k: v for k, v in params.items() if k in specs}
        if path.exists():
            prepare_parameters(specs, mine, where=f"chapter '{name}'")  # fail early
        per_chapter[name] = mine
    unknown = [k for k in params if k not in declared]
    if unknown:
        spec_union = {k: None for k in sorted(declared)}
        validate_parameters(spec_union, {unknown[0]: params[unknown[0]]}, where="any chapter")  # type: ignore[arg-type]
    return per_chapter


def run_all(
    params: Mapping[str, Any] | None = None,
    out_dir: str | Path = "reports",
    *,
    jobs: int = 1,
    chapters: list[str] | None = None,
    notebook_dir: str | Path | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[RunRecord], None] | None = None,
    wait: float = 0,
    teaching: bool = False,
) -> list[RunRecord]:
    """Run every chapter (carrying on past failures) and write ``index.html``.

    Each parameter in ``params`` goes to the chapters that declare it; a name no chapter
    declares is an error, raised before any notebook runs. ``jobs`` chapters run at once.
    ``progress`` is called with each finished record. The output folder is held for the
    whole run (see :func:`folder_lock`; ``wait`` as in :func:`run_report`). On Ctrl+C every
    running chapter is stopped with its kernel, ``index.html`` is not rewritten, and the
    KeyboardInterrupt goes on. ``teaching`` as in :func:`run_report`.
    """
    from concurrent.futures import ThreadPoolExecutor

    from ecomlib.reports.index_page import write_index

    time_limit, wait, jobs = check_run_options(time_limit=time_limit, wait=wait, jobs=jobs)
    out = check_out_dir(out_dir)
    per_chapter = split_parameters(params, chapters, notebook_dir)
    names = list(per_chapter)
    stop = _Stopper()
    mine = threading.local()  # one worker child per thread: papermill is imported once per thread
    workers: list[_Worker] = []

    def one(name: str) -> RunRecord | None:
        if not hasattr(mine, "worker"):
            mine.worker = _Worker()
            workers.append(mine.worker)
        try:
            rec = _run_report(name, per_chapter[name], out, notebook_dir=notebook_dir,
                              time_limit=time_limit, stop=stop, worker=mine.worker, teaching=teaching)
        except Exception as exc:  # noqa: BLE001 - `all` carries on past any failure
            rec = RunRecord(chapter=name, status="failed", notebook=str(chapter_notebook(name, notebook_dir)),
                            error=_failure(type(exc).__name__, str(exc)))
        if progress is not None and not stop.event.is_set():
            progress(rec)
        return rec

    with folder_lock(out, "all", wait=wait):
        try:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                try:
                    records = list(pool.map(one, names))
                except BaseException:  # Ctrl+C: stop every chapter, let the threads clean up
                    stop.stop()
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            for worker in workers:
                worker.close()
        write_index(records, out)
    return records
