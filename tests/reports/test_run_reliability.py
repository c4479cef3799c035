"""Report runs that share an output folder, interrupted runs, and the runner's own options.

The end-to-end tests start ``ecomlib report`` in a child Python whose chapter notebooks are
the tiny fixture notebook (``chapters.NOTEBOOK_DIR`` is pointed at a temporary folder), so
each run costs one kernel start, a few seconds.
"""

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from ecomlib.cli import main
from ecomlib.errors import ParameterError
from ecomlib.reports import chapters, runner

FIXTURE = Path(__file__).parent / "fixtures" / "chapter.ipynb"
LOCK_NAME = ".ecomlib.lock"

# `ecomlib ...` with the chapter notebooks taken from argv[1]
CLI = (
    "import sys; from pathlib import Path; from ecomlib.reports import chapters; "
    "chapters.NOTEBOOK_DIR = Path(sys.argv[1]); from ecomlib.cli import main; "
    "sys.exit(main(sys.argv[2:]))"
)


def _notebooks(folder: Path, *, sleep: str = "120") -> Path:
    """basics = the fixture notebook; `mode=sleep` sleeps `sleep` seconds (an expression)."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(FIXTURE, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("time.sleep(120)", f"time.sleep({sleep})")
    nbformat.write(nb, folder / "00_basics.ipynb")
    return folder


def _start(notebooks: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", CLI, str(notebooks), "report", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _running_notebook(out: Path, good: set[str]):
    """The partial notebook of a run in `out` once its last code cell is executing."""
    for path in out.rglob("*.ipynb"):
        if path.name in good and path.parent == out:
            continue
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - papermill may be half-way through writing it
            continue
        last = [c for c in nb.cells if c.cell_type == "code"][-1]
        if last.metadata.get("papermill", {}).get("status") == "running":
            return path
    return None


@pytest.fixture
def with_notebooks(monkeypatch, tmp_path):
    folder = _notebooks(tmp_path / "notebooks")
    monkeypatch.setattr(chapters, "NOTEBOOK_DIR", folder)
    return folder


# --------------------------------------------------------------------------- 1. shared --out


@pytest.mark.slow
def test_concurrent_runs_into_one_folder_never_mix(tmp_path):
    notebooks = _notebooks(tmp_path / "notebooks", sleep="n")
    out = tmp_path / "reports"
    first = _start(notebooks, "basics", "--out", str(out), "-p", "mode=sleep", "-p", "n=4")
    try:
        # the first run holds the folder: its lock file names it
        _wait_for(lambda: (out / LOCK_NAME).exists() and (out / LOCK_NAME).read_text().strip(),
                  60, "the first run to take the lock")
        refused = _start(notebooks, "basics", "--out", str(out), "-p", "n=5")
        r_out, r_err = refused.communicate(timeout=60)
        waiting = _start(notebooks, "basics", "--out", str(out), "-p", "n=7", "--wait", "120")
        f_out, f_err = first.communicate(timeout=120)
        w_out, w_err = waiting.communicate(timeout=120)
    finally:
        for proc in (first,):
            if proc.poll() is None:
                proc.kill()

    # the second run stops at once, in one line naming the first (pid, chapter, start)
    assert refused.returncode == 75, (r_out, r_err)
    lines = r_err.strip().splitlines()
    assert len(lines) == 1, r_err
    assert f"pid {first.pid}" in lines[0] and "basics" in lines[0] and "--wait" in lines[0]
    assert "started 20" in lines[0]
    assert r_out == ""  # it claimed nothing

    # the first and the waiting run both succeed, one after the other
    assert first.returncode == 0, (f_out, f_err)
    assert waiting.returncode == 0, (w_out, w_err)
    # the files in the folder all come from the last run (n=7: answer 98), none from a mix
    record = json.loads((out / "basics.run.json").read_text(encoding="utf-8"))
    assert record["passed"] == {"n": 7}
    assert {f["name"]: f["value"] for f in record["key_figures"]}["answer"] == 98
    assert "98 CNY" in (out / "basics.html").read_text(encoding="utf-8")
    executed = nbformat.read(out / "basics.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "n = 7" in injected.source
    assert sorted(p.name for p in out.iterdir()) == [
        LOCK_NAME, "basics.html", "basics.ipynb", "basics.run.json",
    ]


def test_lock_is_refused_then_waited_for_and_shared_by_chapters_of_one_process(tmp_path):
    """In-process: a held folder refuses other processes, not other chapters of this one."""
    out = tmp_path / "out"
    out.mkdir()
    script = (
        "import sys, time; from pathlib import Path; from ecomlib.reports.runner import folder_lock\n"
        "with folder_lock(Path(sys.argv[1]), 'market', wait=0):\n"
        "    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(out), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(runner.OutputBusyError, match=rf"pid {holder.pid}, chapter 'market'"):
            with runner.folder_lock(out, "basics", wait=0):
                pass
        t0 = time.monotonic()
        with runner.folder_lock(out, "basics", wait=30):
            waited = time.monotonic() - t0
            with runner.folder_lock(out, "pricing", wait=0):  # same process, other chapter
                pass
            with runner.folder_lock(out, "basics", wait=0):  # the same thread again
                pass
            errors = []

            def same_chapter_elsewhere():
                try:
                    with runner.folder_lock(out, "basics", wait=0.3):
                        pass
                except runner.OutputBusyError as exc:
                    errors.append(str(exc))

            thread = threading.Thread(target=same_chapter_elsewhere)
            thread.start()
            thread.join()
            assert len(errors) == 1 and "chapter 'basics'" in errors[0]
    finally:
        holder.kill()
        holder.wait()
    assert waited > 0.5
    with runner.folder_lock(out, "basics", wait=0):  # released: free again
        pass


# --------------------------------------------------------------------------- 2. signals


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_run_cleans_up_and_keeps_the_good_report(tmp_path, signum):
    psutil = pytest.importorskip("psutil")
    notebooks = _notebooks(tmp_path / "notebooks")  # mode=sleep sleeps 120 s
    out = tmp_path / "reports"
    out.mkdir()
    good = {"basics.html": b"<p>good report</p>", "basics.ipynb": b"{}", "basics.run.json": b'{"ok": 1}'}
    for name, data in good.items():
        (out / name).write_bytes(data)

    proc = _start(notebooks, "basics", "--out", str(out), "-p", "mode=sleep")
    try:
        _wait_for(lambda: _running_notebook(out, set(good)), 90, "the notebook to execute its last cell")
        children = psutil.Process(proc.pid).children(recursive=True)
        cmdlines = [c.cmdline() for c in children]
        kernel = next(c for c in cmdlines if "ipykernel_launcher" in " ".join(c))
        connection_file = Path(kernel[kernel.index("-f") + 1])
        assert connection_file.exists()
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == 128 + signum
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert stderr.strip().splitlines() == [
        f"Interrupted: basics stopped; earlier reports in {out}/ are unchanged."
    ]
    gone, alive = psutil.wait_procs(children, timeout=10)
    alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [p.cmdline() for p in alive]
    assert not connection_file.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([*good, LOCK_NAME])
    for name, data in good.items():
        assert (out / name).read_bytes() == data
    assert not [a for c in cmdlines for a in c if a.endswith("job.json") and Path(a).exists()]


# --------------------------------------------------------------------------- 3. --out


def test_out_naming_a_file_is_a_clear_error(with_notebooks, tmp_path, capsys):
    target = tmp_path / "reports.txt"
    target.write_text("mine", encoding="utf-8")
    assert main(["report", "basics", "--out", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before anything claims to run
    assert "`--out`" in captured.err and "is a file, not a folder" in captured.err
    assert "FileExistsError" not in captured.err and "Traceback" not in captured.err
    assert main(["report", "basics", "--out", str(target / "sub")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mine"
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        runner.run_report("basics", {}, target)
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        runner.run_all({}, target, chapters=["basics"])


# --------------------------------------------------------------------------- 4. run options


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--time-limit", "-5"], "time limit"),
        (["--time-limit", "0"], "time limit"),
        (["--time-limit", "nan"], "time limit"),
        (["--time-limit", "inf"], "time limit"),
        (["--jobs", "0"], "--jobs"),
        (["--jobs", "-2"], "--jobs"),
        (["--wait", "-1"], "--wait"),
        (["--wait", "nan"], "--wait"),
        (["-p", "start=2024-06-01 garbage"], "`start` must be a date written YYYY-MM-DD"),
    ],
)
def test_bad_run_options_are_refused_before_running(with_notebooks, tmp_path, capsys, args, fragment):
    for chapter in ("basics", "all"):
        assert main(["report", chapter, "--out", str(tmp_path / "out"), *args]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and fragment in captured.err
        assert len(captured.err.strip().splitlines()) <= 2  # message (+ How to fix)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", [-5, 0, math.nan, math.inf])
def test_run_report_checks_the_time_limit(tmp_path, value):
    with pytest.raises(ParameterError, match="time limit"):
        runner.run_report("basics", {}, tmp_path, notebook=FIXTURE, time_limit=value)
    assert list(tmp_path.iterdir()) == []


def test_run_all_checks_jobs(tmp_path, with_notebooks):
    with pytest.raises(ParameterError, match="--jobs"):
        runner.run_all({}, tmp_path, jobs=0)


# --------------------------------------------------------------------------- 5. reading options


def test_reading_options_become_notebook_parameters(monkeypatch, tmp_path, capsys):
    seen = {}

    def fake_run_report(chapter, params, out_dir, **kwargs):
        seen.update(chapter=chapter, params=dict(params), **kwargs)
        return runner.RunRecord(chapter=chapter, status="succeeded", notebook="nb", html="x.html")

    monkeypatch.setattr(runner, "run_report", fake_run_report)
    code = main(["report", "basics", "--out", str(tmp_path), "--encoding", "latin-1", "--sheet", "2",
                 "--decimal", ",", "--dayfirst", "true", "--time-limit", "30", "--wait", "5"])
    assert code == 0, capsys.readouterr()
    assert seen["params"] == {"encoding": "latin-1", "sheet": "2", "decimal": ",", "dayfirst": "true"}
    assert seen["time_limit"] == 30


def test_reading_options_are_checked(capsys):
    with pytest.raises(SystemExit):
        main(["report", "basics", "--decimal", ";"])
    assert "--decimal" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "basics", "--dayfirst", "maybe"])
    assert "--dayfirst" in capsys.readouterr().err


def test_help_and_list_show_the_reading_options(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    for option in ("--encoding", "--sheet", "--decimal", "--dayfirst", "--wait"):
        assert option in text
    assert main(["report", "--list"]) == 0  # the repository's own notebooks
    listing = capsys.readouterr().out
    for name in ("encoding", "sheet", "decimal", "dayfirst"):
        assert f"(option --{name})" in listing


# --------------------------------------------------------------------------- failures keep good reports


@pytest.mark.slow
def test_a_timed_out_run_keeps_the_good_report(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "basics.html").write_bytes(b"good")
    rec = runner.run_report("basics", {"mode": "sleep"}, out, notebook=FIXTURE, time_limit=8)
    assert rec.status == "failed" and rec.error["ename"] == "TimeoutError"
    assert (out / "basics.html").read_bytes() == b"good"
    assert (out / "basics.failed.run.json").exists()
    assert not [p for p in out.iterdir() if "partial" in p.name]

