"""Settings of the core sample-shop simulation: categories, channels, festivals, seasonality.

Everything the core simulator (:mod:`ecomlib.datasets.sim_core`) treats as a fixed
assumption lives here as a plain table, so the ground truth is easy to read and to
document. Nothing in this module draws random numbers.

The *intensity multiplier* ``m(t)`` scales how fast every customer buys on day ``t``
(weekly and yearly seasonality, festival peaks and the dip after a festival). It is
normalised to average exactly 1 over the simulated days of each calendar year, so the
BG/NBD purchase rate of the truth is the average rate over a calendar year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CATEGORIES",
    "ACQUISITION_CHANNELS",
    "REPEAT_CHANNEL_MIX",
    "DEVICES",
    "REGIONS",
    "promotion_plan",
    "intensity_multiplier",
]

#: Categories: bilingual name, constant price elasticity, median base list price (CNY),
#: spend share at base prices, number of products, unit cost as a share of list price,
#: return rate (share of sold units returned).
CATEGORIES = pd.DataFrame(
    {
        "category": [
            "美妝 Beauty",
            "服飾 Apparel",
            "數碼 Electronics",
            "家居 Home",
            "母嬰 Baby",
            "食品 Food",
            "運動 Sports",
            "圖書 Books",
        ],
        "code": ["BEA", "APP", "ELE", "HOM", "BAB", "FOO", "SPO", "BOO"],
        "elasticity": [-1.6, -2.2, -1.3, -1.8, -0.9, -1.1, -2.6, -2.0],
        "median_price": [160.0, 200.0, 280.0, 120.0, 150.0, 70.0, 180.0, 60.0],
        "spend_share": [0.16, 0.18, 0.16, 0.12, 0.10, 0.10, 0.10, 0.08],
        "n_products": [24, 30, 20, 24, 18, 26, 20, 28],
        "cost_ratio": [0.35, 0.45, 0.70, 0.50, 0.55, 0.60, 0.50, 0.65],
        "return_rate": [0.04, 0.10, 0.06, 0.05, 0.03, 0.01, 0.07, 0.02],
        "noun": [
            "精華 Serum",
            "上衣 Top",
            "耳機 Earbuds",
            "收納 Organiser",
            "尿布 Diapers",
            "零食 Snack",
            "瑜伽墊 Yoga mat",
            "小說 Novel",
        ],
    }
)

#: Acquisition channels: nominal share of new customers and the tilt of that share with
#: a customer's (log) purchase rate: positive tilts attract frequent buyers.
ACQUISITION_CHANNELS = pd.DataFrame(
    {
        "channel": ["search", "social", "marketplace", "email", "affiliate", "direct"],
        "share": [0.28, 0.22, 0.24, 0.06, 0.08, 0.12],
        "rate_tilt": [0.0, -0.25, 0.0, 0.35, -0.30, 0.20],
    }
)

#: Channel of a repeat order: with probability ``REPEAT_SAME_CHANNEL`` the customer's
#: acquisition channel, otherwise drawn from this mix.
REPEAT_CHANNEL_MIX = {"search": 0.2, "social": 0.1, "marketplace": 0.2, "email": 0.2,
                      "affiliate": 0.05, "direct": 0.25}
REPEAT_SAME_CHANNEL = 0.5

#: Devices: share of orders per channel is ``DEVICES`` adjusted by channel in sim_core.
DEVICES = {"mobile": 0.62, "desktop": 0.30, "tablet": 0.08}

#: Regions of a cross-border shop and the countries within them (region share, countries).
REGIONS = {
    "Greater China": (0.40, ["CN", "HK", "TW"]),
    "Southeast Asia": (0.25, ["SG", "MY", "TH"]),
    "North America": (0.15, ["US", "CA"]),
    "Europe": (0.12, ["GB", "DE", "FR"]),
    "Oceania": (0.08, ["AU", "NZ"]),
}

WEEKDAY_FACTOR = np.array([0.97, 0.96, 0.97, 0.99, 1.02, 1.06, 1.03])  # Monday..Sunday
YEARLY_AMPLITUDE = 0.04  # +-4% yearly cycle in purchase intensity, peaking around 20 November
YEARLY_PEAK_DAY = 324


def promotion_plan(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Return the promotions calendar with the effect settings of each promotion.

    Per year of the period: 618 and Double 11 (``festival``, whole shop, raise purchase
    incidence and are followed by a dip), plus category and product promotions. Only the
    promotions that start and end inside the period are kept.

    Effect columns (all relative, 0 = no effect): ``choice_boost`` multiplies the choice
    weight of in-scope products beyond the price effect; ``incidence_boost`` multiplies
    purchase intensity during a festival; ``post_dip`` is the relative drop in the
    in-scope choice weight (or, for festivals, in purchase intensity) over ``post_weeks``
    after the end; ``cannibal`` the drop in the weight of non-promoted products of the
    same category during the promotion; ``halo`` the rise in the weight of
    ``halo_category`` during the promotion.
    """
    rows = []
    for year in range(start.year, end.year + 1):
        y = str(year)
        yy = y[2:]
        rows += [
            (f"F618-{yy}", f"618 年中大促 {y}", f"{y}-06-12", f"{y}-06-18", "festival", 0.15,
             "all", "", 60000.0, 0.0, 0.15, 0.10, 2, 0.0, 0.0, ""),
            (f"D11-{yy}", f"雙11 Double 11 {y}", f"{y}-11-04", f"{y}-11-11", "festival", 0.20,
             "all", "", 90000.0, 0.0, 0.25, 0.15, 2, 0.0, 0.0, ""),
        ]
    rows += [
        ("BEA-W38", "三八 Women's day beauty", "2024-03-04", "2024-03-10", "discount", 0.20,
         "category", "美妝 Beauty", 8000.0, 0.10, 0.0, 0.15, 2, 0.0, 0.08, "服飾 Apparel"),
        ("BOO-SCH", "開學季 Back to school books", "2024-08-26", "2024-09-08", "discount", 0.15,
         "category", "圖書 Books", 5000.0, 0.05, 0.0, 0.10, 2, 0.0, 0.0, ""),
        ("ELE-CPN", "數碼優惠券 Earbuds coupon", "2024-10-07", "2024-10-20", "coupon", 0.25,
         "product", "@ELE:3", 6000.0, 0.20, 0.0, 0.15, 2, 0.25, 0.0, ""),
        ("SPO-SPR", "春季運動 Spring sports", "2025-04-07", "2025-04-20", "discount", 0.20,
         "category", "運動 Sports", 7000.0, 0.10, 0.0, 0.12, 2, 0.0, 0.10, "服飾 Apparel"),
        ("BAB-BND", "母嬰套裝 Baby bundle", "2025-08-04", "2025-08-17", "bundle", 0.15,
         "product", "@BAB:2", 4000.0, 0.30, 0.0, 0.10, 2, 0.20, 0.0, ""),
        ("HOM-AUT", "秋季家居 Autumn home", "2025-09-15", "2025-09-28", "discount", 0.20,
         "category", "家居 Home", 6000.0, 0.05, 0.0, 0.12, 2, 0.0, 0.0, ""),
    ]
    cols = ["promo_id", "name", "start", "end", "kind", "discount", "scope_type", "scope",
            "cost", "choice_boost", "incidence_boost", "post_dip", "post_weeks", "cannibal",
            "halo", "halo_category"]
    plan = pd.DataFrame(rows, columns=cols)
    plan["start"] = pd.to_datetime(plan["start"]).astype("datetime64[us]")
    plan["end"] = pd.to_datetime(plan["end"]).astype("datetime64[us]")
    inside = (plan["start"] >= start) & (plan["end"] <= end)
    return plan.loc[inside].sort_values("start", kind="stable").reset_index(drop=True)


def _day_masks(days: pd.DatetimeIndex, starts, ends) -> np.ndarray:
    """Boolean matrix (promotion x day): is the day inside [start, end]."""
    d = days.values[None, :]
    return (d >= np.asarray(starts)[:, None]) & (d <= np.asarray(ends)[:, None])


def intensity_multiplier(days: pd.DatetimeIndex, plan: pd.DataFrame,
                         exclude: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(raw, normalised)`` daily purchase-intensity multipliers.

    ``raw`` is weekday x yearly cycle x festival boosts x post-festival dips;
    ``normalised`` divides it by its mean over each calendar year's simulated days.
    ``exclude`` names a promotion whose festival effects are left out (for counterfactuals;
    the normalisation of the full plan is kept so only that promotion changes).
    """
    weekday = WEEKDAY_FACTOR[np.asarray(days.day_of_week)]
    doy = np.asarray(days.day_of_year, dtype=float)
    yearly = 1 + YEARLY_AMPLITUDE * np.cos(2 * np.pi * (doy - YEARLY_PEAK_DAY) / 365.25)
    raw = weekday * yearly
    fest = plan[plan["kind"] == "festival"]
    full = raw.copy()
    cf = raw.copy()
    if len(fest):
        during = _day_masks(days, fest["start"], fest["end"])
        post_end = fest["end"] + pd.to_timedelta(7 * fest["post_weeks"], unit="D")
        after = _day_masks(days, fest["end"] + pd.Timedelta(days=1), post_end)
        for i, (pid, boost, dip) in enumerate(zip(fest["promo_id"], fest["incidence_boost"],
                                                  fest["post_dip"], strict=True)):
            factor = np.where(during[i], 1 + boost, 1.0) * np.where(after[i], 1 - dip, 1.0)
            full = full * factor
            if pid != exclude:
                cf = cf * factor
    years = np.asarray(days.year)
    norm = np.ones(len(days))
    for year in np.unique(years):
        sel = years == year
        norm[sel] = full[sel].mean()
    return cf, cf / norm
