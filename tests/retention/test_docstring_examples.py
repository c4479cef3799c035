"""The short examples in the retention docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["purchases", "rfm", "cohorts", "segments", "churn", "survival", "clv", "actions"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"ecomlib.retention.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
