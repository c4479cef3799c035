"""Every public function of ecomlib.retention rejects bad input with a clear EcomlibError."""

import pandas as pd
import pytest

from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError
from ecomlib.retention import (
    BetaGeoModel,
    action_summary,
    average_retention,
    book_clv_inputs,
    calibration_holdout_split,
    churn_table,
    cohort_table,
    customer_actions,
    first_order_flag,
    holdout_comparison,
    inter_purchase_times,
    purchase_log,
    repeat_purchase_rate,
    rfm_scores,
    rfm_segments,
    rfm_summary,
    survival_by_group,
)

TRANSACTION_FUNCTIONS = {
    "purchase_log": purchase_log,
    "rfm_summary": rfm_summary,
    "calibration_holdout_split": lambda tx: calibration_holdout_split(tx, "2024-02-01"),
    "cohort_table": cohort_table,
    "average_retention": average_retention,
    "rfm_scores": rfm_scores,
    "inter_purchase_times": inter_purchase_times,
    "churn_table": lambda tx: churn_table(tx, 30),
    "repeat_purchase_rate": repeat_purchase_rate,
    "book_clv_inputs": book_clv_inputs,
    "first_order_flag": lambda tx: first_order_flag(tx, "status"),
}


@pytest.mark.parametrize("name", TRANSACTION_FUNCTIONS)
def test_not_a_frame(name):
    with pytest.raises(ParameterError, match="DataFrame"):
        TRANSACTION_FUNCTIONS[name]([1, 2, 3])


@pytest.mark.parametrize("name", TRANSACTION_FUNCTIONS)
def test_empty_frame(name, hand_tx):
    with pytest.raises(DataError, match="no rows"):
        TRANSACTION_FUNCTIONS[name](hand_tx.iloc[:0])


@pytest.mark.parametrize("name", TRANSACTION_FUNCTIONS)
def test_missing_column(name, hand_tx):
    with pytest.raises(SchemaError, match="customer_id") as info:
        TRANSACTION_FUNCTIONS[name](hand_tx.rename(columns={"customer_id": "buyer"}))
    assert "buyer" in str(info.value)  # the message lists what was found


@pytest.mark.parametrize("name", TRANSACTION_FUNCTIONS)
def test_dates_as_text(name, hand_tx):
    with pytest.raises(SchemaError, match="order_date"):
        TRANSACTION_FUNCTIONS[name](hand_tx.assign(order_date=hand_tx["order_date"].astype(str)))


@pytest.mark.parametrize("name", TRANSACTION_FUNCTIONS)
def test_only_anonymous_orders(name, hand_tx):
    with pytest.raises(DataError):
        TRANSACTION_FUNCTIONS[name](hand_tx.assign(customer_id=pd.Series([None] * 12, dtype="str")))


def test_revenue_as_text(hand_tx):
    with pytest.raises(SchemaError, match="numeric"):
        rfm_summary(hand_tx.assign(revenue=hand_tx["revenue"].astype(str)))


def test_parameter_values(hand_tx):
    with pytest.raises(ParameterError, match="freq"):
        cohort_table(hand_tx, freq="Y")
    with pytest.raises(ParameterError, match="metric"):
        cohort_table(hand_tx, metric="profit")
    with pytest.raises(ParameterError, match="time_unit"):
        rfm_summary(hand_tx, time_unit="M")
    with pytest.raises(ParameterError, match="as_of"):
        rfm_summary(hand_tx, as_of="not a date")
    with pytest.raises(DataError, match="as_of"):
        rfm_summary(hand_tx, as_of="2020-01-01")
    with pytest.raises(ParameterError, match="observation_end"):
        calibration_holdout_split(hand_tx, "2024-03-01", "2024-02-01")
    with pytest.raises(ParameterError, match="churn_days"):
        churn_table(hand_tx, 0)
    with pytest.raises(ParameterError, match="within_days"):
        repeat_purchase_rate(hand_tx, within_days=-5)
    with pytest.raises(EcomlibError):
        repeat_purchase_rate(hand_tx, within_days=1000)
    with pytest.raises(SchemaError, match="order_id"):
        cohort_table(hand_tx.drop(columns="order_id"), metric="orders")


def test_single_customer_degenerate_cases(hand_tx):
    one = hand_tx[hand_tx["customer_id"] == "c"]
    churn = churn_table(one, 400)  # never lost within 400 days
    with pytest.raises(DataError):
        survival_by_group(churn)
    with pytest.raises(ParameterError, match="DataFrame"):
        survival_by_group([1, 2])


def test_result_tables_checked():
    empty = pd.DataFrame({"clv": [], "prob_alive": [], "clv_if_alive": []})
    with pytest.raises(DataError, match="no rows"):
        customer_actions(empty)
    with pytest.raises(SchemaError, match="prob_alive"):
        customer_actions(pd.DataFrame({"clv": [1.0], "clv_if_alive": [1.0]}))
    with pytest.raises(ParameterError, match="alive_threshold"):
        customer_actions(pd.DataFrame({"clv": [1.0], "prob_alive": [0.5], "clv_if_alive": [2.0]}),
                         alive_threshold=1.5)
    with pytest.raises(SchemaError, match="segment|R"):
        rfm_segments(pd.DataFrame({"R": [1], "F": [1]}))
    with pytest.raises(SchemaError, match="frequency_holdout"):
        holdout_comparison(BetaGeoModel(), pd.DataFrame({"frequency_cal": [1.0]}))
    with pytest.raises(SchemaError, match="action"):
        action_summary(pd.DataFrame({"value_at_stake": [1.0]}))
