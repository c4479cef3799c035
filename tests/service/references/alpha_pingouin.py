"""Regenerate tests/service/references/alpha_pingouin.json with pingouin 0.5.x/0.7.0's
``cronbach_alpha`` (GPL-3; test-only oracle) on seeded Likert data (no missing answers).

    python tests/service/references/alpha_pingouin.py
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin


def likert(seed, n, k, loading):
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    raw = loading * trait + rng.normal(size=(n, k))
    return pd.DataFrame(np.clip(np.round(3 + raw), 1, 5), columns=[f"q{i + 1}" for i in range(k)])


CASES = [(1, 50, 4, 1.0), (2, 200, 6, 0.6), (3, 30, 3, 2.0)]


def main():
    out = []
    for seed, n, k, loading in CASES:
        a, ci = pingouin.cronbach_alpha(likert(seed, n, k, loading))
        out.append({"seed": seed, "n": n, "k": k, "loading": loading, "alpha": float(a),
                    "ci_low": float(ci[0]), "ci_high": float(ci[1])})
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps({"source": f"pingouin {pingouin.__version__} cronbach_alpha",
                                "cases": out}, indent=1) + "\n")
    print(path)


if __name__ == "__main__":
    main()
