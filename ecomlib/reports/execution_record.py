"""Read what an executed notebook produced, for the run record and the report header.

Key figures, skip notes and the data summary are found in the cell outputs under
ecomlib's MIME types (see :mod:`ecomlib.reports.key_figures`); a failure is located by
the first cell with an error output, and named by the section heading above it.
"""

from __future__ import annotations

import hashlib
import platform
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from ecomlib import errors, resources
from ecomlib.reports.coverage import section_coverage
from ecomlib.reports.key_figures import MIME_DATA_SUMMARY, MIME_KEY_FIGURE, MIME_SKIP_NOTE
from ecomlib.reports.parameters import ParameterSpec

__all__ = [
    "Collected",
    "collect",
    "input_files",
    "locate_error",
    "notebook_title",
    "package_versions",
    "parameter_rows",
    "SAMPLE_DIR",
]

#: The bundled sample shop (hashed as the input when ``data`` is empty).
SAMPLE_DIR = resources.sample_dir()
_PACKAGES = ("ecomlib", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
             "papermill", "nbconvert", "ipykernel")
_WARNING_LINE = re.compile(r"^(?P<file>\S.*?\.py):(?P<line>\d+): (?P<category>\w*Warning): (?P<message>.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Collected:
    """Machine-readable outputs of an executed notebook."""

    key_figures: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None
    coverage: list[dict[str, Any]] = field(default_factory=list)


def collect(nb: nbformat.NotebookNode) -> Collected:
    """Gather key figures (last value per name wins), skip notes, warnings and the data summary."""
    found = Collected()
    figures: dict[str, dict[str, Any]] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if MIME_KEY_FIGURE in data:
                figures[data[MIME_KEY_FIGURE]["name"]] = dict(data[MIME_KEY_FIGURE])
            if MIME_SKIP_NOTE in data:
                found.skipped.append(dict(data[MIME_SKIP_NOTE]))
            if MIME_DATA_SUMMARY in data:
                found.data = dict(data[MIME_DATA_SUMMARY])
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                for line in str(output.get("text", "")).splitlines():
                    if _WARNING_LINE.match(line.strip()):
                        found.warnings.append(line.strip())
    found.key_figures = list(figures.values())
    found.coverage = section_coverage(nb)
    return found


def _heading_before(nb: nbformat.NotebookNode, index: int) -> str:
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown":
            headings = _HEADING.findall(cell.source)
            if headings:
                return headings[-1].strip()
    return ""


def _split_fix(evalue: str) -> tuple[str, str | None]:
    message, sep, fix = evalue.partition("\nHow to fix: ")
    return message.strip(), (fix.strip() if sep else None)


def _ecomlib_error_names() -> set[str]:
    names, todo = set(), [errors.EcomlibError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def locate_error(nb: nbformat.NotebookNode | None, code: int, stderr: str) -> dict[str, Any]:
    """Describe a failed run: section heading, cell, exception name and message, fix hint."""
    result: dict[str, Any] = {"section": "", "cell": None, "execution_count": None,
                              "ename": "RunnerError", "evalue": "", "fix": None, "source": ""}
    last_line = (stderr or "").strip().splitlines()[-1:] or [""]
    if code == -1:
        result.update(ename="TimeoutError", evalue=stderr)
    elif last_line[0]:
        result.update(evalue=_ANSI.sub("", last_line[0]))
    if nb is None:
        return result
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if error is None and not (code == -1 and status == "running"):
            continue
        result.update(section=_heading_before(nb, index), cell=index,
                      execution_count=cell.get("execution_count"),
                      source=cell.source.strip().splitlines()[0][:120] if cell.source.strip() else "")
        if error is not None:
            message, fix = _split_fix(_ANSI.sub("", str(error.get("evalue", ""))))
            is_ours = error.get("ename") in _ecomlib_error_names()
            result.update(ename=error.get("ename", ""), evalue=message or error.get("ename", ""),
                          fix=fix if is_ours else None)
        break
    return result


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The first markdown heading of the notebook ('' when there is none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings = _HEADING.findall(cell.source)
            if headings:
                return headings[0].strip()
    return ""


def _sample_dir() -> Path:
    try:
        from ecomlib.datasets.bundled import sample_data_dir

        return Path(sample_data_dir())
    except ImportError:  # pragma: no cover - the sample shop is part of ecomlib
        return SAMPLE_DIR


def _file_entry(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "size": path.stat().st_size, "sha256": digest.hexdigest()}


def input_files(specs: dict[str, ParameterSpec], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Size and sha256 of every input file named by a path parameter (folders: each file)."""
    paths: list[Path] = []
    for name, spec in specs.items():
        value = values.get(name)
        if spec.is_path and isinstance(value, str) and value.strip():
            paths.append(Path(value))
        elif name == "data" and not value:
            paths.append(_sample_dir())
    if isinstance(values.get("columns"), str) and Path(values["columns"]).is_file():
        paths.append(Path(values["columns"]))
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            files.append(path)
    return [_file_entry(p) for p in files]


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a report depends on."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def parameter_rows(specs: dict[str, ParameterSpec], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the parameters table: name, value, default, type, help (with allowed values)."""
    rows = []
    for name, spec in specs.items():
        value = values.get(name, spec.default)
        shown = "(sample shop)" if name == "data" and not value else value
        help_text = spec.help + (f" (allowed: {spec.allowed})" if spec.allowed else "")
        rows.append({"name": name, "value": shown if shown != "" else "(not set)",
                     "default": spec.default, "type": spec.type_label, "help": help_text})
    return rows
