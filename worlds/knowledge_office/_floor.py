"""The floor: the pool of free colleagues of the notebook's ``run_experiment_v2``.

Going through the acting order, a worker still in the pool leaves it and acts; if it wants
company and the pool is not empty, it asks a colleague drawn uniformly from the pool, who
leaves the pool and sits the tick out. The turns are the workers' own (a sequential clock);
the floor, a population of one, keeps the pool: a worker who acts tells it (``Leave``, or
``Find`` to be introduced to a free colleague, whom the floor passes the question to, or
answers ``Alone`` when nobody is free).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._params import Find, Leave


@npl.jit
def remove(free: Any, where: Any, n_free: Any, w: int) -> None:
    """Worker ``w`` leaves the pool: ``free[0, :n_free[0]]`` are the free workers, and
    ``where[0, w]`` is w's place there (-1: not free)."""
    k = where[0, w]
    if k < 0:
        return
    n_free[0] -= 1
    last = free[0, n_free[0]]
    free[0, k] = last
    where[0, last] = k
    where[0, w] = -1


class Floor(npl.Population):
    """The pool of free colleagues (``n`` = 1; one entry per worker in its columns)."""

    workers: int = 1
    free: npt.NDArray[np.int64] = npl.column(np.int64, 0, shape=(1,))
    where: npt.NDArray[np.int64] = npl.column(np.int64, 0, shape=(1,))
    n_free: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        for name in ("free", "where"):
            if getattr(self, name).shape != (self.n, self.workers):
                setattr(self, name, np.zeros((self.n, self.workers), np.int64))

    @npl.channel(compiled=True)
    def tick(s: Any, i: int, m: npl.Tick, ctx: Any) -> None:
        """A new tick: everyone is free."""
        for w in range(s.workers):
            s.free[0, w] = w
            s.where[0, w] = w
        s.n_free[0] = s.workers

    @npl.channel(compiled=True)
    def leave(s: Any, i: int, m: Leave, ctx: Any) -> None:
        """A worker acts on its own: it leaves the pool."""
        remove(s.free, s.where, s.n_free, m.worker)

    @npl.channel(compiled=True, sends={"ask": "workers.ask", "alone": "workers.alone"})
    def find(s: Any, i: int, m: Find, ctx: Any, ask: Any, alone: Any) -> None:
        """A worker acts and wants company: it leaves the pool, and its question goes to a
        colleague drawn uniformly from the pool, who leaves it too; or nobody is free."""
        remove(s.free, s.where, s.n_free, m.asker)
        n = s.n_free[0]
        if n == 0:
            npl.send(alone, m.asker, m.asker)
            return
        colleague = s.free[0, min(int(ctx.rng.random() * n), n - 1)]
        remove(s.free, s.where, s.n_free, colleague)
        npl.send(ask, colleague, m.asker, m.fact)
