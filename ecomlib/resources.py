"""Where the files ecomlib ships live: chapter notebooks, the sample shop, real data, fonts.

Every access to a bundled file goes through this module, which finds them with
``importlib.resources.files("ecomlib")``, so the same code works from a git checkout
(editable install) and from an installed wheel. Nothing else in ecomlib computes a path from
``__file__``.

=================  ==============================================================
function           folder
=================  ==============================================================
notebooks_dir()    the chapter notebooks (``00_basics.ipynb`` ...)
sample_dir()       the sample shop written by ``ecomlib data sample``
real_data_dir()    real exports: ``online_retail/`` (UCI, CC BY 4.0), ``cdnow/``
platforms_dir()    the platforms chapter's editable tables (fee schedule, tax rules)
font_path()        the OFL-licensed Noto Sans CJK SC subset (``fonts/``)
=================  ==============================================================

The functions return paths whether or not the file exists; callers that read a file say
what is missing and how to restore it.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from ecomlib.errors import DataError

__all__ = ["package_dir", "notebooks_dir", "sample_dir", "real_data_dir", "platforms_dir", "font_path",
           "CJK_FONT_FILE", "LAYOUT"]

#: Each bundled folder, relative to the ``ecomlib`` package folder. (Changing the layout of
#: the repository means changing these strings, ``package-data`` in pyproject.toml and the
#: Makefile, nothing else.)
LAYOUT = {
    "notebooks": "notebooks",
    "sample": "data_files/sample",
    "real": "data_files/real",
    "platforms": "data_files/platforms",
    "fonts": "fonts",
}

#: File name of the bundled CJK font subset (see ``fonts/README.md``).
CJK_FONT_FILE = "NotoSansCJKsc-Regular-subset.otf"


def package_dir() -> Path:
    """The folder of the installed ``ecomlib`` package, as a file-system path.

    Raises
    ------
    DataError
        If ecomlib was imported from a zip file, where notebooks and data cannot be opened
        as files.
    """
    root = importlib.resources.files("ecomlib")
    if not isinstance(root, Path):
        raise DataError(f"ecomlib is installed as {root!r}, not as a folder, so its notebooks "
                        "and data cannot be opened as files.",
                        fix="Install ecomlib with pip into a virtualenv (not as a zip file).")
    return root


def _folder(kind: str) -> Path:
    return (package_dir() / LAYOUT[kind]).resolve()


def notebooks_dir() -> Path:
    """Folder holding the chapter notebooks (the tracked, output-free originals)."""
    return _folder("notebooks")


def sample_dir() -> Path:
    """Folder holding the bundled sample shop (CSV tables, ``truth.json``, ``manifest.json``)."""
    return _folder("sample")


def real_data_dir(name: str | None = None) -> Path:
    """Folder of the bundled real data, or of one data set in it (``"online_retail"``, ``"cdnow"``)."""
    folder = _folder("real")
    return folder / name if name else folder


def platforms_dir() -> Path:
    """Folder of the platforms chapter's tables: ``fee_schedule_illustrative.csv``, ``tax_rules.csv``."""
    return _folder("platforms")


def font_path() -> Path:
    """Path of the bundled CJK font (Noto Sans CJK SC subset, SIL Open Font License)."""
    return _folder("fonts") / CJK_FONT_FILE
