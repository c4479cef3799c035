"""Fixtures of the pricing tests."""

import pytest

from .synthetic import synthetic_lines


@pytest.fixture
def lines_three():
    """Three categories, known elasticities -2.0, -1.5 and -0.8, mild noise."""
    return synthetic_lines({"tea": -2.0, "cups": -1.5, "rice": -0.8})
