"""The sample shop and the bundled data sets.

* :func:`make_store` simulates the sample shop (every canonical table and its ground truth);
* :func:`load_sample_store` reads the bundled copy (``resources.sample_dir()``) and
  :func:`write_sample_store` writes one (``make data``);
* :func:`load_cdnow` returns the real CDNOW purchase data (Fader, Hardie & Lee 2005) as
  canonical transactions;
* :func:`load_online_retail` returns the real UCI Online Retail export (Chen, Sain & Guo
  2012), which the reports also open by name (``--data online_retail``);
* :mod:`ecomlib.datasets.degraded` makes the sample shop as thin as real exports are.
"""

from ecomlib.datasets.bundled import load_sample_store, sample_data_dir, write_sample_store
from ecomlib.datasets.cdnow import load_cdnow
from ecomlib.datasets.online_retail import bundled_data, load_online_retail
from ecomlib.datasets.store import DEFAULT_SEED, Store, make_store

__all__ = [
    "DEFAULT_SEED",
    "Store",
    "bundled_data",
    "load_cdnow",
    "load_online_retail",
    "load_sample_store",
    "make_store",
    "sample_data_dir",
    "write_sample_store",
]
