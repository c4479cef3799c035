"""The built wheel works on its own: installed in a fresh virtualenv, run from a folder outside the checkout.

How the fresh virtualenv gets ecomlib's dependencies without the network, and without seeing the
checkout:

1. The source is copied out of the checkout (tracked and new files, as git lists them) and built
   with ``pip wheel --no-deps --no-build-isolation`` (setuptools comes from the test's own
   environment, so no index is needed).
2. ``python -m venv --without-pip`` makes an empty virtualenv in a temporary folder, and the test's
   pip installs the wheel into it (``pip --python NEW/bin/python install --no-deps --no-index``):
   the new environment holds only ecomlib, so pip touches nothing else.
3. Only then a ``.pth`` file in the new site-packages appends the test environment's
   site-packages folders (pandas, papermill, ...). A path line in a ``.pth`` file is appended to
   ``sys.path`` as it is: the ``.pth`` files *inside* those folders are not processed, so the
   editable install of the checkout there (``__editable__...pth`` or a finder hook) never runs,
   and the wheel's ecomlib, earlier on ``sys.path``, is the one imported. (``venv
   --system-site-packages`` would not do: from a virtualenv it exposes the base interpreter's
   packages, not the virtualenv's.)
   The dependencies' data files (nbconvert's HTML templates in ``PREFIX/share/jupyter``), which
   a real install would put under the new prefix, are pointed at with ``JUPYTER_PATH``.
4. Every command runs with ``PYTHONPATH`` removed and its working folder outside the checkout;
   the test first checks that ``ecomlib`` resolves inside the new virtualenv.
"""

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ecomlib.reports.chapters import CHAPTERS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _copy_source(dest: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:  # not a git checkout (e.g. an unpacked sdist)
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "reports*", "my_notebooks"))
        return
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return env


def _run(args, cwd, timeout=120):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=_environment(), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    assert ROOT not in tmp.resolve().parents
    started = time.perf_counter()
    _copy_source(tmp / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", tmp / "dist", tmp / "src"], cwd=tmp)
    wheel = next((tmp / "dist").glob("ecomlib-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
          "--no-index", wheel], cwd=tmp)
    site_packages = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              cwd=tmp).strip())
    ours = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]
    (site_packages / "zz_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    work = tmp / "elsewhere"
    work.mkdir()
    yield {"wheel": wheel, "venv": venv, "python": python, "work": work, "setup_s": time.perf_counter() - started}


def test_wheel_holds_the_notebooks_data_fonts_and_licences(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for stem in CHAPTERS.values():
        assert any(n.endswith(f"/{stem}.ipynb") for n in names), stem
    for needed in ("manifest.json", "truth.json", "transactions.csv.gz", "online_retail.csv.gz",
                   "CDNOW_sample.txt", "NotoSansCJKsc-Regular-subset.otf", "OFL.txt", "py.typed"):
        assert any(n.endswith("/" + needed) for n in names), needed
    licences = [n for n in names if ".dist-info/licenses/" in n]
    assert {Path(n).name for n in licences} >= {"LICENSE", "NOTICE", "OFL.txt"}
    assert not [n for n in names if n.startswith(("tests/", "tools/", "benchmarks/"))]
    assert installed["wheel"].stat().st_size < 40 * 2**20


def test_installed_ecomlib_is_the_wheel_not_the_checkout(installed):
    code = ("import sys, ecomlib, ecomlib.resources as r; "
            "print(ecomlib.__file__); print(r.notebooks_dir()); print(r.sample_dir()); "
            "print(r.font_path()); print(ecomlib.__version__); print('\\n'.join(sys.path))")
    out = _run([installed["python"], "-c", code], cwd=installed["work"]).splitlines()
    venv = installed["venv"].resolve()
    for line in out[:4]:
        assert venv in Path(line).resolve().parents, line
    import ecomlib

    assert out[4] == ecomlib.__version__
    assert str(ROOT) not in out[5:]


def test_report_and_notebook_copies_work_outside_the_checkout(installed):
    bin_dir = installed["venv"] / "bin"
    work = installed["work"]
    started = time.perf_counter()
    _run([bin_dir / "ecomlib", "report", "basics", "--out", work / "reports"], cwd=work, timeout=300)
    report_s = time.perf_counter() - started
    page = (work / "reports" / "basics.html").read_text(encoding="utf-8")
    assert "data:font/otf;base64," in page  # the bundled font, embedded
    _run([bin_dir / "ecomlib", "notebooks", work / "mine"], cwd=work)
    assert sorted(p.stem for p in (work / "mine").glob("*.ipynb")) == sorted(CHAPTERS.values())
    print(f"wheel {installed['wheel'].stat().st_size:,} bytes; build+install {installed['setup_s']:.1f} s; "
          f"report basics {report_s:.1f} s")
