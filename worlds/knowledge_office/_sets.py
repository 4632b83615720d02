"""What a worker knows: a set of facts (ints ≥ 0) per worker, as CPython 3.11 keeps a set.

The notebook forgets with ``set.pop()``, which is not random: it removes the first live slot
of the set's hash table at or after a moving finger. To forget what the notebook forgets,
each worker's set is CPython's hash table itself, kept in the office's columns: row ``i`` of
``table`` (slots: a fact, ``EMPTY`` or ``DUMMY``), with ``mask`` (size − 1), ``fill`` (live
and dummy slots), ``finger`` and ``count`` (live slots) per worker. Open addressing, 9 linear
probes then perturbed jumps, the last dummy on the probe path reused, resize to ``4·used``
(``2·used`` past 50 000) when 3/5 full, rebuilding in slot order, and ``pop`` from the finger.
Membership is a lookup in the same table, so memory follows the sets' sizes, not the number of
facts. ``tests/worlds/test_knowledge_office.py`` holds it to real sets operation by operation.

These are the rules' helpers (``npl.jit``: compiled with the rules, plain Python without).
A table must be wide enough for the resize an addition may make: :func:`size_for` of the
worker's count after it (the office widens its table column between ticks).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import npolitics as npl

EMPTY = -1
DUMMY = -2
LINEAR_PROBES = 9
PERTURB_SHIFT = 5
MIN_SIZE = 8


@npl.jit
def size_for(used: int) -> int:
    """The table size CPython's ``set_table_resize`` picks for ``used`` live keys."""
    minused = used * 2 if used > 50_000 else used * 4
    size = MIN_SIZE
    while size <= minused:
        size <<= 1
    return size


def room(width: int) -> int:
    """The most live keys a table ``width`` slots wide holds after any resize they cause:
    the largest ``used`` with ``size_for(used) <= width``."""
    quarter = (width - 1) // 4
    return quarter if quarter <= 50_000 else (width - 1) // 2


@npl.jit
def probe(table: Any, row: int, mask: int, f: int) -> tuple[bool, int, int]:
    """``set_add_entry``'s search for ``f``: (found, its slot or the empty slot that ended
    the search, the last dummy passed or -1)."""
    i = f & mask
    perturb = f
    free = -1
    while True:
        probes = LINEAR_PROBES if i + LINEAR_PROBES <= mask else 0
        for j in range(probes + 1):
            e = table[row, i + j]
            if e == f:
                return True, i + j, free
            if e == EMPTY:
                return False, i + j, free
            if e == DUMMY:
                free = i + j
        perturb >>= PERTURB_SHIFT
        i = (i * 5 + 1 + perturb) & mask


@npl.jit
def knows(table: Any, mask: Any, row: int, f: int) -> bool:
    """``f in known[row]``."""
    if f < 0:
        return False
    found, _, _ = probe(table, row, mask[row], f)
    return found


@npl.jit
def add(table: Any, mask: Any, fill: Any, count: Any, row: int, f: int) -> bool:
    """``known[row].add(f)``: into the last dummy passed, else the empty slot found; whether
    ``f`` was new."""
    found, slot, free = probe(table, row, mask[row], f)
    if found:
        return False
    count[row] += 1
    if free >= 0:
        table[row, free] = f
    else:
        table[row, slot] = f
        fill[row] += 1
        if fill[row] * 5 >= mask[row] * 3:
            resize(table, mask, fill, count, row)
    return True


@npl.jit
def resize(table: Any, mask: Any, fill: Any, count: Any, row: int) -> None:
    """``set_table_resize``: re-insert the live keys, in old slot order, into a fresh table
    (each into the first empty slot of its probe sequence)."""
    used = count[row]
    size = size_for(used)
    old_mask = mask[row]
    keys = np.empty(used, np.int64)
    k = 0
    for s in range(old_mask + 1):
        e = table[row, s]
        if e >= 0:
            keys[k] = e
            k += 1
    for s in range(max(size, old_mask + 1)):
        table[row, s] = EMPTY
    new_mask = size - 1
    for f in keys:
        i = f & new_mask
        perturb = f
        placed = False
        while not placed:
            probes = LINEAR_PROBES if i + LINEAR_PROBES <= new_mask else 0
            for j in range(probes + 1):
                if table[row, i + j] == EMPTY:
                    table[row, i + j] = f
                    placed = True
                    break
            if not placed:
                perturb >>= PERTURB_SHIFT
                i = (i * 5 + 1 + perturb) & new_mask
    mask[row] = new_mask
    fill[row] = used


@npl.jit
def pop(table: Any, mask: Any, finger: Any, count: Any, row: int) -> int:
    """``known[row].pop()``: the first live slot at or after the finger, wrapping around."""
    m = mask[row]
    i = finger[row] & m
    while table[row, i] < 0:
        i = (i + 1) & m
    f = table[row, i]
    table[row, i] = DUMMY
    finger[row] = i + 1
    count[row] -= 1
    return int(f)


@npl.jit
def choice_slot(table: Any, mask: Any, row: int, rng: Any) -> int:
    """A uniformly chosen live slot of ``known[row]`` (not empty), by rejection: uniform
    over the set, like ``random.choice(list(known[row]))``."""
    size = mask[row] + 1
    while True:
        slot = min(int(rng.random() * size), size - 1)
        if table[row, slot] >= 0:
            return int(slot)


@npl.jit
def choice(table: Any, mask: Any, row: int, rng: Any) -> int:
    """A uniformly chosen fact of ``known[row]`` (not empty)."""
    return int(table[row, choice_slot(table, mask, row, rng)])


@npl.jit
def discard_any(table: Any, mask: Any, count: Any, row: int, rng: Any) -> int:
    """Remove a uniformly chosen fact of ``known[row]`` (not empty) and return it."""
    slot = choice_slot(table, mask, row, rng)
    f = table[row, slot]
    table[row, slot] = DUMMY
    count[row] -= 1
    return int(f)
