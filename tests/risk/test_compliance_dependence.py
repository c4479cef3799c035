"""Compliance scoring and dependence (concentration) risk: hand-computed cases and bad inputs."""

import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.risk import compliance_checklist, compliance_score, dependence_risk


def test_checklist_covers_the_five_areas_and_key_rules():
    c = compliance_checklist()
    assert set(c["area"]) == {"consumer_protection", "personal_information", "product_safety_labelling",
                              "advertising", "tax_customs"}
    assert c["id"].is_unique and c["weight"].between(1, 3).all()
    text = " ".join(c["requirement"] + " " + c["reference"])
    for must in ("seven days", "PIPL", "GDPR", "Advertising Law", "VAT"):
        assert must in text


def test_score_by_hand():
    cp = compliance_checklist("consumer_protection")  # weights 3, 2, 3, 2
    answers = dict(zip(cp["id"], ["yes", "partial", "no", "na"], strict=True))
    ids = compliance_checklist()["id"]
    answers.update({i: "yes" for i in ids if i not in answers})
    s = compliance_score(answers)
    # (3 x 1 + 2 x 0.5 + 3 x 0) / (3 + 2 + 3) = 0.5, the 'na' item left out
    assert s.loc["consumer_protection", "score"] == pytest.approx(0.5)
    assert s.loc["consumer_protection", "applicable"] == 3
    assert s.loc["consumer_protection", "gaps"] == 2
    assert s.loc["advertising", "score"] == 1.0


def test_unanswered_items_count_as_gaps_and_are_listed():
    s = compliance_score(pd.DataFrame({"id": ["CP1"], "answer": ["YES "]}))
    assert s.loc["overall", "unanswered"] == len(compliance_checklist()) - 1
    assert s.loc["consumer_protection", "score"] == pytest.approx(3 / 10)


def test_compliance_bad_inputs():
    with pytest.raises(DataError, match="unknown"):
        compliance_score({"XX9": "yes"})
    with pytest.raises(DataError, match="maybe"):
        compliance_score({"CP1": "maybe"})
    with pytest.raises(SchemaError):
        compliance_score(pd.DataFrame({"item": ["CP1"], "answer": ["yes"]}))
    with pytest.raises(ParameterError, match="area"):
        compliance_checklist("tax")


def test_dependence_by_hand():
    tx = pd.DataFrame({"channel": ["search", "social", "search", "email"],
                       "revenue": [50.0, 30.0, 10.0, 10.0]})
    table, summary = dependence_risk(tx, by="channel", value="revenue", top_n=2, spof_share=0.5)
    # shares 0.6, 0.3, 0.1 -> HHI 3600 + 900 + 100 = 4600; top 2 = 0.9; search > 0.5 is a SPOF
    assert summary["hhi"] == pytest.approx(4600)
    assert summary["top_n_share"] == pytest.approx(0.9)
    assert table.loc[table["single_point_of_failure"], "channel"].tolist() == ["search"]


def test_dependence_bad_inputs():
    with pytest.raises(ParameterError, match="spof_share"):
        dependence_risk(pd.DataFrame({"s": ["a"], "v": [1.0]}), by="s", value="v", spof_share=2)
    with pytest.raises(SchemaError):
        dependence_risk(pd.DataFrame({"s": ["a"], "v": [1.0]}), by="supplier", value="v")
