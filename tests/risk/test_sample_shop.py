"""Risk methods on the sample shop: recovery of the injected KPI anomalies and the register."""

import pytest

from ecomlib.risk import (
    dependence_risk,
    detect_anomalies,
    detection_scores,
    risk_matrix,
)


@pytest.mark.slow
def test_injected_kpi_anomalies_found(sample_store):
    # issue 9: recall >= 0.8 at precision >= 0.5 against the simulation's injected anomalies
    truth = sample_store.truth["kpi_anomalies"]
    flags = detect_anomalies(sample_store.kpis_daily)
    scores = detection_scores(flags, truth)
    assert scores["recall"] >= 0.8
    assert scores["precision"] >= 0.5


def test_bundled_register_is_valid_and_scored(sample_store):
    result = risk_matrix(sample_store.risk_register)
    assert result.issues.empty
    assert len(result.register) == len(sample_store.risk_register)


def test_supplier_hhi_matches_truth(sample_store):
    _, summary = dependence_risk(sample_store.suppliers, by="supplier", value="share_of_purchases")
    assert summary["hhi"] == pytest.approx(sample_store.truth["supplier_hhi"])
    assert summary["single_points_of_failure"] == 0  # the largest supplier holds 38% < 40%

