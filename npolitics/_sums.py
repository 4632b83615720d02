"""Sums of floats that compiled and plain code add the same way, bit for bit.

numba's ``a.sum()`` adds in order; numpy adds pairwise, in blocks. The two differ in the last
bits, so a metric over columns that sums floats would sample other numbers compiled than
interpreted. :func:`pairwise_sum` is numpy's algorithm written as a compiled helper.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compiled import jit

#: numpy's pairwise summation adds blocks of at most this many entries in order.
BLOCK = 128


@jit
def _block(a: Any, lo: int, n: int) -> float:
    """numpy's sum of a block of ``n`` ≤ 128 entries from ``a[lo]`` (eight running sums,
    kept in locals: this runs at every sample, where an allocation costs more than the sum)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += np.float64(a[i])
        return res
    r0 = np.float64(a[lo])
    r1 = np.float64(a[lo + 1])
    r2 = np.float64(a[lo + 2])
    r3 = np.float64(a[lo + 3])
    r4 = np.float64(a[lo + 4])
    r5 = np.float64(a[lo + 5])
    r6 = np.float64(a[lo + 6])
    r7 = np.float64(a[lo + 7])
    i = 8
    end = n - n % 8
    while i < end:
        k = lo + i
        r0 += np.float64(a[k])
        r1 += np.float64(a[k + 1])
        r2 += np.float64(a[k + 2])
        r3 += np.float64(a[k + 3])
        r4 += np.float64(a[k + 4])
        r5 += np.float64(a[k + 5])
        r6 += np.float64(a[k + 6])
        r7 += np.float64(a[k + 7])
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += np.float64(a[lo + i])
        i += 1
    return float(res)


@jit
def pairwise_sum(a: Any) -> float:
    """``float(a.sum())`` of a 1-D array of numbers as numpy adds them, bit for bit, in a
    compiled run too (numba's own ``a.sum()`` adds in order: the last bits may differ). For
    metrics and W(ψ) over columns that must sample the same numbers either way."""
    if a.size <= BLOCK:
        return _block(a, 0, a.size)
    spans = np.empty((BLOCK, 3), np.int64)  # (first entry, entries, halves summed so far)
    values = np.empty(BLOCK)
    top, held = 0, 0
    spans[0, 0], spans[0, 1], spans[0, 2] = 0, a.size, 0
    while top >= 0:
        lo, n, done = spans[top, 0], spans[top, 1], spans[top, 2]
        if n <= BLOCK:
            values[held] = _block(a, lo, n)
            held += 1
            top -= 1
            continue
        if done == 2:
            held -= 1
            values[held - 1] = values[held - 1] + values[held]
            top -= 1
            continue
        half = n // 2
        half -= half % 8
        spans[top, 2] = done + 1
        top += 1
        spans[top, 0] = lo if done == 0 else lo + half
        spans[top, 1] = half if done == 0 else n - half
        spans[top, 2] = 0
    return float(values[0])
