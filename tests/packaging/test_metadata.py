"""pyproject.toml declares what ecomlib imports; the `lab` extra holds only the notebook front end."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import matplotlib
import pytest
import yaml

import ecomlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ecomlib"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: modules that only the notebook front end needs, and the files allowed to import them
LAB_ONLY = {"ipywidgets": {"teaching/widgets.py"}, "jupyterlab": set()}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "ecomlib" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.relative_to(PACKAGE).as_posix())
    return found


def test_every_directly_imported_distribution_is_declared():
    core = {_name(r) for r in PROJECT["project"]["dependencies"]}
    lab = {_name(r) for r in PROJECT["project"]["optional-dependencies"]["lab"]}
    dists = metadata.packages_distributions()
    undeclared = {}
    for module, files in _imports().items():
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        allowed = core | lab if module in LAB_ONLY else core
        if not names & allowed:
            undeclared[module] = sorted(files)
    assert undeclared == {}


def test_reports_need_no_jupyterlab_and_widgets_stay_in_the_teaching_module():
    core = {_name(r) for r in PROJECT["project"]["dependencies"]}
    assert not core & {"jupyterlab", "ipywidgets", "notebook", "mplfonts"}
    imports = _imports()
    for module, allowed in LAB_ONLY.items():
        assert imports.get(module, set()) <= allowed, module


def test_a_panel_shows_its_static_figure_without_ipywidgets(monkeypatch):
    from ecomlib.teaching import Slider, panel

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now fails
    with pytest.raises(ImportError):
        import ipywidgets  # noqa: F401
    p = panel(lambda n: n * 2, lambda result, ax: ax.bar(["x"], [result]) and ax,
              {"n": Slider(1, 10, 1, value=3)}, title="t")
    bundle = p._repr_mimebundle_()
    assert bundle["image/png"] and "application/vnd.jupyter.widget-view+json" not in bundle


def test_the_version_has_one_source():
    assert "version" not in PROJECT["project"] and "version" in PROJECT["project"]["dynamic"]
    assert PROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ecomlib.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", ecomlib.__version__)
    assert f"## {ecomlib.__version__} " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_typed_marker_licences_and_hooks_are_in_place():
    assert (PACKAGE / "py.typed").is_file()
    assert "py.typed" in PROJECT["tool"]["setuptools"]["package-data"]["ecomlib"]
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for needle in ("SIL Open Font License 1.1", "CC BY 4.0", "MIT License", "online_retail", "CDNOW"):
        assert needle in notice
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for repo in hooks["repos"] for hook in repo["hooks"]}
    assert {"ruff", "nbstripout"} <= ids
    ruff_rev = next(r["rev"] for r in hooks["repos"] if "ruff" in r["repo"])
    pinned = (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    assert f"ruff=={ruff_rev.lstrip('v')}" in pinned
