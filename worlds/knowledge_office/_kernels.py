"""The compiled tick of the knowledge office: numba kernels over the population's arrays.

Imported only by ``implementation="compiled"`` (numba is an optional dependency). The kernels
work on the very arrays of :class:`SeedKnowledge` (CPython's set table per worker, same layout,
same probe, pop and resize rules) and :class:`UniformKnowledge` (a bitmap and a dense list of
facts per worker), so both representations, their ``facts_of`` and the world's invariants are
shared with the population implementation.

Randomness: the tick handler draws one 32-bit seed from its ``ctx.rng`` per call and the kernel
seeds numba's internal Mersenne Twister with it (``np.random.seed`` inside the kernel), then
draws every number of the tick there. The stream is therefore a function of the world's own
stream tree (same seed, same run; snapshots restore it), though not the numbers the population
implementation draws.
"""

# ruff: noqa: NPY002, SIM108, SIM109
# (numba kernels: np.random.* is numba's internal generator, seeded per tick; plain branches
# compile to plainer code)
from __future__ import annotations

import numba
import numpy as np

EMPTY = -1
DUMMY = -2
LINEAR_PROBES = 9
PERTURB_SHIFT = 5
MIN_SIZE = 8

# Variant codes (the order of ``_params.VARIANTS``).
RESEARCHER, FORGETFUL, SOCIABLE_V1, SOCIABLE, DATABASE = range(5)

njit = numba.njit(cache=True, nogil=True)


# -- CPython's set table (fidelity seed) -------------------------------------------------


@njit
def _probe(table, row, mask, f):  # type: ignore[no-untyped-def]
    """``set_add_entry``'s search: (found, slot where found or empty, last dummy or -1)."""
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


@njit
def _size_for(used):  # type: ignore[no-untyped-def]
    minused = used * 2 if used > 50_000 else used * 4
    size = MIN_SIZE
    while size <= minused:
        size <<= 1
    return size


@njit
def _resize(table, mask, fill, count, row):  # type: ignore[no-untyped-def]
    """``set_table_resize``: re-insert the live keys in old slot order into a fresh table."""
    used = count[row]
    size = _size_for(used)
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
    for k in range(used):
        f = keys[k]
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


@njit
def seed_knows(table, mask, row, f):  # type: ignore[no-untyped-def]
    if f < 0:
        return False
    found, _, _ = _probe(table, row, mask[row], f)
    return found


@njit
def seed_add(table, mask, fill, count, row, f):  # type: ignore[no-untyped-def]
    """``set.add``: insert in the last dummy passed, else in the empty slot found."""
    found, slot, free = _probe(table, row, mask[row], f)
    if found:
        return False
    count[row] += 1
    if free >= 0:
        table[row, free] = f
    else:
        table[row, slot] = f
        fill[row] += 1
        if fill[row] * 5 >= mask[row] * 3:
            _resize(table, mask, fill, count, row)
    return True


@njit
def seed_pop(table, mask, finger, count, row):  # type: ignore[no-untyped-def]
    """``set.pop()``: the first live slot at or after the finger, wrapping around."""
    m = mask[row]
    i = finger[row] & m
    while table[row, i] < 0:
        i = (i + 1) & m
    f = table[row, i]
    table[row, i] = DUMMY
    finger[row] = i + 1
    count[row] -= 1
    return f


@njit
def seed_sample(table, mask, row):  # type: ignore[no-untyped-def]
    """A uniformly chosen element: a uniform live slot, by rejection."""
    size = mask[row] + 1
    while True:
        e = table[row, np.random.randint(0, size)]
        if e >= 0:
            return e


# -- a bitmap and a dense list per worker (fidelity corrected) ------------------------------


@njit
def uniform_knows(bits, facts, row, f):  # type: ignore[no-untyped-def]
    if f < 0 or f >= facts:
        return False
    return (bits[row, f >> 3] >> (f & 7)) & 1 == 1


@njit
def uniform_add(bits, items, count, row, f):  # type: ignore[no-untyped-def]
    b = np.uint8(1 << (f & 7))
    if bits[row, f >> 3] & b:
        return False
    bits[row, f >> 3] |= b
    items[row, count[row]] = f
    count[row] += 1
    return True


@njit
def uniform_forget(bits, items, count, row):  # type: ignore[no-untyped-def]
    """Remove a uniformly chosen fact (swap with the last of the dense list)."""
    c = count[row]
    k = np.random.randint(0, c)
    f = items[row, k]
    items[row, k] = items[row, c - 1]
    bits[row, f >> 3] &= np.uint8(~(1 << (f & 7)) & 0xFF)
    count[row] = c - 1
    return f


# -- one interface over both representations -------------------------------------------------


@njit
def knows(seed, table, mask, bits, facts, row, f):  # type: ignore[no-untyped-def]
    if seed:
        return seed_knows(table, mask, row, f)
    return uniform_knows(bits, facts, row, f)


@njit
def add(seed, table, mask, fill, bits, items, count, row, f):  # type: ignore[no-untyped-def]
    if seed:
        return seed_add(table, mask, fill, count, row, f)
    return uniform_add(bits, items, count, row, f)


@njit
def capacity_needed(seed, count):  # type: ignore[no-untyped-def]
    """The table (seed) or list (corrected) width a tick may need: each worker gains ≤ 1 fact."""
    top = 0
    for c in count:
        top = max(top, c)
    return _size_for(top + 1) if seed else top + 1


@njit
def learn(seed, table, mask, fill, bits, items, count, target, done, rows, facts, known):  # type: ignore[no-untyped-def]
    """Answers: each asker of ``rows`` learns its fact if it was known."""
    for k in range(rows.size):
        if known[k]:
            w = rows[k]
            if (
                add(seed, table, mask, fill, bits, items, count, w, facts[k])
                and facts[k] == target[w]
            ):
                done[w] = True


@njit
def tick(  # type: ignore[no-untyped-def]
    variant,
    seed,
    rng_seed,
    rates,
    n_targets,
    n_facts,
    order,
    target,
    done,
    table,
    mask,
    fill,
    finger,
    bits,
    items,
    count,
    free,
    where,
    out,
    betas,
    pending,
):
    """One tick of the whole office, turn by turn in ``order``, as the notebook's loop.

    ``rates`` = (forget, socialise, socialise + query, socialise + query + write,
    contribution success). ``done[w]`` (W: target known) is kept up to date
    at every change. Database queries and writes are not answered here: they are written to
    ``out`` (rows: asker or -1, fact, turn, kind 0 = query / 1 = write) for the database
    agent; the number of rows is returned. ``betas`` holds ≥ n Beta(a, b) draws for research
    (numba's own beta sampler is about three times slower than numpy's).

    Two passes. A worker's set changes only at its own turn, and in every variant but
    sociable_v1 nobody reads it after that turn in the same tick (researchers read no one;
    with the pool, only colleagues still free are asked). So the turns run in order with each
    worker's one addition (its research or what a colleague told it) put in ``pending``,
    and :func:`add_pending` makes the additions afterwards, worker by worker: each set sees
    the same operations in the same order, so the results are those of the one-pass loop.
    The split pays because a tight loop of independent additions lets the processor overlap
    their memory accesses, which the branches of the turn loop prevented (the tick of the
    grand experiment's offices fell from ≈ 300 to ≈ 200 µs at 1000 workers). The additions
    could be shared out among cores, but numba's OpenMP threads spin while they wait and
    made two runs side by side (``Experiment(backend="processes")``) 20× slower.
    sociable_v1 asks anyone, acted or not, so it adds at once, as does every variant when
    ``pending`` is empty (the one-pass loop, kept as the specification the tests hold the
    two passes to).
    """
    np.random.seed(rng_seed)
    forget_rate, s_rate, q_rate, w_rate, csr = rates[0], rates[1], rates[2], rates[3], rates[4]
    n = order.size
    # The notebook's update: work done last tick (target known) means a new target.
    for w in range(n):
        if target[w] < 0 or done[w]:
            target[w] = np.random.randint(0, n_targets)
            done[w] = knows(seed, table, mask, bits, n_facts, w, target[w])
    pooled = variant == SOCIABLE or variant == DATABASE
    defer = variant != SOCIABLE_V1 and pending.size > 0
    pending[:] = -1
    n_free = n
    if pooled:  # the free-colleague pool: free[:n_free] are free, where[w] their positions
        for k in range(n):
            free[k] = k
            where[k] = k
    n_out = 0
    n_betas = 0
    for turn in range(n):
        w = order[turn]
        if pooled:
            k = where[w]
            if k < 0:
                continue  # asked earlier this tick: sits the tick out
            n_free -= 1
            last = free[n_free]
            free[k] = last
            where[last] = k
            where[w] = -1
        if variant != RESEARCHER and count[w] > 0 and np.random.random() < forget_rate:
            f = (
                seed_pop(table, mask, finger, count, w)
                if seed
                else uniform_forget(bits, items, count, w)
            )
            if f == target[w]:
                done[w] = False
        r = np.random.random() if variant >= SOCIABLE_V1 else 1.0
        colleague = -1
        if variant == SOCIABLE_V1 and r < s_rate:
            colleague = np.random.randint(0, n)
        elif pooled and n_free > 0 and r < s_rate:
            k = np.random.randint(0, n_free)
            colleague = free[k]
            n_free -= 1
            last = free[n_free]
            free[k] = last
            where[last] = k
            where[colleague] = -1
        if colleague >= 0:
            # The asker learns now; with the pool the colleague has not acted (its state is the
            # tick's start), without it the colleague answers from its state at this turn.
            if knows(seed, table, mask, bits, n_facts, colleague, target[w]):
                if defer:
                    pending[w] = target[w]
                elif add(seed, table, mask, fill, bits, items, count, w, target[w]):
                    done[w] = True
            continue
        if variant == DATABASE and r < q_rate:
            out[n_out, 0] = w
            out[n_out, 1] = target[w]
            out[n_out, 2] = turn
            out[n_out, 3] = 0
            n_out += 1
            continue
        if variant == DATABASE and count[w] > 0 and r < w_rate:
            if seed:
                f = seed_sample(table, mask, w)
            else:
                f = items[w, np.random.randint(0, count[w])]
            if np.random.random() < csr:
                out[n_out, 0] = -1
                out[n_out, 1] = f
                out[n_out, 2] = turn
                out[n_out, 3] = 1
                n_out += 1
            continue
        f = min(int(n_facts * betas[n_betas]), n_facts - 1)
        n_betas += 1
        if defer:
            pending[w] = f
        elif add(seed, table, mask, fill, bits, items, count, w, f) and f == target[w]:
            done[w] = True
    return n_out


@njit
def add_pending(seed, table, mask, fill, bits, items, count, target, done, pending):  # type: ignore[no-untyped-def]
    """Worker ``w`` adds ``pending[w]`` (-1: nothing to add).

    One loop per representation: through :func:`add`, which takes both, the loop runs at
    half the speed.
    """
    if seed:
        for w in range(pending.size):
            f = pending[w]
            if f >= 0 and seed_add(table, mask, fill, count, w, f) and f == target[w]:
                done[w] = True
    else:
        for w in range(pending.size):
            f = pending[w]
            if f >= 0 and uniform_add(bits, items, count, w, f) and f == target[w]:
                done[w] = True
