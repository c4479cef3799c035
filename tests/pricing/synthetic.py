"""Small synthetic shops with known elasticities (used by the tests and regenerate.py)."""

import numpy as np
import pandas as pd


def synthetic_lines(
    elasticities: dict[str, float],
    *,
    weeks: int = 104,
    seed: int = 0,
    noise: float = 0.05,
    shared_shock: float = 0.0,
    base_units: float = 400.0,
) -> pd.DataFrame:
    """One order line per category and week with units = A * season * price**e * noise.

    ``shared_shock`` is the sd of a log demand shock common to every category in a week
    that is correlated with a shop-wide price cut (the confounding that period fixed
    effects remove).
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")  # a Monday
    week = np.arange(weeks)
    sale = rng.random(weeks) < 0.15  # shop-wide sale weeks
    common = shared_shock * rng.normal(size=weeks) + np.where(sale, 0.4, 0.0) * (shared_shock > 0)
    frames = []
    for k, (cat, e) in enumerate(elasticities.items()):  # a handful of categories
        own = np.exp(np.cumsum(rng.normal(0, 0.05, weeks)))
        price = 50.0 * (1 + k) * own * np.where(sale & (shared_shock > 0), 0.8, 1.0)
        season = 1 + 0.2 * np.sin(2 * np.pi * week / 52.18)
        mean = base_units * season * np.exp(common) * (price / (50.0 * (1 + k))) ** e
        units = np.maximum(np.round(mean * np.exp(rng.normal(0, noise, weeks))), 1)
        frames.append(pd.DataFrame({
            "order_id": [f"{cat}-{w}" for w in week],
            "order_date": (start + pd.to_timedelta(7 * week + 2, unit="D")).astype("datetime64[us]"),
            "category": cat, "product_id": f"P{k}", "quantity": units.astype("int64"),
            "unit_price": np.round(price, 2), "status": "completed",
        }))
    out = pd.concat(frames, ignore_index=True)
    out["category"] = out["category"].astype("str")
    return out
