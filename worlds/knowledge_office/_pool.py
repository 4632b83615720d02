"""The free-colleague pool of the notebook's ``run_experiment_v2``, drawn many ticks at a time.

Within a tick the pool is sequential: going through the acting order, a worker still in the
pool leaves it and acts; if it wants company (its draw r < socialise_rate) and the pool is not
empty, it asks a colleague drawn uniformly from the pool, who leaves the pool and sits the tick
out. Who acts and who asks whom depends only on these draws, never on what anyone knows, so
the pairings of successive ticks are independent and identically distributed.

:class:`PoolDraws` therefore draws the pool of a block of ticks at once, going through the
positions 0 … n-1 of the acting order once for the whole block (each step is array code over
the block's ticks). The uniform draw from the pool is exact: a position drawn uniformly after
the current one is accepted if it is still free, else drawn again (rejection sampling).
The result has exactly the law of the sequential loop; only the order of the random draws
differs. Positions are mapped to workers through each tick's acting order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


class PoolDraws:
    """Draws of the pool for ``n`` positions and a buffer of future ticks.

    ``next()`` gives one tick: ``r`` (each position's uniform draw, which also decides the
    database variant's other actions), ``partner`` (the position asked, or -1) and ``acts``
    (whether the position acts: it was not asked).
    """

    def __init__(self, n: int, socialise_rate: float, block: int | None = None) -> None:
        self.n = n
        self.rate = socialise_rate
        # Blocks grow from a few ticks (short runs pay little) to about 2^20 draws.
        self.block = block or min(128, max(8, (1 << 20) // max(n, 1)))
        self.largest = block or max(8, (1 << 20) // max(n, 1))
        self._r: npt.NDArray[np.float64] = np.zeros((0, n))
        self._partner: Ints = np.zeros((0, n), np.int64)
        self._asked: npt.NDArray[np.bool_] = np.zeros((0, n), bool)
        self._k = 0

    def next(self, rng: np.random.Generator) -> tuple[Any, Ints, Any]:
        if self._k >= self._r.shape[0]:
            self._draw(rng)
        k = self._k
        self._k += 1
        return self._r[k], self._partner[k], ~self._asked[k]

    def _draw(self, rng: np.random.Generator) -> None:
        n, ticks = self.n, self.block
        r = rng.random((ticks, n))
        wants = r < self.rate
        asked = np.zeros((ticks, n), bool)
        partner = np.full((ticks, n), -1, np.int64)
        pending = np.zeros(ticks, np.int64)  # asked positions after the current one
        for a in range(n):
            was_asked = asked[:, a]
            pending -= was_asked
            left = n - 1 - a  # positions after a
            if left == 0:
                break
            rows = np.flatnonzero(wants[:, a] & ~was_asked & (left - pending > 0))
            if not rows.size:
                continue
            choice = np.empty(rows.size, np.int64)
            todo = np.arange(rows.size)
            while todo.size:
                c = a + 1 + np.minimum((rng.random(todo.size) * left).astype(np.int64), left - 1)
                free = ~asked[rows[todo], c]
                choice[todo[free]] = c[free]
                todo = todo[~free]
            asked[rows, choice] = True
            partner[rows, a] = choice
            pending[rows] += 1
        self._r, self._partner, self._asked, self._k = r, partner, asked, 0
        self.block = min(2 * self.block, self.largest)
