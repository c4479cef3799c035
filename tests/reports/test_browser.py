"""Open produced reports in headless Chromium with networking disabled.

Debian's ``chromium`` is needed (``apt-get install chromium``; ``.ci/run`` installs it on CI).
Without it the test is skipped with that message. The report itself carries no scripts, so
a small wrapper page (loaded with file access allowed) inspects it through an iframe:
text present, every image decoded. Console errors come from Chromium's log.
"""

import json
import shutil
import subprocess

import numpy as np
import pytest
from matplotlib import image as mpimg

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

NO_NETWORK = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",  # every request goes to a closed port
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--allow-file-access-from-files",
    "--virtual-time-budget=8000",
]

WRAPPER = """<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="report" src="%s" style="width:1280px;height:900px"></iframe>
<script>
document.getElementById('report').addEventListener('load', function () {
  var doc = this.contentDocument;
  var imgs = Array.prototype.slice.call(doc.images);
  document.getElementById('result').textContent = JSON.stringify({
    text: doc.body ? doc.body.innerText.length : 0,
    images: imgs.length,
    broken: imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length
  });
});
</script></body></html>"""


def _chromium(args, tmp_path):
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *NO_NETWORK, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120,
    )


def inspect_page(page, tmp_path):
    """Screenshot ``page`` and report what a reader would see: dark-pixel share, console
    messages (the reports carry no scripts, so any message is unexpected), text length,
    images and broken images."""
    shot = tmp_path / f"{page.stem}.png"
    done = _chromium([f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()], tmp_path)
    assert shot.exists(), done.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]

    wrapper = tmp_path / "wrapper.html"
    wrapper.write_text(WRAPPER % page.as_uri(), encoding="utf-8")
    dom = _chromium(["--dump-dom", wrapper.as_uri()], tmp_path).stdout
    result = json.loads(dom.split('<pre id="result">', 1)[1].split("</pre>", 1)[0])
    result.update(shot=shot, console=console, ink=float(np.mean(pixels.mean(axis=2) < 0.9)))
    return result


def _assert_renders(page, tmp_path):
    seen = inspect_page(page, tmp_path)
    print(f"screenshot: {seen['shot']}")
    assert seen["ink"] > 0.01, f"screenshot {seen['shot']} looks blank"
    assert not seen["console"], seen["console"]
    assert seen["text"] > 200, seen
    assert seen["images"] >= 1 and seen["broken"] == 0, seen


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: apt-get install chromium")
def test_the_check_catches_a_broken_page(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body><p>x</p><img src='https://example.com/a.png'><img src='missing.png'>"
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    seen = inspect_page(bad, tmp_path)
    assert seen["broken"] == 2 and seen["images"] == 2
    assert any("boom" in line for line in seen["console"])
    assert seen["text"] < 200


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: apt-get install chromium")
def test_reports_render_offline_in_chromium(all_run, tmp_path):
    out = all_run[0]
    _assert_renders(out / "basics.html", tmp_path)
    _assert_renders(out / "market.failed.html", tmp_path)
