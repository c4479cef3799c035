"""Sphinx configuration of the ecomlib course site (``make docs``).

The site is static and offline: every chapter notebook executed on the sample shop
(myst-nb), the API reference from the numpydoc docstrings (autodoc + napoleon), and the
guides in ``docs/*.md``. Nothing is loaded from the network: formulas are MathML written at
build time (``_ext/ecomlib_mathml.py``), no widget-manager or MathJax script is added, and the
furo theme ships its own assets. ``tests/docs/test_site.py`` builds it with warnings as errors
and checks every page with the reports' offline check.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
from pathlib import Path

import ecomlib
from ecomlib.reports import chapters

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # the site's own extensions (ecomlib_*.py)

#: The chapter notebooks: the one place the site names their folder (the report runner's).
NOTEBOOKS = Path(chapters.NOTEBOOK_DIR)


# -- the chapter notebooks, copied in: Sphinx reads only files inside docs/ --
def stage_notebooks(source: Path, dest: Path) -> list[Path]:
    """Copy the chapter notebooks into ``dest`` (a build folder, git-ignored).

    Unchanged copies are left alone, so Sphinx sees no change and re-uses its cache; copies
    whose notebook is gone are removed.
    """
    dest.mkdir(exist_ok=True)
    notebooks = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise RuntimeError(f"no chapter notebooks (NN_name.ipynb) in {source}")
    for path in notebooks:
        target = dest / path.name
        if not target.exists() or not filecmp.cmp(path, target, shallow=False):
            shutil.copy2(path, target)
    for stale in set(dest.glob("*.ipynb")) - {dest / p.name for p in notebooks}:
        stale.unlink()
    return notebooks


stage_notebooks(NOTEBOOKS, DOCS / "chapters")

# -- project --
project = "ecomlib"
author = "ecomlib maintainers"
copyright = "ecomlib maintainers, MIT licence"
version = release = getattr(ecomlib, "__version__", "")
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "ecomlib_mathml",
    "ecomlib_schemas",
    "ecomlib_api",
    "ecomlib_cjk_font",
    "ecomlib_offline_site",
]
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "chapters/.gitignore"]

# -- MyST and notebooks --
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # every build runs every chapter on the sample shop
nb_execution_timeout = 900  # seconds per cell, as the report runner's default
nb_execution_raise_on_error = True  # a chapter that fails breaks the build
nb_execution_show_tb = True
nb_execution_in_temp = True  # notebooks write nothing into docs/
nb_output_stderr = "remove"  # warnings and logs are for developers, as in the reports
nb_ipywidgets_js = {}  # no widget-manager script from a CDN; panels carry a static PNG
nb_mime_priority_overrides = [  # live widget views need that script: show the static fallback
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
nb_merge_streams = True
# ecomlib's own outputs (application/vnd.ecomlib.key-figure+json, ...) are read by the report
# runner; each carries text/html, which the site shows. myst-nb warns on every such unknown type.
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- API reference --
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# typed param fields would turn words of "list of (name, rule)" into ambiguous cross-references
napoleon_use_param = False
napoleon_use_keyword = False

# -- HTML --
html_math_renderer = "mathml"  # docs/_ext/ecomlib_mathml.py; never MathJax from a CDN
html_theme = "furo"
html_title = "ecomlib course site"
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
