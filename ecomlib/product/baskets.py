"""Market-basket association rules for cross-selling and bundles (book 3.2 and 5.3).

The book speaks of cross-selling and bundles; it gives no method. Ours counts, on a sparse
basket x product matrix, how often products are bought together and turns frequent pairs (and,
optionally, triples) into rules ``A -> C`` ("baskets with A also hold C"), each with:

* ``support`` = share of baskets holding A and C; ``n_baskets`` = their number;
* ``confidence`` = support(A and C) / support(A), the share of A's baskets that also hold C;
* ``lift`` = confidence / support(C): above 1, C is more likely with A than without it;
* ``leverage`` = support(A and C) - support(A) support(C), the excess share of baskets;
* ``conviction`` = (1 - support(C)) / (1 - confidence), infinite when confidence is 1.

Counting is vectorised: pair counts are the off-diagonal of ``X'X`` for the 0/1 matrix ``X``, and
triple counts are ``Z'X`` where each column of ``Z`` marks the baskets holding one frequent pair.
These are the usual definitions of Agrawal, Imielinski & Swami (1993) and Brin et al. (1997).

References
----------
Agrawal, R., Imielinski, T. & Swami, A. (1993). Mining association rules between sets of items in
large databases. *SIGMOD '93*, 207-216.
Brin, S., Motwani, R., Ullman, J. D. & Tsur, S. (1997). Dynamic itemset counting and implication
rules for market basket data. *SIGMOD '97*, 255-264.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_probability

__all__ = ["BasketMatrix", "association_rules", "basket_matrix", "frequent_itemsets", "rules_for_pairs",
           "rules_without_pairs", "support_for_top_pairs"]

RULE_COLUMNS = [
    "antecedents",
    "consequents",
    "n_baskets",
    "support",
    "antecedent_support",
    "consequent_support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
]


@dataclass(frozen=True)
class BasketMatrix:
    """A 0/1 basket x product matrix (``scipy.sparse`` CSC) with its labels.

    Attributes
    ----------
    matrix : scipy.sparse.csc_matrix
        ``matrix[i, j] = 1`` when basket ``i`` holds product ``j`` (quantity ignored).
    baskets, products : pandas.Index
        Row and column labels.
    """

    matrix: sparse.csc_matrix
    baskets: pd.Index
    products: pd.Index

    @property
    def n_baskets(self) -> int:
        return self.matrix.shape[0]


def basket_matrix(lines: pd.DataFrame, *, basket_col: str = "order_id", item_col: str = "product_id") -> BasketMatrix:
    """Build the sparse basket x product matrix from order lines.

    Parameters
    ----------
    lines : pandas.DataFrame
        One row per order line (a product appearing twice in an order counts once).
    basket_col, item_col : str
        Columns naming the basket (order) and the product.

    Returns
    -------
    BasketMatrix
    """
    lines = check_frame(lines, "lines")
    check_columns(lines, [basket_col, item_col], "lines")
    if lines[[basket_col, item_col]].isna().any().any():
        raise DataError(
            f"`lines` has missing values in {basket_col!r} or {item_col!r}.",
            fix="Drop order lines without an order or product id before building baskets.",
        )
    b_codes, baskets = pd.factorize(lines[basket_col], sort=True)
    i_codes, products = pd.factorize(lines[item_col], sort=True)
    data = np.ones(len(lines), dtype=np.int32)
    mat = sparse.coo_matrix((data, (b_codes, i_codes)), shape=(len(baskets), len(products))).tocsc()
    mat.sum_duplicates()
    mat.data[:] = 1
    return BasketMatrix(mat.astype(np.int32), pd.Index(baskets), pd.Index(products))


def _as_matrix(baskets) -> BasketMatrix:
    if isinstance(baskets, BasketMatrix):
        return baskets
    if isinstance(baskets, pd.DataFrame):
        return basket_matrix(baskets)
    raise ParameterError(
        f"`baskets` must be a BasketMatrix or a DataFrame of order lines, not a {type(baskets).__name__}.",
        fix="Pass order lines with `order_id` and `product_id`, or ecomlib.product.basket_matrix(lines).",
    )


def _min_count(min_support: float, n: int) -> int:
    return max(int(np.ceil(min_support * n - 1e-9)), 1)


def frequent_itemsets(baskets, *, min_support: float = 0.01, max_size: int = 2) -> pd.DataFrame:
    """Products, pairs (and triples) held by at least ``min_support`` of the baskets.

    Parameters
    ----------
    baskets : BasketMatrix or pandas.DataFrame
        From :func:`basket_matrix`, or order lines (``order_id``, ``product_id``).
    min_support : float
        Minimum share of baskets, in (0, 1].
    max_size : {1, 2, 3}
        Largest itemset size.

    Returns
    -------
    pandas.DataFrame
        ``itemsets`` (tuple of product ids, sorted), ``size``, ``n_baskets``, ``support``.
    """
    bm = _as_matrix(baskets)
    min_support = check_probability("min_support", min_support, open_interval=False)
    if min_support == 0:
        raise ParameterError("`min_support` must be > 0 (a zero support lists every combination).")
    if max_size not in (1, 2, 3):
        raise ParameterError(f"`max_size` must be 1, 2 or 3, but {max_size!r} was passed.")
    counts = _counts(bm, _min_count(min_support, bm.n_baskets), max_size)
    rows = []
    for size, (idx, cnt) in counts.items():
        labels = bm.products.to_numpy()[idx]
        rows.append(
            pd.DataFrame(
                {"itemsets": [tuple(r) for r in labels.reshape(len(cnt), size)], "size": size, "n_baskets": cnt}
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["support"] = out["n_baskets"] / bm.n_baskets
    return out


def _counts(bm: BasketMatrix, min_count: int, max_size: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Column indices (n x size, ascending within a row) and basket counts of frequent itemsets."""
    X = bm.matrix
    single = np.asarray(X.sum(axis=0)).ravel()
    keep = np.flatnonzero(single >= min_count)
    out = {1: (keep[:, None], single[keep])}
    if max_size < 2 or len(keep) < 2:
        return out
    Xk = X[:, keep]
    co = sparse.triu(Xk.T @ Xk, k=1).tocoo()
    frequent = co.data >= min_count
    a, b, n2 = keep[co.row[frequent]], keep[co.col[frequent]], co.data[frequent]
    order = np.lexsort((b, a))
    a, b, n2 = a[order], b[order], n2[order]
    out[2] = (np.column_stack([a, b]), n2)
    if max_size < 3 or len(a) == 0:
        return out
    # baskets holding both items of each frequent pair, then their overlap with every product
    Z = X[:, a].multiply(X[:, b]).tocsc()
    tri = (Z.T @ X).tocoo()
    ok = (tri.data >= min_count) & (tri.col > b[tri.row])
    r, c, n3 = tri.row[ok], tri.col[ok], tri.data[ok]
    items = np.column_stack([a[r], b[r], c])
    order = np.lexsort((items[:, 2], items[:, 1], items[:, 0]))
    out[3] = (items[order], n3[order])
    return out


def association_rules(
    baskets,
    *,
    min_support: float = 0.01,
    min_confidence: float = 0.0,
    max_size: int = 2,
) -> pd.DataFrame:
    """Association rules ``A -> C`` among products bought together.

    Every frequent itemset of 2 (or 3) products gives one rule per split into a non-empty
    antecedent and consequent. Metrics are defined in the module docstring.

    Parameters
    ----------
    baskets : BasketMatrix or pandas.DataFrame
        From :func:`basket_matrix`, or order lines with ``order_id`` and ``product_id``.
    min_support : float
        Minimum share of baskets holding the whole rule (A and C), in (0, 1].
    min_confidence : float
        Minimum confidence, in [0, 1].
    max_size : {2, 3}
        Largest itemset size (3 adds rules such as ``(a, b) -> c`` and ``a -> (b, c)``).

    Returns
    -------
    pandas.DataFrame
        One row per rule, columns ``antecedents``, ``consequents`` (tuples of product ids),
        ``n_baskets``, ``support``, ``antecedent_support``, ``consequent_support``,
        ``confidence``, ``lift``, ``leverage``, ``conviction``; sorted by lift, then support,
        descending. Empty (with these columns) when no itemset is frequent enough.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3], "product_id": ["tea", "cup", "tea", "cup", "tea"]})
    >>> rules = association_rules(lines, min_support=0.5)
    >>> rules[["antecedents", "consequents", "n_baskets", "confidence"]].round(3)
      antecedents consequents  n_baskets  confidence
    0      (cup,)      (tea,)          2       1.000
    1      (tea,)      (cup,)          2       0.667
    """
    bm = _as_matrix(baskets)
    min_support = check_probability("min_support", min_support, open_interval=False)
    min_confidence = check_probability("min_confidence", min_confidence, open_interval=False)
    if min_support == 0:
        raise ParameterError("`min_support` must be > 0 (a zero support lists every combination).")
    if max_size not in (2, 3):
        raise ParameterError(f"`max_size` must be 2 or 3, but {max_size!r} was passed.")
    n = bm.n_baskets
    counts = _counts(bm, _min_count(min_support, n), max_size)
    n_products = len(bm.products)
    single = np.zeros(n_products, dtype=np.int64)
    single[counts[1][0][:, 0]] = counts[1][1]
    pair_code = (counts[2][0][:, 0] * n_products + counts[2][0][:, 1]) if 2 in counts else np.array([], int)
    pair_n = counts[2][1] if 2 in counts else np.array([], int)

    def count_of(cols: np.ndarray) -> np.ndarray:
        # baskets holding each row's products (subsets of frequent itemsets are frequent, so found)
        if cols.shape[1] == 1:
            return single[cols[:, 0]]
        return pair_n[np.searchsorted(pair_code, cols[:, 0] * n_products + cols[:, 1])]

    parts = []
    for size in range(2, max_size + 1):
        if size not in counts or len(counts[size][1]) == 0:
            continue
        idx, cnt = counts[size]
        for ante_cols in _splits(size):
            cons_cols = [k for k in range(size) if k not in ante_cols]
            ante, cons = idx[:, ante_cols], idx[:, cons_cols]
            parts.append((ante, cons, cnt, count_of(ante), count_of(cons)))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in RULE_COLUMNS})
    labels = bm.products.to_numpy()
    ante_lab = [tuple(r) for p in parts for r in labels[p[0]].tolist()]
    cons_lab = [tuple(r) for p in parts for r in labels[p[1]].tolist()]
    n_ac = np.concatenate([p[2] for p in parts]).astype(np.int64)
    s_a = np.concatenate([p[3] for p in parts]) / n
    s_c = np.concatenate([p[4] for p in parts]) / n
    s_ac = n_ac / n
    conf = s_ac / s_a
    with np.errstate(divide="ignore"):
        conviction = np.where(conf < 1, (1 - s_c) / np.where(conf < 1, 1 - conf, 1.0), np.inf)
    rules = pd.DataFrame(
        {
            "antecedents": ante_lab,
            "consequents": cons_lab,
            "n_baskets": n_ac,
            "support": s_ac,
            "antecedent_support": s_a,
            "consequent_support": s_c,
            "confidence": conf,
            "lift": conf / s_c,
            "leverage": s_ac - s_a * s_c,
            "conviction": conviction,
        }
    )
    rules = rules[rules["confidence"] >= min_confidence - 1e-12]
    return rules.sort_values(["lift", "support"], ascending=False, kind="mergesort").reset_index(drop=True)


def _splits(size: int) -> list[list[int]]:
    """Antecedent positions of every split of an itemset of ``size`` into two non-empty parts."""
    if size == 2:
        return [[0], [1]]
    return [[0], [1], [2], [0, 1], [0, 2], [1, 2]]


def support_for_top_pairs(baskets, n_pairs: int = 500) -> float:
    """The smallest minimum support that keeps the ``n_pairs`` most frequent product pairs.

    A fixed threshold suits one shop and not another: 0.1 % of baskets is a handful of pairs in a
    shop of one-line orders and hundreds of thousands in a wholesaler's long baskets. This reads
    the pair counts (the off-diagonal of ``X'X``) and returns the count of the ``n_pairs``-th most
    frequent pair over the number of baskets (more pairs are kept when counts tie).

    Raises
    ------
    DataError
        When no basket holds two different products.
    """
    bm = _as_matrix(baskets)
    if int(n_pairs) != n_pairs or n_pairs < 1:
        raise ParameterError(f"`n_pairs` must be a whole number >= 1, but {n_pairs!r} was passed.")
    x = bm.matrix.astype(np.int64)
    counts = sparse.triu(x.T @ x, k=1).tocoo().data
    counts = counts[counts > 0]
    if len(counts) == 0:
        raise DataError("No basket holds two different products, so no product pair can be counted.",
                        fix="Cross-sell rules need orders with several products.")
    k = min(int(n_pairs), len(counts))
    kth = np.partition(counts, len(counts) - k)[len(counts) - k]
    return float(kth / bm.n_baskets)


def rules_for_pairs(rules: pd.DataFrame, pairs: pd.DataFrame, *, antecedent: str = "antecedent",
                    consequent: str = "consequent") -> pd.DataFrame:
    """The rule ``A -> C`` of each given pair of products, beside what is known of the pair.

    Use it to read the rules of pairs known in advance: pairs planted in a simulated shop (with
    their true lift), bundles the shop already sells, or the rules of an earlier period.

    Parameters
    ----------
    rules : pandas.DataFrame
        From :func:`association_rules` (optionally with ``lift_low`` and ``lift_high`` from
        :func:`ecomlib.product.lift_interval`).
    pairs : pandas.DataFrame
        One row per pair, with the ``antecedent`` and ``consequent`` product ids and any other
        columns (e.g. a known ``lift`` and ``confidence``).
    antecedent, consequent : str
        Columns of ``pairs`` naming the two products.

    Returns
    -------
    pandas.DataFrame
        One row per pair, in the order of ``pairs``: ``antecedent``, ``consequent``, ``found``
        (the rule is among ``rules``), ``rank`` (its position in ``rules``, 1 = the first, i.e.
        the largest lift; missing when not found), the rule's ``n_baskets``, ``support``,
        ``confidence``, ``lift`` (and ``lift_low``, ``lift_high`` when present, missing when not
        found), then the other columns of ``pairs``, with ``_known`` added to the names that
        clash with the rule's. When ``pairs`` has a ``lift`` and the rules have an interval,
        ``in_interval`` says whether the known lift lies in it.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3], "product_id": ["tea", "cup", "tea", "cup", "tea"]})
    >>> pairs = pd.DataFrame({"antecedent": ["tea", "cup"], "consequent": ["cup", "pot"]})
    >>> rules_for_pairs(association_rules(lines, min_support=0.5), pairs)[["antecedent", "found", "rank", "confidence"]]
      antecedent  found  rank  confidence
    0        tea   True     2    0.666667
    1        cup  False  <NA>         NaN
    """
    rules = check_frame(rules, "rules", min_rows=0)
    check_columns(rules, ["antecedents", "consequents", "n_baskets", "support", "confidence", "lift"], "rules")
    pairs = check_frame(pairs, "pairs", min_rows=0)
    check_columns(pairs, [antecedent, consequent], "pairs")
    shown = [c for c in ["n_baskets", "support", "confidence", "lift", "lift_low", "lift_high"] if c in rules.columns]
    single = rules["antecedents"].map(len).eq(1) & rules["consequents"].map(len).eq(1)
    found = pd.DataFrame({
        "antecedent": rules.loc[single, "antecedents"].str[0].astype("str"),
        "consequent": rules.loc[single, "consequents"].str[0].astype("str"),
        "rank": pd.array(np.flatnonzero(single.to_numpy()) + 1, dtype="Int64"),
        **{c: rules.loc[single, c].to_numpy() for c in shown},
    })
    key = pd.DataFrame({"antecedent": pairs[antecedent].astype("str").to_numpy(),
                        "consequent": pairs[consequent].astype("str").to_numpy()})
    out = key.merge(found, on=["antecedent", "consequent"], how="left")
    out.insert(2, "found", out["rank"].notna().to_numpy())
    rest = pairs.drop(columns=[antecedent, consequent]).reset_index(drop=True)
    rest = rest.rename(columns={c: f"{c}_known" for c in rest.columns if c in out.columns})
    out = pd.concat([out, rest], axis=1)
    if "lift_known" in out.columns and {"lift_low", "lift_high"} <= set(out.columns):
        out["in_interval"] = (out["lift_low"] <= out["lift_known"]) & (out["lift_known"] <= out["lift_high"])
    return out


def rules_without_pairs(rules: pd.DataFrame, pairs: pd.DataFrame, *, antecedent: str = "antecedent",
                        consequent: str = "consequent") -> pd.DataFrame:
    """The rules other than those of the given pairs, in either direction (``A -> C`` and ``C -> A``).

    Rules of more than two products are kept. With the pairs of :func:`rules_for_pairs`, this is
    the rest of the rules, e.g. to see how often pairs with no known affinity look strong.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": [1, 1, 2, 2, 3], "product_id": ["tea", "cup", "tea", "cup", "tea"]})
    >>> rules = association_rules(lines, min_support=0.5)
    >>> len(rules_without_pairs(rules, pd.DataFrame({"antecedent": ["cup"], "consequent": ["tea"]})))
    0
    """
    rules = check_frame(rules, "rules", min_rows=0)
    check_columns(rules, ["antecedents", "consequents"], "rules")
    pairs = check_frame(pairs, "pairs", min_rows=0)
    check_columns(pairs, [antecedent, consequent], "pairs")
    a, c = pairs[antecedent].astype("str").tolist(), pairs[consequent].astype("str").tolist()
    known = {(x,): (y,) for x, y in zip(a, c, strict=True)}
    drop = set(zip(known, known.values(), strict=True)) | {(v, k) for k, v in known.items()}
    keys = zip(rules["antecedents"].map(tuple), rules["consequents"].map(tuple), strict=True)
    return rules[[k not in drop for k in keys]]
