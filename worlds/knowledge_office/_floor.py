"""The floor: the notebook's run loop as an agent, handing out turns one at a time.

The notebook's ticks are sequential: each worker acts in turn, and under the free-colleague
pool (``run_experiment_v2``) a colleague who was asked sits the rest of the tick out. The
floor (a population of one) gives the next free worker in the acting order its ``Turn`` and
waits for its ``Done`` before giving the next, so every ask, answer, query and write of a turn
happens before the next turn starts, all within the tick: its clock is sequential, and what a
turn sends with delay 0 is delivered depth first before the floor moves on. With the pool, the
next worker to act leaves the pool as it starts, and an asker is introduced (``find``) to a
colleague drawn uniformly from the pool, who leaves it and does not act this tick.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._params import Ask, Done


@npl.jit
def leave(s: Any, w: int) -> None:
    """Worker ``w`` leaves the pool (``free[:n_free]`` are free, ``where[w]`` is w's index
    there or -1)."""
    k = s.where[0, w]
    s.n_free[0] -= 1
    last = s.free[0, s.n_free[0]]
    s.free[0, k] = last
    s.where[0, last] = k
    s.where[0, w] = -1


@npl.jit
def next_worker(s: Any) -> int:
    """The next free worker in the acting order, who leaves the pool; -1 when all have acted."""
    while s.cursor[0] < s.workers:
        w = s.order[0, s.cursor[0]]
        s.cursor[0] += 1
        if s.where[0, w] >= 0:
            leave(s, w)
            return int(w)
    return -1


class Floor(npl.Population):
    """The acting order of the tick and the pool of free colleagues (``n`` = 1)."""

    workers: int = 1
    pooled: bool = False
    shuffled: bool = False
    order: npt.NDArray[np.int64] = npl.column(np.int64, 0, shape=(1,))
    free: npt.NDArray[np.int64] = npl.column(np.int64, 0, shape=(1,))
    where: npt.NDArray[np.int64] = npl.column(np.int64, 0, shape=(1,))
    n_free: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    cursor: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        # One entry per worker (a column of the floor, whose one agent holds the loop).
        for name in ("order", "free", "where"):
            if getattr(self, name).shape != (self.n, self.workers):
                setattr(self, name, np.zeros((self.n, self.workers), np.int64))

    @npl.channel(compiled=True, sends={"turn": "workers.turn"})
    def tick(s: Any, i: int, m: npl.Tick, ctx: Any, turn: Any) -> None:
        """Start the tick: everyone is free, in the acting order; the first turn."""
        for k in range(s.workers):
            s.order[0, k] = k
            s.free[0, k] = k
            s.where[0, k] = k
        if s.shuffled:  # Fisher–Yates
            for k in range(s.workers - 1, 0, -1):
                j = min(int(ctx.rng.random() * (k + 1)), k)
                w = s.order[0, k]
                s.order[0, k] = s.order[0, j]
                s.order[0, j] = w
        s.n_free[0] = s.workers
        s.cursor[0] = 0
        w = next_worker(s)
        npl.send(turn, w, s.n_free[0] if s.pooled else 0)

    @npl.channel(compiled=True, sends={"turn": "workers.turn"})
    def done(s: Any, i: int, m: Done, ctx: Any, turn: Any) -> None:
        """A turn is over: hand the next one out."""
        w = next_worker(s)
        if w >= 0:
            npl.send(turn, w, s.n_free[0] if s.pooled else 0)

    @npl.channel(compiled=True, sends={"ask": "workers.ask"})
    def find(s: Any, i: int, m: Ask, ctx: Any, ask: Any) -> None:
        """Introduce the asker to a uniformly drawn free colleague, who leaves the pool."""
        colleague = s.free[0, min(int(ctx.rng.random() * s.n_free[0]), s.n_free[0] - 1)]
        leave(s, colleague)
        npl.send(ask, colleague, m.asker, m.fact)
