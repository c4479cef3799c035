"""Exercises of chapter 7 (notebook ``09_platforms``).

The notebook loads them with its own tables and settings::

    ex = exercises.load("platforms", lines=lines, fees=fees, deliveries=deliveries, tax_rules=rules,
                        fx=fx, new_platform_fixed=new_platform_fixed, target_margin=target_margin)

Expected answers are computed with this chapter's functions, so they follow the parameters.
"""

from __future__ import annotations

from ecomlib.platforms.channels import platform_overlap
from ecomlib.platforms.crossborder import landed_cost, localised_price
from ecomlib.platforms.partners import partner_scorecard
from ecomlib.platforms.pnl import break_even_volume, platform_pnl
from ecomlib.teaching import Mistake, Question

__all__ = ["EXERCISE_DESTINATION", "EXERCISE_PRICE_CNY", "EXERCISE_FREIGHT_CNY", "build"]

EXERCISE_DESTINATION = "US"
EXERCISE_PRICE_CNY = 300.0
EXERCISE_FREIGHT_CNY = 40.0


def _pnl(c):
    return platform_pnl(c["lines"], c["fees"])


def _best(c):
    t = _pnl(c)
    return str(t.loc[t["contribution_per_order"].idxmax(), "platform"])


def _best_gmv(c):
    t = _pnl(c)
    return str(t.loc[t["gmv"].idxmax(), "platform"])


def _multi_share(c):
    o = platform_overlap(c["lines"])
    return float(o.loc[o["n_platforms"] >= 2, "customers"].sum() / o["customers"].sum())


def _variable_contribution(c):
    t = _pnl(c)
    r = t.loc[t["contribution_per_order"].idxmax()]
    return float((r["contribution"] + r["fixed_fees"]) / r["orders"])


def _break_even(c):
    return float(break_even_volume(c["new_platform_fixed"], _variable_contribution(c)))


def _break_even_after_fixed(c):
    t = _pnl(c)
    return float(break_even_volume(c["new_platform_fixed"], float(t["contribution_per_order"].max())))


def _top_partner(c):
    sc = partner_scorecard(c["deliveries"])
    return sc.loc[sc["deliveries"].idxmax()]


def _otif(c):
    return float(_top_partner(c)["otif"])


def _on_time_only(c):
    return float(_top_partner(c)["on_time"])


def _rate(c):
    rules = c["tax_rules"]
    cur = rules.loc[rules["destination"] == EXERCISE_DESTINATION, "currency"].iloc[0]
    return float(c["fx"][cur])


def _landed(c):
    return float(landed_cost(EXERCISE_PRICE_CNY, EXERCISE_DESTINATION, fx_rate=_rate(c),
                             freight_cny=EXERCISE_FREIGHT_CNY, tax_rules=c["tax_rules"])["landed_cost"].iloc[0])


def _goods_only(c):
    return EXERCISE_PRICE_CNY / _rate(c)


def _local_price(c):
    return float(localised_price(c["target_margin"], EXERCISE_DESTINATION, unit_cost_cny=EXERCISE_PRICE_CNY / 2,
                                 fx_rate=_rate(c), tax_rules=c["tax_rules"])["local_price"].iloc[0])


def build(ctx: dict) -> list[Question]:
    """Return the chapter's questions for the tables and settings in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="Which platform earns the highest contribution per order (after fees, refunds, "
            "cost of goods, fulfilment and fixed fees)? Its name as in the table.",
            expected=_best,
            requires=["lines"],
            hints=["platform_pnl(lines, fees) gives contribution_per_order per platform.",
                   "Take the row with the largest contribution_per_order."],
            mistakes=[Mistake(_best_gmv, "That is the platform with the most GMV, not the most "
                              "contribution per order.")],
            solution_code="""
pnl = ecomlib.platforms.platform_pnl(lines, fees)
answer = pnl.loc[pnl["contribution_per_order"].idxmax(), "platform"]
""",
        ),
        Question(
            name="q2",
            prompt="A new platform costs `new_platform_fixed` CNY a month. If each order there earned what an "
            "order earns on the best platform of q1 BEFORE its fixed fees, how many orders a month cover it?",
            expected=_break_even,
            rel_tol=0.01,
            decimals=0,
            requires=["lines"],
            hints=["Contribution before fixed fees = (contribution + fixed_fees) / orders.",
                   "Orders needed = fixed costs / contribution per order (break_even_volume)."],
            mistakes=[Mistake(_break_even_after_fixed, "That per-order figure already pays that platform's own "
                              "fixed fees; add them back first.")],
            solution_code="""
pnl = ecomlib.platforms.platform_pnl(lines, fees)
best = pnl.loc[pnl["contribution_per_order"].idxmax()]
per_order = (best["contribution"] + best["fixed_fees"]) / best["orders"]
answer = ecomlib.platforms.break_even_volume(new_platform_fixed, per_order)
""",
        ),
        Question(
            name="q3",
            prompt="What share of the customers (with a completed order) bought on two or more platforms? "
            "A fraction.",
            expected=_multi_share,
            decimals=3,
            unit="share",
            requires=["lines"],
            hints=["platform_overlap(lines) counts customers per combination of platforms.",
                   "Sum the customers of combinations with n_platforms >= 2, divide by all."],
            solution_code="""
o = ecomlib.platforms.platform_overlap(lines)
answer = o.loc[o["n_platforms"] >= 2, "customers"].sum() / o["customers"].sum()
""",
        ),
        Question(
            name="q4",
            prompt="For the partner with the most deliveries, what share of deliveries were on time AND in "
            "full? A fraction.",
            expected=_otif,
            decimals=3,
            unit="share",
            requires=["deliveries"],
            hints=["On time: delivered_date <= promised_date. In full: quantity_delivered >= quantity_ordered.",
                   "Both must hold for the same delivery; take the mean of that over the partner's deliveries."],
            mistakes=[Mistake(_on_time_only, "That counts on-time deliveries only; a short delivery is not in full.")],
            solution_code="""
top = deliveries["partner"].value_counts().idxmax()
d = deliveries[deliveries["partner"] == top]
answer = ((d["delivered_date"] <= d["promised_date"]) & (d["quantity_delivered"] >= d["quantity_ordered"])).mean()
""",
        ),
        Question(
            name="q5",
            prompt=f"An item priced {EXERCISE_PRICE_CNY:g} CNY ships to {EXERCISE_DESTINATION} with "
            f"{EXERCISE_FREIGHT_CNY:g} CNY freight. What does the buyer pay in total, duty and import tax "
            "included, in the destination currency (the notebook's `fx` rates, no FX margin or platform fee)?",
            expected=_landed,
            rel_tol=0.005,
            decimals=2,
            unit="money",
            requires=["tax_rules"],
            hints=["landed_cost(price_cny, destination, fx_rate=..., freight_cny=..., tax_rules=rules).",
                   "The rate is CNY per unit of the destination currency: fx[currency]."],
            mistakes=[Mistake(_goods_only, "That is the goods alone; add freight, duty and import tax.")],
            solution_code=f"""
cur = tax_rules.loc[tax_rules["destination"] == "{EXERCISE_DESTINATION}", "currency"].iloc[0]
answer = ecomlib.platforms.landed_cost({EXERCISE_PRICE_CNY}, "{EXERCISE_DESTINATION}", fx_rate=fx[cur],
                                       freight_cny={EXERCISE_FREIGHT_CNY}, tax_rules=tax_rules)["landed_cost"].iloc[0]
""",
        ),
        Question(
            name="q6",
            prompt=f"An item costs {EXERCISE_PRICE_CNY / 2:g} CNY. Which local goods price in "
            f"{EXERCISE_DESTINATION} keeps the margin `target_margin` (no freight, fees or FX margin)?",
            expected=_local_price,
            rel_tol=0.005,
            decimals=2,
            unit="money",
            requires=["tax_rules"],
            hints=["localised_price(target_margin, destination, unit_cost_cny=..., fx_rate=...).",
                   "Margin = (price x rate - cost) / (price x rate), so price = cost / (1 - margin) / rate."],
            solution_code=f"""
cur = tax_rules.loc[tax_rules["destination"] == "{EXERCISE_DESTINATION}", "currency"].iloc[0]
answer = ecomlib.platforms.localised_price(target_margin, "{EXERCISE_DESTINATION}",
                                           unit_cost_cny={EXERCISE_PRICE_CNY / 2}, fx_rate=fx[cur],
                                           tax_rules=tax_rules)["local_price"].iloc[0]
""",
        ),
    ]
