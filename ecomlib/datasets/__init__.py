"""The sample shop and the bundled data sets.

* :func:`make_store` simulates the sample shop (every canonical table and its ground truth);
* :func:`load_sample_store` reads the bundled copy in ``data/sample/`` and
  :func:`write_sample_store` writes one (``make data``);
* :func:`load_cdnow` returns the real CDNOW purchase data (Fader, Hardie & Lee 2005) as
  canonical transactions.
"""

from ecomlib.datasets.bundled import load_sample_store, sample_data_dir, write_sample_store
from ecomlib.datasets.cdnow import load_cdnow
from ecomlib.datasets.store import DEFAULT_SEED, Store, make_store

__all__ = [
    "DEFAULT_SEED",
    "Store",
    "load_cdnow",
    "load_sample_store",
    "make_store",
    "sample_data_dir",
    "write_sample_store",
]
