"""`ecomlib --help` starts fast: it imports none of the heavy libraries (issue 16).

Checked through ``sys.modules`` in a fresh interpreter rather than by a timing, so the test
holds on a loaded machine; the timing itself is in ``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "pyarrow", "pandera", "nbformat", "jsonschema", "papermill", "matplotlib")

_PROBE = """
import contextlib, io, json, sys
from ecomlib.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main({argv!r})
    except SystemExit as exc:
        code = exc.code
print(json.dumps({{"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}}))
"""


def _probe(argv: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True,
                          text=True, check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []])
def test_top_level_help_imports_no_heavy_library(argv):
    result = _probe(argv)
    loaded = [name for name in HEAVY if name in result["modules"]]
    assert loaded == [], f"`ecomlib {' '.join(argv)}` imported {loaded}"


def test_top_level_help_still_lists_every_command():
    out = _probe(["--help"])["out"]
    for command, help_line in (("data", "check and load shop data"), ("report", "offline HTML report"),
                               ("notebooks", "copy the chapter notebooks")):
        assert command in out and help_line in out


def test_a_selected_command_is_registered_in_full():
    result = _probe(["data", "presets"])
    assert result["code"] == 0
    assert "online_retail" in result["out"]


def test_lazy_package_attributes_resolve():
    from ecomlib import data, reports, teaching

    assert callable(data.load_transactions) and "load_transactions" in dir(data)
    assert callable(reports.open_data) and callable(reports.record)
    assert teaching.exercises.__name__ == "ecomlib.teaching.exercises"
    with pytest.raises(AttributeError):
        data.no_such_name  # noqa: B018
