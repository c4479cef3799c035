"""Every chapter report runs on the bundled real UCI Online Retail export (issue 13).

``--data online_retail`` opens ``data/real/online_retail/`` with its preset. The export has no
category, channel, discount, cost or sessions, so each report must say which sections ran on a
substitute or were skipped, and why.
"""

import json
from pathlib import Path

import pytest

from ecomlib.reports.chapters import CHAPTERS
from ecomlib.reports.runner import run_all

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


@pytest.fixture(scope="module")
def real_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports-real")
    return out, {rec.chapter: rec for rec in run_all({"data": "online_retail"}, out, jobs=2)}


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_chapter_report_on_online_retail(chapter, real_reports):
    out, records = real_reports
    rec = records[chapter]
    assert rec.ok, rec.message() + (f"\nexecuted notebook: {rec.ipynb}" if rec.ipynb else "")
    assert rec.parameters["preset"] == "online_retail"
    assert rec.data["source"].endswith("online_retail.csv.gz")
    assert rec.data["quality"]["transactions"], "the data-quality report is missing"
    assert any(r["status"] in ("ran", "substitute") for r in rec.coverage), rec.coverage
    assert all(r["why"] for r in rec.coverage if r["status"] != "ran"), rec.coverage
    saved = json.loads(Path(rec.record).read_text(encoding="utf-8"))
    assert saved["coverage"] == rec.coverage


def test_index_shows_sections_per_chapter(real_reports):
    out, records = real_reports
    index = (out / "index.html").read_text(encoding="utf-8")
    for rec in records.values():
        ran = sum(r["status"] in ("ran", "substitute") for r in rec.coverage)
        assert f"{ran} of {len(rec.coverage)} sections" in index
