"""A simulated category x week panel with one promoted category, for coverage checks of ``did``.

Eight categories, 12 weeks before and 2 during the promotion, like the notebook's case: log units =
category level + week shock shared by all categories + the category's own AR(1) noise (rho 0.5,
sd 0.15 a week) + the true effect in the promoted category's promotion weeks. Used by
``test_did_coverage.py`` and ``references/did_coverage.py``.
"""

import numpy as np
import pandas as pd

N_UNITS, PRE, POST, EFFECT = 8, 12, 2, np.log(1.5)


def simulated_panel(seed: int, *, n_units: int = N_UNITS, n_treated: int = 1, pre: int = PRE,
                    post: int = POST, effect: float = EFFECT, rho: float = 0.5, sd: float = 0.15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_t = pre + post
    level = rng.normal(6.0, 0.5, n_units)[:, None]
    week = rng.normal(0.0, 0.2, n_t)[None, :]
    noise = np.empty((n_units, n_t))
    noise[:, 0] = rng.normal(0.0, sd / np.sqrt(1 - rho**2), n_units)
    for t in range(1, n_t):
        noise[:, t] = rho * noise[:, t - 1] + rng.normal(0.0, sd, n_units)
    treated = (np.arange(n_units) < n_treated).astype(int)[:, None]
    is_post = (np.arange(n_t) >= pre).astype(int)[None, :]
    y = level + week + noise + effect * treated * is_post
    return pd.DataFrame({"unit": np.repeat([f"c{i}" for i in range(n_units)], n_t),
                         "week": np.tile(np.arange(n_t), n_units), "y": y.ravel(),
                         "treated": np.repeat(treated.ravel(), n_t), "post": np.tile(is_post.ravel(), n_units)})
