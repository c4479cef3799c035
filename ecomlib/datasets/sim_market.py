"""Market tables of the sample shop: industry size per segment and the competitor set.

Runs after the core simulation and reads its ``transactions`` (completed lines) and
``shop_name``. Draws only from ``ctx.rng("market")``. Years are the calendar years of the
simulated period; a year only partly simulated is reported for its simulated days only
(every figure below is multiplied by the covered share of that year, ``cover_y``).

market (one row per year and segment)
    Segments are the shop's categories. The shop's own revenue in a segment, annualised,
    is ``S_{s,y} = revenue_{s,y} / cover_y``. In the first year the shop holds a true segment
    share ``q_s ~ Uniform(SEGMENT_SHARE_RANGE)``, fixing the segment's annualised size
    ``M_{s,y0} = S_{s,y0} / q_s``. Each segment then grows at its true yearly rate
    ``g_s`` (:data:`SEGMENT_GROWTH`) with a small log-normal wobble::

        market_size_{s,y} = M_{s,y0} (1 + g_s)^(y - y0) exp(e_{s,y}) cover_y,   e ~ N(0, 0.02^2)

    rounded to whole CNY (the first year has no wobble).

competitors (one row per company and year)
    The shop's competitive set: the shop itself (named ``truth["shop_name"]``) and the
    companies of :data:`COMPETITORS`. The shop's ``sales`` are exactly its completed revenue
    of the year (CNY, to the cent); its ``avg_price`` is completed revenue / completed units.
    A competitor c has annualised sales ``k_c x S_{y0} (1 + g_c)^(y - y0)``, where ``S_{y0}``
    is the shop's annualised first-year revenue, ``k_c`` its listed size relative to the shop
    times ``exp(N(0, 0.1^2))`` and ``g_c`` its listed growth plus ``N(0, 0.03^2)``; times
    ``cover_y``, rounded to whole CNY. Its ``avg_price`` is the shop's first-year average price
    times its listed price ratio times ``exp(N(0, 0.05^2))`` (CNY, 2 decimals), ``rating`` its
    listed rating plus ``N(0, 0.05^2)``, 1 decimal, 1-5.

Truth: each company's share of the set's sales per year (``market_shares``), the HHI
(0-10,000) and CR4 per year computed from exactly the sales in the table, the segments'
true growth rates and first-year shop shares, and the competitors' settings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.simulation import SimContext, SimResult

NAME = "market"

#: True yearly growth of each segment's market (fraction), by category code.
SEGMENT_GROWTH = {"BEA": 0.12, "APP": 0.04, "ELE": 0.07, "HOM": 0.09,
                  "BAB": 0.02, "FOO": 0.15, "SPO": 0.11, "BOO": -0.03}  # fmt: skip
#: Range of the shop's true first-year share of each segment's market.
SEGMENT_SHARE_RANGE = (0.004, 0.02)
MARKET_WOBBLE_SD = 0.02

#: Competitors: name, size relative to the shop, yearly growth, price ratio vs the shop, rating.
#: They are fictional cross-border shops and brands (like the shop itself), not platforms such as
#: Tmall Global or JD: a shop competes with other sellers, the platforms are its channels.
COMPETITORS = pd.DataFrame(
    [
        ("海淘優品 HaiTao Select", 9.0, 0.06, 0.95, 4.6),
        ("環球好物 Global Goods", 7.0, 0.08, 1.05, 4.7),
        ("省心購 ThriftBuy", 5.0, 0.25, 0.60, 4.0),
        ("優選家 YouXuan Home", 2.5, -0.05, 1.00, 4.4),
        ("紅葉美妝 Maple Beauty", 2.0, 0.18, 1.30, 4.5),
        ("匯品 HuiPin", 1.6, 0.01, 0.85, 4.3),
        ("洋貨鋪 Import Corner", 1.0, -0.08, 1.15, 4.1),
        ("萌寶屋 BabyNest", 0.8, 0.03, 0.90, 4.2),
        ("潮流社 TrendHouse", 3.0, 0.35, 0.75, 4.2),
        ("豆豆精選 Doudou Picks", 0.6, 0.10, 1.40, 4.5),
        ("全球優選 Global Select", 0.5, 0.00, 1.20, 3.9),
    ],
    columns=["company", "relative_size", "growth", "price_ratio", "rating"],
)

__all__ = ["COMPETITORS", "NAME", "SEGMENT_GROWTH", "simulate"]


def _year_cover(ctx: SimContext) -> pd.Series:
    """Share of each calendar year covered by the simulated days."""
    days = ctx.days
    covered = pd.Series(1, index=days).groupby(days.year).sum()
    in_year = pd.Series(
        [366 if pd.Timestamp(f"{y}-12-31").day_of_year == 366 else 365 for y in covered.index],
        index=covered.index,
    )
    return covered / in_year


def _shop_sales(ctx: SimContext) -> pd.DataFrame:
    """Completed revenue and units per year and category."""
    t = ctx.tables["transactions"]
    done = t[t["status"] == "completed"]
    frame = pd.DataFrame(
        {
            "year": done["order_date"].dt.year.to_numpy(),
            "category": done["category"].to_numpy(),
            "revenue": done["revenue"].to_numpy(dtype=float),
            "quantity": done["quantity"].to_numpy(dtype=float),
        }
    )
    return frame.groupby(["year", "category"], as_index=False)[["revenue", "quantity"]].sum()


def _market_table(rng, shop, cover, codes) -> tuple[pd.DataFrame, dict, dict]:
    years = cover.index.to_numpy()
    y0 = years[0]
    first = shop[shop["year"] == y0].set_index("category")["revenue"] / cover[y0]
    segments = sorted(shop["category"].unique())
    q = rng.uniform(*SEGMENT_SHARE_RANGE, size=len(segments))
    growth = np.array([SEGMENT_GROWTH.get(codes.get(s, ""), 0.05) for s in segments])
    wobble = rng.normal(0.0, MARKET_WOBBLE_SD, size=(len(years), len(segments)))
    wobble[0] = 0.0
    base = first.reindex(segments).fillna(first.mean()).to_numpy() / q
    t = (years - y0)[:, None]
    size = base[None, :] * (1 + growth[None, :]) ** t * np.exp(wobble) * cover.to_numpy()[:, None]
    market = pd.DataFrame(
        {
            "year": np.repeat(years, len(segments)).astype("int64"),
            "segment": np.tile(segments, len(years)),
            "market_size": np.round(size.reshape(-1)),
        }
    ).astype({"segment": "str"})
    growth_truth = {s: float(g) for s, g in zip(segments, growth, strict=True)}
    share_truth = {s: float(v) for s, v in zip(segments, q, strict=True)}
    return market, growth_truth, share_truth


def _competitors_table(rng, shop, cover, shop_name) -> tuple[pd.DataFrame, pd.DataFrame]:
    years = cover.index.to_numpy()
    y0 = years[0]
    totals = shop.groupby("year")[["revenue", "quantity"]].sum().reindex(years, fill_value=0.0)
    shop_annual = totals.loc[y0, "revenue"] / cover[y0]
    shop_price = totals.loc[y0, "revenue"] / totals.loc[y0, "quantity"]
    n = len(COMPETITORS)
    size = COMPETITORS["relative_size"].to_numpy() * np.exp(rng.normal(0, 0.1, n))
    growth = COMPETITORS["growth"].to_numpy() + rng.normal(0, 0.03, n)
    price = np.round(COMPETITORS["price_ratio"].to_numpy() * shop_price * np.exp(rng.normal(0, 0.05, n)), 2)
    rating = np.clip(np.round(COMPETITORS["rating"].to_numpy() + rng.normal(0, 0.05, n), 1), 1, 5)
    t = (years - y0)[:, None]
    sales = np.round(shop_annual * size[None, :] * (1 + growth[None, :]) ** t * cover.to_numpy()[:, None])
    rivals = pd.DataFrame(
        {
            "company": np.tile(COMPETITORS["company"].to_numpy(), len(years)),
            "year": np.repeat(years, n),
            "sales": sales.reshape(-1),
            "avg_price": np.tile(price, len(years)),
            "rating": np.tile(rating, len(years)),
        }
    )
    own_price = (totals["revenue"] / totals["quantity"].where(totals["quantity"] > 0)).round(2)
    own = pd.DataFrame(
        {
            "company": shop_name,
            "year": years,
            "sales": np.round(totals["revenue"].to_numpy(), 2),
            "avg_price": own_price.to_numpy(),
            "rating": 4.5,
        }
    )
    table = pd.concat([own, rivals], ignore_index=True).astype(
        {"company": "str", "year": "int64", "sales": "float64", "avg_price": "float64", "rating": "float64"}
    )
    settings = COMPETITORS.assign(relative_size=size, growth=growth, avg_price=price, rating=rating)
    return table.sort_values(["year", "sales"], ascending=[True, False]).reset_index(drop=True), settings


def _concentration_truth(table: pd.DataFrame) -> tuple[pd.DataFrame, dict, dict]:
    sales = table["sales"].to_numpy()
    year = table["year"].to_numpy()
    totals = pd.Series(sales).groupby(year).transform("sum").to_numpy()
    shares = table[["year", "company", "sales"]].assign(share=sales / totals)
    hhi, cr4 = {}, {}
    for y, part in shares.groupby("year"):
        s = part["share"].to_numpy()
        hhi[str(y)] = float(np.sum((100.0 * s) ** 2))
        cr4[str(y)] = float(np.sort(s)[::-1][:4].sum())
    return shares.reset_index(drop=True), hhi, cr4


def simulate(ctx: SimContext) -> SimResult:
    """Simulate ``market`` and ``competitors`` and their truth (see the module docstring)."""
    rng = ctx.rng(NAME)
    from ecomlib.datasets.core_calendar import CATEGORIES

    codes = dict(zip(CATEGORIES["category"], CATEGORIES["code"], strict=True))
    shop_name = str(ctx.truth.get("shop_name", "Sample Shop"))
    cover = _year_cover(ctx)
    shop = _shop_sales(ctx)
    market, segment_growth, segment_share = _market_table(rng, shop, cover, codes)
    competitors, settings = _competitors_table(rng, shop, cover, shop_name)
    shares, hhi, cr4 = _concentration_truth(competitors)
    truth = {
        "market_shares": shares,
        "market_hhi": hhi,
        "market_cr4": cr4,
        "market_segment_growth": segment_growth,
        "market_shop_segment_share": segment_share,
        "market_competitor_settings": settings,
        "market_year_cover": {str(y): float(v) for y, v in cover.items()},
    }
    truth_doc = {
        "market_shares": "per year and company of the competitor set: sales (CNY) and true share "
        "of the set's sales that year (fraction); the shop's sales are its completed revenue",
        "market_hhi": "year -> Herfindahl-Hirschman index of the competitor set (0-10,000), from "
        "exactly the sales in the competitors table",
        "market_cr4": "year -> combined share of the four largest companies of the set (fraction)",
        "market_segment_growth": "segment -> true yearly growth rate of its market size (fraction); "
        "each year's size also carries a log-normal wobble with sd 0.02",
        "market_shop_segment_share": "segment -> the shop's true share of that segment's market in "
        "the first simulated year (fraction)",
        "market_competitor_settings": "per competitor: relative size to the shop in the first year, "
        "true yearly growth (fraction), avg_price (CNY) and rating (1-5) as simulated",
        "market_year_cover": "year -> share of the calendar year inside the simulated period; market "
        "sizes and competitor sales of a partial year cover only its simulated days",
    }
    return SimResult(tables={"market": market, "competitors": competitors}, truth=truth, truth_doc=truth_doc)
