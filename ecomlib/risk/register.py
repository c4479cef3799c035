"""Risk register scoring: likelihood x impact on 1-5 scales (book 9.1, 9.2).

A risk register lists each risk with how likely it is (1 = rare ... 5 = almost certain) and
how much it would hurt (1 = negligible ... 5 = severe). The risk score is

    score = likelihood x impact          (1 ... 25)

and falls into a rating band. The planned response (avoid, reduce, transfer, accept) lowers
the likelihood, the impact or neither, which gives the residual risk.

References
----------
ISO 31000:2018, *Risk management — Guidelines*; ISO/IEC 31010:2019, *Risk assessment
techniques*, B.10 (consequence/likelihood matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_frame

__all__ = [
    "DEFAULT_BANDS",
    "RESPONSES",
    "RESPONSE_EFFECT",
    "RiskMatrixResult",
    "risk_matrix",
]

#: The four classic responses to a risk.
RESPONSES = ("avoid", "reduce", "transfer", "accept")

#: Upper score (inclusive) of each rating band, lowest first.
DEFAULT_BANDS = {"low": 4, "medium": 9, "high": 15, "critical": 25}

#: Default change of (likelihood, impact) a response achieves when the register does not give
#: residual scores itself. Avoiding a risk makes it (almost) impossible; reducing lowers both
#: scores by one; transferring (insurance, contracts) moves part of the impact to someone
#: else; accepting changes nothing.
RESPONSE_EFFECT = {
    "avoid": ("set", 1, None),
    "reduce": ("minus", 1, 1),
    "transfer": ("minus", 0, 2),
    "accept": ("minus", 0, 0),
}


@dataclass(frozen=True)
class RiskMatrixResult:
    """Scored register.

    Attributes
    ----------
    register : DataFrame
        Valid rows, highest score first, with ``score``, ``rating``, ``residual_likelihood``,
        ``residual_impact``, ``residual_score``, ``residual_rating`` and ``priority`` (1 = first).
    matrix : DataFrame
        5 x 5 counts of risks, index ``likelihood`` 5..1 (top row most likely), columns
        ``impact`` 1..5.
    issues : DataFrame
        One row per problem found in the input (``row``, ``risk``, ``column``, ``problem``); such
        rows are left out of the scoring, never silently fixed.
    bands : dict
        The rating bands used.
    """

    register: pd.DataFrame
    matrix: pd.DataFrame
    issues: pd.DataFrame
    bands: dict

    def summary(self) -> pd.DataFrame:
        """Count of risks per rating band, before and after the planned responses."""
        order = list(self.bands)
        before = self.register["rating"].value_counts().reindex(order, fill_value=0)
        after = self.register["residual_rating"].value_counts().reindex(order, fill_value=0)
        return pd.DataFrame({"risks": before, "after_response": after}).rename_axis("rating")


def _rating(score: pd.Series, bands: dict) -> pd.Series:
    names = list(bands)
    edges = [0, *bands.values()]
    return pd.cut(score, bins=edges, labels=names, right=True).astype("str")


def _check_bands(bands: dict) -> dict:
    from ecomlib.errors import ParameterError

    uppers = list(bands.values())
    if not bands or any(np.diff(uppers) <= 0) or uppers[-1] != 25 or uppers[0] < 1:
        raise ParameterError(
            f"`bands` must map band names to increasing upper scores ending at 25, but {bands!r} "
            "was passed.",
            fix="For example {'low': 4, 'medium': 9, 'high': 15, 'critical': 25}.",
        )
    return dict(bands)


def _find_issues(df: pd.DataFrame, cols: dict) -> pd.DataFrame:
    """Return one row per invalid cell: scales outside 1-5, unknown responses, missing owners."""
    problems = []
    for key in ("likelihood", "impact"):
        values = pd.to_numeric(df[cols[key]], errors="coerce")
        bad = values.isna() | (values % 1 != 0) | (values < 1) | (values > 5)
        problems.append(
            pd.DataFrame({"row": df.index[bad], "column": cols[key], "problem": "must be a whole number 1-5"})
        )
    response = df[cols["response"]].astype("str").str.strip().str.lower()
    bad = ~response.isin(RESPONSES) | df[cols["response"]].isna()
    problems.append(
        pd.DataFrame({"row": df.index[bad], "column": cols["response"],
                      "problem": f"must be one of {', '.join(RESPONSES)}"})
    )
    owner = df[cols["owner"]]
    bad = owner.isna() | (owner.astype("str").str.strip() == "")
    problems.append(pd.DataFrame({"row": df.index[bad], "column": cols["owner"], "problem": "missing owner"}))
    issues = pd.concat(problems, ignore_index=True)
    issues.insert(1, "risk", df.loc[issues["row"], cols["risk"]].to_numpy())
    return issues.sort_values(["row", "column"], ignore_index=True)


def _residual(likelihood: pd.Series, impact: pd.Series, response: pd.Series):
    res_l = likelihood.copy()
    res_i = impact.copy()
    for name, (mode, dl, di) in RESPONSE_EFFECT.items():
        rows = response == name
        if mode == "set":
            res_l[rows] = dl
        else:
            res_l[rows] = (likelihood[rows] - dl).clip(lower=1)
            res_i[rows] = (impact[rows] - di).clip(lower=1)
    return res_l, res_i


def risk_matrix(
    register: pd.DataFrame,
    *,
    bands: dict | None = None,
    risk_col: str = "risk",
    likelihood_col: str = "likelihood",
    impact_col: str = "impact",
    owner_col: str = "owner",
    response_col: str = "response",
    residual_likelihood_col: str = "residual_likelihood",
    residual_impact_col: str = "residual_impact",
) -> RiskMatrixResult:
    """Score a risk register and place every risk in the 5 x 5 likelihood-impact matrix.

    Parameters
    ----------
    register : DataFrame
        One row per risk. Required columns: ``risk``, ``likelihood`` (1-5), ``impact`` (1-5),
        ``owner``, ``response`` (avoid / reduce / transfer / accept). Optional:
        ``residual_likelihood`` and ``residual_impact`` (the scores expected after the response);
        without them :data:`RESPONSE_EFFECT` gives the residual scores.
    bands : dict, optional
        Rating band name -> highest score in the band, increasing, last one 25. Default
        :data:`DEFAULT_BANDS` (1-4 low, 5-9 medium, 10-15 high, 16-25 critical).

    Returns
    -------
    RiskMatrixResult
        Rows with invalid scales, unknown responses or missing owners are listed in ``issues``
        and left out of ``register`` and ``matrix``. ``register`` always has a ``category``
        column (missing values when the input has none).

    Raises
    ------
    DataError
        When no row of the register can be scored.

    Examples
    --------
    >>> reg = pd.DataFrame({"risk": ["stock-out"], "category": ["supply"], "likelihood": [4],
    ...                     "impact": [5], "owner": ["ops"], "response": ["reduce"]})
    >>> row = risk_matrix(reg).register.iloc[0]
    >>> int(row["score"]), row["rating"], int(row["residual_score"])
    (20, 'critical', 12)
    """
    check_frame(register, "register")
    cols = {"risk": risk_col, "likelihood": likelihood_col, "impact": impact_col,
            "owner": owner_col, "response": response_col}
    check_columns(register, list(cols.values()), "register")
    bands = _check_bands(bands or DEFAULT_BANDS)

    issues = _find_issues(register, cols)
    valid = register.drop(index=issues["row"].unique())
    if valid.empty:
        top = issues.head(3).astype("str")
        first = "; ".join("row " + top["row"] + " (" + top["risk"] + "): " + top["column"] + " " + top["problem"])
        raise DataError(f"None of the {len(register)} register row(s) can be scored (scores 1-5, a known response "
                        f"and an owner are needed); first problems: {first}.")
    out = valid.copy()
    if "category" not in out.columns:
        out["category"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out[likelihood_col] = pd.to_numeric(out[likelihood_col]).astype("int64")
    out[impact_col] = pd.to_numeric(out[impact_col]).astype("int64")
    out[response_col] = out[response_col].astype("str").str.strip().str.lower()
    out["score"] = out[likelihood_col] * out[impact_col]
    out["rating"] = _rating(out["score"], bands)

    given = {residual_likelihood_col, residual_impact_col} <= set(out.columns)
    if given:
        res_l = pd.to_numeric(out[residual_likelihood_col]).astype("int64")
        res_i = pd.to_numeric(out[residual_impact_col]).astype("int64")
    else:
        res_l, res_i = _residual(out[likelihood_col], out[impact_col], out[response_col])
    out["residual_likelihood"] = res_l.astype("int64")
    out["residual_impact"] = res_i.astype("int64")
    out["residual_score"] = out["residual_likelihood"] * out["residual_impact"]
    out["residual_rating"] = _rating(out["residual_score"], bands)
    out = out.sort_values(["score", impact_col, likelihood_col], ascending=False, kind="stable")
    out["priority"] = np.arange(1, len(out) + 1)

    matrix = (
        pd.crosstab(out[likelihood_col], out[impact_col])
        .reindex(index=range(5, 0, -1), columns=range(1, 6), fill_value=0)
        .rename_axis(index="likelihood", columns="impact")
    )
    return RiskMatrixResult(register=out.reset_index(drop=True), matrix=matrix, issues=issues, bands=bands)
