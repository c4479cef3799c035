"""Exercises of chapters 3.1 and 4 (notebook ``01_market_analysis``).

The notebook loads them with its own data::

    ex = exercises.load("market", tx=tx, market=market, competitors=competitors,
                        hhi_bands=hhi_bands, shop=shop_name)

``tx`` are the canonical transactions, ``market`` and ``competitors`` the market tables
(None when missing), ``hhi_bands`` the notebook's parameter, ``shop`` the shop's name among
the competitors (None when it is not one of them). Expected answers are computed
from them with this chapter's functions, so they follow the notebook's parameters.
"""

from __future__ import annotations

from ecomlib.market.competitors import competitor_benchmark
from ecomlib.market.concentration import concentration, market_shares
from ecomlib.market.growth import cagr_table
from ecomlib.market.merger import merger_hhi
from ecomlib.market.pareto import abc_analysis
from ecomlib.market.shop_sales import daily_sales
from ecomlib.teaching import Mistake, Question

__all__ = ["build"]


def _last_year_shares(ctx):
    comp = ctx["competitors"]
    last = comp[comp["year"] == comp["year"].max()]
    return market_shares(last)


def _last(ctx):
    comp = ctx["competitors"]
    return comp[comp["year"] == comp["year"].max()]


def _market_cagr(ctx):
    return float(cagr_table(ctx["market"], "market_size", "year")["cagr"].iloc[0])


def _largest_two(ctx):
    shares = _last_year_shares(ctx)
    return tuple(shares["company"].iloc[:2])


def _shop_price_index(ctx):
    bench = competitor_benchmark(ctx["competitors"], shop=ctx["shop"]).set_index("company")
    return float(bench.loc[ctx["shop"], "price_index"])


def build(ctx: dict) -> list[Question]:
    """Return the chapter-4 questions for the data in ``ctx``."""
    bands = str(ctx.get("hhi_bands") or "2023")
    return [
        Question(
            name="q1",
            prompt="3.1 What share of the shop's products (a fraction, 0.2 = 20 %) brings the first "
            "80 % of its completed revenue (ABC class A)?",
            expected=lambda c: abc_analysis(c["tx"]).item_share_for_a,
            decimals=3,  # printed as a percent with 1 decimal (48.4% = 0.484)
            unit="share",
            requires=["tx"],
            hints=[
                "Sum completed revenue per product_id, sort from largest to smallest and take the "
                "cumulative share of revenue.",
                "Class A holds the products until (and including) the one that crosses 80 %: count "
                "those whose cumulative share *before* them is below 0.8, divide by the number of "
                "products with revenue.",
            ],
            mistakes=[
                Mistake(lambda c: 0.8, "0.8 is the revenue threshold; the question asks for the share "
                        "of products that reaches it."),  # fmt: skip
                Mistake(lambda c: float((abc_analysis(c["tx"]).table["cum_share"] <= 0.8).mean()),
                        "Close: you left out the product that crosses the 80 % line; it belongs to A."),
            ],
            solution_code="""
done = tx[tx["status"] == "completed"]
revenue = done.groupby("product_id")["revenue"].sum()
revenue = revenue[revenue > 0].sort_values(ascending=False)
share = revenue / revenue.sum()
before = share.cumsum() - share
answer = (before < 0.8).mean()
""",
        ),
        Question(
            name="q2",
            prompt="4.1 What is the compound annual growth rate (CAGR) of the whole market (all "
            "segments added up) from the first to the last year of the market table, as a fraction?",
            expected=_market_cagr,
            decimals=3,  # printed as a percent with 1 decimal
            unit="share",
            requires=["market"],
            hints=[
                "Add up market_size per year first; CAGR = (last / first) ** (1 / years) - 1.",
                "years is the last year minus the first year (2024 -> 2025 is 1 year).",
            ],
            mistakes=[
                Mistake(lambda c: float(c["market"].groupby("segment")["market_size"].apply(
                    lambda s: s.iloc[-1] / s.iloc[0]).mean() - 1),
                    "You averaged the segments' growth; the question is about the total market."),  # fmt: skip
            ],
            solution_code="""
yearly = market.groupby("year")["market_size"].sum()
years = yearly.index[-1] - yearly.index[0]
answer = (yearly.iloc[-1] / yearly.iloc[0]) ** (1 / years) - 1
""",
        ),
        Question(
            name="q3",
            prompt="4.2 What is the HHI (0-10,000 scale) of the competitor set in the last year?",
            expected=lambda c: concentration(_last_year_shares(c)).hhi,
            decimals=0,  # printed as 1,540
            unit="number",
            requires=["competitors"],
            hints=[
                "Turn each company's sales of the last year into a share of that year's total.",
                "HHI = sum of squared shares, with shares in percent (a 30 % share adds 900).",
            ],
            mistakes=[
                Mistake(lambda c: concentration(_last_year_shares(c)).hhi / 10_000,
                        "You squared fractions; the 0-10,000 scale squares percentages."),
                Mistake(lambda c: float(c["competitors"].assign(s=lambda d: 100 * d["sales"] / d["sales"].sum())
                                        ["s"].pow(2).sum()),
                        "You took shares of all years together; use the last year only."),  # fmt: skip
            ],
            solution_code="""
last = competitors[competitors["year"] == competitors["year"].max()]
shares = 100 * last["sales"] / last["sales"].sum()
answer = (shares ** 2).sum()
""",
        ),
        Question(
            name="q4",
            prompt="4.2 By how much would the HHI rise if the two largest companies of the last year "
            f"merged? (The notebook reads it against the {bands} guideline bands.)",
            expected=lambda c: merger_hhi(_last_year_shares(c), _largest_two(c)).delta,
            decimals=0,  # the merger panel prints (+1,062)
            unit="number",
            requires=["competitors"],
            hints=[
                "Adding shares a and b before squaring adds the cross term: (a + b)^2 - a^2 - b^2.",
                "The change is 2 x a x b with a, b the two largest shares in percent.",
            ],
            mistakes=[
                Mistake(lambda c: merger_hhi(_last_year_shares(c), _largest_two(c)).hhi_after,
                        "That is the HHI after the merger; the question asks for the change."),
            ],
            solution_code="""
last = competitors[competitors["year"] == competitors["year"].max()]
shares = (100 * last["sales"] / last["sales"].sum()).sort_values(ascending=False)
answer = 2 * shares.iloc[0] * shares.iloc[1]
""",
        ),
        Question(
            name="q5",
            prompt="4.2 What is the shop's own price index in the last year of the competitors table "
            "(100 = its competitors' average price)? The reference price is the sales-weighted average "
            "avg_price of every company but the shop: sum(sales x avg_price) / sum(sales).",
            expected=_shop_price_index,
            decimals=0,  # printed as 'index 108'
            unit="number",
            requires=["competitors", "shop"],
            hints=[
                "Keep the last year, and leave the shop's own row out of the reference price.",
                "price index = 100 x the shop's avg_price / (sum of sales x avg_price / sum of sales "
                "over the other companies).",
            ],
            mistakes=[
                Mistake(lambda c: float(100 * _last(c).set_index("company").loc[c["shop"], "avg_price"]
                                        / (_last(c)["sales"] * _last(c)["avg_price"]).sum() * _last(c)["sales"].sum()),
                        "You kept the shop in its own reference price; compare it with the others only."),  # fmt: skip
                Mistake(lambda c: float(100 * _last(c).set_index("company").loc[c["shop"], "avg_price"]
                                        / _last(c).loc[_last(c)["company"] != c["shop"], "avg_price"].mean()),
                        "You took the plain average of the others' prices; weight them by sales."),  # fmt: skip
            ],
            solution_code="""
last = competitors[competitors["year"] == competitors["year"].max()]
others = last[last["company"] != shop]
reference = (others["sales"] * others["avg_price"]).sum() / others["sales"].sum()
own_price = last.loc[last["company"] == shop, "avg_price"].iloc[0]
answer = 100 * own_price / reference
""",
        ),
        Question(
            name="q6",
            prompt="4.4 What does the seasonal-naive rule (weekly season) forecast for the day after "
            "the data ends, in CNY of completed revenue?",
            expected=lambda c: float(daily_sales(c["tx"]).iloc[-7]),
            decimals=0,
            unit="money",
            requires=["tx"],
            hints=[
                "Build daily completed revenue, with days without sales as 0.",
                "Seasonal naive: tomorrow = the same weekday one week earlier, i.e. 7 days before "
                "tomorrow, which is the 7th value from the end.",
            ],
            mistakes=[
                Mistake(lambda c: float(daily_sales(c["tx"]).iloc[-1]),
                        "That is the plain naive rule (the last day); the seasonal rule repeats last "
                        "week's same weekday."),  # fmt: skip
                Mistake(lambda c: float(daily_sales(c["tx"]).iloc[-8]),
                        "One day off: the day after the end is 7 days after the 7th-last day."),
            ],
            solution_code="""
done = tx[tx["status"] == "completed"]
daily = done.groupby(done["order_date"].dt.normalize())["revenue"].sum()
daily = daily.asfreq("D", fill_value=0.0)
answer = daily.iloc[-7]
""",
        ),
    ]
