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
    """numpy's sum of a block of ``n`` ≤ 128 entries from ``a[lo]`` (eight running sums)."""
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


@jit
def pairwise_sum(a: Any) -> float:
    """``float(a.sum())`` of a 1-D array of numbers as numpy adds them, bit for bit, in a
    compiled run too (numba's own ``a.sum()`` adds in order: the last bits may differ). For
    metrics and W(ψ) over columns that must sample the same numbers either way."""
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
