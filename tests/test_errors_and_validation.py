"""Hand-checked behaviour of the exception family and the boundary checks."""

import pandas as pd
import pytest

from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_datetime,
    check_frame,
    check_numeric,
    check_positive,
    check_probability,
)


def test_schema_error_is_keyerror_with_readable_text():
    err = SchemaError("missing 'revenue'", fix="pass columns=")
    assert isinstance(err, KeyError) and isinstance(err, EcomlibError)
    assert str(err) == "missing 'revenue'\nHow to fix: pass columns="


def test_check_columns_names_missing_found_and_closest():
    df = pd.DataFrame({"order_id": [1], "revenu": [2.0]})
    with pytest.raises(SchemaError) as info:
        check_columns(df, ["order_id", "revenue"], param="transactions")
    text = str(info.value)
    assert "['revenue']" in text and "'revenu'" in text and "transactions" in text


def test_check_argument_suggests_closest():
    with pytest.raises(ParameterError, match="Did you mean 'linear'"):
        check_argument("model", ["last", "linear"], "linaer")


def test_check_frame_rejects_empty_and_non_frames():
    with pytest.raises(DataError, match="no rows"):
        check_frame(pd.DataFrame({"a": []}))
    with pytest.raises(ParameterError, match="DataFrame"):
        check_frame([1, 2, 3])


def test_check_numeric_rejects_strings():
    df = pd.DataFrame({"price": ["¥1,299.00"]})
    with pytest.raises(SchemaError, match="must be numeric"):
        check_numeric(df, ["price"])


def test_check_datetime_names_each_bad_column_and_its_dtype():
    df = pd.DataFrame({"naive": pd.to_datetime(["2024-06-18 10:30"]),
                       "zoned": pd.to_datetime(["2024-06-18 10:30"]).tz_localize("Asia/Shanghai"),
                       "text": ["2024-06-18"], "number": [20240618]})
    check_datetime(df, ["naive", "zoned"], "orders")  # both hold timestamps: no error
    with pytest.raises(SchemaError) as info:
        check_datetime(df, ["naive", "text", "number"], "orders")
    first_line = str(info.value).splitlines()[0]
    assert first_line == "`orders` column(s) 'text' (str), 'number' (int64) must hold timestamps (datetime64)."
    assert "pandas.to_datetime" in str(info.value)


@pytest.mark.parametrize("value", [0, 1, -0.1, 1.5, float("nan"), "x"])
def test_check_probability_rejects(value):
    with pytest.raises(ParameterError):
        check_probability("alpha", value)


def test_check_positive():
    assert check_positive("n", 3) == 3.0
    assert check_positive("n", 0, allow_zero=True) == 0.0
    with pytest.raises(ParameterError):
        check_positive("n", 0)
