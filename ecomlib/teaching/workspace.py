"""Copies of the chapter notebooks for a student to work in.

JupyterLab saves outputs into the notebooks it opens. The chapter notebooks shipped with
ecomlib (:func:`ecomlib.resources.notebooks_dir`) are tracked by git and must stay clean, so
students work on copies::

    ecomlib notebooks my_notebooks      # copy once (never overwrites your work)
    make lab                            # the same into my_notebooks/, then opens JupyterLab

A copy is made only for a notebook that is not already in the folder; ``force=True``
(``--force``) replaces them with fresh copies. Outputs are cleared in the copies.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from ecomlib.errors import ParameterError

__all__ = ["CopyResult", "copy_notebooks", "register"]

#: Folder ``make lab`` copies the notebooks into (git-ignored).
DEFAULT_FOLDER = "my_notebooks"


@dataclass(frozen=True)
class CopyResult:
    """What :func:`copy_notebooks` did: the folder, notebooks copied and kept."""

    folder: Path
    copied: tuple[str, ...]
    kept: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"Notebooks in {self.folder}:"]
        if self.copied:
            lines.append(f"  copied: {', '.join(self.copied)}")
        if self.kept:
            lines.append(f"  kept (your work, not overwritten; --force replaces): {', '.join(self.kept)}")
        lines.append(f"Start with 00_basics.ipynb: jupyter lab {self.folder}")
        return "\n".join(lines)


def _source_notebooks(source: Path | None) -> list[Path]:
    from ecomlib.reports.chapters import CHAPTERS, NOTEBOOK_DIR

    folder = Path(source) if source is not None else NOTEBOOK_DIR
    found = [folder / f"{stem}.ipynb" for stem in CHAPTERS.values()]
    found = [p for p in found if p.is_file()]
    if not found:
        raise ParameterError(f"No chapter notebooks found in {folder}.",
                             fix="Reinstall ecomlib (the notebooks ship inside the package).")
    return found


def copy_notebooks(folder: str | Path = DEFAULT_FOLDER, *, force: bool = False,
                   source: str | Path | None = None) -> CopyResult:
    """Copy the chapter notebooks into ``folder``, with outputs cleared.

    Parameters
    ----------
    folder : str or path, default "my_notebooks"
        Where to put the copies; created if missing. Must not be the tracked
        notebooks folder itself.
    force : bool, default False
        Replace notebooks already in ``folder`` (your edits in them are lost).
    source : str or path, optional
        Folder to copy from; the package's chapter notebooks by default.

    Returns
    -------
    CopyResult
        The folder and which notebooks were copied or kept.

    Examples
    --------
    >>> result = copy_notebooks("my_notebooks")  # doctest: +SKIP
    >>> print(result)  # doctest: +SKIP
    """
    import nbformat

    notebooks = _source_notebooks(Path(source) if source is not None else None)
    dest = Path(folder).expanduser()
    if dest.exists() and not dest.is_dir():
        raise ParameterError(f"`folder` {str(dest)!r} is a file, not a folder.",
                             fix="Name a new or existing folder.")
    if dest.resolve() == notebooks[0].parent.resolve():
        raise ParameterError("`folder` is the tracked notebooks folder itself; copy elsewhere.",
                             fix=f"Use e.g. {DEFAULT_FOLDER}/.")
    dest.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for path in notebooks:
        target = dest / path.name
        if target.exists() and not force:
            kept.append(path.name)
            continue
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        tmp = target.with_name(f".{target.name}.tmp")
        nbformat.write(nb, tmp)
        tmp.replace(target)
        copied.append(path.name)
    return CopyResult(dest, tuple(copied), tuple(kept))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``ecomlib notebooks [FOLDER] [--force]``."""
    parser = subparsers.add_parser(
        "notebooks", help="copy the chapter notebooks into a folder of your own to work in",
        description="Copy the chapter notebooks (outputs cleared) into FOLDER, so your work and "
        "JupyterLab's saved outputs never touch the tracked notebooks. Existing copies are kept.",
    )
    parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER,
                        help=f"destination folder (default: {DEFAULT_FOLDER})")
    parser.add_argument("--force", action="store_true", help="replace copies already there")
    parser.set_defaults(func=lambda args: print(copy_notebooks(args.folder, force=args.force)) or 0)
