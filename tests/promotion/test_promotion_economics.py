"""Promotion economics: the issue's exact break-even case and hand-built ROI/ROAS cases."""

import numpy as np
import pytest

from ecomlib.errors import ParameterError
from ecomlib.promotion import (
    break_even_lift,
    coupon_cost,
    discount_economics,
    max_discount_for_lift,
    roas,
    roi,
)


def test_break_even_lift_issue_reference():
    # issue 6: a 20 % discount at a 40 % margin needs +100 % units (exact)
    assert break_even_lift(0.2, 0.4) == 1.0
    # and the pricing chapter's case: 10 % at 30 % margin needs +50 %
    assert break_even_lift(0.1, 0.3) == pytest.approx(0.5, abs=1e-12)


def test_break_even_lift_vectorised_and_impossible_discounts():
    out = break_even_lift(np.array([0.0, 0.1, 0.4, 0.5]), 0.4)
    assert out[0] == 0 and out[1] == pytest.approx(1 / 3) and np.isinf(out[2]) and np.isinf(out[3])


def test_max_discount_is_the_inverse_of_break_even():
    # a +100 % lift at 40 % margin pays for at most a 20 % discount
    assert max_discount_for_lift(1.0, 0.4) == pytest.approx(0.2)
    d = max_discount_for_lift(0.35, 0.5)
    assert break_even_lift(d, 0.5) == pytest.approx(0.35)


def test_roi_roas_coupon_by_hand():
    assert roi(15_000, 10_000) == 0.5          # (15,000 - 10,000) / 10,000
    assert roi(5_000, 10_000) == -0.5
    assert roas(40_000, 10_000) == 4.0
    assert coupon_cost(300, 20, fixed_cost=1_000) == 7_000.0   # 300 x 20 + 1,000


def test_discount_economics_by_hand():
    # base revenue 100,000 at 40 % margin: profit 40,000 without; with 20 % off and +50 % units:
    # 150,000 x (0.4 - 0.2) = 30,000, minus 5,000 fixed cost = 25,000
    e = discount_economics(0.2, 0.5, 0.4, base_revenue=100_000, cost=5_000)
    assert (e.profit_without, e.profit_with) == (40_000, 25_000)
    assert e.profit_change == -15_000 and e.roi == -3.0
    assert e.break_even_lift == 1.0
    assert e.curve["break_even_lift"].is_monotonic_increasing


@pytest.mark.parametrize("call", [
    lambda: roi(1, 0), lambda: roas(1, -5), lambda: break_even_lift(1.2, 0.4),
    lambda: break_even_lift(0.1, 0), lambda: coupon_cost(-1, 5), lambda: max_discount_for_lift(-0.1, 0.4),
    lambda: discount_economics(0.2, -2, 0.4), lambda: discount_economics(0.2, 0.1, 1.5),
])
def test_bad_inputs(call):
    with pytest.raises(ParameterError):
        call()
