"""Process memory: let memory the analyses free go back to the system (large stores).

Reading a store and running the checks allocate and free many large arrays. By default both
allocators keep what is freed for later use: Arrow's mimalloc pool and glibc's ``malloc``, whose
threshold for giving large blocks their own mapping grows after each free. The process then
holds two to three times what it uses: measured on a store of 185,000 messages, the quick scan
peaked at 782 MB, of which 170 MB is the imports; with :func:`return_freed_memory` 555 MB.
At millions of messages that difference decides whether a scan fits in 8 GB
(``docs/schaal.md``).

Giving everything back at once has its own price: each new block then costs page faults (the
system hands out zeroed pages), a third of the quick scan's time at 5 M messages. So blocks
below :data:`MMAP_THRESHOLD` stay in the heap, the heap keeps :data:`TOP_PAD` spare at its top,
and :func:`trim_freed_memory` gives the heap's free pages back between the steps that free much
(after each check of a scan).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache

import pyarrow as pa

#: ``mallopt`` parameter numbers (glibc ``malloc.h``)
M_TOP_PAD, M_MMAP_THRESHOLD = -2, -3
#: blocks from this size on get their own mapping, returned to the system when freed
MMAP_THRESHOLD = 4 * 2**20
#: spare memory the heap keeps at its top when it grows or is trimmed
TOP_PAD = 64 * 2**20


def return_freed_memory() -> bool:
    """Make freed large blocks go back to the system, for the rest of this process.

    Arrow allocates with the system ``malloc`` instead of its own pool; glibc's mmap threshold
    is fixed at :data:`MMAP_THRESHOLD` (setting it switches off its growth) and the heap's pad
    at :data:`TOP_PAD`. Results do not change. The command line calls this once; a notebook
    kernel may too.

    Returns
    -------
    bool
        Whether ``malloc`` took the settings (False where the C library is not glibc: then only
        Arrow's pool changes).
    """
    pa.set_memory_pool(pa.system_memory_pool())
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TOP_PAD, TOP_PAD))


def trim_freed_memory() -> None:
    """Give the free pages inside the heap back to the system now (glibc ``malloc_trim``).

    Called between steps that each allocate and free much (every check of a scan): within a
    step freed memory is reused without new page faults, between steps it leaves the process.
    Does nothing where the C library is not glibc.
    """
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


@cache  # find_library asks ldconfig: once per process, not once per check
def _libc_function(name: str) -> Callable[..., int] | None:
    """A function of glibc by name, or None where the C library is not glibc."""
    found = ctypes.util.find_library("c")
    if found is None:
        return None
    try:
        return getattr(ctypes.CDLL(found), name)
    except (OSError, AttributeError):  # no glibc (musl, macOS, Windows)
        return None
