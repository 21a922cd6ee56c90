"""Process memory: let memory the analyses free go back to the system (large stores).

Reading a store and running the checks allocate and free many large arrays. By default both
allocators keep what is freed for later use: Arrow's mimalloc pool and glibc's ``malloc``, whose
threshold for giving large blocks their own mapping grows after each free. The process then
holds two to three times what it uses: measured on a store of 185,000 messages, the quick scan
peaked at 782 MB, of which 170 MB is the imports; with :func:`return_freed_memory` 555 MB.
At millions of messages that difference decides whether a scan fits in 8 GB
(``docs/schaal.md``).
"""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa

#: ``mallopt`` parameter number of ``M_MMAP_THRESHOLD`` (glibc ``malloc.h``)
M_MMAP_THRESHOLD = -3
#: blocks from this size on get their own mapping, returned to the system when freed
MMAP_THRESHOLD = 128 * 1024


def return_freed_memory() -> bool:
    """Make freed large blocks go back to the system, for the rest of this process.

    Arrow allocates with the system ``malloc`` instead of its own pool, and glibc's mmap
    threshold is fixed at :data:`MMAP_THRESHOLD` (setting it switches off its growth). Results
    do not change; large allocations cost a page fault more. The command line calls this once;
    a notebook kernel may too.

    Returns
    -------
    bool
        Whether ``malloc`` took the setting (False where the C library is not glibc: then only
        Arrow's pool changes).
    """
    pa.set_memory_pool(pa.system_memory_pool())
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # no glibc (musl, macOS, Windows)
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
