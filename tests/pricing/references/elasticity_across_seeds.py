"""Elasticity errors of the sample shop across simulator seeds, by price measure.

Run from the repository root (about 15 s per seed):

    .venv/bin/python tests/pricing/references/elasticity_across_seeds.py 1 2 3 4 5 6 7 8

For each seed it simulates the default shop (20,000 customers), estimates the category
elasticities with weekly period fixed effects and the share adjustment, once with the
fixed-weight price index and once with the unit value, and prints the error against the
truth per category; at the end the mean error, its spread and the largest absolute error
per category and measure. These are the figures quoted in tests/pricing/test_sample_shop.py.
"""

import sys

import pandas as pd

from ecomlib.datasets import make_store
from ecomlib.pricing import estimate_elasticity


def main(seeds: list[int]) -> None:
    rows = []
    for seed in seeds:
        store = make_store(seed=seed)
        for measure in ("index", "unit_value"):
            table = estimate_elasticity(store.transactions, controls=("period",),
                                        price_measure=measure).summary()
            error = table["elasticity"] - table.index.map(store.truth["elasticity"])
            for group, value in error.items():
                rows.append((seed, measure, group, value, table.loc[group, "std_error"]))
            print(seed, measure, error.round(3).to_dict(), flush=True)
    frame = pd.DataFrame(rows, columns=["seed", "measure", "category", "error", "std_error"])
    summary = frame.groupby(["measure", "category"])["error"].agg(
        mean="mean", sd="std", largest=lambda e: e.abs().max())
    summary["mean_std_error"] = frame.groupby(["measure", "category"])["std_error"].mean()
    with pd.option_context("display.width", 200):
        print(summary.round(3))
        misses = frame.assign(miss=frame["error"].abs() >= 0.15).groupby(["measure", "seed"])["miss"].any()
        print(misses.groupby("measure").sum().rename("seeds with a category 0.15 or more off"))


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or [1, 2, 3, 4, 5, 6, 7, 8])
