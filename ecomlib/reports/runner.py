"""Run a chapter notebook as a report: validate, execute with papermill, export, record.

:func:`run_report` checks the parameters against the notebook's ``parameters`` cell
before any kernel starts, executes the notebook in a child process (papermill, with the
current interpreter as kernel) under a time limit, and writes into ``out_dir``:

``<chapter>.html``
    the analyst's offline report (see :mod:`ecomlib.reports.html_export`);
``<chapter>.ipynb``
    the executed notebook;
``<chapter>.run.json``
    the run record (:class:`RunRecord`): parameters, input files with size and sha256,
    package versions, start, end, duration, status, key figures, skipped sections.

Everything is first written under a temporary name and renamed on success, so a failed
run never overwrites an earlier good report; it leaves ``<chapter>.failed.html``,
``<chapter>.failed.ipynb`` and ``<chapter>.failed.run.json`` instead.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from ecomlib.errors import ParameterError
from ecomlib.reports import execution_record as er
from ecomlib.reports.chapters import CHAPTERS, chapter_notebook, check_chapter, notebook_parameters
from ecomlib.reports.html_export import export_html, render_header
from ecomlib.reports.offline import remote_references
from ecomlib.reports.parameters import ParameterSpec, validate_parameters

__all__ = ["RunRecord", "run_report", "run_all", "prepare_parameters", "DEFAULT_TIME_LIMIT"]

#: Seconds a whole notebook may run before it is stopped.
DEFAULT_TIME_LIMIT = 900


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
    for name, value in passed.items():
        if specs[name].is_path and isinstance(value, str) and value.strip():
            passed[name] = str(Path(value).expanduser().resolve())
    if isinstance(passed.get("columns"), str):
        candidate = Path(passed["columns"]).expanduser()
        if candidate.suffix in {".json", ".yaml", ".yml"} and candidate.is_file():
            passed["columns"] = str(candidate.resolve())
    for name in ("data",):
        if passed.get(name) and not Path(passed[name]).exists():
            raise ParameterError(
                f"Parameter `{name}` names {passed[name]!r}, which does not exist.",
                fix="Pass the path of your export file or folder (relative to where you run the command).",
            )
    effective = {name: spec.default for name, spec in specs.items()}
    effective.update(passed)
    return passed, effective


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _execute(
    nb_in: Path, nb_out: Path, passed: dict, time_limit: float, python_warnings: str | None = None
) -> tuple[int, str]:
    """Run papermill in a child process group; return (exit status, stderr)."""
    with tempfile.TemporaryDirectory(prefix="ecomlib-run-") as tmp:
        job = Path(tmp) / "job.json"
        job.write_text(
            json.dumps(
                {
                    "input": str(nb_in),
                    "output": str(nb_out),
                    "parameters": passed,
                    "cwd": str(nb_in.parent),
                    "cell_timeout": int(time_limit),
                    "python_warnings": python_warnings,
                }
            ),
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "ecomlib.reports.execute", str(job)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=time_limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return -1, f"the notebook exceeded its time limit of {time_limit:g} s"
        except BaseException:  # Ctrl+C: stop papermill and its kernel too
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    return proc.returncode, err


def _replace(src: Path, dst: Path) -> str:
    os.replace(src, dst)
    return str(dst)


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
    return html_text, None


def run_report(
    chapter: str,
    params: Mapping[str, Any] | None = None,
    out_dir: str | Path = "reports",
    *,
    notebook: str | Path | None = None,
    notebook_dir: str | Path | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    python_warnings: str | None = None,
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

    Returns
    -------
    RunRecord
        ``status`` is "succeeded", "failed" or "not available" (notebook not written yet).

    Raises
    ------
    ParameterError
        For an unknown chapter or parameter, or a value of the wrong type or range.

    Examples
    --------
    >>> record = run_report("basics", {"start": "2024-01-01"})   # doctest: +SKIP
    >>> record.status, record.html                               # doctest: +SKIP
    ('succeeded', 'reports/basics.html')
    """
    if notebook is None:
        check_chapter(chapter)
    nb_path = Path(notebook) if notebook is not None else chapter_notebook(chapter, notebook_dir)
    if not nb_path.exists():
        return RunRecord(chapter=chapter, status="not available", notebook=str(nb_path))
    specs = notebook_parameters(nb_path)
    passed, effective = prepare_parameters(specs, params, where=f"chapter '{chapter}'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    started, t0 = _now(), time.perf_counter()
    partial = out / f".{chapter}.partial.ipynb"
    code, stderr = _execute(nb_path.resolve(), partial.resolve(), passed, time_limit, python_warnings)
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
    if html_text is not None:
        tmp_html = out / f".{chapter}.partial.html"
        tmp_html.write_text(html_text, encoding="utf-8")
        paths["html"] = _replace(tmp_html, out / f"{chapter}{suffix}.html")
    if partial.exists():
        paths["ipynb"] = _replace(partial, out / f"{chapter}{suffix}.ipynb")
    record_path = out / f"{chapter}{suffix}.run.json"
    record = RunRecord(status="succeeded" if ok else "failed", **base, **paths, record=str(record_path))
    tmp_record = out / f".{chapter}.partial.run.json"
    tmp_record.write_text(json.dumps(record.to_dict(), indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp_record, record_path)
    if record.ok:
        for stale in (f"{chapter}.failed.html", f"{chapter}.failed.ipynb", f"{chapter}.failed.run.json"):
            (out / stale).unlink(missing_ok=True)
    return record


def run_all(
    params: Mapping[str, Any] | None = None,
    out_dir: str | Path = "reports",
    *,
    jobs: int = 1,
    chapters: list[str] | None = None,
    notebook_dir: str | Path | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[RunRecord], None] | None = None,
) -> list[RunRecord]:
    """Run every chapter (carrying on past failures) and write ``index.html``.

    Each parameter in ``params`` goes to the chapters that declare it; a name no chapter
    declares is an error, raised before any notebook runs. ``jobs`` chapters run at once.
    ``progress`` is called with each finished record.
    """
    from concurrent.futures import ThreadPoolExecutor

    from ecomlib.reports.index_page import write_index

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

    def one(name: str) -> RunRecord:
        try:
            rec = run_report(name, per_chapter[name], out_dir, notebook_dir=notebook_dir,
                             time_limit=time_limit)
        except Exception as exc:  # noqa: BLE001 - `all` carries on past any failure
            rec = RunRecord(chapter=name, status="failed", notebook=str(chapter_notebook(name, notebook_dir)),
                            error=_failure(type(exc).__name__, str(exc)))
        if progress is not None:
            progress(rec)
        return rec

    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        records = list(pool.map(one, names))
    write_index(records, Path(out_dir))
    return records
