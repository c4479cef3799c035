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


def _check_page(page, tmp_path):
    shot = tmp_path / f"{page.stem}.png"
    done = _chromium([f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()], tmp_path)
    assert shot.exists(), done.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    assert np.mean(pixels.mean(axis=2) < 0.9) > 0.01, f"screenshot {shot} looks blank"
    console_errors = [line for line in done.stderr.splitlines() if "CONSOLE" in line and "rror" in line]
    assert not console_errors, console_errors

    wrapper = tmp_path / "wrapper.html"
    wrapper.write_text(WRAPPER % page.as_uri(), encoding="utf-8")
    dom = _chromium(["--dump-dom", wrapper.as_uri()], tmp_path).stdout
    result = json.loads(dom.split('<pre id="result">', 1)[1].split("</pre>", 1)[0])
    assert result["text"] > 200, result
    assert result["images"] >= 1 and result["broken"] == 0, result
    print(f"screenshot: {shot}")
    return shot


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: apt-get install chromium")
def test_reports_render_offline_in_chromium(all_run, tmp_path):
    out = all_run[0]
    _check_page(out / "basics.html", tmp_path)
    _check_page(out / "market.failed.html", tmp_path)
