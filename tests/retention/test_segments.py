"""RFM scores and segments on hand-computed cases."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import ParameterError
from ecomlib.retention import (
    DEFAULT_SEGMENTS,
    SEGMENT_ACTIONS,
    rescore_by_thresholds,
    rfm_scores,
    rfm_segments,
    segment_headline,
    segment_shares,
)


def test_scores_by_quantile_hand(hand_tx):
    out = rfm_scores(hand_tx, n_scores=3)
    # as of 2024-03-31: recency a 21, b 30, c 0 days; purchase days 3, 2, 2; revenue 310, 130, 90
    np.testing.assert_array_equal(out["recency_days"], [21, 30, 0])
    np.testing.assert_array_equal(out["frequency"], [3, 2, 2])
    np.testing.assert_allclose(out["monetary"], [310, 130, 90])
    # ties share the lower score: b and c both have F = 1
    assert out["RFM"].tolist() == ["233", "112", "311"]


def test_scores_with_fixed_edges(hand_tx):
    out = rfm_scores(hand_tx, edges={"recency_days": [10, 25, 40, 60], "frequency": [2, 3, 4, 5],
                                     "monetary": [50, 100, 200, 300]})
    # recency 21 -> below 25 -> 4; 30 -> 3; 0 -> 5. frequency 3 -> 3; 2 -> 2. money 310 -> 5 ...
    assert out["R"].tolist() == [4, 3, 5]
    assert out["F"].tolist() == [3, 2, 2]
    assert out["M"].tolist() == [5, 3, 2]


def test_default_segments_cover_every_score_combination():
    grid = pd.DataFrame([(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)],
                        columns=["R", "F", "M"])
    out = rfm_segments(grid)
    assert set(out["segment"]) == {name for name, _ in DEFAULT_SEGMENTS}
    assert (out["action"] != "").all()
    assert set(SEGMENT_ACTIONS) == {name for name, _ in DEFAULT_SEGMENTS}


@pytest.mark.parametrize(
    ("scores", "segment"),
    [((5, 5, 5), "Champions"), ((3, 3, 1), "Loyal"), ((5, 2, 1), "Potential loyalists"),
     ((4, 1, 5), "New"), ((1, 5, 5), "Can't lose them"), ((2, 4, 1), "At risk"),
     ((3, 1, 1), "Hibernating"), ((1, 2, 3), "Lost")],
)
def test_default_segment_rules(scores, segment):
    frame = pd.DataFrame([scores], columns=["R", "F", "M"])
    assert rfm_segments(frame)["segment"].iloc[0] == segment


def test_custom_map_and_default_label():
    frame = pd.DataFrame({"R": [5, 1], "F": [1, 1], "M": [1, 1]})
    out = rfm_segments(frame, [("Recent", {"R": (4, 5)})], default="Rest")
    assert out["segment"].tolist() == ["Recent", "Rest"]
    assert out["action"].tolist() == ["", ""]


def test_labels_are_categorical_with_the_labels_present(hand_tx):
    # one byte per customer for segment, action and RFM; categories sorted as text, only those used
    out = rfm_segments(rfm_scores(hand_tx, n_scores=3))
    for col in ("segment", "action", "RFM"):
        assert isinstance(out[col].dtype, pd.CategoricalDtype), col
        assert out[col].cat.codes.dtype == np.int8, col
        assert list(out[col].cat.categories) == sorted(set(out[col].astype(str))), col
    assert out["RFM"].astype(str).tolist() == ["233", "112", "311"]
    assert out["action"].astype(str).tolist() == [SEGMENT_ACTIONS[s] for s in out["segment"].astype(str)]
    # the shares table keeps a text index
    assert segment_shares(out).index.dtype == "str"
    # scores 10 and more: the codes are the scores written one after the other, as before
    wide = rfm_segments(pd.DataFrame({"R": [10, 1], "F": [2, 11], "M": [3, 1]}))
    assert wide["segment"].astype(str).tolist() == ["Other", "Other"]
    ones = list(range(1, 12))
    edges = {"recency_days": ones, "frequency": ones, "monetary": [10 * k for k in ones]}
    # recency 21, 30, 0 -> R 1, 1, 12; purchase days 3, 2, 2 -> F 4, 3, 3; revenue 310, 130, 90 -> M 12, 12, 10
    assert rfm_scores(hand_tx, n_scores=12, edges=edges)["RFM"].astype(str).tolist() == ["1412", "1312", "12310"]


def test_bad_segment_map_and_edges(hand_tx):
    frame = pd.DataFrame({"R": [5], "F": [1], "M": [1]})
    with pytest.raises(ParameterError, match="segment_map"):
        rfm_segments(frame, [("x", {"Q": (1, 2)})])
    with pytest.raises(ParameterError, match="segment_map"):
        rfm_segments(frame, ["nonsense"])
    with pytest.raises(ParameterError, match="thresholds"):
        rfm_scores(hand_tx, edges={"frequency": [1, 2]})
    with pytest.raises(ParameterError, match="edges"):
        rfm_scores(hand_tx, edges={"age": [1, 2, 3, 4]})
    with pytest.raises(ParameterError, match="n_scores"):
        rfm_scores(hand_tx, n_scores=1)


def test_rescore_by_thresholds_hand(hand_tx):
    scores = rfm_scores(hand_tx)
    out = rescore_by_thresholds(scores, recent_days=30, loyal_purchases=3)
    # recency a 21 (< 30 -> 4), b 30 (< 60 -> 3), c 0 (< 15 -> 5); purchase days 3 -> 3, 2 -> 2
    assert out["R"].tolist() == [4, 3, 5]
    assert out["F"].tolist() == [3, 2, 2]
    assert out["segment"].tolist() == ["Loyal", "Hibernating", "Potential loyalists"]
    shares = segment_shares(out)
    assert shares["customers"].sum() == 3
    assert shares.loc["Loyal", "revenue_share"] == pytest.approx(310 / 530)
    assert segment_headline(out).startswith("Loyal: 33% of customers, 58% of revenue")
    with pytest.raises(ParameterError, match="recent_days"):
        rescore_by_thresholds(scores, recent_days=1)
