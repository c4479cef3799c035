"""Shared helpers of the traffic tests."""

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def refs():
    """Reference values computed with statsmodels/scipy by references/regenerate.py."""
    return json.loads((Path(__file__).parent / "references" / "values.json").read_text("utf-8"))
