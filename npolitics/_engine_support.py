"""Compiled helpers of the generated engines (see ``_engine``): imported only with numba."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from . import _numba_glue  # noqa: F401 - numba compiles the npl.jit helpers called here
from ._compiled import jit
from ._sums import pairwise_sum


@njit(cache=True)
def app_rows(dst: Any, src: Any, k: int, c: int) -> Any:  # pragma: no cover - compiled
    """``dst`` with ``src[:c]`` written at rows ``k`` to ``k + c`` (a longer copy if needed)."""
    if k + c > dst.size:
        bigger = np.empty(max(2 * dst.size, k + c, 16), dst.dtype)
        bigger[:k] = dst[:k]
        dst = bigger
    dst[k : k + c] = src[:c]
    return dst


@njit(cache=True)
def bounds(a: Any, c: int) -> tuple[int, int]:  # pragma: no cover - compiled
    """The least and the greatest of ``a[:c]`` (``c`` ≥ 1)."""
    lo = a[0]
    hi = a[0]
    for k in range(1, c):
        v = a[k]
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
    return lo, hi


@njit(cache=True)
def grow2(a: Any) -> Any:  # pragma: no cover - compiled
    """A 2-D array twice as tall holding ``a`` in its first rows."""
    b = np.empty((2 * a.shape[0], a.shape[1]), a.dtype)
    b[: a.shape[0]] = a
    return b


@jit
def total(a: Any) -> tuple[float, int]:
    """``float(np.asarray(a, np.float64).sum())``, bit for bit, and the index of the first
    entry that is not a finite number (-1: none). Written into each engine (``npl.jit``), so
    that the engine's cached code changes with :func:`pairwise_sum`'s."""
    for i in range(a.size):
        if not np.isfinite(np.float64(a[i])):
            return 0.0, i
    return 0.0 + pairwise_sum(a), -1
