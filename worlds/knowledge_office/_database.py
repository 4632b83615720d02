"""The shared database: one agent with a ``write`` and a ``query`` channel.

The notebook's database is a set that a worker's write changes at once, so a later worker of
the same tick can find the fact. Here a write is stamped with its tick and the writer's
position in the tick, and a query finds a fact written at an earlier tick or earlier in the
same tick; ``write`` is declared before ``query`` so a round's writes are in before its
queries are answered. Queries and writes never interleave otherwise, so this is exact.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._params import Answer, Query, Write

NEVER = np.iinfo(np.int64).max


class Database(npl.Population):
    """The database, a population of one: ``stamp[f]`` orders the first write of fact ``f``."""

    facts: int = attrs.field(default=0, kw_only=True)
    workers: int = attrs.field(default=1, kw_only=True)
    group: str = attrs.field(default="workers", kw_only=True)
    stamp: npt.NDArray[np.int64] = attrs.field(factory=lambda: np.zeros(0, np.int64), kw_only=True)
    size: int = attrs.field(default=0, kw_only=True)
    writes: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.stamp.size != self.facts:
            self.stamp = np.full(self.facts, NEVER, np.int64)

    def _now(self, ctx: npl.Context, turn: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return int(ctx.now) * (self.workers + 1) + turn

    @npl.channel
    def write(self, batch: npl.Batch[Write], ctx: npl.Context) -> None:
        """Store each fact, remembering when it first arrived."""
        fact = batch.fact.astype(np.int64)
        stamp = self._now(ctx, batch.turn.astype(np.int64))
        fresh = self.stamp[fact] == NEVER
        self.size += int(np.unique(fact[fresh]).size)
        last_smallest = np.argsort(stamp, kind="stable")[::-1]  # assignment keeps the last
        f, s = fact[last_smallest], stamp[last_smallest]
        self.stamp[f] = np.minimum(self.stamp[f], s)
        self.writes += len(batch)

    @npl.channel
    def query(self, batch: npl.Batch[Query], ctx: npl.Context) -> None:
        """Answer each query: was the fact written before the asker's turn?"""
        fact = batch.fact.astype(np.int64)
        inside = (fact >= 0) & (fact < self.facts)  # seed targets may lie beyond the facts
        stamp = self.stamp[np.where(inside, fact, 0)]
        known = inside & (stamp < self._now(ctx, batch.turn.astype(np.int64)))
        ctx.send(self.group, "answer", npl.Batch(Answer, batch.asker, fact=fact, known=known))

    def contents(self) -> npt.NDArray[np.int64]:
        """The facts stored, ascending."""
        return np.flatnonzero(self.stamp != NEVER).astype(np.int64)
