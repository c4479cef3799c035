"""`ecomlib report` messages; the kernel-free paths run fast, the rest reuse the runner fixtures."""

import pytest

from ecomlib.cli import main
from ecomlib.reports import chapters
from ecomlib.reports.cli import _report_failure, parse_assignments


@pytest.fixture
def with_notebooks(monkeypatch, notebook_dir):
    monkeypatch.setattr(chapters, "NOTEBOOK_DIR", notebook_dir)
    return notebook_dir


def test_list_prints_parameters_types_defaults_help(with_notebooks, capsys):
    assert main(["report", "--list"]) == 0
    out = capsys.readouterr().out
    assert "basics: notebooks/00_basics.ipynb" in out
    assert "n: int = 3  a small number (allowed: 1..10)" in out
    assert "mode: str = 'ok'  what the notebook does (allowed: one of ok, fail, sleep)" in out
    assert "pricing: not available yet (02_pricing.ipynb does not exist)" in out


def test_unknown_parameter_fails_before_running_and_suggests(with_notebooks, tmp_path, capsys):
    assert main(["report", "basics", "-p", "nonsense=1", "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing claims to run
    err = captured.err
    assert "`nonsense` is not a parameter of chapter 'basics'" in err
    assert "ecomlib report --list" in err
    assert main(["report", "basics", "-p", "mod=ok", "--out", str(tmp_path)]) == 2
    assert "Did you mean `mode`?" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_bad_values_and_chapters_are_one_line_errors(with_notebooks, tmp_path, capsys):
    assert main(["report", "basics", "-p", "n=eleven", "--out", str(tmp_path)]) == 2
    assert "Parameter `n` must be a whole number, but 'eleven' was passed." in capsys.readouterr().err
    assert main(["report", "basic"]) == 2
    assert "Did you mean 'basics'?" in capsys.readouterr().err
    assert main(["report", "all", "-p", "nonsense=1", "--out", str(tmp_path)]) == 2
    assert "`nonsense` is not a parameter of any chapter" in capsys.readouterr().err
    assert main(["report", "basics", "-p", "n"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_not_available_chapter_is_said_plainly(with_notebooks, capsys):
    assert main(["report", "risk"]) == 1
    assert "Chapter 'risk' is not available yet" in capsys.readouterr().out


def test_parse_assignments_keeps_everything_after_the_first_equals():
    assert parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}


@pytest.mark.slow
def test_failure_message_is_one_sentence_with_notebook_and_fix(all_run, capsys):
    rec = next(r for r in all_run[1] if r.chapter == "market")
    _report_failure(rec)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Chapter 'market' failed in section '3.3 Pricing strategy 價格策略': the price column is all zero"
    )
    assert lines[1].startswith("  executed notebook: ") and lines[1].endswith("market.failed.ipynb")
    assert lines[-1] == "  How to fix: check unit_price"


@pytest.mark.slow
def test_all_prints_progress_writes_index_and_exits_nonzero(with_notebooks, tmp_path, capsys):
    code = main(["report", "all", "--out", str(tmp_path), "--jobs", "2", "-p", "n=2"])
    out = capsys.readouterr().out
    assert code == 1  # market fails
    progress = [line for line in out.splitlines() if line.startswith("[")]
    assert len(progress) == 10
    assert any("basics" in line and "succeeded" in line for line in progress)
    assert any("market" in line and "failed" in line for line in progress)
    assert "Chapter 'market' failed in section '3.3 Pricing strategy 價格策略'" in out
    assert "1 succeeded, 1 failed, 8 not available" in out
    assert (tmp_path / "index.html").exists() and (tmp_path / "basics.html").exists()
