"""The promotion exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pytest

from ecomlib.promotion import campaign_table, category_week_panel, daily_sales, promotion_effects
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def ctx(promo_shop):
    tx, promos = promo_shop
    d = daily_sales(tx)
    cat = promos.iloc[0].copy()
    cat["scope_type"], cat["scope"] = "category", "a"
    return {"campaigns": campaign_table(d, promos, method="pre_period", pre_weeks=8),
            "effects": promotion_effects(d, promos.iloc[0], promos, method="pre_period", pre_weeks=8),
            "panel": category_week_panel(d, cat, pre_weeks=8), "margin": 0.4, "discount": 0.2}


def test_wrong_answers_get_targeted_hints(ctx):
    ex = exercises.load("promotion", **ctx)
    assert "m - d" in ex.q1.check(0.2 / 0.4).message
    e = ctx["effects"].baselines["lift"].effect("during")
    assert "minus 1" in ex.q4.check(e["actual"] / e["baseline"]).message
    assert not ex.q2.check("nope").correct
    assert not ex.q6.check(1.0).correct


def test_missing_panel_makes_q5_unavailable(ctx):
    ex = exercises.load("promotion", **{**ctx, "panel": None})
    assert ex.q5.check(0.1).status == "unavailable"


def test_numeric_questions_and_their_printed_decimals(ctx):
    # the notebook prints ROI and lift as percentages with 1 decimal (-36.7 % -> -0.367), DiD to 3
    ex = exercises.load("promotion", **ctx)
    numeric = [q for q in ex if q.decimals is not None]
    assert {q.name for q in numeric} == {"q1", "q3", "q4", "q5", "q6"}
    assert {ex.q3.unit, ex.q4.unit} == {"share"} and ex.q3.decimals == 3


def test_q4_names_the_promotion_it_asks_about(ctx):
    ex = exercises.load("promotion", **ctx)
    assert f"promotion {ctx['effects'].promo_id}" in ex.q4.prompt


def _notebook():
    import json

    from ecomlib.resources import notebooks_dir

    path = notebooks_dir() / "03_promotion_roi.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_each_exercise_follows_the_section_it_practises():
    sources = ["".join(c["source"]) for c in _notebook()]

    def first(text):
        return next(i for i, s in enumerate(sources) if text in s)

    # q4 (the focus lift) inside the timetable section, q2/q3 after the ROI, q5 after the DiD
    assert first("focus_promo = reports.attempt") < first("ex.q4.check") < first("### 分析消費者需求與行為")
    assert first('reports.record("best_roi"') < first("ex.q3.check") < first("### 風險管理與效果評估")
    assert first("did_result = reports.attempt_part") < first("ex.q5.check") < first("### 跨渠道協同與整合")
    assert first("ex.update(panel=panel_data)") < first("ex.q5.check")


def test_headings_are_the_book_titles_and_formulas_render():
    import re

    import latex2mathml.converter

    text = "\n".join("".join(c["source"]) for c in _notebook() if c["cell_type"] == "markdown")
    for title in ("明確促銷目標", "制定促銷時間表", "分析消費者需求與行為", "選擇適合的促銷方式", "預算規劃與資源分配",
                  "風險管理與效果評估", "跨渠道協同與整合"):
        assert f"### {title} · " in text, title
    formulas = re.findall(r"\$\$(.+?)\$\$", text, re.S)
    assert len(formulas) >= 4
    for tex in formulas:
        assert "\n" not in tex
        shown = re.sub(r"<[^>]+>", "", latex2mathml.converter.convert(tex))
        assert "\\" not in shown, tex  # no command left as raw text
    assert r"\bar y" not in text


def test_bank_contract(ctx, bank_contract):
    bank_contract(exercises.load("promotion", **ctx))
