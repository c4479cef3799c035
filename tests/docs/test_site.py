"""The course site (``make docs``): built with warnings as errors, complete, and offline.

The slow test builds the whole site once (every chapter notebook executed on the sample shop)
and checks what a reader gets; the fast tests check that the site's offline check catches each
way a page could reach the network.
"""

import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecomlib.reports.chapters import CHAPTERS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _extension(name):
    """A local Sphinx extension of docs/_ext, loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, DOCS / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


api_lines = _extension("ecomlib_api").api_lines
check_site = _extension("ecomlib_offline_site").check_site

#: The modules with an API page (docs/api/NAME.rst).
API_MODULES = sorted(p.stem for p in (DOCS / "api").glob("*.rst") if p.stem != "index")
CJK = re.compile(r"[\u2e80-\U0002ffff]")


# -- the offline check, on small hand-made sites -------------------------------------------------

def _site(tmp_path, page_body="", head="", css="", js="// local\n"):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "site.css").write_text(css or "body { color: black; }")
    (tmp_path / "_static" / "site.js").write_text(js)
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "fig.png").write_bytes(b"\x89PNG")
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="_static/site.css?v=1">'
        f'<script src="_static/site.js"></script>{head}</head>'
        f'<body><a href="https://example.org/">a link is navigation</a>'
        f'<img src="_images/fig.png"><a href="#top">top</a>{page_body}</body></html>'
    )
    return tmp_path


def test_a_local_site_passes(tmp_path):
    js = ('// see https://example.org/why\n'
          'const ns = "http://www.w3.org/2000/svg";\n')
    css = 'div { background: url("data:image/png;base64,AAAA"); }'
    result = check_site(_site(tmp_path, js=js, css=css))
    assert result.ok, result.problems
    assert (result.pages, result.stylesheets, result.scripts) == (1, 1, 1)


@pytest.mark.parametrize(("where", "snippet"), [
    ("head", '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>'),
    ("head", '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">'),
    ("head", '<link rel="stylesheet" href="_static/missing.css">'),
    ("head", '<link rel="stylesheet" href="../outside.css">'),
    ("head", '<script>var s = document.createElement("script"); s.src = "https://unpkg.com/x.js";</script>'),
    ("body", '<img src="/etc/passwd">'),
    ("body", '<iframe src="_images/fig.png"></iframe>'),
    ("body", '<div onclick="go()">x</div>'),
    ("body", '<div style="background: url(https://example.org/a.png)">x</div>'),
    ("css", "@import url(https://fonts.googleapis.com/css2?family=Noto+Sans);"),
    ("js", 'fetch("https://example.org/track");\n'),
])
def test_the_offline_check_catches_each_remote_or_active_thing(tmp_path, where, snippet):
    kwargs = {"head": {"head": snippet}, "body": {"page_body": snippet},
              "css": {"css": snippet}, "js": {"js": snippet}}[where]
    result = check_site(_site(tmp_path, **kwargs))
    assert not result.ok


def test_api_pages_list_lazily_loaded_names():
    """ecomlib.reports loads its runner on first use; the API page must still document it."""
    lines = api_lines("ecomlib.reports")
    assert ".. autofunction:: ecomlib.reports.run_report" in lines
    assert ".. autoclass:: ecomlib.reports.RunRecord" in lines


# -- the whole site ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once, as ``make docs`` does (serially: the test workers share the cores)."""
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-b", "html",
               "-d", str(out / "doctrees"), str(DOCS), str(out / "html")]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=ROOT)
    seconds = time.perf_counter() - started
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-6000:]
    html = out / "html"
    size = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    print(f"\ncourse site built in {seconds:.0f} s, {size / 1e6:.1f} MB")
    return html, log


@pytest.mark.slow
def test_the_site_builds_without_warnings_and_checks_itself(site):
    html, log = site
    # Sphinx's own warnings (the kernels' "[IPKernelApp] WARNING | ..." lines are not Sphinx's)
    sphinx_warnings = re.findall(r"(?m)(?:^|: )(?:WARNING|ERROR|CRITICAL): .*", log)
    assert not sphinx_warnings, sphinx_warnings[:10]
    assert "offline check:" in log and "nothing remote" in log  # the build's own last step


@pytest.mark.slow
def test_the_built_site_loads_nothing_remote(site):
    html, _ = site
    result = check_site(html)
    assert result.ok, result.problems[:20]
    assert result.pages > 20
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "widget-view+json" not in text and "widget-state+json" not in text, page
        assert not re.search(r"<(script|link)\b[^>]*mathjax", text, re.IGNORECASE), page


@pytest.mark.slow
@pytest.mark.parametrize("stem", list(CHAPTERS.values()))
def test_every_chapter_is_on_the_site_executed(site, stem):
    html, _ = site
    page = html / "chapters" / f"{stem}.html"
    assert page.is_file(), f"no page for {stem}"
    text = page.read_text(encoding="utf-8")
    figures = re.findall(r'<img[^>]+src="\.\./_images/[^"]+\.png"', text)
    assert len(figures) >= 3, f"{stem}: {len(figures)} figures; were the cells executed?"
    for src in re.findall(r'<img[^>]+src="\.\./(_images/[^"]+)"', text):
        assert (html / src).is_file(), src
    assert 'class="ecomlib-key-figure"' in text  # shown by reports.record() when the notebook ran
    assert "Traceback" not in text and "ecomlib-math-source" not in text


@pytest.mark.slow
def test_formulas_are_mathml(site):
    html, _ = site
    pricing = (html / "chapters" / f"{CHAPTERS['pricing']}.html").read_text(encoding="utf-8")
    assert pricing.count("<math") >= 5
    assert not re.search(r"\$[^$<]*\\(frac|varepsilon|sum|times)", pricing)


@pytest.mark.slow
@pytest.mark.parametrize("module", API_MODULES)
def test_the_api_reference_documents_every_public_name(site, module):
    html, _ = site
    text = (html / "api" / f"{module}.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(ecomlib\.[\w.]+)"', text))
    mod = importlib.import_module(f"ecomlib.{module}")
    missing = [name for name in mod.__all__
               if not inspect.ismodule(getattr(mod, name)) and f"ecomlib.{module}.{name}" not in ids]
    assert not missing, f"ecomlib.{module}: {missing} not in the API reference"


@pytest.mark.slow
def test_every_guide_is_on_the_site(site):
    html, _ = site
    for guide in DOCS.glob("*.md"):
        assert (html / f"{guide.stem}.html").is_file(), guide.name
    data_guide = (html / "own_data.html").read_text(encoding="utf-8")
    assert 'id="table-transactions"' in data_guide and "<code" in data_guide


@pytest.mark.slow
def test_the_cjk_font_subset_covers_every_chinese_character(site):
    from fontTools.ttLib import TTFont

    from ecomlib.viz import cjk_font_path

    html, _ = site
    used = {c for page in html.rglob("*.html") for c in CJK.findall(page.read_text(encoding="utf-8"))}
    assert len(used) > 100  # the chapter titles and prose are bilingual
    drawable = set(TTFont(cjk_font_path(), lazy=True).getBestCmap())
    subset = set(TTFont(html / "_static" / "ecomlib-cjk.otf").getBestCmap())
    missing = sorted(c for c in used if ord(c) in drawable and ord(c) not in subset)
    assert not missing, f"{len(missing)} CJK characters not in the subset: {missing[:20]}"
