"""Progress lines of long loads and engine aggregations: quiet by default, where the setting says."""

import sys

import pytest

from ecomlib.engine import engine_option, progress
from ecomlib.retention import rfm_summary
from tests.engine.conftest import make_lines


def test_quiet_by_default(capsys, monkeypatch):
    monkeypatch.delenv(progress.PROGRESS_VARIABLE, raising=False)
    monkeypatch.setattr(progress, "MIN_SECONDS", 0.0)
    with engine_option("duckdb"):
        rfm_summary(make_lines(2_000))
    assert capsys.readouterr().err == ""


def test_aggregations_and_loads_report_to_the_file(tmp_path, monkeypatch):
    log = tmp_path / "progress.log"
    monkeypatch.setenv(progress.PROGRESS_VARIABLE, str(log))
    monkeypatch.setattr(progress, "MIN_SECONDS", 0.0)
    lines = make_lines(3_000)
    with engine_option("duckdb"):
        rfm_summary(lines)
    said = log.read_text().splitlines()
    assert any(line.startswith("engine: rfm_summary on duckdb, ") and line.endswith(" rows") for line in said)
    from ecomlib.engine.sources import open_transactions

    path = tmp_path / "lines.csv"
    lines.to_csv(path, index=False)
    open_transactions(path, batch_rows=1_000, progress=True)
    said = log.read_text().splitlines()
    assert sum("order lines cleaned" in line for line in said) == 3
    assert any(line.startswith("loading: done, ") for line in said)


def test_stderr_target(capsys, monkeypatch):
    monkeypatch.setenv(progress.PROGRESS_VARIABLE, "stderr")
    progress.say("loading: 1 of 2")
    assert capsys.readouterr().err == "loading: 1 of 2\n"


def test_the_report_command_copies_the_kernels_lines_to_stderr(capsys, monkeypatch):
    from ecomlib.reports.cli import _progress_lines

    monkeypatch.delenv(progress.PROGRESS_VARIABLE, raising=False)
    with _progress_lines(True):
        import os

        target = os.environ[progress.PROGRESS_VARIABLE]
        with open(target, "a") as fh:  # what a kernel writes
            fh.write("engine: cohort_counts on duckdb, 2.0 s, 24 rows\n")
    assert "engine: cohort_counts on duckdb" in capsys.readouterr().err
    assert progress.PROGRESS_VARIABLE not in os.environ
    with _progress_lines(False):
        assert progress.PROGRESS_VARIABLE not in os.environ


@pytest.mark.skipif(sys.platform == "win32", reason="argparse flag only")
def test_progress_flag_is_parsed():
    import argparse

    from ecomlib.reports.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["report", "basics", "--no-progress"]).progress is False
    assert parser.parse_args(["report", "basics"]).progress is None
