"""`ecomlib notebooks`: students work on copies, never on the tracked notebooks."""

import json

import pytest

from ecomlib.cli import main
from ecomlib.errors import ParameterError
from ecomlib.reports.chapters import CHAPTERS, NOTEBOOK_DIR
from ecomlib.teaching.workspace import copy_notebooks


def test_copies_every_chapter_with_outputs_cleared(tmp_path):
    result = copy_notebooks(tmp_path / "mine")
    names = sorted(p.name for p in (tmp_path / "mine").glob("*.ipynb"))
    assert names == sorted(f"{stem}.ipynb" for stem in CHAPTERS.values())
    assert result.copied and not result.kept
    for name in names:
        nb = json.loads((tmp_path / "mine" / name).read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_a_second_copy_keeps_the_students_work(tmp_path):
    copy_notebooks(tmp_path)
    mine = tmp_path / "00_basics.ipynb"
    nb = json.loads(mine.read_text())
    nb["cells"][0]["source"] = ["# my own notes"]
    mine.write_text(json.dumps(nb))
    before = mine.read_bytes()
    result = copy_notebooks(tmp_path)
    assert "00_basics.ipynb" in result.kept and not result.copied
    assert mine.read_bytes() == before
    copy_notebooks(tmp_path, force=True)
    assert mine.read_bytes() != before


def test_refuses_the_tracked_folder_and_a_file(tmp_path):
    with pytest.raises(ParameterError, match="tracked notebooks"):
        copy_notebooks(NOTEBOOK_DIR)
    file = tmp_path / "x.txt"
    file.write_text("")
    with pytest.raises(ParameterError, match="is a file"):
        copy_notebooks(file)


def test_command_line(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "w")]) == 0
    out = capsys.readouterr().out
    assert "copied" in out and "00_basics.ipynb" in out
