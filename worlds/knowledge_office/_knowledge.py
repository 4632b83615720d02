"""What each worker of a population knows: sets of facts (ints ≥ 0), one per worker, as arrays.

Two representations share one interface. :class:`UniformKnowledge` (fidelity ``corrected``)
forgets a uniformly chosen fact. :class:`SeedKnowledge` (fidelity ``seed``) forgets what the
notebook's ``set.pop()`` removes: it emulates CPython 3.11's set hash table per worker
(open addressing, 9 linear probes then perturbed jumps, the last dummy on the probe path
reused, resize to ``used·4`` when 3/5 full, ``pop`` taking the first live slot at or after a
moving finger), so the removed fact is the one CPython would remove; membership is a lookup
in the same table, so memory follows the sets' sizes, not the number of facts.
``tests/worlds/test_knowledge_office.py`` checks it against real sets operation by operation.

Every method takes ``rows`` (worker indices, each at most once per call) and acts on all of
them at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

EMPTY = -1
DUMMY = -2
LINEAR_PROBES = 9
PERTURB_SHIFT = 5
MIN_SIZE = 8


class Knowledge:
    """``n`` sets of facts in ``range(facts)``, with a count per worker."""

    def __init__(self, n: int, facts: int) -> None:
        self.n = n
        self.facts = facts
        self.count = np.zeros(n, np.int64)

    def knows(self, rows: Ints, facts: Ints) -> Bools:
        """Whether worker ``rows[k]`` knows ``facts[k]`` (False for facts outside the range)."""
        raise NotImplementedError

    def add(self, rows: Ints, facts: Ints) -> Bools:
        """Add ``facts[k]`` (in range) to worker ``rows[k]``'s set; return which were new."""
        raise NotImplementedError

    def forget(self, rows: Ints, rng: np.random.Generator) -> Ints:
        """Remove one fact from each worker of ``rows`` (each knows at least one); return them."""
        raise NotImplementedError

    def sample(self, rows: Ints, rng: np.random.Generator) -> Ints:
        """A uniformly chosen known fact of each worker of ``rows`` (each knows at least one)."""
        raise NotImplementedError

    def facts_of(self, row: int) -> Ints:
        """The facts worker ``row`` knows, ascending."""
        raise NotImplementedError


class UniformKnowledge(Knowledge):
    """Sets that forget a uniformly chosen fact: a dense list of each worker's facts."""

    def __init__(self, n: int, facts: int) -> None:
        super().__init__(n, facts)
        self.bits = np.zeros((n, (facts + 7) // 8), np.uint8)
        self.items = np.zeros((n, 16), np.int64)

    def knows(self, rows: Ints, facts: Ints) -> Bools:
        facts = np.asarray(facts, np.int64)
        ok = (facts >= 0) & (facts < self.facts)
        f = np.where(ok, facts, 0)
        bit = (self.bits[rows, f >> 3] >> (f & 7).astype(np.uint8)) & 1
        known: Bools = ok & (bit == 1)
        return known

    def add(self, rows: Ints, facts: Ints) -> Bools:
        rows = np.asarray(rows, np.int64)
        facts = np.asarray(facts, np.int64)
        byte = facts >> 3
        bit = (1 << (facts & 7)).astype(np.uint8)
        old = self.bits[rows, byte]
        new = (old & bit) == 0
        r = rows[new]
        if r.size:
            self.bits[r, byte[new]] = old[new] | bit[new]
            self.count[r] += 1
            self._insert(r, facts[new])
        added: Bools = new
        return added

    def facts_of(self, row: int) -> Ints:
        bits = np.unpackbits(self.bits[row], bitorder="little")[: self.facts]
        return np.flatnonzero(bits).astype(np.int64)

    def _clear(self, rows: Ints, facts: Ints) -> None:
        self.bits[rows, facts >> 3] &= ~(1 << (facts & 7)).astype(np.uint8)
        self.count[rows] -= 1

    def _insert(self, rows: Ints, facts: Ints) -> None:
        need = int(self.count[rows].max())
        if need > self.items.shape[1]:
            grown = np.zeros((self.n, max(need, 2 * self.items.shape[1])), np.int64)
            grown[:, : self.items.shape[1]] = self.items
            self.items = grown
        self.items[rows, self.count[rows] - 1] = facts

    def _pick(self, rows: Ints, rng: np.random.Generator) -> Ints:
        return (rng.random(rows.size) * self.count[rows]).astype(np.int64)

    def forget(self, rows: Ints, rng: np.random.Generator) -> Ints:
        rows = np.asarray(rows, np.int64)
        k = self._pick(rows, rng)
        facts = self.items[rows, k]
        self.items[rows, k] = self.items[rows, self.count[rows] - 1]
        self._clear(rows, facts)
        return facts

    def sample(self, rows: Ints, rng: np.random.Generator) -> Ints:
        rows = np.asarray(rows, np.int64)
        return self.items[rows, self._pick(rows, rng)]


class SeedKnowledge(Knowledge):
    """Sets that forget what CPython's ``set.pop()`` removes (see the module docstring)."""

    def __init__(self, n: int, facts: int) -> None:
        super().__init__(n, facts)
        self.table = np.full((n, MIN_SIZE), EMPTY, np.int32)  # facts < 2^31
        self.mask = np.full(n, MIN_SIZE - 1, np.int64)
        self.fill = np.zeros(n, np.int64)
        self.finger = np.zeros(n, np.int64)

    # The probe sequence of CPython's set: slot i, then i+1 … i+9 when they fit below the
    # mask, then i = (5i + 1 + perturb) & mask with perturb >>= 5, and so on. A search stops
    # at the key or at an empty slot; an insertion reuses the last dummy passed, if any.
    def _probe(self, rows: Ints, facts: Ints) -> tuple[Bools, Ints, Ints]:
        """``set_add_entry``'s search: (found, slot where found or empty, last dummy or -1)."""
        mask = self.mask[rows]
        i = facts & mask
        perturb = facts.copy()
        j = np.zeros_like(i)
        probes = np.where(i + LINEAR_PROBES <= mask, LINEAR_PROBES, 0)
        free = np.full_like(i, -1)
        slot_of = np.empty_like(i)
        found = np.zeros(rows.size, bool)
        # Fastest path: the first slot holds the key or is empty (most keys, at ≤ 3/5 load).
        entry = self.table[rows, i]
        easy = (entry == facts) | (entry == EMPTY)
        found[easy] = entry[easy] == facts[easy]
        slot_of[easy] = i[easy]
        hard = np.flatnonzero(~easy)
        # Fast path: the first run of 1 + 9 linear probes of the other keys, in one gather.
        run = hard[probes[hard] == LINEAR_PROBES]
        window = np.arange(LINEAR_PROBES + 1)
        entries = self.table[rows[run, None], i[run, None] + window]
        hit = entries == facts[run, None]
        stop = hit | (entries == EMPTY)
        stopped = stop.any(axis=1)
        first = np.where(stopped, stop.argmax(axis=1), LINEAR_PROBES + 1)
        dummy = (entries == DUMMY) & (window < first[:, None])
        has_dummy = dummy.any(axis=1)
        last = LINEAR_PROBES - dummy[:, ::-1].argmax(axis=1)
        free[run[has_dummy]] = i[run[has_dummy]] + last[has_dummy]
        slot_of[run[stopped]] = i[run[stopped]] + first[stopped]
        found[run[stopped]] = hit[stopped, first[stopped]]
        j[run[~stopped]] = LINEAR_PROBES + 1  # the run held neither: jump on
        settled = easy
        settled[run[stopped]] = True
        todo = np.flatnonzero(~settled)
        while todo.size:
            jump = todo[j[todo] > probes[todo]]
            if jump.size:
                perturb[jump] >>= PERTURB_SHIFT
                i[jump] = (i[jump] * 5 + 1 + perturb[jump]) & mask[jump]
                j[jump] = 0
                probes[jump] = np.where(i[jump] + LINEAR_PROBES <= mask[jump], LINEAR_PROBES, 0)
            slot = i[todo] + j[todo]
            entry = self.table[rows[todo], slot]
            is_dummy = entry == DUMMY
            free[todo[is_dummy]] = slot[is_dummy]
            is_hit = entry == facts[todo]
            stop = is_hit | (entry == EMPTY)
            found[todo[is_hit]] = True
            slot_of[todo[stop]] = slot[stop]
            todo = todo[~stop]
            j[todo] += 1
        return found, slot_of, free

    def knows(self, rows: Ints, facts: Ints) -> Bools:
        rows = np.asarray(rows, np.int64)
        facts = np.asarray(facts, np.int64)
        valid = facts >= 0
        found, _, _ = self._probe(rows, np.where(valid, facts, 0))
        return found & valid

    def add(self, rows: Ints, facts: Ints) -> Bools:
        """``set.add``: insert in the last dummy passed, else in the empty slot found."""
        rows = np.asarray(rows, np.int64)
        facts = np.asarray(facts, np.int64)
        found, slot, free = self._probe(rows, facts)
        new = ~found
        r, f, slot, free = rows[new], facts[new], slot[new], free[new]
        if r.size:
            reuse = free >= 0
            self.table[r, np.where(reuse, free, slot)] = f
            self.count[r] += 1
            fresh = r[~reuse]
            self.fill[fresh] += 1
            full = fresh[self.fill[fresh] * 5 >= self.mask[fresh] * 3]
            if full.size:
                self._resize(full)
        return new

    def facts_of(self, row: int) -> Ints:
        return np.sort(self.order_of(row)).astype(np.int64)

    def _resize(self, rows: Ints) -> None:
        """``set_table_resize``: rebuild ``rows`` into tables > 4·used (2·used past 50 000).

        The rebuild re-inserts the live keys in old slot order, each into the first empty
        slot of its probe sequence. That serial insertion is computed for all keys at once
        as a deferred acceptance (keys propose along their probe sequences, a slot keeps its
        earliest key): with one priority order shared by all slots, its unique stable
        outcome is the serial one.
        """
        used = self.count[rows]
        minused = np.where(used > 50_000, used * 2, used * 4)
        size = np.full(rows.size, MIN_SIZE, np.int64)
        while (small := size <= minused).any():
            size[small] <<= 1
        old = self.table[rows]
        live = (old >= 0) & (np.arange(old.shape[1]) <= self.mask[rows][:, None])
        owner, _ = np.nonzero(live)  # row-major: keys in old slot order, row by row
        keys = old[live]
        cap = int(size.max())
        if cap > self.table.shape[1]:
            grown = np.full((self.n, cap), EMPTY, np.int32)
            grown[:, : self.table.shape[1]] = self.table
            self.table = grown
        width = self.table.shape[1]
        mask = (size - 1)[owner]
        i = keys & mask
        perturb = keys.copy()
        j = np.zeros_like(i)
        probes = np.where(i + LINEAR_PROBES <= mask, LINEAR_PROBES, 0)
        holder = np.full(rows.size * width, -1, np.int64)
        todo = np.arange(keys.size)
        while todo.size:
            flat = owner[todo] * width + i[todo] + j[todo]
            # Among the proposers to one slot and its holder, the earliest key wins.
            by_slot = np.lexsort((todo, flat))
            sorted_flat = flat[by_slot]
            first = by_slot[np.r_[True, sorted_flat[1:] != sorted_flat[:-1]]]
            cand, where = todo[first], flat[first]
            held = holder[where]
            win = (held < 0) | (cand < held)
            holder[where[win]] = cand[win]
            evicted = held[win & (held >= 0)]
            won = np.zeros(todo.size, bool)
            won[first[win]] = True
            todo = np.concatenate([todo[~won], evicted])
            j[todo] += 1
            jump = todo[j[todo] > probes[todo]]
            if jump.size:
                perturb[jump] >>= PERTURB_SHIFT
                i[jump] = (i[jump] * 5 + 1 + perturb[jump]) & mask[jump]
                j[jump] = 0
                probes[jump] = np.where(i[jump] + LINEAR_PROBES <= mask[jump], LINEAR_PROBES, 0)
        table = holder.reshape(rows.size, width)
        placed = table >= 0
        table[placed] = keys[table[placed]]
        table[~placed] = EMPTY
        self.table[rows] = table
        self.mask[rows] = size - 1
        self.fill[rows] = used

    def forget(self, rows: Ints, rng: np.random.Generator) -> Ints:
        """``set.pop()``: the first live slot at or after the finger, wrapping around."""
        rows = np.asarray(rows, np.int64)
        facts = np.empty(rows.size, np.int64)
        slots = np.empty(rows.size, np.int64)
        mask = self.mask[rows]
        start = self.finger[rows] & mask
        window = 64
        idx = (start[:, None] + np.arange(window)) & mask[:, None]
        vals = self.table[rows[:, None], idx]
        live = vals >= 0
        hit = live.any(axis=1)
        first = live.argmax(axis=1)
        slots[hit] = idx[hit, first[hit]]
        for k in np.flatnonzero(~hit):  # a long empty stretch: scan the whole table
            row = self.table[rows[k], : mask[k] + 1]
            order = (start[k] + np.arange(mask[k] + 1)) & mask[k]
            slots[k] = order[np.argmax(row[order] >= 0)]
        facts[:] = self.table[rows, slots]
        self.table[rows, slots] = DUMMY
        self.finger[rows] = slots + 1
        self.count[rows] -= 1
        return facts

    def sample(self, rows: Ints, rng: np.random.Generator) -> Ints:
        """A uniform live slot by rejection (uniform over the set, like ``random.choice``)."""
        rows = np.asarray(rows, np.int64)
        facts = np.empty(rows.size, np.int64)
        todo = np.arange(rows.size)
        while todo.size:
            slot = (rng.random(todo.size) * (self.mask[rows[todo]] + 1)).astype(np.int64)
            vals = self.table[rows[todo], slot]
            ok = vals >= 0
            facts[todo[ok]] = vals[ok]
            todo = todo[~ok]
        return facts

    def order_of(self, row: int) -> Ints:
        """Worker ``row``'s facts in table order: the order ``list(set)`` would give."""
        t = self.table[row, : self.mask[row] + 1]
        return t[t >= 0].astype(np.int64)
