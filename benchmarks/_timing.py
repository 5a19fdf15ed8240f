"""The timing loop every benchmark uses: one BLAS thread, medians of interleaved rounds.

Import this module before numpy (``import _timing`` first in a script run as
``python benchmarks/NAME.py``): it exports ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and
``MKL_NUM_THREADS`` = ``BENCH_BLAS_THREADS`` (default 1), which BLAS reads when it loads, so
that a ratio does not hinge on threads competing for the machine's cores.

:func:`median_rounds` calls every contender once per round, round after round (interleaved:
a slow spell of a shared machine hits all contenders alike), after one untimed warm-up call
each, and returns the median of each contender's times.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping

BLAS_THREADS = os.environ.get("BENCH_BLAS_THREADS", "1")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = BLAS_THREADS


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """``(fn(), seconds)`` for one call (wall clock, ``time.perf_counter``)."""
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def median_rounds(
    fns: Mapping[str, Callable[[], object]], rounds: int, *, warmup: bool = True
) -> dict[str, float]:
    """Median seconds per contender over ``rounds`` interleaved rounds.

    Parameters
    ----------
    fns
        Contender name -> zero-argument callable; each round calls them in this order.
    rounds
        Number of rounds (each contender is timed ``rounds`` times).
    warmup
        Call each contender once, untimed, before the first round (imports, caches, JIT).
    """
    if warmup:
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(timed(fn)[1])
    return {name: statistics.median(v) for name, v in times.items()}


def machine_line(**versions: str) -> str:
    """``machine: x86_64, 2 cores, python 3.11.7, BLAS threads 1[, name version ...]``."""
    extra = "".join(f", {name} {v}" for name, v in versions.items())
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
            f"{platform.python_version()}, BLAS threads {BLAS_THREADS}{extra}")
