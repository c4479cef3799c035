"""Regenerate the reference values of tests/pricing that come from another library.

Run from the repository root:  .venv/bin/python tests/pricing/references/regenerate.py

elasticity_statsmodels.json: elasticities of the synthetic shop of tests/pricing/conftest.py
(seed 11, shared shock 0.1) fitted with the statsmodels *formula* API, whose design matrix
(patsy) is built independently of ecomlib's: per group ``log_units ~ log_price + trend +
season`` and jointly ``log_units ~ 0 + C(group) + C(group):log_price + C(week)``.
"""

import importlib.util
import json
from pathlib import Path

import statsmodels.formula.api as smf

from ecomlib.pricing import price_quantity_observations

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("synthetic", HERE.parent / "synthetic.py")
_synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_synthetic)
synthetic_lines = _synthetic.synthetic_lines

ELASTICITIES = {"tea": -2.0, "cups": -1.5, "rice": -0.8}
SEED = 11


def main() -> None:
    lines = synthetic_lines(ELASTICITIES, seed=SEED, shared_shock=0.1)
    fits = {}
    obs = price_quantity_observations(lines, controls=("trend", "season")).query("units > 0")
    seasonal = "trend + season_sin1 + season_cos1 + season_sin2 + season_cos2"
    fits["trend+season"] = {
        g: smf.ols(f"log_units ~ log_price + {seasonal}", d).fit().params["log_price"]
        for g, d in obs.groupby("group")
    }
    obs = obs.assign(week=obs["period_start"].astype("str"))
    joint = smf.ols("log_units ~ 0 + C(group) + C(group):log_price + C(week)", obs).fit()
    fits["period"] = {g: joint.params[f"C(group)[{g}]:log_price"] for g in ELASTICITIES}
    out = {"elasticities": ELASTICITIES, "seed": SEED,
           "fits": {k: {g: float(v) for g, v in f.items()} for k, f in fits.items()}}
    (HERE / "elasticity_statsmodels.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
