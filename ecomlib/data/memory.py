"""The loaders' resources: where large Arrow buffers come from, handing memory back, and the
threads that build columns side by side.

pyarrow allocates from its default pool, mimalloc. mimalloc keeps the memory of freed small and
mid-sized buffers and reuses it, but it maps fresh memory for each large buffer (beyond about
16 MiB) and asks the kernel to back it with transparent huge pages. On a virtual machine that
reports free memory to its host (virtio free page reporting, as on the 2-core CI machine), a
fresh huge page is memory the host must supply again, and that was the most expensive thing a
large load did there: 10M order lines, the kernel's time for fresh memory was about 1.6 s per GB
in huge pages and 0.3 s per GB in the 4 KiB pages the system's allocator (glibc ``malloc``) is
given. So buffers of at least :data:`LARGE_BUFFER_BYTES` come from the system's allocator
(:func:`arrow_pool`); smaller ones stay with mimalloc, which reuses memory it already has (at 1M
lines, the system's allocator was 0.01-0.04 s slower in the same read).

Measured with ``benchmarks/bench_load.py`` and the A/B runs named in the commits that use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

#: Threads that build a table's columns side by side (:func:`per_column`): pyarrow's kernels and
#: numpy's takes release the GIL. At 10M lines on the 2-core CI machine, two threads took the
#: categoricals from 0.71-0.80 s to 0.36-0.43 s and the output columns from 1.3-2.1 s to
#: 0.75-0.94 s.
COLUMN_THREADS = 2

#: Buffers of at least this many bytes come from the system's allocator (see the module's text).
LARGE_BUFFER_BYTES = 16 * 2**20


def arrow_pool(nbytes: int) -> Any:
    """The pyarrow memory pool for buffers of about ``nbytes`` bytes each.

    Parameters
    ----------
    nbytes : int
        The size of the largest buffer the operation will allocate, in bytes (an estimate:
        4 bytes per row for a column of 32-bit codes or string offsets).

    Returns
    -------
    pyarrow.MemoryPool or None
        ``pa.system_memory_pool()`` from :data:`LARGE_BUFFER_BYTES` on; None (pyarrow's default
        pool) below.
    """
    import pyarrow as pa

    return pa.system_memory_pool() if nbytes >= LARGE_BUFFER_BYTES else None


def release_memory() -> None:
    """Hand the buffers of pyarrow's freed temporaries back to the system (keeps a large load's
    peak low)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def per_column(build: Callable[..., Any], *columns: Iterable[Any]) -> list[Any]:
    """``[build(*args) for args in zip(*columns)]``, in :data:`COLUMN_THREADS` threads (one column
    each at a time), in order."""
    with ThreadPoolExecutor(max_workers=COLUMN_THREADS) as workers:
        return list(workers.map(build, *columns))
