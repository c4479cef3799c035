"""Every chapter report succeeds on every degraded export (issue 13).

The exports come from :func:`ecomlib.datasets.degraded.write_degraded_exports`: the sample
shop's order lines with a column removed, cut to four weeks, reduced to one product, turned
into a weekly store x product panel, written as GBK with Chinese headers, ... (plus the tiny
Olist and Shopify fixtures through their presets). Each chapter
must succeed on each, with a coverage table whose every skipped or substituted section says
why; ``expected_coverage/<chapter>.yaml`` names the sections each export must skip or run on
a substitute (section-name prefixes), so a section that silently stops running is caught.
"""

from pathlib import Path

import pytest
import yaml

from ecomlib.datasets.degraded import DEGRADATIONS, write_degraded_exports
from ecomlib.reports.chapters import CHAPTERS
from ecomlib.reports.runner import run_report

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

EXPECTED_DIR = Path(__file__).parent / "expected_coverage"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
# Real export formats through their presets, a handful of lines each: thin in every direction.
PRESET_EXPORTS = {
    "olist_fixture": {"data": str(FIXTURES / "olist"), "preset": "olist"},
    "shopify_fixture": {"data": str(FIXTURES / "shopify_orders.csv"), "preset": "shopify"},
}


def expected(chapter: str) -> dict:
    path = EXPECTED_DIR / f"{chapter}.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


@pytest.fixture(scope="session")
def exports(tmp_path_factory):
    return write_degraded_exports(tmp_path_factory.mktemp("degraded"))


def matches(rows: list[dict], prefix: str) -> list[dict]:
    return [r for r in rows if r["section"].startswith(prefix)]


@pytest.mark.parametrize("kind", list(DEGRADATIONS) + list(PRESET_EXPORTS))
@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_chapter_report_on_degraded_export(chapter, kind, exports, tmp_path):
    if kind in PRESET_EXPORTS:
        params = dict(PRESET_EXPORTS[kind])
    else:
        params = {"data": exports[kind]["data"]}
        if exports[kind]["columns"]:
            params["columns"] = exports[kind]["columns"]
    rec = run_report(chapter, params, tmp_path)
    assert rec.ok, rec.message() + (f"\nexecuted notebook: {rec.ipynb}" if rec.ipynb else "")
    assert rec.coverage, "the report has no coverage table"
    assert any(r["status"] in ("ran", "substitute") for r in rec.coverage), rec.coverage
    for row in rec.coverage:
        assert row["status"] in ("ran", "substitute", "skipped"), row
        if row["status"] != "ran":
            assert row["why"], f"section {row['section']!r} is {row['status']} without saying why"
    for status, prefixes in (expected(chapter).get(kind) or {}).items():
        for prefix in prefixes:
            found = matches(rec.coverage, prefix)
            assert found, f"no section starts with {prefix!r}: {[r['section'] for r in rec.coverage]}"
            assert {r["status"] for r in found} == {status}, (prefix, found)
    assert rec.data and "sessions" in rec.data["missing"], "the report should list the missing tables"
    assert rec.skipped, "sections needing other tables should show a skip note"
    if kind == "broken_optional":
        assert "products" in rec.data["unreadable"], "the unreadable products.csv should be reported"
    html_text = Path(rec.html).read_text(encoding="utf-8")
    assert "<h2>Coverage</h2>" in html_text
    assert "Traceback" not in html_text


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_expected_coverage_names_sections_that_exist(chapter):
    """Each prefix in expected_coverage/<chapter>.yaml names exactly one section of the notebook,
    so renaming a heading shows here at once, not as a wave of matrix failures."""
    import nbformat

    from ecomlib.reports.coverage import section_coverage
    from ecomlib.resources import notebooks_dir

    nb = nbformat.read(notebooks_dir() / f"{CHAPTERS[chapter]}.ipynb",
                       as_version=4)
    sections = [row["section"] for row in section_coverage(nb)]
    prefixes = {p for kinds in expected(chapter).values() for ps in (kinds or {}).values() for p in ps}
    wrong = {p: [s for s in sections if s.startswith(p)] for p in prefixes}
    wrong = {p: found for p, found in wrong.items() if len(found) != 1}
    assert not wrong, f"prefixes matching no section or several: {wrong}; sections: {sections}"
