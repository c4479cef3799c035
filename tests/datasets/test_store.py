"""make_store: settings validation, determinism, merging of simulators, canonical dtypes."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import Store, make_store
from ecomlib.datasets import store as store_mod
from ecomlib.datasets.simulation import SimContext, SimResult
from ecomlib.errors import EcomlibError, ParameterError

SMALL = {"n_customers": 400, "start": "2024-01-01", "end": "2024-06-30"}


@pytest.fixture(scope="module")
def small_store():
    return make_store(seed=3, **SMALL)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"seed": -1}, "`seed`"),
        ({"seed": 1.5}, "`seed`"),
        ({"seed": True}, "`seed`"),
        ({"n_customers": 0}, "`n_customers`"),
        ({"n_customers": 10}, "`n_customers` must be between 50"),
        ({"n_customers": "many"}, "`n_customers`"),
        ({"start": "not a date"}, "`start`"),
        ({"start": "2024-01-01 10:30"}, "`start` must be a calendar day"),
        ({"end": "2024-01-15"}, "60 days to 5 years"),
        ({"start": "2024-01-01", "end": "2035-01-01"}, "60 days to 5 years"),
    ],
)
def test_bad_settings_raise_parameter_error(kwargs, needle):
    with pytest.raises(ParameterError) as info:
        make_store(**kwargs)
    assert needle in str(info.value)
    assert isinstance(info.value, EcomlibError)


def test_same_seed_gives_identical_tables_and_truth(small_store):
    again = make_store(seed=3, **SMALL)
    assert small_store.tables().keys() == again.tables().keys()
    for name, df in small_store.tables().items():
        pd.testing.assert_frame_equal(df, again.tables()[name], check_exact=True)
    pd.testing.assert_frame_equal(small_store.truth["customer_latent"], again.truth["customer_latent"])


def test_different_seeds_differ(small_store):
    other = make_store(seed=4, **SMALL)
    assert not small_store.transactions.equals(other.transactions)
    assert not small_store.customers["signup_date"].equals(other.customers["signup_date"])


def test_store_holds_core_tables_and_documented_truth(small_store):
    tables = small_store.tables()
    for name in ("transactions", "products", "customers", "promotions", "sessions"):
        assert name in tables and len(tables[name]) > 0
    assert list(tables) == [t for t in store_mod.TABLES if t in tables]  # canonical order
    assert set(small_store.truth) == set(small_store.truth_doc)
    assert all(isinstance(v, str) and v for v in small_store.truth_doc.values())
    assert small_store.settings["seed"] == 3 and small_store.settings["simulators"][0] == "core"
    assert "Store(seed=3" in repr(small_store)


def test_inputs_are_keyword_defaults():
    assert store_mod.DEFAULT_SEED == 2024
    assert isinstance(Store(), Store) and Store().tables() == {}


def _fake_module(name, truth, tables=None):
    class Module:
        NAME = name

        @staticmethod
        def simulate(ctx):
            return SimResult(tables=tables or {}, truth=truth, truth_doc={k: "doc" for k in truth})

    return Module


def test_duplicate_truth_key_is_an_error(monkeypatch):
    modules = {"core": _fake_module("core", {"x": 1}), "traffic": _fake_module("traffic", {"x": 2})}
    monkeypatch.setattr(store_mod, "_simulator", lambda name: modules.get(name))
    with pytest.raises(ParameterError, match=r"truth key\(s\) \['x'\]"):
        make_store(**SMALL)


def test_non_canonical_table_is_an_error(monkeypatch):
    modules = {"core": _fake_module("core", {}, tables={"orders": pd.DataFrame({"a": [1]})})}
    monkeypatch.setattr(store_mod, "_simulator", lambda name: modules.get(name))
    with pytest.raises(ParameterError, match="not canonical"):
        make_store(**SMALL)


def test_missing_simulators_are_skipped(monkeypatch):
    modules = {"core": _fake_module("core", {"only": 1.0})}
    monkeypatch.setattr(store_mod, "_simulator", lambda name: modules.get(name))
    store = make_store(**SMALL)
    assert store.truth == {"only": 1.0} and store.settings["simulators"] == ["core"]


def test_simulators_see_earlier_tables(monkeypatch):
    seen = {}

    class Second:
        NAME = "traffic"

        @staticmethod
        def simulate(ctx: SimContext):
            seen["tables"] = set(ctx.tables)
            seen["truth"] = set(ctx.truth)
            return SimResult(tables={}, truth={}, truth_doc={})

    first = _fake_module("core", {"a": 1}, tables={"products": pd.DataFrame({"product_id": ["p"]})})
    monkeypatch.setattr(store_mod, "_simulator", lambda name: {"core": first, "traffic": Second}.get(name))
    make_store(**SMALL)
    assert seen == {"tables": {"products"}, "truth": {"a"}}


CANONICAL = {
    "transactions": {
        "order_id": "str", "order_date": "datetime64[us]", "customer_id": "str", "product_id": "str",
        "product_name": "str", "category": "str", "quantity": "int64", "unit_price": "float64",
        "revenue": "float64", "channel": "str", "country": "str", "status": "str",
        "unit_cost": "float64", "discount": "float64", "promo_id": "str", "device": "str",
    },
    "products": {"product_id": "str", "product_name": "str", "category": "str", "unit_cost": "float64",
                 "list_price": "float64", "launch_date": "datetime64[us]"},
    "customers": {"customer_id": "str", "signup_date": "datetime64[us]", "acquisition_channel": "str",
                  "region": "str", "is_member": "bool"},
    "sessions": {"session_id": "str", "visitor_id": "str", "customer_id": "str", "date": "datetime64[us]",
                 "channel": "str", "device": "str", "step": "str", "order_id": "str",
                 "is_new_visitor": "bool"},
    "promotions": {"promo_id": "str", "name": "str", "start": "datetime64[us]", "end": "datetime64[us]",
                   "kind": "str", "discount": "float64", "scope_type": "str", "scope": "str",
                   "cost": "float64"},
}


@pytest.mark.parametrize("table", sorted(CANONICAL))
def test_core_tables_have_canonical_dtypes(small_store, sample_store, table):
    for store in (small_store, sample_store):
        df = getattr(store, table)
        assert list(df.columns) == list(CANONICAL[table])
        for col, dtype in CANONICAL[table].items():
            if dtype == "str":
                assert df[col].dtype == pd.StringDtype(na_value=np.nan), (table, col, df[col].dtype)
            else:
                assert df[col].dtype == np.dtype(dtype), (table, col, df[col].dtype)


def test_every_present_table_uses_canonical_scalar_dtypes(sample_store):
    allowed = {"int64", "float64", "bool", "datetime64[us]"}
    for name, df in sample_store.tables().items():
        for col in df.columns:
            dt = df[col].dtype
            ok = str(dt) in allowed or dt == pd.StringDtype(na_value=np.nan)
            assert ok, f"{name}.{col} has dtype {dt}"


def test_period_without_promotions_still_builds():
    store = make_store(seed=2, n_customers=200, start="2024-12-01", end="2025-02-28")
    assert store.promotions.empty and list(store.promotions.columns)[0] == "promo_id"
    assert store.truth["promotion_effects"].empty
    assert store.transactions["promo_id"].isna().all()
