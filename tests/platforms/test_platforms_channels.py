"""Channel expansion (book 7.2): overlap counts by hand, incrementality recovered on panels simulated
here with a known incremental share (exact without noise, calibrated over seeded replications with
noise), CLV per platform through the retention chapter's models."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.platforms import channel_incrementality, clv_by_channel, platform_overlap
from ecomlib.retention.clv import clv_by_group, shop_customer_value


def overlap_lines() -> pd.DataFrame:
    return pd.DataFrame({
        "platform": ["Own", "MkA", "Own", "MkA", "Live", "MkA", "Own", "Own", "MkA"],
        "customer_id": ["c1", "c1", "c2", "c3", "c3", "c4", "c5", None, "c6"],
        "status": ["completed"] * 8 + ["cancelled"],
    })


def test_platform_overlap_by_hand():
    out = platform_overlap(overlap_lines())
    # c1 Own+MkA; c2 Own; c3 MkA+Live; c4 MkA; c5 Own; the line without a customer and c6's cancelled
    # line do not count. Platforms ordered by customers: Own 3, MkA 3, Live 1 (ties by name: MkA, Own)
    assert out.attrs["platform_customers"] == {"MkA": 3, "Own": 3, "Live": 1}
    got = dict(zip(out["combination"], out["customers"], strict=True))
    assert got == {"Own": 2, "MkA": 1, "MkA + Own": 1, "MkA + Live": 1}
    assert out.loc[0, "combination"] == "Own" and out["share"].sum() == pytest.approx(1.0)
    row = out.set_index("combination").loc["MkA + Live"]
    assert (row["MkA"], row["Live"], row["Own"], row["n_platforms"]) == (True, True, False, 2)
    assert out["customers"].sum() == 5


def test_platform_overlap_needs_customers():
    with pytest.raises(DataError, match="known customer"):
        platform_overlap(overlap_lines().assign(customer_id=None))


def simulate_panel(seed: int, *, share: float, channel_frac: float = 0.3, noise: float = 0.05, units: int = 16,
                   treated: int = 6, weeks: int = 40, launch: int = 26) -> pd.DataFrame:
    """Weekly GMV per category; the new channel sells channel_frac x baseline in treated categories after
    the launch, of which `share` is new demand and the rest is moved from other platforms."""
    rng = np.random.default_rng(seed)
    unit_effect = rng.normal(np.log(20_000), 0.4, units)
    week_effect = rng.normal(0, 0.1, weeks) + 0.1 * np.sin(np.arange(weeks) / 6)
    base = np.exp(unit_effect[:, None] + week_effect[None, :] + rng.normal(0, noise, (units, weeks)))
    is_treated = np.arange(units) < treated
    is_post = np.arange(weeks) >= launch
    cells = is_treated[:, None] & is_post[None, :]
    channel = np.where(cells, channel_frac * base, 0.0)
    gmv = base + share * channel  # moved sales leave the total unchanged
    return pd.DataFrame({
        "category": np.repeat([f"cat{k:02d}" for k in range(units)], weeks),
        "week": np.tile(pd.date_range("2024-01-01", periods=weeks, freq="W-MON"), units),
        "gmv": gmv.ravel(), "treated": np.repeat(is_treated, weeks), "post": np.tile(is_post, units),
        "new_channel_gmv": channel.ravel(),
    })


# without noise the residuals are 0 and statsmodels warns while taking sqrt of a ~0 variance
NOISE_FREE = pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")


@NOISE_FREE
@pytest.mark.parametrize("method", ["did", "synthetic"])
def test_incrementality_is_exact_without_noise(method):
    panel = simulate_panel(1, share=0.4, noise=0.0)
    res = channel_incrementality(panel, method=method)
    assert res.effect_log == pytest.approx(np.log1p(0.4 * 0.3), abs=1e-9)
    assert res.incremental_share == pytest.approx(0.4, abs=1e-9)
    assert res.channel_gmv == pytest.approx(panel["new_channel_gmv"].sum())
    assert res.share_low <= res.incremental_share <= res.share_high
    assert res.method == method and res.inference
    assert list(res.summary().index) == ["effect on log GMV", "incremental share", "incremental GMV (CNY)"]


@NOISE_FREE
def test_incrementality_share_from_a_number_and_without_one():
    panel = simulate_panel(2, share=0.5, noise=0.0)
    total = panel["new_channel_gmv"].sum()
    res = channel_incrementality(panel.drop(columns="new_channel_gmv"), channel_gmv=total)
    assert res.incremental_share == pytest.approx(0.5, abs=1e-9)
    assert np.isnan(channel_incrementality(panel, channel_gmv=None).incremental_share)
    with pytest.raises(ParameterError, match="channel_gmv"):
        channel_incrementality(panel, channel_gmv=-1.0)
    with pytest.raises(DataError, match="> 0"):
        channel_incrementality(panel.assign(gmv=0.0))


def test_incrementality_recovers_the_share_on_a_noisy_panel():
    panel = simulate_panel(3, share=0.6)
    res = channel_incrementality(panel)
    assert res.share_low <= 0.6 <= res.share_high
    assert res.share_high - res.share_low < 0.5


@pytest.mark.slow
def test_incrementality_interval_is_calibrated_over_replications():
    """95 % intervals of the share cover the true share in about 95 % of 200 seeded panels."""
    truth, hits, estimates = 0.4, 0, []
    for seed in range(200):
        res = channel_incrementality(simulate_panel(100 + seed, share=truth))
        hits += res.share_low <= truth <= res.share_high
        estimates.append(res.incremental_share)
    coverage = hits / 200
    # binomial sd of the coverage at 95 %: 1.5 points; accept 3 sd either side
    assert 0.90 <= coverage <= 0.995, coverage
    assert abs(np.mean(estimates) - truth) < 0.03


def purchases(seed: int = 5) -> pd.DataFrame:
    """Two platforms with BG/NBD-like buyers (rates, drop-out probabilities and average spend vary
    across customers, as the models assume): the same purchase process, but customers of "Big"
    spend three times as much per order on average as those of "Small"."""
    rng = np.random.default_rng(seed)
    rows = []
    gap = 3.0
    for platform, mean_spend in (("Big", 120.0), ("Small", 40.0)):
        for c in range(600):
            rate, drop, spend = rng.gamma(2.0, 1 / (2.0 * gap)), rng.beta(2, 8), rng.gamma(3, mean_spend / 3)
            t = rng.uniform(0, 40)
            while t < 78:
                rows.append((platform, f"{platform}-{c}", t, rng.gamma(6, spend / 6)))
                if rng.random() < drop:
                    break
                t += rng.exponential(1 / rate)
    df = pd.DataFrame(rows, columns=["platform", "customer_id", "week", "revenue"])
    df["order_date"] = (pd.Timestamp("2024-01-01") + pd.to_timedelta(df["week"] * 7, unit="D")).astype("datetime64[us]")
    df["order_id"] = [f"o{i}" for i in range(len(df))]
    df["status"] = "completed"
    return df.drop(columns="week")


def test_clv_by_channel_reuses_the_retention_models():
    lines = purchases()
    out = clv_by_channel(lines, margin=0.4).set_index("platform")
    assert out.loc["Big", "clv"] > 2 * out.loc["Small", "clv"]
    day = lines["order_date"].max().floor("D")
    direct = shop_customer_value(lines[lines["platform"] == "Small"], as_of=day, margin=0.4)
    assert out.loc["Small", "clv"] == pytest.approx(direct.mean, rel=1e-12)
    assert (out["note"] == "").all() and (out["margin"] == 0.4).all()
    first = clv_by_channel(lines, margin=0.4, method="first_platform").set_index("platform")
    value = shop_customer_value(lines, as_of=day, margin=0.4)
    groups = lines.groupby("customer_id")["platform"].first()
    pd.testing.assert_series_equal(first["clv"], clv_by_group(value.clv, groups)["clv"].rename_axis("platform"),
                                   check_names=False)


def test_clv_by_channel_notes_a_platform_it_cannot_fit():
    lines = purchases()
    tiny = pd.DataFrame({"platform": ["Tiny"], "customer_id": ["t1"], "revenue": [10.0],
                         "order_date": [pd.Timestamp("2025-06-01")], "order_id": ["t"], "status": ["completed"]})
    out = clv_by_channel(pd.concat([lines, tiny], ignore_index=True), margin=0.4).set_index("platform")
    assert out.loc["Tiny", "note"].startswith("not fitted") and np.isnan(out.loc["Tiny", "clv"])


def test_a_platform_seen_only_on_cancelled_lines_is_left_out():
    lines = pd.concat([overlap_lines(), pd.DataFrame({"platform": ["Ghost"], "customer_id": ["c1"],
                                                      "status": ["cancelled"]})], ignore_index=True)
    out = platform_overlap(lines)
    assert "Ghost" not in out.columns and "Ghost" not in out.attrs["platform_customers"]
    pd.testing.assert_frame_equal(out, platform_overlap(overlap_lines()))
