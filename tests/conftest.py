"""Fixtures shared by every test folder."""

import pytest


@pytest.fixture(scope="session")
def sample_store():
    """The bundled sample shop (tables and ground truth), read once per test session."""
    from ecomlib.datasets import load_sample_store

    return load_sample_store()


@pytest.fixture(scope="session")
def bank_contract():
    """What every chapter's exercise bank must do, checked one way for all chapters.

    ``bank_contract(ex, min_questions=5)``: at least ``min_questions`` questions; a blank
    (``____``) reads as not attempted; each solution passes its own check (and the progress
    table says so); every numeric question states the decimals the notebook prints, its answer
    rounded so passes and one 5 % off fails (:meth:`ExerciseSet.precision_check`). Give the
    bank with every table it can use, so that no question is unavailable.
    """
    from ecomlib.teaching import ____

    def check(ex, min_questions: int = 5) -> None:
        assert len(ex) >= min_questions, f"{len(ex)} questions"
        for q in ex:
            assert q.check(____).status == "not attempted", q.name
        assert set(ex.progress()["status"]) == {"not attempted"}
        for q in ex:
            assert q.check(q.run_solution()).correct, q.name
        assert set(ex.progress()["status"]) == {"correct"}
        report = ex.precision_check()
        assert not report.empty, "no numeric question"
        undeclared = [name for name in report.index if getattr(ex, name).decimals is None]
        assert not undeclared, f"numeric questions without decimals: {undeclared}"
        assert report["printed_ok"].all(), report[~report["printed_ok"]]
        assert report["off_rejected"].all(), report[~report["off_rejected"]]

    return check
