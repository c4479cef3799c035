"""Chapter notebooks' import cells stay light (issue 16: report speed).

Every report's kernel imports the chapter packages; pandera (0.15 s) is needed only to
validate a loaded table and ``statsmodels.api`` (0.5 s) never, so neither may be imported
by the packages themselves.
"""

from __future__ import annotations

import subprocess
import sys

PACKAGES = ("basics", "market", "pricing", "promotion", "traffic", "retention", "risk", "data.columns",
            "data.derived", "data.substitutes", "reports.shop_data", "datasets")


def test_chapter_packages_do_not_import_pandera_or_statsmodels_api():
    code = "; ".join(f"import ecomlib.{name}" for name in PACKAGES)
    code += "; import sys; print(sorted(m for m in ('pandera', 'statsmodels.api') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
