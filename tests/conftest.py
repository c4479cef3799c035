"""Fixtures shared by every test folder."""

import pytest


@pytest.fixture(scope="session")
def sample_store():
    """The bundled sample shop (tables and ground truth), read once per test session."""
    from ecomlib.datasets import load_sample_store

    return load_sample_store()
