"""Compiled helpers of the generated engines (see ``_engine``): imported only with numba."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit


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


@njit(cache=True)
def _block(a: Any, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """numpy's sum of a block of ``n`` ≤ 128 entries from ``a[lo]`` (8 running sums)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += np.float64(a[i])
        return res
    r = np.empty(8)
    for j in range(8):
        r[j] = np.float64(a[lo + j])
    i = 8
    end = n - n % 8
    while i < end:
        for j in range(8):
            r[j] += np.float64(a[lo + i + j])
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += np.float64(a[lo + i])
        i += 1
    return float(res)


@njit(cache=True)
def _pairwise(a: Any) -> float:  # pragma: no cover - compiled
    """numpy's pairwise summation of ``a`` (``pairwise_sum`` of its add loop: blocks of at
    most 128 entries, halves cut at a multiple of 8), its recursion on an explicit stack."""
    spans = np.empty((128, 3), np.int64)  # (first entry, entries, halves summed so far)
    values = np.empty(128)
    top, held = 0, 0
    spans[0, 0], spans[0, 1], spans[0, 2] = 0, a.size, 0
    while top >= 0:
        lo, n, done = spans[top, 0], spans[top, 1], spans[top, 2]
        if n <= 128:
            values[held] = _block(a, lo, n)
            held += 1
            top -= 1
            continue
        half = n // 2
        half -= half % 8
        if done == 2:
            held -= 1
            values[held - 1] = values[held - 1] + values[held]
            top -= 1
            continue
        spans[top, 2] = done + 1
        top += 1
        spans[top, 0] = lo if done == 0 else lo + half
        spans[top, 1] = half if done == 0 else n - half
        spans[top, 2] = 0
    return float(values[0])


@njit(cache=True)
def total(a: Any) -> tuple[float, int]:  # pragma: no cover - compiled
    """``float(np.asarray(a, np.float64).sum())``, bit for bit, and the index of the first
    entry that is not a finite number (-1: none)."""
    for i in range(a.size):
        if not np.isfinite(np.float64(a[i])):
            return 0.0, i
    return 0.0 + _pairwise(a), -1
