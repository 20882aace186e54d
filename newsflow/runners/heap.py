"""glibc malloc kept from handing memory back to the kernel between batches.

The model pass allocates and frees the same large arrays for every batch. By default glibc serves
allocations over a moving threshold (128 kB at start) with their own mmap and returns freed memory
at the top of the heap, so each batch faults the same pages in again: on 440 BBC articles,
`newsflow run --jobs 1` took 240,000 minor page faults and 1.3 s of system time, and `--jobs 2` twice
that (each forked process starts with the threshold low again). With allocations up to 64 MB from the
heap and up to 256 MB of free heap kept, the same runs take 80,000 and 160,000 faults and 0.4-0.8 s,
with the same peak memory (`python benchmarks/parallel_cpu.py` shows the CPU of every process).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

# mallopt parameters of glibc's <malloc.h>
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 64 << 20
TRIM_THRESHOLD_BYTES = 256 << 20
TOP_PAD_BYTES = 64 << 20


def keep_heap() -> bool:
    """Set glibc's malloc to keep freed memory for the next batch; False (nothing done) without glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl, macOS: no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    done = all(
        mallopt(param, value) == 1
        for param, value in (
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
            (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
            (M_TOP_PAD, TOP_PAD_BYTES),
        )
    )
    if not done:
        log.debug("mallopt refused a setting; the allocator keeps its defaults")
    return done
