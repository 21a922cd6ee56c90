"""kit.memory: freed large blocks go back to the system (run in a fresh process each)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# glibc raises its mmap threshold to the size of a freed mapped block (up to 32 MB): after
# freeing 16 MB, an 8 MB block comes from the heap and stays with the process when freed (a small
# block allocated after it keeps the heap top from being trimmed). With the fixed threshold of
# return_freed_memory the 8 MB block is mapped and goes back at once.
PROBE = textwrap.dedent(
    """
    import ctypes, json, sys
    import pyarrow as pa
    from kit.memory import return_freed_memory

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 1e6

    took = return_freed_memory() if sys.argv[1] == "set" else None
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    big = libc.malloc(16 * 2**20)
    libc.free(big)
    block = libc.malloc(8 * 2**20)
    ctypes.memset(block, 1, 8 * 2**20)  # touch every page
    guard = libc.malloc(64 * 1024)
    before = rss_mb()
    libc.free(block)
    print(json.dumps({"took": took, "freed_mb": before - rss_mb(),
                      "pool": pa.default_memory_pool().backend_name}))
    """
)


def _probe(mode: str) -> dict:
    import json

    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc: Linux only")
class TestReturnFreedMemory:
    def test_freed_block_goes_back_to_the_system(self):
        out = _probe("set")
        assert out["took"] is True
        assert out["pool"] == "system"
        assert out["freed_mb"] > 7  # the 8 MB block left the process

    def test_without_it_the_block_stays(self):
        # the control: shows the probe can tell the difference (glibc's default behaviour)
        out = _probe("default")
        assert out["freed_mb"] < 1
        assert out["pool"] != "system"


# A 3 MB block (below the mmap threshold: from the heap) freed behind a small block that keeps
# it from the heap's top stays with the process until the heap is trimmed.
TRIM_PROBE = textwrap.dedent(
    """
    import ctypes, json, sys
    from kit.memory import return_freed_memory, trim_freed_memory

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 1e6

    return_freed_memory()
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    block = libc.malloc(3 * 2**20)
    ctypes.memset(block, 1, 3 * 2**20)  # touch every page
    guard = libc.malloc(64 * 1024)
    ctypes.memset(guard, 1, 64 * 1024)
    before = rss_mb()
    libc.free(block)
    if sys.argv[1] == "trim":
        trim_freed_memory()
    print(json.dumps({"freed_mb": before - rss_mb()}))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc: Linux only")
class TestTrimFreedMemory:
    @staticmethod
    def probe(mode: str) -> dict:
        import json

        done = subprocess.run(
            [sys.executable, "-c", TRIM_PROBE, mode], capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout)

    def test_trim_gives_a_freed_heap_block_back(self):
        assert self.probe("trim")["freed_mb"] > 2.5

    def test_without_trim_it_stays(self):
        # the control: the heap keeps the block (it is below the mmap threshold)
        assert self.probe("keep")["freed_mb"] < 0.5
