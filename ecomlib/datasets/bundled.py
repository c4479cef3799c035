"""Writing and reading the bundled sample shop (in :func:`ecomlib.resources.sample_dir`).

Layout of the folder:

* one canonical CSV per table (UTF-8, ``,``-separated, ISO dates); large tables are gzipped
  with a fixed timestamp so the same seed always gives the same bytes;
* ``truth.json``: the ground truth; DataFrames are stored as
  ``{"__frame__": {"columns": [...], "dtypes": {...}, "data": {column: [...]}}}`` so they
  round-trip with their dtypes;
* ``manifest.json``: for each table its file, columns, dtypes and row count, plus the
  seed, the settings and the ecomlib version that wrote them.
"""

from __future__ import annotations

import gzip
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecomlib.datasets.store import DEFAULT_SEED, Store, make_store
from ecomlib.errors import DataError, ParameterError

__all__ = ["write_sample_store", "load_sample_store", "sample_data_dir", "truth_to_json",
           "truth_from_json"]

GZIP_ABOVE_BYTES = 512 * 1024  # tables larger than this as CSV are written gzipped
MANIFEST = "manifest.json"
TRUTH = "truth.json"


def sample_data_dir() -> Path:
    """The bundled sample shop's folder (:func:`ecomlib.resources.sample_dir`)."""
    from ecomlib import resources

    return resources.sample_dir()


def _dtype_name(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "datetime64[us]"
    if pd.api.types.is_integer_dtype(s):
        return "int64"
    if pd.api.types.is_float_dtype(s):
        return "float64"
    return "str"


def _cast(s: pd.Series, dtype: str) -> pd.Series:
    if dtype == "datetime64[us]":
        return pd.to_datetime(s, format="ISO8601").astype("datetime64[us]")
    if dtype == "str":
        return s.astype("str")
    return s.astype(dtype)


# ---------------------------------------------------------------- truth (de)serialisation
def _plain(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return {"__frame__": _frame_to_json(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def _frame_to_json(df: pd.DataFrame) -> dict:
    dtypes = {c: _dtype_name(df[c]) for c in df.columns}
    data = {}
    for c in df.columns:
        s = df[c]
        if dtypes[c] == "datetime64[us]":
            data[c] = [None if pd.isna(v) else v.isoformat() for v in s]
        elif dtypes[c] == "str":
            data[c] = [None if pd.isna(v) else str(v) for v in s]
        else:
            data[c] = [_plain(v) for v in s.to_numpy()]
    return {"columns": list(map(str, df.columns)), "dtypes": dtypes, "data": data}


def _frame_from_json(obj: dict) -> pd.DataFrame:
    out = {}
    for c in obj["columns"]:
        dtype = obj["dtypes"][c]
        values = obj["data"][c]
        if dtype == "float64":
            out[c] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        elif dtype == "str":
            out[c] = pd.Series(values, dtype="str")
        else:
            out[c] = _cast(pd.Series(values), dtype)
    return pd.DataFrame(out, columns=obj["columns"])


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__frame__"}:
            return _frame_from_json(value["__frame__"])
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


def truth_to_json(truth: dict, truth_doc: dict) -> str:
    """Serialise truth and its documentation to JSON text (DataFrames keep their dtypes)."""
    return json.dumps({"truth": _plain(truth), "truth_doc": truth_doc}, ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True, allow_nan=False)


def truth_from_json(text: str) -> tuple[dict, dict]:
    """Inverse of :func:`truth_to_json`: return ``(truth, truth_doc)``."""
    obj = json.loads(text)
    return _revive(obj["truth"]), obj["truth_doc"]


# ---------------------------------------------------------------- writing and reading
def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as fh:
        fh.write(data)
    return buf.getvalue()


def write_sample_store(out_dir: str | Path, seed: int = DEFAULT_SEED, *, store: Store | None = None) -> Path:
    """Simulate the sample shop for ``seed`` and write it to ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write (created if needed); files of the same names are replaced.
    seed : int, default 2024
        Seed passed to :func:`make_store` (other settings are the defaults).
    store : Store, optional
        Write this store instead of simulating one (its settings go to the manifest).

    Returns
    -------
    Path
        The folder written. Running it twice with the same seed gives identical bytes.
    """
    from ecomlib import __version__

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"`out_dir` must be a folder, but {str(out)!r} is a file.")
    out.mkdir(parents=True, exist_ok=True)
    store = store if store is not None else make_store(seed=seed)
    manifest = {"ecomlib_version": __version__, "seed": store.settings.get("seed", seed),
                "settings": store.settings, "tables": {}}
    for name, df in store.tables().items():
        data = _csv_bytes(df)
        file_name = f"{name}.csv"
        if len(data) > GZIP_ABOVE_BYTES:
            data, file_name = _gzip(data), f"{name}.csv.gz"
        for stale in (out / f"{name}.csv", out / f"{name}.csv.gz"):
            if stale.name != file_name and stale.exists():
                stale.unlink()
        (out / file_name).write_bytes(data)
        manifest["tables"][name] = {
            "file": file_name,
            "rows": len(df),
            "columns": list(map(str, df.columns)),
            "dtypes": {c: _dtype_name(df[c]) for c in df.columns},
        }
    (out / TRUTH).write_text(truth_to_json(store.truth, store.truth_doc) + "\n", encoding="utf-8")
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                encoding="utf-8")
    return out


def _read_table(folder: Path, meta: dict) -> pd.DataFrame:
    dtypes = meta["dtypes"]
    read_as = {c: ("str" if d == "datetime64[us]" else d) for c, d in dtypes.items()}
    df = pd.read_csv(folder / meta["file"], dtype=read_as, keep_default_na=False, na_values=[""],
                     engine="pyarrow")
    for c, d in dtypes.items():
        if d == "datetime64[us]":
            df[c] = pd.to_datetime(df[c], format="ISO8601").astype("datetime64[us]")
    if list(df.columns) != meta["columns"] or len(df) != meta["rows"]:
        raise DataError(f"{meta['file']} does not match manifest.json (columns or row count).",
                        fix="Regenerate the folder with `make data`.")
    return df


def load_sample_store(path: str | Path | None = None) -> Store:
    """Read the bundled sample shop (or a folder written by :func:`write_sample_store`).

    Parameters
    ----------
    path : str or Path, optional
        Folder to read; default the bundled sample shop (:func:`ecomlib.resources.sample_dir`,
        found from the package, so it works from any working directory).

    Returns
    -------
    Store
        Tables with the exact dtypes recorded in the manifest, the truth and its documentation.

    Examples
    --------
    >>> store = load_sample_store()  # doctest: +SKIP
    >>> store.transactions.dtypes["order_date"]  # doctest: +SKIP
    dtype('<M8[us]')
    """
    from ecomlib.datasets.store import read_cached

    return read_cached(Path(path) if path is not None else sample_data_dir(), _read_folder)


def _read_folder(folder: Path) -> Store:
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise DataError(f"No sample shop found in {str(folder)!r} (manifest.json is missing).",
                        fix="Reinstall ecomlib; in a checkout, `make data` writes the bundled copy.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = {name: _read_table(folder, meta) for name, meta in manifest["tables"].items()}
    truth, doc = truth_from_json((folder / TRUTH).read_text(encoding="utf-8"))
    return Store(**tables, truth=truth, truth_doc=doc, settings=manifest.get("settings", {}))
