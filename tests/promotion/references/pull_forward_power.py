"""How often can the sample shop's pull-forward estimates all have the right sign?

Run from the repository root (about 20 s):

    .venv/bin/python tests/promotion/references/pull_forward_power.py

For each promotion of the bundled shop it runs the chapter's pipeline (forecast baseline,
12 pre-weeks, 2 post-weeks, the pricing chapter's estimated elasticities), takes the
standard error of the pull-forward estimate from its 95% interval, and prints the true
dip, the estimate, truth / SE and the probability that an unbiased normal estimate with
that SE has the wrong sign, Phi(-|truth| / SE). Their complement's product is the chance
that all ten signs come out right on one draw of the shop; the last line says how many
times more data (SE proportional to 1 / sqrt(n)) would make that chance 95%.
"""

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ecomlib.datasets import load_sample_store
from ecomlib.pricing import estimate_elasticity
from ecomlib.promotion import daily_sales, promotion_effects


def main() -> None:
    store = load_sample_store()
    daily = daily_sales(store.transactions)
    elasticities = estimate_elasticity(store.transactions).summary()["elasticity"].dropna().to_dict()
    truth = store.truth["promotion_effects"].set_index("promo_id")["pull_forward"]
    rows = []
    for _, promo in store.promotions.iterrows():
        row = promotion_effects(daily, promo, store.promotions, elasticities=elasticities).table.loc["pull_forward"]
        se = (row["high"] - row["low"]) / (2 * stats.norm.ppf(0.975))
        rows.append((promo["promo_id"], truth[promo["promo_id"]], row["estimate"], se))
    table = pd.DataFrame(rows, columns=["promo_id", "true_dip", "estimate", "se"])
    table["truth_over_se"] = table["true_dip"].abs() / table["se"]
    table["p_wrong_sign"] = stats.norm.cdf(-table["truth_over_se"])
    table["sign_right"] = np.sign(table["estimate"]) == np.sign(table["true_dip"])
    with pd.option_context("display.width", 200):
        print(table.round(3).to_string(index=False))
    p_all = float(np.prod(1 - table["p_wrong_sign"]))
    print(f"signs right on this draw: {int(table['sign_right'].sum())} of {len(table)}")
    print(f"P(all signs right on one draw) = {p_all:.3f}; expected wrong signs = {table['p_wrong_sign'].sum():.2f}")

    def all_right(k: float) -> float:  # k times the data: SE / sqrt(k)
        return float(np.prod(1 - stats.norm.cdf(-table["truth_over_se"] * np.sqrt(k)))) - 0.95

    k = optimize.brentq(all_right, 1.0, 1000.0)
    print(f"data needed for P(all right) = 0.95: {k:.1f} times the bundled shop")


if __name__ == "__main__":
    main()
